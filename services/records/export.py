"""Streamed exports: bytes produced a batch of rows at a time, from a streaming query, so an
export of any size holds only one batch in memory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Literal

from schemas.record import Record
from services.records.flatten import COLUMNS, FlatValue, flatten
from services.storage.repositories import records as record_rows
from services.storage.repositories.records import RecordFilter
from services.storage.session import read_session

ExportFormat = Literal["csv", "jsonl"]

MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
}

_ROWS_PER_CHUNK = 50


def export_rows(filters: RecordFilter) -> Iterator[dict[str, FlatValue]]:
    """Each matching record's current version, flattened, oldest first."""
    with read_session() as session:
        for stored, body in record_rows.iter_current_bodies(session, filters):
            yield flatten(Record.model_validate_json(body), stored.current_version)


def export_bytes(filters: RecordFilter, fmt: ExportFormat) -> Iterator[bytes]:
    rows = export_rows(filters)
    return _csv_chunks(rows) if fmt == "csv" else _jsonl_chunks(rows)


def _csv_chunks(rows: Iterator[dict[str, FlatValue]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
        if count % _ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _jsonl_chunks(rows: Iterator[dict[str, FlatValue]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    for count, row in enumerate(rows, start=1):
        buffer.write(json.dumps(row, ensure_ascii=False))
        buffer.write("\n")
        if count % _ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    tail = _drain(buffer)
    if tail:
        yield tail


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
