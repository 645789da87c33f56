"""Errors of record retrieval, inside the `services.errors` tree."""

from __future__ import annotations

from services.errors import OgiError


class InvalidRequestError(OgiError):
    """A request parameter is malformed: a bad cursor, an unknown export format, ..."""

    status = 400
    title = "Invalid request"
