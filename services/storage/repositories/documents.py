"""Queries on `documents`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.storage.models import Document


def get(session: Session, document_id: str) -> Document | None:
    return session.get(Document, document_id)


def add_if_absent(session: Session, document: Document) -> Document:
    """Insert the document unless one with its id exists; return the stored one."""
    existing = session.get(Document, document.id)
    if existing is not None:
        return existing
    try:
        # a savepoint, so losing a race to a concurrent insert keeps the outer transaction
        with session.begin_nested():
            session.add(document)
    except IntegrityError:
        stored = session.get(Document, document.id)
        if stored is None:
            raise
        return stored
    return document


def lock(session: Session, document_id: str) -> None:
    """Hold the document's row until commit (PostgreSQL), so that concurrent submissions of one
    document take turns deciding whether a job exists. SQLite write transactions are serial."""
    session.execute(select(Document.id).where(Document.id == document_id).with_for_update())
