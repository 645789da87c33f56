"""Queries on `api_keys`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.storage.models import ApiKey
from services.storage.repositories._rows import execute_dml


def add(session: Session, key: ApiKey) -> None:
    session.add(key)


def by_hash(session: Session, key_hash: str) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.key_hash == key_hash)).first()


def all_keys(session: Session) -> Sequence[ApiKey]:
    return session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)).all()


def revoke(session: Session, key_id: str, when: datetime) -> bool:
    """Mark a key revoked; False when no unrevoked key has that id."""
    matched = execute_dml(
        session,
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=when),
    )
    return matched == 1
