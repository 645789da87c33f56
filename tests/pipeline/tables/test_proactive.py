"""二、主动公开 table: both templates in every layout, units, signs, extra rows, glued rows."""

from __future__ import annotations

import pytest

from schemas.keys import PROACTIVE_2019, PROACTIVE_2021
from services.pipeline.tables import parse_tables
from tests.pipeline.tables.layouts import (
    LAYOUTS,
    PROACTIVE_2019_LAYOUT,
    PROACTIVE_2021_LAYOUT,
    Item,
    Layout,
    Row,
    as_value,
    assert_cell,
    assert_grid,
    render,
    wrap_report,
)

HEADING = "二、主动公开政府信息情况"

VALUES_2021: dict[str, list[str]] = {
    "rules": ["2", "1", "15"],
    "normative_docs": ["12", "3", "140"],
    "licensing": ["3960"],
    "penalty": ["181"],
    "coercion": ["0"],
    "fees": ["25.5"],
}
VALUES_2019: dict[str, list[str]] = {
    "rules": ["0", "0", "3"],
    "normative_docs": ["8", "8", "77"],
    "licensing": ["396", "0", "181"],
    "other_services": ["52", "+1036", "0"],
    "penalty": ["17", "-8", "1203"],
    "coercion": ["4", "0", "2"],
    "fees": ["6", "-1"],
    "procurement": ["3", "251000元"],
}


def items_for(template: str, values: dict[str, list[str]], width: int = 3) -> list[Item]:
    layout = PROACTIVE_2021_LAYOUT if template == "2021" else PROACTIVE_2019_LAYOUT
    items: list[Item] = []
    for banner, headers, rows in layout:
        pad = width - len(headers)
        items.append(Row([banner], pads=width))
        items.append(Row(["信息内容", *headers], pads=pad))
        items.extend(Row([label], values[key], pads=pad) for key, label in rows)
    return items


def want(template: str, values: dict[str, list[str]]) -> dict[str, dict[str, int | float | None]]:
    columns = PROACTIVE_2021 if template == "2021" else PROACTIVE_2019
    return {
        row: {col: as_value(v) for col, v in zip(columns[row], values[row], strict=True)}
        for row in values
    }


def report(items: list[Item], layout: Layout) -> str:
    return wrap_report((HEADING, render(items, layout)))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("template", ["2019", "2021"])
def test_every_cell_in_every_layout(template: str, layout: Layout) -> None:
    values = VALUES_2021 if template == "2021" else VALUES_2019
    text = report(items_for(template, values), layout)
    tables = parse_tables(text, [])
    assert_grid(text, tables.proactive, want(template, values))
    assert tables.template == template and tables.template_confidence >= 0.9


def test_signed_changes_units_and_amounts_keep_the_printed_number() -> None:
    text = report(items_for("2019", VALUES_2019), "pipe_rows")
    grid = parse_tables(text, []).proactive
    assert grid["other_services"]["change"].value == 1036
    assert grid["penalty"]["change"].value == -8
    assert grid["procurement"]["amount"].value == 251000
    start, end = grid["procurement"]["amount"].span or (0, 0)
    assert text[start:end] == "251000元"
    start, end = grid["other_services"]["change"].span or (0, 0)
    assert text[start:end] == "+1036"
    fees = parse_tables(report(items_for("2021", VALUES_2021), "cell_lines"), []).proactive
    assert fees["fees"]["amount"].value == 25.5


def test_labels_with_extra_words_and_digits_inside_them() -> None:
    items = items_for("2019", VALUES_2019)
    for item in items:
        if isinstance(item, Row):
            item.labels = [
                {
                    "规章": "规章(设区的市、自治州人民政府应提供相关数据)",
                    "本年增/减": "本年增/减(指2020年增加或减少的事项数,减用负值表示,如-8)",
                }.get(label, label)
                for label in item.labels
            ]
    for layout in ("space_rows", "cell_lines", "values_above"):
        text = report(items, layout)
        assert_grid(text, parse_tables(text, []).proactive, want("2019", VALUES_2019))


