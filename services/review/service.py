"""The review use cases: the queue, decisions, adding a missing list item, history, exports,
calibration. Each opens its own transaction (`services.storage.session`).

Optimistic locking: a decision names the record's lock_version it was made on. If the record
has moved on since, the decision still applies when its own item is pending and unchanged since
that lock_version (another field was decided meanwhile), on the current version; otherwise
StaleDecisionError (409) with the current state. Two decisions racing on one record take turns
on the record's row (held for the few milliseconds of the transaction), so the second reads what
the first wrote and goes through the same rule: neither is lost, and none retries in a loop.
A job writing a new version at the same moment does not take the row: the lock_version check
on UPDATE (SQLAlchemy's version_id_col) fails for whichever writer comes second, and a decision
then starts over (a job is retried by its worker).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from schemas.record import Field, Record
from services.config import get_settings
from services.errors import (
    InvalidDecisionError,
    InvalidRequestError,
    NotFoundError,
    StaleDecisionError,
)
from services.jobs.service import filter_columns
from services.jobs.views import as_utc
from services.pipeline.recheck import recheck
from services.review import calibration, cursor, decisions
from services.review.decisions import Applied
from services.review.paths import LISTS, ListName, UnknownPathError, get_field, list_name_of
from services.review.sync import SyncResult, sync_review_items
from services.review.views import (
    DecisionOutcome,
    QueueItem,
    QueuePage,
    RecordHistory,
    RecordState,
    VersionHistory,
    decision_view,
    queue_item,
)
from services.storage.models import RecordVersion, ReviewDecision, ReviewItem, StoredRecord
from services.storage.repositories import records as record_rows
from services.storage.repositories import review as review_rows
from services.storage.repositories.review import PENDING, DecisionFilter, QueueFilter
from services.storage.session import read_session, write_session

Action = Literal["accept", "correct", "reject", "add"]
MAX_PAGE_SIZE = 500
# Attempts at one decision while concurrent writers keep winning the record's lock.
MAX_ATTEMPTS = 5
_EXPORT_ROWS_PER_CHUNK = 100


@dataclass(frozen=True, slots=True)
class Reviewer:
    name: str  # the API key's name: who decided
    key_id: str


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    lock_version: int
    value: object = None  # the corrected value (correct)
    list_name: str | None = None  # which list (add)
    text: str | None = None  # the item's text (add)
    comment: str | None = None


# --- the queue ---------------------------------------------------------------------------------


def queue(filters: QueueFilter, *, after: str | None, limit: int) -> QueuePage:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidRequestError(
            f"limit must be between 1 and {MAX_PAGE_SIZE}, got {limit}", where="limit"
        )
    position = cursor.decode(after) if after is not None else None
    with read_session() as session:
        rows = review_rows.queue_page(session, filters, after=position, limit=limit + 1)
        counts = review_rows.pending_counts(session, filters)
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].item if rows else None
    next_cursor = cursor.encode(as_utc(last.queued_at), last.id) if more and last else None
    total = counts.get(filters.reason, 0) if filters.reason else sum(counts.values())
    return QueuePage(
        items=[queue_item(row.item, lock_version=row.lock_version) for row in rows],
        counts=counts,
        total=total,
        next_cursor=next_cursor,
    )


def get_item(item_id: int) -> QueueItem:
    with read_session() as session:
        item = _item(session, item_id)
        stored = _stored(session, item.record_id)
        return queue_item(item, lock_version=stored.lock_version)


def document_text(record_id: str) -> str:
    with read_session() as session:
        stored = _stored(session, record_id)
        text = review_rows.document_text(session, stored.document_id)
    if text is None:
        raise NotFoundError(f"record {record_id}: its document is missing", where="record_id")
    return text


# --- decisions ---------------------------------------------------------------------------------


def decide(item_id: int, decision: Decision, reviewer: Reviewer) -> DecisionOutcome:
    """Apply a decision on one queue item; `add` adds a list item to the item's record."""
    return _with_retries(
        lambda session: _decide_on_item(session, item_id, decision, reviewer),
        lambda session: _item_state(session, item_id),
    )


