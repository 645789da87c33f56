"""Opaque queue cursors: the (queued_at, id) of the last item a page returned (keyset paging:
stable while items are decided, and as cheap at any depth)."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from services.errors import InvalidRequestError

_VERSION = 1


def encode(queued_at: datetime, item_id: int) -> str:
    raw = json.dumps(
        {"v": _VERSION, "t": queued_at.isoformat(), "id": item_id}, separators=(",", ":")
    ).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if data.get("v") != _VERSION:
            raise ValueError("unknown cursor version")
        moment, item_id = datetime.fromisoformat(data["t"]), data["id"]
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error, UnicodeError):
        moment, item_id = None, None
    if moment is None or not isinstance(item_id, int) or isinstance(item_id, bool):
        raise InvalidRequestError(
            "the cursor is not one this API returned (use `next_cursor` as given)",
            where="cursor",
        )
    return moment, item_id
