"""What each decision does to a record, on a record the pipeline extracted (pure)."""

from __future__ import annotations

import pytest

from schemas.record import Record
from services.errors import InvalidDecisionError, TextNotFoundError
from services.pipeline import extract
from services.review import decisions
from services.review.paths import get_field, insert_item, keyed_fields
from tests.review.documents import MISSED_PROBLEM, report

TEXT = report()


@pytest.fixture(scope="module")
def record() -> Record:
    return extract(TEXT)


def _document() -> str:
    return TEXT


def test_accept_keeps_the_value_and_how_it_was_obtained(record: Record) -> None:
    applied = decisions.accept(record, "proactive.licensing.prior_items", "ann")
    after = get_field(applied.record, "proactive.licensing.prior_items")
    assert after.value == 396 and after.method == "table" and after.confidence == 1.0
    assert after.review is not None and after.review.status == "accepted"
    assert after.review.resolved_by == "ann"
    assert after.review.candidates and 39 in after.review.candidates  # kept for the audit
    untouched = get_field(record, "proactive.licensing.prior_items").review
    assert untouched is not None and untouched.status == "pending"  # the input is not changed


def test_correct_sets_a_reviewed_value_with_the_original_evidence(record: Record) -> None:
    applied = decisions.correct(record, "proactive.licensing.change", "+3", "ann", _document)
    after = get_field(applied.record, "proactive.licensing.change")
    before = get_field(record, "proactive.licensing.change")
    assert (after.value, after.method, after.confidence) == (3, "review", 1.0)
    assert after.source == before.source
    assert after.review is not None and after.review.status == "corrected"


def test_correcting_a_classification_moves_the_record_field_it_mirrors(record: Record) -> None:
    applied = decisions.correct(record, "classification.format_version", "2021", "ann", _document)
    assert applied.record.format_version == "2021"
    assert applied.record.classification.format_version.value == "2021"
    assert record.format_version == "2019"


def test_reject_removes_the_item_and_only_list_items(record: Record) -> None:
    applied = decisions.reject(record, "measures.0", "ann")
    assert applied.record.measures == [] and applied.after is None
    assert applied.before is not None and applied.before.value == record.measures[0].value
    with pytest.raises(InvalidDecisionError, match="list items"):
        decisions.reject(record, "metadata.agency", "ann")


def test_add_puts_the_item_in_document_order(record: Record) -> None:
    applied = decisions.add(record, "problems", MISSED_PROBLEM, "ann", _document)
    values = [item.value for item in applied.record.problems]
    assert values == [record.problems[0].value, MISSED_PROBLEM]  # section 六 comes after 五
    assert applied.path == "problems.1"
    earlier = decisions.add(record, "plans", "认真贯彻落实", "ann", _document)
    assert earlier.path == "plans.0"
    with pytest.raises(TextNotFoundError):
        decisions.add(record, "plans", "不在文中的内容", "ann", _document)


def test_list_item_keys_follow_the_text_not_the_position(record: Record) -> None:
    keys = {key: path for key, path, _ in keyed_fields(record)}
    problem_key = next(k for k, p in keys.items() if p == "problems.0")
    changed = record.model_copy(deep=True)
    first = get_field(changed, "problems.0").model_copy(update={"value": "另一个问题"})
    insert_item(changed, "problems", first.model_copy(update={"source": None}))
    moved = {key: path for key, path, _ in keyed_fields(changed)}
    assert moved[problem_key] == "problems.0"
    assert keys["metadata.agency"] == "metadata.agency"