def add_item(record_id: str, decision: Decision, reviewer: Reviewer) -> DecisionOutcome:
    """Add a list item the extraction missed to a record (no queue item needed)."""
    if decision.action != "add":
        raise InvalidDecisionError(
            f"this endpoint adds list items (action add), got {decision.action!r}", where="action"
        )
    return _with_retries(
        lambda session: _add(session, _locked(session, record_id), decision, reviewer, None),
        lambda session: _current_state(session, _stored(session, record_id), None),
    )


def _with_retries(
    attempt: Callable[[Session], DecisionOutcome], current: Callable[[Session], dict[str, Any]]
) -> DecisionOutcome:
    for _ in range(MAX_ATTEMPTS):
        try:
            with write_session() as session:
                return attempt(session)
        except StaleDataError:
            continue  # another writer committed first: read again; the lock rules decide
        except IntegrityError as err:
            if "uq_record_versions_version" not in str(err.orig):
                raise
            continue  # the same race, seen on the version number
    with read_session() as session:
        state = current(session)
    raise StaleDecisionError(
        f"the record kept changing during {MAX_ATTEMPTS} attempts; read it again", current=state
    )


def _decide_on_item(
    session: Session, item_id: int, decision: Decision, reviewer: Reviewer
) -> DecisionOutcome:
    item, stored = _item_and_record(session, item_id)
    if decision.action == "add":
        return _add(session, stored, decision, reviewer, item)
    rebased = _check_fresh(session, item, stored, decision.lock_version)
    record = _current_record(session, stored)
    try:
        field = get_field(record, item.path)
    except UnknownPathError:
        field = None
    if field is None or field.review is None or field.review.status != PENDING:
        raise StaleDecisionError(
            f"item {item.id} ({item.path}) is not pending in version {stored.current_version}",
            current=_current_state(session, stored, item),
        )
    applied = _apply(session, stored, record, item.path, decision, reviewer)
    return _commit(session, stored, applied, decision, reviewer, item, rebased=rebased)


def _item_and_record(session: Session, item_id: int) -> tuple[ReviewItem, StoredRecord]:
    """The item and its record, the record's row held; the item is read again once the row is
    ours, since a decision that held it before us may have changed the item."""
    item = _item(session, item_id)
    stored = _locked(session, item.record_id)
    session.refresh(item)
    return item, stored


def _add(
    session: Session,
    stored: StoredRecord,
    decision: Decision,
    reviewer: Reviewer,
    item: ReviewItem | None,
) -> DecisionOutcome:
    # An addition does not depend on any other field: on a newer version it applies as well,
    # unless the same text is there by now (decisions.add refuses duplicates).
    if decision.lock_version > stored.lock_version:
        raise StaleDecisionError(
            f"lock_version {decision.lock_version} is newer than the record's "
            f"({stored.lock_version})",
            current=_current_state(session, stored, None),
            where="lock_version",
        )
    name = _list_name(decision.list_name or (list_name_of(item.path) if item else None))
    if decision.text is None:
        raise InvalidDecisionError("add needs the item's `text`", where="text")
    record = _current_record(session, stored)
    applied = decisions.add(
        record, name, decision.text, reviewer.name, lambda: _text(session, stored)
    )
    rebased = decision.lock_version != stored.lock_version
    return _commit(session, stored, applied, decision, reviewer, item, rebased=rebased)


def _apply(
    session: Session,
    stored: StoredRecord,
    record: Record,
    path: str,
    decision: Decision,
    reviewer: Reviewer,
) -> Applied:
    if decision.action == "accept":
        return decisions.accept(record, path, reviewer.name)
    if decision.action == "reject":
        return decisions.reject(record, path, reviewer.name)
    if decision.action == "correct":
        return decisions.correct(
            record, path, decision.value, reviewer.name, lambda: _text(session, stored)
        )
    raise InvalidDecisionError(f"unknown action {decision.action!r}", where="action")


