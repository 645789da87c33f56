"""Reason kinds read from the review reasons the pipeline writes."""

from __future__ import annotations

import pytest

from schemas.record import Field, Review, Value
from services.review.reasons import main_kind, reason_kinds


def _field(reason: str, value: Value = 3, review: dict[str, object] | None = None) -> Field:
    return Field(
        value=value,
        confidence=0.4,
        source=None,
        method="table",
        review=Review.model_validate({"status": "pending", "reason": reason, **(review or {})}),
    )


@pytest.mark.parametrize(
    ("reason", "extra", "kind"),
    [
        (
            "ambiguous split of glued cells 3960181: 11 splits fit",
            {"candidates": [3, 39]},
            "ambiguous_split",
        ),
        ("the row's blank cell may be padding around glued digits", {}, "ambiguous_split"),
        (
            "check failed: reviews_litigation.review.total (total = …: 2 ≠ 3)",
            {"failed_checks": ["reviews_litigation.review.total"]},
            "failed_identity",
        ),
        (
            "rules say problems, the LLM says measures; kept the rules'",
            {"candidates": ["x"]},
            "disagreement",
        ),
        ("the LLM did not report this item", {}, "disagreement"),
        (
            "ungrounded: the LLM's quote matches the text only approximately (score 0.71)",
            {},
            "ungrounded",
        ),
        ("no evidence span in the text", {}, "ungrounded"),
        ("row label '予以公开了' read as '予以公开' (approximate match)", {}, "fuzzy_label"),
        (
            "columns read as the 2019 template, which the labels do not clearly show",
            {},
            "fuzzy_label",
        ),
        ("item boundaries and category inferred from unnumbered prose", {}, "low_confidence"),
        ("LLM unavailable; rule split only", {}, "low_confidence"),
        ("confidence 0.72 below the review threshold 0.80", {}, "low_confidence"),
    ],
)
def test_main_kind(reason: str, extra: dict[str, object], kind: str) -> None:
    assert main_kind(_field(reason, review=extra)) == kind


def test_a_field_can_have_several_kinds_in_a_fixed_order() -> None:
    field = _field(
        "ambiguous split of glued cells 110000011: 2 splits fit; check failed: requests.balance.total (…)",
        review={"candidates": [1, 11]},
    )
    assert reason_kinds(field) == ["ambiguous_split", "failed_identity"]
    assert reason_kinds(_field("no title line found", value=None)) == ["missing"]
    assert reason_kinds(_field("impossible date", value=None)) == ["missing"]
