"""Re-run the record's checks after a person changed a value (the review workflow).

Contract: `recheck(record, threshold, today=None) -> Record` returns a new record whose `checks`
are evaluated on its current values, where:
- a field flagged only because of identities that now hold gets its earlier confidence back and,
  if that clears the threshold, `review.status = "accepted"` with `resolved_by: "recheck"`;
- a field of an identity that now fails, not yet decided by a person, is flagged pending;
- fields a person decided (`accepted` / `corrected` by a reviewer) are left as they are;
- `status` is `needs_review` while any field is pending, else `complete`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from schemas.record import Check, Field, Record, Review
from services.pipeline.checks import FAILED_CAP, evaluate

_CHECKED = ("requests.", "reviews_litigation.", "proactive.", "metadata.")


def recheck(record: Record, threshold: float, today: date | None = None) -> Record:
    updated = record.model_copy(deep=True)
    fields = {path: f for path, f in updated.iter_fields() if path.startswith(_CHECKED)}
    checks = evaluate({path: f.value for path, f in fields.items()}, today)
    failing = {c.name: c for c in checks if not c.passed}
    for field in fields.values():
        _clear_resolved(field, failing, threshold)
    for check in failing.values():
        for path in check.fields:
            involved = fields.get(path)
            if involved is not None and involved.value is not None:
                _flag(involved, check.name, check.detail)
    updated.checks = checks
    pending = any(f.review and f.review.status == "pending" for _, f in updated.iter_fields())
    updated.status = "needs_review" if pending else "complete"
    return updated


def _clear_resolved(field: Field, failing: Mapping[str, Check], threshold: float) -> None:
    review = field.review
    if review is None or review.status != "pending" or not review.failed_checks:
        return
    still = [name for name in review.failed_checks if name in failing]
    if still:
        return
    prior = review.prior_confidence if review.prior_confidence is not None else field.confidence
    field.confidence = prior
    if prior >= threshold:
        field.review = Review(
            status="accepted",
            reason="the identities involving this cell hold after a correction",
            resolved_by="recheck",
        )
    else:
        kept = [r for r in review.reason.split("; ") if not r.startswith("check failed:")]
        review.reason = "; ".join(kept) or f"confidence {prior:.2f} below the review threshold"
        review.failed_checks = None


def _flag(field: Field, check: str, detail: str) -> None:
    review = field.review
    if review is not None and review.status != "pending" and review.resolved_by != "recheck":
        return  # a person decided this value; the undecided cells carry the doubt
    reason = f"check failed: {check} ({detail})"
    if review is None or review.status != "pending":
        field.review = Review(
            status="pending",
            reason=reason,
            failed_checks=[check],
            prior_confidence=field.confidence,
        )
    elif check not in (review.failed_checks or []):
        review.failed_checks = [*(review.failed_checks or []), check]
        review.prior_confidence = review.prior_confidence or field.confidence
        review.reason = f"{review.reason}; {reason}"
    field.confidence = min(field.confidence, FAILED_CAP)
