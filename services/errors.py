"""The one exception tree of ogi-extract.

    OgiError                      root: every error the service raises on purpose
    ├── InputError                the submitted document is unusable (HTTP 4xx)
    │   ├── EmptyDocumentError    nothing but whitespace                      (422)
    │   ├── BinaryDocumentError   not text in any supported encoding          (415)
    │   └── DocumentTooLargeError over the configured size limit              (413)
    ├── NotFoundError             a job / record / review item does not exist  (404)
    ├── ConflictError             a stale write (optimistic locking)           (409)
    ├── AuthError                 missing or bad API key                   (401/403)
    └── LlmError                  the LLM step gave up (carries its attempts)  (502)

`services.api.problems` maps the tree to `application/problem+json`; the CLI prints `str(err)`.
"""

from __future__ import annotations


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


class NotFoundError(OgiError):
    status = 404
    title = "Not found"


class ConflictError(OgiError):
    status = 409
    title = "Conflict"


class AuthError(OgiError):
    status = 401
    title = "Unauthorized"


class LlmError(OgiError):
    status = 502
    title = "LLM step failed"

    def __init__(self, message: str, *, attempts: list[str] | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts or []
