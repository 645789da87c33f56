"""Queries on `idempotency_keys`."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.storage.models import IdempotencyKey


def get(session: Session, principal: str, key: str) -> IdempotencyKey | None:
    return session.get(IdempotencyKey, (principal, key))


def add_if_absent(session: Session, entry: IdempotencyKey) -> IdempotencyKey:
    """Store the entry; if a concurrent request stored the same key first, return that one."""
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError:
        stored = session.get(IdempotencyKey, (entry.principal, entry.key))
        if stored is None:
            raise
        return stored
    return entry