def test_extra_rows_do_not_shift_other_rows() -> None:
    items = items_for("2021", VALUES_2021)
    at = next(
        i for i, it in enumerate(items) if isinstance(it, Row) and it.labels == ["行政规范性文件"]
    )
    items.insert(at + 1, Row(["其他主动公开文件"], ["38", "28", "3"]))
    for layout in ("cell_lines", "space_rows", "values_above", "pipe_lines"):
        text = report(items, layout)
        assert_grid(text, parse_tables(text, []).proactive, want("2021", VALUES_2021))


def test_seed_004_layout_with_padding_and_a_blank_value() -> None:
    values = {**VALUES_2019, "fees": ["6", ""], "coercion": ["4", "0", ""]}
    text = report(items_for("2019", values), "pipe_lines")
    grid = parse_tables(text, []).proactive
    assert_grid(text, grid, want("2019", values))
    assert grid["fees"]["change"].value is None and grid["fees"]["change"].span is None


def test_glued_licensing_row_is_ambiguous_and_goes_to_review() -> None:
    values = {**VALUES_2019, "licensing": ["3960181"]}
    text = report(items_for("2019", values), "space_rows").replace(
        "行政许可 3960181", "行政许可3960181"
    )
    row = parse_tables(text, []).proactive["licensing"]
    assert [row[c].value for c in ("prior_items", "change", "decisions")] == [396, 0, 181]
    for cell in row.values():
        assert cell.confidence <= 0.4
        assert cell.reasons and "ambiguous split of glued cells 3960181" in cell.reasons[0]
    assert {396, 3, 39, 3960} <= set(row["prior_items"].candidates or [])
    assert row["prior_items"].confidence <= 1 / len(row["prior_items"].candidates or [1])
    start, end = row["decisions"].span or (0, 0)
    assert text[start:end] == "181"


def test_glued_row_with_one_possible_split() -> None:
    values = {**VALUES_2021, "rules": ["000"]}
    text = report(items_for("2021", values), "pipe_lines")
    row = parse_tables(text, []).proactive["rules"]
    assert [cell.value for cell in row.values()] == [0, 0, 0]
    assert all(cell.confidence == pytest.approx(0.9) for cell in row.values())


def test_a_two_cell_row_without_separators_may_hide_a_blank() -> None:
    values = {**VALUES_2019, "fees": ["12"]}  # glued 1·2, or 12 and a blank that left no trace
    text = report(items_for("2019", values), "space_rows")
    row = parse_tables(text, []).proactive["fees"]
    assert all(cell.confidence < 0.8 for cell in row.values())


def test_template_unknown_from_labels_falls_back_to_row_counts() -> None:
    values = {k: v for k, v in VALUES_2019.items() if k in ("rules", "licensing", "penalty")}
    lines = "".join(
        f"{label} {' '.join(values[key])}\n"
        for key, label in (("rules", "规章"), ("licensing", "行政许可"), ("penalty", "行政处罚"))
    )
    text = wrap_report((HEADING, lines))
    tables = parse_tables(text, [])
    assert tables.template == "2019" and tables.template_confidence <= 0.7
    row = tables.proactive["licensing"]
    assert [row[c].value for c in ("prior_items", "change", "decisions")] == [396, 0, 181]
    assert all(cell.confidence < 0.8 for cell in row.values())
    assert_cell(text, row["decisions"], 181, "licensing.decisions")


def test_a_glued_procurement_row_may_hold_a_long_amount() -> None:
    values = {**VALUES_2019, "procurement": ["356081205"]}  # 3 items, 56081205 元
    text = report(items_for("2019", values), "cell_lines")
    row = parse_tables(text, []).proactive["procurement"]
    assert 56081205 in (row["amount"].candidates or [])
    assert 3 in (row["items"].candidates or [])
    assert all(cell.confidence <= 0.4 for cell in row.values())
