from __future__ import annotations

from schemas.record import Record, Review
from services.pipeline import extract
from services.pipeline.recheck import recheck

# A 复议/诉讼 table whose review group does not add up: 1 + 0 + 0 + 1 ≠ 3.
TEXT = """某市水务局2022年政府信息公开工作年度报告
一、总体情况
本年度工作正常开展。
四、政府信息公开行政复议、行政诉讼情况
行政复议 | 行政诉讼
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉
1 | 0 | 0 | 1 | 3 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0
"""


def _extract() -> Record:
    record = extract(TEXT)
    group = record.reviews_litigation["review"]
    assert group["total"].value == 3 and group["upheld"].value == 1
    assert group["total"].review is not None and group["total"].review.status == "pending"
    return record


def test_a_correction_that_restores_the_identity_clears_the_siblings() -> None:
    record = _extract()
    total = record.reviews_litigation["review"]["total"]
    total.value, total.confidence, total.method = 2, 1.0, "review"
    total.review = Review(status="corrected", reason="printed total was wrong", resolved_by="ann")
    after = recheck(record, threshold=0.8)
    group = after.reviews_litigation["review"]
    check = next(c for c in after.checks if c.name == "reviews_litigation.review.total")
    assert check.passed
    for col in ("upheld", "corrected", "other", "pending"):
        review = group[col].review
        assert review is not None and review.status == "accepted", col
        assert review.resolved_by == "recheck"
        assert group[col].confidence >= 0.8
    assert group["total"].review is not None and group["total"].review.resolved_by == "ann"


def test_a_correction_that_breaks_an_identity_flags_the_undecided_cells() -> None:
    record = _extract()
    record.reviews_litigation["review"]["total"].value = 2
    after = recheck(record, threshold=0.8)
    direct = after.reviews_litigation["litigation_direct"]
    direct["pending"].value = 5  # now litigation_direct no longer adds up
    again = recheck(after, threshold=0.8)
    flagged = again.reviews_litigation["litigation_direct"]["total"]
    assert flagged.review is not None and flagged.review.status == "pending"
    assert "litigation_direct" in flagged.review.reason
    assert again.status == "needs_review"
    assert recheck(record, threshold=0.8) is not record  # never mutates its input
