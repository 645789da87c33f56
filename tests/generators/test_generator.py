"""Self-tests of the generator: a broken generator or oracle must not let a property pass.

The values satisfy the identities, the text really prints every expected value where the
generator says, the glue solver agrees with a naive enumeration, messy variants denoise back to
the clean text without touching a number, and the oracle catches a planted wrong value.
"""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.keys import (
    PROACTIVE_2019,
    PROACTIVE_2021,
    REQUEST_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
)
from schemas.record import (
    Classification,
    Field,
    Metadata,
    Provenance,
    Record,
    Review,
    Span,
)
from tests.generators import glue, property_settings
from tests.generators.messy import TRANSFORMS, Tracked, messy, nfkc
from tests.generators.oracle import (
    ambiguity_failures,
    cell_failures,
    extra_cells,
    metadata_failures,
    span_failures,
    unrecovered_cells,
)
from tests.generators.report import Report, reports
from tests.generators.seeds import seed_names, seed_text
from tests.generators.tables import CLEAN, UNAMBIGUOUS
from tests.generators.values import (
    ProactiveValues,
    RequestValues,
    ReviewValues,
    proactive_values,
    request_identity_failures,
    request_rows,
    request_values,
    review_identity_failures,
    review_values,
)

THRESHOLD = 0.8

# --- values --------------------------------------------------------------------------------


@property_settings(60)
@given(st.booleans().flatmap(request_values))
def test_request_values_satisfy_every_identity(values: RequestValues) -> None:
    cells = {row: dict(by_col) for row, by_col in values.cells.items()}
    assert request_identity_failures(cells) == []  # type: ignore[arg-type]
    assert all(v >= 0 for by_col in values.cells.values() for v in by_col.values())
    assert set(values.cells) == set(values.rows)
    assert all(set(by_col) == set(REQUEST_COLUMNS) for by_col in values.cells.values())


@property_settings(60)
@given(review_values())
def test_review_values_satisfy_every_identity(values: ReviewValues) -> None:
    cells = values.cells
    assert review_identity_failures(dict(cells)) == []  # type: ignore[arg-type]
    assert set(cells) == set(REVIEW_GROUPS)
    assert all(list(by_col) == list(REVIEW_COLUMNS) for by_col in cells.values())


@property_settings(60)
@given(st.sampled_from(["2019", "2021"]).flatmap(proactive_values))
def test_proactive_values_have_the_template_keys(values: ProactiveValues) -> None:
    layout = PROACTIVE_2021 if values.template == "2021" else PROACTIVE_2019
    assert {row: tuple(cols) for row, cols in values.cells.items()} == layout
    for row, cells in values.cells.items():
        for col, value in cells.items():
            assert col == "change" or value >= 0, (row, col, value)


def test_identity_check_catches_a_broken_table() -> None:
    cells: dict[str, dict[str, int | None]] = {
        row: dict.fromkeys(REQUEST_COLUMNS, 0) for row in request_rows(True)
    }
    assert request_identity_failures(cells) == []
    cells["granted"]["natural_person"] = 1  # row total and column sums now disagree
    assert len(request_identity_failures(cells)) == 2
    cells["granted"]["total"] = None  # a blank is not 0: the row check is skipped
    assert len(request_identity_failures(cells)) == 1


# --- glue ----------------------------------------------------------------------------------


def _naive_splits(digits: str, parts: int) -> list[glue.Split]:
    out: list[glue.Split] = []
    for cuts in itertools.combinations(range(1, len(digits)), parts - 1):
        bounds = (0, *cuts, len(digits))
        tokens = [digits[a:b] for a, b in itertools.pairwise(bounds)]
        if all(glue.is_number(t) for t in tokens):
            out.append(tuple(int(t) for t in tokens))
    return out


row_parts = st.lists(st.integers(0, 120), min_size=2, max_size=5)


@property_settings(80)
@given(row_parts)
def test_glue_splits_equal_a_naive_enumeration(parts: list[int]) -> None:
    digits = glue.glue(parts)
    assert sorted(glue.splits(digits, len(parts))) == sorted(_naive_splits(digits, len(parts)))
    assert tuple(parts) in glue.splits(digits, len(parts))


@property_settings(80)
@given(row_parts)
def test_glue_splits_with_total_equal_a_filtered_naive_enumeration(parts: list[int]) -> None:
    with_total = [*parts, sum(parts)]
    digits = glue.glue(with_total)
    naive = [s for s in _naive_splits(digits, len(with_total)) if s[-1] == sum(s[:-1])]
    assert sorted(glue.splits_with_total(digits, len(with_total))) == sorted(naive)
    assert tuple(with_total) in naive


def test_glue_spec_examples() -> None:
    # ogi-templates.md: `713000074` is 71·3·0·0·0·0·74; `行政许可3960181` is 396·0·181.
    assert (71, 3, 0, 0, 0, 0, 74) in glue.splits_with_total("713000074", 7)
    proactive = glue.splits("3960181", 3)
    assert (396, 0, 181) in proactive
    assert len(proactive) > 1  # without an identity the row cannot be split for sure


