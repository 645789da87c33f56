"""Opaque pagination cursors. A cursor names the last row a page returned (keyset paging),
so pages stay consistent while records are added, and a page costs the same at any depth."""

from __future__ import annotations

import base64
import binascii
import json

from services.errors import InvalidRequestError

_VERSION = 1


def encode(last_pk: int) -> str:
    raw = json.dumps({"v": _VERSION, "before": last_pk}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        before = data["before"] if data.get("v") == _VERSION else None
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error, UnicodeError):
        before = None
    if not isinstance(before, int) or isinstance(before, bool) or before < 1:
        raise InvalidRequestError(
            "the cursor is not one this API returned (use `next_cursor` as given)",
            where="cursor",
        )
    return before
