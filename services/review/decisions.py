"""What a reviewer's decision does to a record (pure: a copy is changed, never the input).

    accept   the value stays; review.status "accepted", resolved_by the reviewer, confidence 1:
             a person confirmed it (the pipeline's confidence stays in the decision row).
             `method` keeps saying how the value was obtained.
    correct  value set by the person: method "review", confidence 1, review.status "corrected".
             A list item's new text must be in the document; its span becomes the evidence.
    reject   list items only: the item is removed from its list (older versions and the
             decision row keep it), so records and exports carry no rejected items.
    add      a list item the extraction missed; its text must be in the document.

The caller runs `recheck` afterwards (a correction may settle or break identities).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from schemas.keys import ReviewStatus
from schemas.record import Field, Record, Review, Value
from services.errors import InvalidDecisionError
from services.review.align import align
from services.review.paths import ListName, get_field, insert_item, list_name_of, remove_item
from services.review.paths import set_field as put_field
from services.review.values import parse_value

DocumentText = Callable[[], str]
ADDED_REASON = "added by a reviewer: the extraction missed this item"


@dataclass(frozen=True, slots=True)
class Applied:
    record: Record  # the changed copy (not yet rechecked)
    path: str  # where the decided field is (for a rejected item: where it was)
    before: Field | None  # None: an added item
    after: Field | None  # None: a rejected item


def accept(record: Record, path: str, reviewer: str) -> Applied:
    changed = record.model_copy(deep=True)
    before = get_field(changed, path)
    after = before.model_copy(
        update={"confidence": 1.0, "review": _decided(before, "accepted", reviewer)}
    )
    put_field(changed, path, after)
    return Applied(changed, path, before, after)


def correct(
    record: Record, path: str, raw: object, reviewer: str, document: DocumentText
) -> Applied:
    changed = record.model_copy(deep=True)
    before = get_field(changed, path)
    value: Value = parse_value(path, raw)
    source = before.source
    if list_name_of(path) is not None:
        aligned = align(document(), str(value), where="value")
        value, source = aligned.value, aligned.span
    after = Field(
        value=value,
        confidence=1.0,
        source=source,
        method="review",
        review=_decided(before, "corrected", reviewer),
    )
    put_field(changed, path, after)
    return Applied(changed, path, before, after)


def reject(record: Record, path: str, reviewer: str) -> Applied:
    if list_name_of(path) is None:
        raise InvalidDecisionError(
            f"reject applies to list items (problems, measures, plans), not to {path}: "
            "correct the value instead (null for a blank cell)",
            where="action",
        )
    changed = record.model_copy(deep=True)
    before = remove_item(changed, path)
    return Applied(changed, path, before, None)


def add(
    record: Record, list_name: ListName, text: str, reviewer: str, document: DocumentText
) -> Applied:
    changed = record.model_copy(deep=True)
    aligned = align(document(), text, where="text")
    items: list[Field] = getattr(changed, list_name)
    for index, item in enumerate(items):
        if item.source == aligned.span or item.value == aligned.value:
            raise InvalidDecisionError(
                f"this text is already {list_name}.{index}; correct or accept that item",
                where="text",
            )
    after = Field(
        value=aligned.value,
        confidence=1.0,
        source=aligned.span,
        method="review",
        review=Review(status="corrected", reason=ADDED_REASON, resolved_by=reviewer),
    )
    path = insert_item(changed, list_name, after)
    return Applied(changed, path, None, after)


def _decided(before: Field, status: ReviewStatus, reviewer: str) -> Review:
    """The field's review, kept (reason, candidates, failed checks), marked decided."""
    if before.review is None:
        return Review(status=status, reason="decided by a reviewer", resolved_by=reviewer)
    return before.review.model_copy(update={"status": status, "resolved_by": reviewer})