@property_settings(40)
@given(st.lists(st.integers(0, 30), min_size=12, max_size=12))
def test_review_run_splits_contain_the_truth_and_respect_totals(parts: list[int]) -> None:
    row: list[int] = []
    for g in range(3):
        block = parts[4 * g : 4 * g + 4]
        row += [*block, sum(block)]
    candidates = glue.splits_with_group_totals(glue.glue(row), 3, 5)
    assert tuple(row) in candidates or len(candidates) > glue.MAX_ROW_CANDIDATES
    for split in candidates:
        for g in range(3):
            assert split[5 * g + 4] == sum(split[5 * g : 5 * g + 4])


# --- rendered reports ----------------------------------------------------------------------


def _parse_printed(token: str) -> float:
    return float(nfkc(token).lstrip("+"))


@property_settings(60)
@given(reports())
def test_report_prints_every_expected_value_where_it_says(report: Report) -> None:
    for key, value in report.expected_cells():
        if value is None:
            assert key not in report.printed_at, key
            continue
        start, end = report.printed_at[key]
        assert _parse_printed(report.text[start:end]) == pytest.approx(value), key
    assert report.unplaceable <= {key for key, _ in report.expected_cells()}


@property_settings(60)
@given(reports())
def test_report_tables_keep_their_identities(report: Report) -> None:
    requests = {r: dict(c) for r, c in report.expected["requests"].items()}
    reviews = {r: dict(c) for r, c in report.expected["reviews_litigation"].items()}
    assert request_identity_failures(requests) == []  # type: ignore[arg-type]
    assert review_identity_failures(reviews) == []  # type: ignore[arg-type]
    rows = request_rows(report.template == "2019" or "other_as_one_row" in report.features)
    assert tuple(report.expected["requests"]) == rows
    layout = PROACTIVE_2021 if report.template == "2021" else PROACTIVE_2019
    assert {r: tuple(c) for r, c in report.expected["proactive"].items()} == layout


@property_settings(60)
@given(reports())
def test_report_names_its_year_template_and_sections(report: Report) -> None:
    assert report.title in report.text.splitlines()[0]
    assert f"{report.year}年" in report.title
    assert (report.template == "2021") == (report.year >= 2021)
    for heading in (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
    ):
        assert heading in report.text
    assert re.search(r"一是.+；二是", report.text)


@property_settings(60)
@given(reports())
def test_ambiguous_cells_have_several_values_including_the_truth(report: Report) -> None:
    for (table, row, col), values in report.ambiguous.items():
        assert len(values) > 1
        assert report.expected[table][row][col] in values
        assert "glued" in report.features


@property_settings(40)
@given(reports(CLEAN))
def test_clean_reports_carry_no_strays(report: Report) -> None:
    assert report.features == ()
    assert not report.ambiguous and not report.unplaceable
    assert all(v is not None for _, v in report.expected_cells())
    assert "小计" not in report.text and "其他主动公开文件" not in report.text
    assert not re.search(r"^-\s*\d+\s*-$", report.text, re.M)


@property_settings(40)
@given(reports(UNAMBIGUOUS))
def test_unambiguous_reports_have_no_blank_or_glued_cells(report: Report) -> None:
    assert not report.ambiguous and not report.unplaceable
    assert all(v is not None for _, v in report.expected_cells())
    assert "glued" not in report.features


# --- messy variants ------------------------------------------------------------------------


def _digit_runs(text: str) -> list[str]:
    return re.findall(r"\d+", nfkc(text))


@pytest.mark.parametrize("kind", list(TRANSFORMS))
@property_settings(15)
@given(data=st.data())
def test_messy_variant_of_a_report_denoises_to_it(kind: str, data: st.DataObject) -> None:
    report = data.draw(reports())
    tracked = data.draw(messy(report.text, (kind,)))
    _check_messy(tracked, kind, report.text)


@pytest.mark.parametrize("kind", list(TRANSFORMS))
@pytest.mark.parametrize("seed", seed_names())
@property_settings(5)
@given(data=st.data())
def test_messy_variant_of_a_seed_denoises_to_it(seed: str, kind: str, data: st.DataObject) -> None:
    clean = seed_text(seed)
    _check_messy(data.draw(messy(clean, (kind,))), kind, clean)


def _check_messy(tracked: Tracked, kind: str, clean: str) -> None:
    assert tracked.applied == (kind,)
    assert tracked.denoise() == clean
    assert len(tracked.origin) == len(tracked.text)
    kept = [o for o in tracked.origin if o >= 0]
    assert kept == list(range(len(clean)))  # every clean character kept once, in order
    if kind != "junk_lines":  # only junk lines bring digits of their own (page chrome)
        assert _digit_runs(tracked.text) == _digit_runs(clean)
    changed = {
        "traditional": lambda: tracked.text != clean or not re.search("[开这说发]", clean),
        "broken_lines": lambda: tracked.text.count("\n") > clean.count("\n"),
        "spaced": lambda: len(tracked.text) > len(clean),
        "pinyin": lambda: len(tracked.text) > len(clean),
        "fullwidth_digits": lambda: re.search("[０-９]", tracked.text) is not None,
        "junk_lines": lambda: tracked.text.count("\n") > clean.count("\n"),
    }
    assert changed[kind](), f"{kind} left the text unchanged"


