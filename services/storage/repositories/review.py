"""Queries on `review_items` (the queue) and `review_decisions` (the audit trail)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.orm import Session

from services.storage.models import Document, ReviewDecision, ReviewItem, StoredRecord

PENDING = "pending"
RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Equality filters of `GET /v1/review`; None means "any"."""

    agency: str | None = None
    report_year: int | None = None
    table: str | None = None
    reason: str | None = None
    record_id: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionFilter:
    record_id: str | None = None
    reviewer: str | None = None
    action: str | None = None


@dataclass(frozen=True, slots=True)
class QueueRow:
    item: ReviewItem
    lock_version: int
    current_version: int


# --- the record a decision writes ----------------------------------------------------------------


def locked_record(session: Session, record_id: str) -> StoredRecord | None:
    """The record's row, held until commit (PostgreSQL; SQLite write transactions are serial):
    concurrent decisions on one record take turns, each reading what the previous one wrote."""
    return session.scalars(
        select(StoredRecord)
        .where(StoredRecord.id == record_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


# --- items -------------------------------------------------------------------------------------


def document_text(session: Session, document_id: str) -> str | None:
    text: str | None = session.scalar(select(Document.text).where(Document.id == document_id))
    return text


def items_for_record(session: Session, record_id: str) -> Sequence[ReviewItem]:
    return session.scalars(
        select(ReviewItem).where(ReviewItem.record_id == record_id).order_by(ReviewItem.id)
    ).all()


def add_item(session: Session, item: ReviewItem) -> None:
    session.add(item)


def get_item(session: Session, item_id: int) -> ReviewItem | None:
    return session.get(ReviewItem, item_id)


def queue_page(
    session: Session, filters: QueueFilter, *, after: tuple[datetime, int] | None, limit: int
) -> list[QueueRow]:
    """Pending items, oldest first; `after` is the keyset cursor (queued_at, id) of the last
    item of the previous page."""
    query = (
        select(ReviewItem, StoredRecord.lock_version, StoredRecord.current_version)
        .join(StoredRecord, StoredRecord.id == ReviewItem.record_id)
        .where(*_queue_conditions(filters))
    )
    if after is not None:
        query = query.where(tuple_(ReviewItem.queued_at, ReviewItem.id) > tuple_(*after))
    rows = session.execute(query.order_by(ReviewItem.queued_at, ReviewItem.id).limit(limit)).all()
    return [QueueRow(item, lock, version) for item, lock, version in rows]


def pending_counts(session: Session, filters: QueueFilter) -> dict[str, int]:
    """Pending items per main reason kind, under every filter but the reason itself."""
    unreasoned = QueueFilter(
        filters.agency, filters.report_year, filters.table, None, filters.record_id
    )
    query = (
        select(ReviewItem.reason_kind, func.count())
        .where(*_queue_conditions(unreasoned))
        .group_by(ReviewItem.reason_kind)
    )
    return {kind: int(count) for kind, count in session.execute(query).all()}


def _queue_conditions(filters: QueueFilter) -> list[ColumnElement[bool]]:
    conditions = [ReviewItem.state == PENDING]
    if filters.agency is not None:
        conditions.append(ReviewItem.agency == filters.agency)
    if filters.report_year is not None:
        conditions.append(ReviewItem.report_year == filters.report_year)
    if filters.table is not None:
        conditions.append(ReviewItem.table_name == filters.table)
    if filters.reason is not None:
        conditions.append(ReviewItem.reason_kind == filters.reason)
    if filters.record_id is not None:
        conditions.append(ReviewItem.record_id == filters.record_id)
    return conditions


# --- decisions ---------------------------------------------------------------------------------


def add_decision(session: Session, decision: ReviewDecision) -> None:
    session.add(decision)


def decisions_for_record(session: Session, record_id: str) -> Sequence[ReviewDecision]:
    return session.scalars(
        select(ReviewDecision)
        .where(ReviewDecision.record_id == record_id)
        .order_by(ReviewDecision.id)
    ).all()


def iter_decisions(
    session: Session, filters: DecisionFilter, *, batch: int = 500
) -> Iterator[ReviewDecision]:
    """Matching decisions, oldest first, streamed (server-side cursor on PostgreSQL)."""
    query = select(ReviewDecision).order_by(ReviewDecision.id)
    if filters.record_id is not None:
        query = query.where(ReviewDecision.record_id == filters.record_id)
    if filters.reviewer is not None:
        query = query.where(ReviewDecision.reviewer == filters.reviewer)
    if filters.action is not None:
        query = query.where(ReviewDecision.action == filters.action)
    for decision in session.scalars(query.execution_options(yield_per=batch)):
        yield decision
        session.expunge(decision)  # the identity map would otherwise keep every row


def reviewed_confidences(session: Session) -> list[tuple[float, str, bool]]:
    """(pipeline confidence, action, value changed) of every decision on an undecided field."""
    rows = session.execute(
        select(
            ReviewDecision.confidence_before,
            ReviewDecision.action,
            ReviewDecision.value_changed,
        ).where(ReviewDecision.confidence_before.is_not(None))
    ).all()
    return [
        (float(conf), action, bool(changed)) for conf, action, changed in rows if conf is not None
    ]
