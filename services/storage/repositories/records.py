"""Queries on `records` (current state) and `record_versions` (immutable bodies)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from services.storage.models import RecordVersion, StoredRecord

_Query = TypeVar("_Query", Select[StoredRecord], Select[StoredRecord, str])


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """Equality filters of `GET /v1/records` and the export; None means "any"."""

    agency: str | None = None
    report_year: int | None = None
    doc_type: str | None = None
    status: str | None = None
    format_version: str | None = None


def get(session: Session, record_id: str) -> StoredRecord | None:
    return session.scalars(select(StoredRecord).where(StoredRecord.id == record_id)).first()


def get_for_document(session: Session, document_id: str) -> StoredRecord | None:
    return session.scalars(
        select(StoredRecord).where(StoredRecord.document_id == document_id)
    ).first()


def add(session: Session, record: StoredRecord) -> None:
    session.add(record)


def add_version(session: Session, version: RecordVersion) -> None:
    session.add(version)


def version(session: Session, record_id: str, number: int) -> RecordVersion | None:
    return session.scalars(
        select(RecordVersion).where(
            RecordVersion.record_id == record_id, RecordVersion.version == number
        )
    ).first()


def version_for_job(session: Session, job_id: str) -> RecordVersion | None:
    return session.scalars(select(RecordVersion).where(RecordVersion.job_id == job_id)).first()


def versions(session: Session, record_id: str) -> Sequence[RecordVersion]:
    return session.scalars(
        select(RecordVersion)
        .where(RecordVersion.record_id == record_id)
        .order_by(RecordVersion.version)
    ).all()


def page(
    session: Session, filters: RecordFilter, *, before_pk: int | None, limit: int
) -> Sequence[StoredRecord]:
    """Newest first; `before_pk` is the keyset cursor (the last row of the previous page)."""
    query = _filtered(select(StoredRecord), filters)
    if before_pk is not None:
        query = query.where(StoredRecord.pk < before_pk)
    return session.scalars(query.order_by(StoredRecord.pk.desc()).limit(limit)).all()


def iter_current_bodies(
    session: Session, filters: RecordFilter, *, batch: int = 200
) -> Iterator[tuple[StoredRecord, str]]:
    """Every matching record with its current body, streamed in batches (server-side cursor
    on PostgreSQL), oldest first, so an export's memory does not grow with the table."""
    query = _filtered(
        select(StoredRecord, RecordVersion.body).join(
            RecordVersion,
            (RecordVersion.record_id == StoredRecord.id)
            & (RecordVersion.version == StoredRecord.current_version),
        ),
        filters,
    ).order_by(StoredRecord.pk)
    result = session.execute(query.execution_options(yield_per=batch))
    for stored, body in result:
        yield stored, body
        # the identity map would otherwise keep every row seen so far
        session.expunge(stored)


def _filtered(query: _Query, filters: RecordFilter) -> _Query:
    if filters.agency is not None:
        query = query.where(StoredRecord.agency == filters.agency)
    if filters.report_year is not None:
        query = query.where(StoredRecord.report_year == filters.report_year)
    if filters.doc_type is not None:
        query = query.where(StoredRecord.doc_type == filters.doc_type)
    if filters.status is not None:
        query = query.where(StoredRecord.status == filters.status)
    if filters.format_version is not None:
        query = query.where(StoredRecord.format_version == filters.format_version)
    return query
