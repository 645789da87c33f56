"""Errors the job service raises, all inside the `services.errors` tree."""

from __future__ import annotations

import re

from services.errors import ConflictError, OgiError


class IdempotencyKeyMismatchError(OgiError):
    """An Idempotency-Key was reused for a different request (IETF draft: 422)."""

    status = 422
    title = "Idempotency key reused"


class IdempotencyKeyInProgressError(ConflictError):
    """Two requests with one Idempotency-Key arrived at once; the caller should retry."""

    title = "Request with this idempotency key in progress"


class QueueUnavailableError(OgiError):
    """The job is stored but could not be handed to the queue (the broker is down)."""

    status = 503
    title = "Queue unavailable"


class TransientJobError(OgiError):
    """The job hit a failure worth retrying (database, broker or LLM outage)."""

    status = 503
    title = "Temporary failure"


def error_code(exc: BaseException) -> str:
    """`EmptyDocumentError` → `empty_document`: a stable, readable machine code."""
    name = type(exc).__name__.removesuffix("Error") or type(exc).__name__
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
