"""Record retrieval: one record (any version), filtered pages, version history, exports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from services.errors import InvalidRequestError, NotFoundError
from services.jobs.views import as_utc
from services.records import cursor
from services.records.export import ExportFormat, export_bytes
from services.storage.models import StoredRecord
from services.storage.repositories import records as record_rows
from services.storage.repositories.records import RecordFilter
from services.storage.session import read_session

MAX_PAGE_SIZE = 500


@dataclass(frozen=True, slots=True)
class RecordBody:
    record_id: str
    version: int
    current_version: int
    lock_version: int
    json: str  # the stored JSON of schemas.record.Record, byte for byte


@dataclass(frozen=True, slots=True)
class RecordSummary:
    record_id: str
    document_id: str
    version: int
    status: str
    doc_type: str
    format_version: str | None
    agency: str | None
    report_year: int | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RecordPage:
    items: list[RecordSummary]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class VersionSummary:
    version: int
    author: str
    job_id: str | None
    created_at: datetime


def get_record(record_id: str, version: int | None = None) -> RecordBody:
    with read_session() as session:
        stored = record_rows.get(session, record_id)
        if stored is None:
            raise NotFoundError(f"no record with id {record_id!r}", where="record_id")
        number = stored.current_version if version is None else version
        row = record_rows.version(session, record_id, number)
        if row is None:
            raise NotFoundError(
                f"record {record_id} has no version {number} (latest: {stored.current_version})",
                where="version",
            )
        return RecordBody(record_id, number, stored.current_version, stored.lock_version, row.body)


def list_records(filters: RecordFilter, *, after: str | None, limit: int) -> RecordPage:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidRequestError(
            f"limit must be between 1 and {MAX_PAGE_SIZE}, got {limit}", where="limit"
        )
    before_pk = cursor.decode(after) if after is not None else None
    with read_session() as session:
        # one row more than asked tells whether another page exists
        rows = record_rows.page(session, filters, before_pk=before_pk, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = cursor.encode(rows[-1].pk) if more and rows else None
    return RecordPage([_summary(row) for row in rows], next_cursor)


def list_versions(record_id: str) -> list[VersionSummary]:
    with read_session() as session:
        if record_rows.get(session, record_id) is None:
            raise NotFoundError(f"no record with id {record_id!r}", where="record_id")
        return [
            VersionSummary(v.version, v.author, v.job_id, as_utc(v.created_at))
            for v in record_rows.versions(session, record_id)
        ]


def export(filters: RecordFilter, fmt: str) -> Iterator[bytes]:
    return export_bytes(filters, _export_format(fmt))


def _export_format(fmt: str) -> ExportFormat:
    if fmt == "csv":
        return "csv"
    if fmt == "jsonl":
        return "jsonl"
    raise InvalidRequestError(f"format must be csv or jsonl, got {fmt!r}", where="format")


def _summary(row: StoredRecord) -> RecordSummary:
    return RecordSummary(
        record_id=row.id,
        document_id=row.document_id,
        version=row.current_version,
        status=row.status,
        doc_type=row.doc_type,
        format_version=row.format_version,
        agency=row.agency,
        report_year=row.report_year,
        updated_at=as_utc(row.updated_at),
    )
