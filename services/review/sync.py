"""Review items materialised from a record version, in the transaction that writes it.

Every field pending in the version has a `pending` row (created, or updated in place: one row
per record and field, found by its item key); a row whose field is no longer pending becomes
`resolved`. When a row's field changes (value, confidence, reason, ...), its
`since_lock_version` moves to the record's new lock_version: a decision made on an older
lock_version then knows the reviewer saw something else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from schemas.record import Field, Record
from services.review.context import snippet
from services.review.paths import keyed_fields, table_of
from services.review.reasons import reason_kinds
from services.storage.models import ReviewItem, StoredRecord
from services.storage.repositories import review as review_rows
from services.storage.repositories.review import PENDING, RESOLVED


@dataclass(slots=True)
class SyncResult:
    queued: list[int] = field(default_factory=list)  # new, or pending again
    changed: list[int] = field(default_factory=list)  # still pending, but different now
    resolved: list[int] = field(default_factory=list)  # no longer pending


def sync_review_items(
    session: Session, stored: StoredRecord, record: Record, now: datetime
) -> SyncResult:
    """Bring the record's review items in line with `record`, the version `stored` now points
    at (flushed, so its lock_version is the new one)."""
    rows = {row.item_key: row for row in review_rows.items_for_record(session, stored.id)}
    pending = {
        key: (path, f)
        for key, path, f in keyed_fields(record)
        if f.review is not None and f.review.status == "pending"
    }
    text = _LazyText(session, stored.document_id)
    result = SyncResult()
    new_rows: list[ReviewItem] = []
    for key, (path, f) in pending.items():
        row = rows.get(key)
        if row is None:
            row = _new_row(stored, key, path, f, text.get(), now)
            review_rows.add_item(session, row)
            new_rows.append(row)
        else:
            _refresh(row, stored, path, f, text, now, result)
    for key, row in rows.items():
        if key not in pending and row.state == PENDING:
            row.state, row.resolved_at = RESOLVED, now
            row.record_version, row.since_lock_version = stored.current_version, stored.lock_version
            result.resolved.append(row.id)
    session.flush()
    result.queued.extend(row.id for row in new_rows)
    return result


class _LazyText:
    """The document's text, read only if some item needs a new snippet."""

    def __init__(self, session: Session, document_id: str) -> None:
        self._session = session
        self._document_id = document_id
        self._text: str | None = None

    def get(self) -> str:
        if self._text is None:
            self._text = review_rows.document_text(self._session, self._document_id) or ""
        return self._text


def _new_row(
    stored: StoredRecord, key: str, path: str, f: Field, text: str, now: datetime
) -> ReviewItem:
    row = ReviewItem(
        record_id=stored.id,
        item_key=key,
        state=PENDING,
        queued_at=now,
        resolved_at=None,
        since_lock_version=stored.lock_version,
    )
    _copy_field(row, stored, path, f, text)
    return row


def _refresh(
    row: ReviewItem,
    stored: StoredRecord,
    path: str,
    f: Field,
    text: _LazyText,
    now: datetime,
    result: SyncResult,
) -> None:
    requeued = row.state != PENDING
    changed = requeued or row.field_json != f.model_dump_json()
    if requeued:
        row.state, row.queued_at, row.resolved_at = PENDING, now, None
    if changed:
        row.since_lock_version = stored.lock_version
        _copy_field(row, stored, path, f, text.get())
        (result.queued if requeued else result.changed).append(row.id)
    else:
        # same field, maybe at another index of its list, in a newer version
        row.path, row.record_version = path, stored.current_version
        row.agency, row.report_year = stored.agency, stored.report_year


def _copy_field(row: ReviewItem, stored: StoredRecord, path: str, f: Field, text: str) -> None:
    kinds = reason_kinds(f)
    cut = snippet(text, f.source)
    row.path = path
    row.table_name = table_of(path)
    row.agency, row.report_year = stored.agency, stored.report_year
    row.reason_kind, row.reason_kinds = kinds[0], ",".join(kinds)
    row.field_json = f.model_dump_json()
    row.confidence = f.confidence
    row.snippet, row.snippet_start = cut.text, cut.start
    row.record_version = stored.current_version