def _check_fresh(session: Session, item: ReviewItem, stored: StoredRecord, lock: int) -> bool:
    """Whether the decision applies on a newer version than it was made on (True), or on the
    one it names (False); StaleDecisionError when it must not apply at all."""
    if item.state != PENDING:
        raise StaleDecisionError(
            f"item {item.id} ({item.path}) was already resolved; nothing to decide",
            current=_current_state(session, stored, item),
        )
    if lock == stored.lock_version:
        return False
    if lock < stored.lock_version and item.since_lock_version <= lock:
        return True
    raise StaleDecisionError(
        f"the record changed since lock_version {lock} (now {stored.lock_version}) and so did "
        f"item {item.id} ({item.path}): look at it again",
        current=_current_state(session, stored, item),
        where="lock_version",
    )


def _commit(
    session: Session,
    stored: StoredRecord,
    applied: Applied,
    decision: Decision,
    reviewer: Reviewer,
    item: ReviewItem | None,
    *,
    rebased: bool,
) -> DecisionOutcome:
    now = datetime.now(UTC)
    record = recheck(applied.record, get_settings().review_threshold)
    from_version = stored.current_version
    _write_version(session, stored, record, reviewer, now)
    synced = sync_review_items(session, stored, record, now)
    row = _decision_row(stored, applied, decision, reviewer, item, record, from_version, now)
    review_rows.add_decision(session, row)
    session.flush()
    return DecisionOutcome(
        decision=decision_view(row),
        record=_record_state(stored, record),
        resolved_items=synced.resolved,
        queued_items=synced.queued,
        changed_items=_changed(synced),
        rebased=rebased,
    )


def _write_version(
    session: Session, stored: StoredRecord, record: Record, reviewer: Reviewer, now: datetime
) -> None:
    stored.current_version += 1
    stored.updated_at = now
    for name, value in filter_columns(record).items():
        setattr(stored, name, value)
    # flushed alone first: the lock_version check raises StaleDataError if another writer won
    session.flush()
    record_rows.add_version(
        session,
        RecordVersion(
            record_id=stored.id,
            version=stored.current_version,
            job_id=None,
            author=reviewer.name,
            body=record.model_dump_json(),
            created_at=now,
        ),
    )
    session.flush()


def _decision_row(
    stored: StoredRecord,
    applied: Applied,
    decision: Decision,
    reviewer: Reviewer,
    item: ReviewItem | None,
    record: Record,
    from_version: int,
    now: datetime,
) -> ReviewDecision:
    before, after = applied.before, _after(record, applied)
    undecided = (
        before is not None
        and before.review is not None
        and before.review.status == PENDING
        and decision.action != "add"
    )
    return ReviewDecision(
        record_id=stored.id,
        item_id=item.id if item is not None else None,
        path=applied.path,
        action=decision.action,
        reviewer=reviewer.name,
        reviewer_key_id=reviewer.key_id,
        decided_at=now,
        from_version=from_version,
        to_version=stored.current_version,
        before_json=before.model_dump_json() if before is not None else None,
        after_json=after.model_dump_json() if after is not None else None,
        confidence_before=before.confidence if undecided and before is not None else None,
        reason_kind=item.reason_kind if item is not None and decision.action != "add" else None,
        value_changed=before is None or after is None or before.value != after.value,
        comment=decision.comment,
    )


def _after(record: Record, applied: Applied) -> Field | None:
    """The decided field as the rechecked record has it."""
    if applied.after is None:
        return None
    return get_field(record, applied.path)


def _changed(synced: SyncResult) -> list[int]:
    return [item_id for item_id in synced.changed if item_id not in synced.resolved]


# --- history and exports -----------------------------------------------------------------------


