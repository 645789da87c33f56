"""What the review endpoints answer (JSON bodies), built from the stored rows."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from schemas.record import Field as RecordField
from schemas.record import Value
from services.jobs.views import as_utc
from services.review.context import Snippet, span_in_snippet
from services.storage.models import ReviewDecision, ReviewItem


class SourceContext(BaseModel):
    snippet: str = Field(description="Document text around the evidence.")
    snippet_start: int = Field(description="Offset of the snippet in the document text.")
    span: tuple[int, int] | None = Field(
        description="The evidence's [start, end) inside the snippet; null: no evidence."
    )
    document_span: tuple[int, int] | None = Field(
        description="The evidence's [start, end) in the whole document text."
    )


class QueueItem(BaseModel):
    id: int
    record_id: str
    path: str = Field(description="Dotted field path, e.g. requests.granted.total, problems.0.")
    table: str
    state: str = Field(description="pending, or resolved once decided (directly or by recheck).")
    value: Value
    confidence: float
    method: str
    reason: str
    reason_kind: str = Field(description="The main kind of doubt (filters and counts use it).")
    reason_kinds: list[str]
    candidates: list[Value] | None
    failed_checks: list[str] | None
    context: SourceContext
    agency: str | None
    report_year: int | None
    record_version: int = Field(description="The record version this item was read from.")
    lock_version: int = Field(description="Send it back with a decision (optimistic locking).")
    queued_at: datetime


class QueuePage(BaseModel):
    items: list[QueueItem]
    counts: dict[str, int] = Field(description="Pending items per reason kind (other filters).")
    total: int = Field(description="Pending items matching every filter.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
    next: str | None = Field(None, description="The next page's URL.")


class DecisionView(BaseModel):
    id: int
    record_id: str
    item_id: int | None
    path: str
    action: str
    reviewer: str
    decided_at: datetime
    from_version: int
    to_version: int
    before: dict[str, Any] | None = Field(description="The field before (null: an added item).")
    after: dict[str, Any] | None = Field(description="The field after (null: a rejected item).")
    confidence_before: float | None
    reason_kind: str | None
    value_changed: bool
    comment: str | None


class RecordState(BaseModel):
    record_id: str
    version: int
    lock_version: int
    status: str
    pending: int = Field(description="Fields still waiting for a person.")


class DecisionOutcome(BaseModel):
    decision: DecisionView
    record: RecordState
    resolved_items: list[int] = Field(description="Items no longer pending (this one included).")
    queued_items: list[int] = Field(description="Items newly pending (a check now fails).")
    changed_items: list[int] = Field(description="Pending items whose field changed.")
    rebased: bool = Field(
        description="Applied on a newer version than the lock_version sent (the item itself "
        "had not changed)."
    )


class VersionHistory(BaseModel):
    version: int
    author: str
    job_id: str | None
    created_at: datetime
    decisions: list[DecisionView]


class RecordHistory(BaseModel):
    record_id: str
    current_version: int
    lock_version: int
    status: str
    versions: list[VersionHistory]


def queue_item(row: ReviewItem, *, lock_version: int) -> QueueItem:
    field = RecordField.model_validate_json(row.field_json)
    review = field.review
    cut = Snippet(row.snippet, row.snippet_start)
    span = field.source
    return QueueItem(
        id=row.id,
        record_id=row.record_id,
        path=row.path,
        table=row.table_name,
        state=row.state,
        value=field.value,
        confidence=field.confidence,
        method=field.method,
        reason=review.reason if review else "",
        reason_kind=row.reason_kind,
        reason_kinds=row.reason_kinds.split(","),
        candidates=review.candidates if review else None,
        failed_checks=review.failed_checks if review else None,
        context=SourceContext(
            snippet=row.snippet,
            snippet_start=row.snippet_start,
            span=span_in_snippet(cut, span),
            document_span=(span.start, span.end) if span else None,
        ),
        agency=row.agency,
        report_year=row.report_year,
        record_version=row.record_version,
        lock_version=lock_version,
        queued_at=as_utc(row.queued_at),
    )


def decision_view(row: ReviewDecision) -> DecisionView:
    return DecisionView(
        id=row.id,
        record_id=row.record_id,
        item_id=row.item_id,
        path=row.path,
        action=row.action,
        reviewer=row.reviewer,
        decided_at=as_utc(row.decided_at),
        from_version=row.from_version,
        to_version=row.to_version,
        before=_json(row.before_json),
        after=_json(row.after_json),
        confidence_before=row.confidence_before,
        reason_kind=row.reason_kind,
        value_changed=row.value_changed,
        comment=row.comment,
    )


def _json(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    data = json.loads(text)
    assert isinstance(data, dict)
    return data
