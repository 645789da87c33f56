"""Errors of the review workflow, inside the `services.errors` tree."""

from __future__ import annotations

from typing import Any

from services.errors import ConflictError, OgiError


class InvalidDecisionError(OgiError):
    """A decision that cannot apply: a value of the wrong type, reject on a table cell, ..."""

    status = 422
    title = "Invalid decision"


class TextNotFoundError(InvalidDecisionError):
    """A list item's text that is not in the document (items are copied from the source)."""

    title = "Text not found in the document"


class PreconditionRequiredError(OgiError):
    """A decision without the lock_version it was made on (RFC 6585: 428)."""

    status = 428
    title = "lock_version required"


class StaleDecisionError(ConflictError):
    """The record changed since the reviewer read it, and the change concerns this decision.

    `current` is what the reviewer should look at now (the record's lock_version, version,
    status, and the item's state and field), so a client can show it without another request.
    """

    title = "Stale decision"

    def __init__(self, message: str, *, current: dict[str, Any], where: str | None = None):
        super().__init__(message, where=where)
        self.current = current