def history(record_id: str) -> RecordHistory:
    with read_session() as session:
        stored = _stored(session, record_id)
        versions = record_rows.versions(session, record_id)
        by_version: dict[int, list[ReviewDecision]] = {}
        for row in review_rows.decisions_for_record(session, record_id):
            by_version.setdefault(row.to_version, []).append(row)
        return RecordHistory(
            record_id=stored.id,
            current_version=stored.current_version,
            lock_version=stored.lock_version,
            status=stored.status,
            versions=[
                VersionHistory(
                    version=v.version,
                    author=v.author,
                    job_id=v.job_id,
                    created_at=as_utc(v.created_at),
                    decisions=[decision_view(d) for d in by_version.get(v.version, [])],
                )
                for v in versions
            ],
        )


def export_decisions(filters: DecisionFilter) -> Iterator[bytes]:
    """Every matching decision as one JSON line, oldest first, a chunk of lines at a time."""
    with read_session() as session:
        lines: list[str] = []
        for row in review_rows.iter_decisions(session, filters):
            lines.append(decision_view(row).model_dump_json())
            if len(lines) == _EXPORT_ROWS_PER_CHUNK:
                yield ("\n".join(lines) + "\n").encode("utf-8")
                lines = []
        if lines:
            yield ("\n".join(lines) + "\n").encode("utf-8")


def calibration_bands(
    edges: tuple[float, ...] = calibration.DEFAULT_EDGES,
) -> list[calibration.Band]:
    with read_session() as session:
        points = review_rows.reviewed_confidences(session)
    reviewed = (
        calibration.Reviewed(confidence, right=action == "accept" or not changed)
        for confidence, action, changed in points
    )
    return calibration.calibrate(reviewed, edges)


# --- helpers -----------------------------------------------------------------------------------


def _text(session: Session, stored: StoredRecord) -> str:
    return review_rows.document_text(session, stored.document_id) or ""


def _item(session: Session, item_id: int) -> ReviewItem:
    item = review_rows.get_item(session, item_id)
    if item is None:
        raise NotFoundError(f"no review item with id {item_id}", where="item_id")
    return item


def _stored(session: Session, record_id: str) -> StoredRecord:
    stored = record_rows.get(session, record_id)
    if stored is None:
        raise NotFoundError(f"no record with id {record_id!r}", where="record_id")
    return stored


def _locked(session: Session, record_id: str) -> StoredRecord:
    stored = review_rows.locked_record(session, record_id)
    if stored is None:
        raise NotFoundError(f"no record with id {record_id!r}", where="record_id")
    return stored


def _current_record(session: Session, stored: StoredRecord) -> Record:
    row = record_rows.version(session, stored.id, stored.current_version)
    if row is None:  # the unique version rows make this impossible; say so if it happens
        raise NotFoundError(f"record {stored.id}: version {stored.current_version} is missing")
    return Record.model_validate_json(row.body)


def _list_name(name: str | None) -> ListName:
    for known in LISTS:
        if name == known:
            return known
    raise InvalidDecisionError(
        f"add needs `list`: one of {', '.join(LISTS)}; got {name!r}", where="list"
    )


def _record_state(stored: StoredRecord, record: Record) -> RecordState:
    pending = sum(
        1 for _, f in record.iter_fields() if f.review is not None and f.review.status == PENDING
    )
    return RecordState(
        record_id=stored.id,
        version=stored.current_version,
        lock_version=stored.lock_version,
        status=record.status,
        pending=pending,
    )


def _item_state(session: Session, item_id: int) -> dict[str, Any]:
    item = _item(session, item_id)
    return _current_state(session, _stored(session, item.record_id), item)


def _current_state(
    session: Session, stored: StoredRecord, item: ReviewItem | None
) -> dict[str, Any]:
    state: dict[str, Any] = {
        "record_id": stored.id,
        "version": stored.current_version,
        "lock_version": stored.lock_version,
        "status": stored.status,
    }
    if item is not None:
        view = queue_item(item, lock_version=stored.lock_version)
        state["item"] = json.loads(view.model_dump_json())
    return state
