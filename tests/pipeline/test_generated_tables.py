"""Properties of `extract` on generated annual reports whose every table value is known.

The generator (`tests/generators`) renders valid tables in the layouts real reports show and says
what a parser must recover; these tests run the whole pipeline through its public entry point
and compare. Each failure names the report's layout and features and lists every wrong cell.
"""

from __future__ import annotations

from hypothesis import assume, given, note

from schemas.record import Record
from services.config import get_settings
from services.pipeline import extract
from tests.generators import property_settings
from tests.generators.oracle import (
    ambiguity_failures,
    cell_failures,
    extra_cells,
    metadata_failures,
    span_failures,
    unrecovered_cells,
)
from tests.generators.report import Report, reports
from tests.generators.tables import CLEAN, UNAMBIGUOUS, Features


def _run(report: Report) -> Record:
    note(report.describe())
    note(report.text)
    return extract(report.text)


def _verdict(report: Report, failures: list[str]) -> str:
    shown = "\n  ".join(failures[:25])
    more = f"\n  … and {len(failures) - 25} more" if len(failures) > 25 else ""
    return f"{report.describe()}: {len(failures)} failure(s)\n  {shown}{more}"


@property_settings(80)
@given(reports())
def test_every_cell_is_recovered_or_flagged_never_confidently_wrong(report: Report) -> None:
    record = _run(report)
    failures = cell_failures(record, report, get_settings().review_threshold)
    assert not failures, _verdict(report, failures)


@property_settings(40)
@given(reports(CLEAN))
def test_clean_layouts_recover_every_cell(report: Report) -> None:
    record = _run(report)
    failures = unrecovered_cells(record, report, get_settings().review_threshold)
    assert not failures, _verdict(report, failures)


@property_settings(80)
@given(reports(UNAMBIGUOUS))
def test_unambiguous_strays_still_recover_every_cell(report: Report) -> None:
    """Extra label words, extra rows, page numbers, units, signs, vertical headers: no doubt."""
    record = _run(report)
    failures = unrecovered_cells(record, report, get_settings().review_threshold)
    assert not failures, _verdict(report, failures)


_GLUED = Features(
    label_variants=False,
    page_numbers=False,
    extra_rows=False,
    blanks=False,
    placeholders=False,
    units=False,
    plus_signs=False,
    glued="always",
    review_run=False,
    vertical_headers=False,
    other_as_one_row=True,
    prose_numbers=False,
)


@property_settings(60)
@given(reports(_GLUED))
def test_ambiguous_glued_cells_are_flagged_with_the_true_value_as_candidate(
    report: Report,
) -> None:
    assume(report.ambiguous)
    record = _run(report)
    failures = ambiguity_failures(record, report, get_settings().review_threshold)
    assert not failures, _verdict(report, failures)


@property_settings(40)
@given(reports())
def test_no_cells_beyond_the_document(report: Report) -> None:
    """Subtotal rows, 其他主动公开文件 and the other template's keys produce no fields."""
    record = _run(report)
    failures = extra_cells(record, report)
    assert not failures, _verdict(report, failures)


@property_settings(40)
@given(reports())
def test_metadata_year_type_and_template(report: Report) -> None:
    record = _run(report)
    failures = metadata_failures(record, report)
    assert not failures, _verdict(report, failures)


@property_settings(60)
@given(reports())
def test_spans_lie_in_the_text_and_cells_point_at_their_digits(report: Report) -> None:
    record = _run(report)
    failures = span_failures(record, report.text, len(report.text))
    assert not failures, _verdict(report, failures)
