"""The one exception tree of ogi-extract. Every error raised on purpose is one of these.

    OgiError                          root                                              (500)
    ├── InputError                    the submitted document or request is unusable     (422)
    │   ├── EmptyDocumentError        nothing but whitespace                            (422)
    │   ├── BinaryDocumentError       not text in any supported encoding                (415)
    │   ├── DocumentTooLargeError     over the configured size limit                    (413)
    │   │   └── RequestTooLargeError  a request body over its limit (services.api.limits)
    │   ├── UnsupportedMediaTypeError a submission in a content type we do not read     (415)
    │   ├── InvalidSubmissionError    a submission without a usable document            (422)
    │   ├── InvalidCallbackUrlError   a callback_url that is not http(s)                (422)
    │   ├── IdempotencyKeyMismatchError  a key reused for another request               (422)
    │   ├── InvalidRequestError       a malformed parameter: cursor, format, filter     (400)
    │   └── InvalidDecisionError      a review decision that cannot apply               (422)
    │       └── TextNotFoundError     an item text that is not in the document          (422)
    ├── NotFoundError                 a job / record / review item does not exist       (404)
    ├── ConflictError                 a concurrent or stale write                       (409)
    │   ├── IdempotencyKeyInProgressError  the same key in flight                       (409)
    │   └── StaleDecisionError        the record changed under a review decision        (409)
    ├── PreconditionRequiredError     a decision without its lock_version               (428)
    ├── AuthError                     missing or unknown API key                        (401)
    │   └── PermissionDeniedError     a key without the scope an endpoint needs         (403)
    ├── UnavailableError              a dependency is down; worth retrying              (503)
    │   ├── QueueUnavailableError     the job is stored but the broker refused it
    │   └── TransientJobError         a job hit a retryable failure (database, broker, LLM)
    ├── LlmError                      the LLM step gave up (carries its attempts)       (502)
    └── ServeError                    `ogi-extract serve` cannot start

`services.api.problems` maps the tree to `application/problem+json`; the CLI prints `str(err)`.
"""

from __future__ import annotations

import re
from typing import Any


class OgiError(Exception):
    """Root of every deliberate error. `status` is the HTTP status it maps to."""

    status: int = 500
    title: str = "Internal error"

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InputError(OgiError):
    status = 422
    title = "Unusable document"


class EmptyDocumentError(InputError):
    status = 422
    title = "Empty document"


class BinaryDocumentError(InputError):
    status = 415
    title = "Not a text document"


class DocumentTooLargeError(InputError):
    status = 413
    title = "Document too large"


class UnsupportedMediaTypeError(InputError):
    status = 415
    title = "Unsupported media type"


class InvalidSubmissionError(InputError):
    status = 422
    title = "Invalid submission"


class InvalidCallbackUrlError(InputError):
    title = "Invalid callback URL"


class IdempotencyKeyMismatchError(InputError):
    """An Idempotency-Key was reused for a different request (IETF draft: 422)."""

    status = 422
    title = "Idempotency key reused"


class InvalidRequestError(InputError):
    """A request parameter is malformed: a bad cursor, an unknown export format, ..."""

    status = 400
    title = "Invalid request"


class InvalidDecisionError(InputError):
    """A decision that cannot apply: a value of the wrong type, reject on a table cell, ..."""

    status = 422
    title = "Invalid decision"


class TextNotFoundError(InvalidDecisionError):
    """A list item's text that is not in the document (items are copied from the source)."""

    title = "Text not found in the document"


class NotFoundError(OgiError):
    status = 404
    title = "Not found"


class ConflictError(OgiError):
    status = 409
    title = "Conflict"


class IdempotencyKeyInProgressError(ConflictError):
    """Two requests with one Idempotency-Key arrived at once; the caller should retry."""

    title = "Request with this idempotency key in progress"


class StaleDecisionError(ConflictError):
    """The record changed since the reviewer read it, and the change concerns this decision.

    `current` is what the reviewer should look at now (the record's lock_version, version,
    status, and the item's state and field), so a client can show it without another request.
    """

    title = "Stale decision"

    def __init__(self, message: str, *, current: dict[str, Any], where: str | None = None):
        super().__init__(message, where=where)
        self.current = current


class PreconditionRequiredError(OgiError):
    """A decision without the lock_version it was made on (RFC 6585: 428)."""

    status = 428
    title = "lock_version required"


class AuthError(OgiError):
    status = 401
    title = "Unauthorized"


class PermissionDeniedError(AuthError):
    """A valid key without the scope an endpoint needs (HTTP 403)."""

    status = 403
    title = "Forbidden"


class UnavailableError(OgiError):
    status = 503
    title = "Service unavailable"


class QueueUnavailableError(UnavailableError):
    """The job is stored but could not be handed to the queue (the broker is down)."""

    title = "Queue unavailable"


class TransientJobError(UnavailableError):
    """The job hit a failure worth retrying (database, broker or LLM outage)."""

    title = "Temporary failure"


class LlmError(OgiError):
    status = 502
    title = "LLM step failed"

    def __init__(self, message: str, *, attempts: list[str] | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts or []


class ServeError(OgiError):
    title = "Cannot start the service"


def error_code(exc: BaseException) -> str:
    """`EmptyDocumentError` → `empty_document`: a stable, readable machine code."""
    name = type(exc).__name__.removesuffix("Error") or type(exc).__name__
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