def test_tracked_maps_spans_through_inserted_noise() -> None:
    tracked = Tracked.of("规章713").insert("t", [(1, "(guī)"), (3, "\n")])
    assert tracked.text == "规(guī)章7\n13"
    assert tracked.denoise(7, 11) == "713"
    assert tracked.clean_range(0, 3) == (0, 1)
    assert tracked.clean_range(1, 6) is None


# --- oracle --------------------------------------------------------------------------------


def _field(value: int | float | None, span: tuple[int, int] | None) -> Field:
    source = Span(start=span[0], end=span[1]) if span else None
    return Field(value=value, confidence=0.95, source=source, method="table")


def perfect_record(report: Report) -> Record:
    """What an ideal parser returns: exact cells, ambiguous ones flagged with the candidates."""
    tables: dict[str, dict[str, dict[str, Field]]] = {t: {} for t in report.expected}
    for (table, row, col), value in report.expected_cells():
        field = _field(value, report.printed_at.get((table, row, col)))
        if (table, row, col) in report.ambiguous:
            candidates = sorted(report.ambiguous[(table, row, col)])
            field.confidence = 0.4
            field.review = Review(status="pending", reason="glued", candidates=list(candidates))
        tables[table].setdefault(row, {})[col] = field
    text_field = _field(None, None)
    return Record(
        record_id="rec",
        document_id="doc",
        status="needs_review" if report.ambiguous else "complete",
        doc_type="annual_report",
        format_version=report.template,
        script="simplified",
        classification=Classification(
            doc_type=text_field, format_version=text_field, script=text_field
        ),
        metadata=Metadata(
            agency=text_field,
            report_year=_field(report.year, None),
            publish_date=text_field,
            title=text_field,
        ),
        proactive=tables["proactive"],
        requests=tables["requests"],
        reviews_litigation=tables["reviews_litigation"],
        provenance=Provenance(pipeline_version="test"),
    )


@property_settings(40)
@given(reports())
def test_oracle_passes_a_perfect_record(report: Report) -> None:
    record = perfect_record(report)
    assert cell_failures(record, report, THRESHOLD) == []
    assert ambiguity_failures(record, report, THRESHOLD) == []
    assert extra_cells(record, report) == []
    assert metadata_failures(record, report) == []
    assert span_failures(record, report.text, len(report.text)) == []


@property_settings(40)
@given(reports(UNAMBIGUOUS), st.data())
def test_oracle_catches_a_planted_wrong_value(report: Report, data: st.DataObject) -> None:
    record = perfect_record(report)
    assert unrecovered_cells(record, report, THRESHOLD) == []
    table, row, col = data.draw(st.sampled_from([k for k, _ in report.expected_cells()]))
    field = getattr(record, table)[row][col]
    field.value = (field.value or 0) + 1
    assert any("CONFIDENTLY WRONG" in f for f in cell_failures(record, report, THRESHOLD))
    assert unrecovered_cells(record, report, THRESHOLD) != []
    field.confidence, field.review = 0.3, Review(status="pending", reason="planted")
    assert cell_failures(record, report, THRESHOLD) == []  # flagged: allowed
    assert unrecovered_cells(record, report, THRESHOLD) != []  # but not recovered
    del getattr(record, table)[row][col]
    assert any("missing" in f for f in cell_failures(record, report, THRESHOLD))


def test_oracle_catches_a_span_that_misses_its_digits() -> None:
    text = "规章 | 12 | 0 | 3"
    fields = {"rules": {"issued": _field(12, (5, 7)), "repealed": _field(0, (0, 2))}}
    record = perfect_record_like(fields)
    failures = span_failures(record, text, len(text))
    assert failures == ["proactive.rules.repealed: value 0 but its span holds '规章'"]
    fields["rules"]["issued"].source = Span(start=5, end=99)
    assert any("outside" in f for f in span_failures(perfect_record_like(fields), text, len(text)))


def perfect_record_like(proactive: dict[str, dict[str, Field]]) -> Record:
    text_field = _field(None, None)
    return Record(
        record_id="rec",
        document_id="doc",
        status="complete",
        doc_type="annual_report",
        format_version="2021",
        script="simplified",
        classification=Classification(
            doc_type=text_field, format_version=text_field, script=text_field
        ),
        metadata=Metadata(
            agency=text_field, report_year=text_field, publish_date=text_field, title=text_field
        ),
        proactive=proactive,
        provenance=Provenance(pipeline_version="test"),
    )
