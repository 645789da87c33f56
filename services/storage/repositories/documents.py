"""Queries on `documents`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.storage.models import Document


def get(session: Session, document_id: str) -> Document | None:
    return session.get(Document, document_id)


def add_if_absent(session: Session, document: Document) -> None:
    """Insert the document unless one with its id exists (one statement, no savepoint: a
    concurrent insert of the same content is not an error)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    values = {c.key: getattr(document, c.key) for c in Document.__table__.columns}
    values = {k: v for k, v in values.items() if v is not None}
    session.execute(insert(Document).values(**values).on_conflict_do_nothing())


def lock(session: Session, document_id: str) -> None:
    """Hold the document's row until commit (PostgreSQL), so that concurrent submissions of one
    document take turns deciding whether a job exists. SQLite write transactions are serial."""
    session.execute(select(Document.id).where(Document.id == document_id).with_for_update())
