"""三、申请 table: every layout and both templates, every cell checked, strays and glued rows."""

from __future__ import annotations

import pytest

from schemas.keys import REQUEST_COLUMNS
from services.pipeline.tables import parse_tables
from tests.pipeline.tables.layouts import (
    LAYOUTS,
    REQUEST_GROUPS,
    REQUEST_LABELS,
    Item,
    Layout,
    Row,
    assert_cell,
    assert_grid,
    printed,
    render,
    request_rows,
    request_values,
    request_want,
    requests_items,
    wrap_report,
)

HEADING = "三、收到和处理政府信息公开申请情况"


def report(items: list[Item], layout: Layout, sep: str = " ") -> str:
    return wrap_report((HEADING, render(items, layout, sep)))


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_cell_in_every_layout(layout: Layout, template: str) -> None:
    values = printed(request_values(template))
    text = report(requests_items(template, values), layout)
    tables = parse_tables(text, [])
    assert_grid(text, tables.requests, request_want(values))
    assert len(tables.requests) == (23 if template == "2019" else 25)


@pytest.mark.parametrize("sep", ["\t", "  ", "   "])
def test_rows_on_one_line_with_tabs_or_wide_spaces(sep: str) -> None:
    values = printed(request_values("2021", seed=3))
    text = report(requests_items("2021", values), "space_rows", sep)
    assert_grid(text, parse_tables(text, []).requests, request_want(values))


@pytest.mark.parametrize("layout", ["cell_lines", "pipe_lines", "space_rows"])
def test_without_group_cells_or_header(layout: Layout) -> None:
    values = printed(request_values("2019", seed=2))
    items = requests_items("2019", values, groups=False, header=False)
    text = report(items, layout)
    assert_grid(text, parse_tables(text, []).requests, request_want(values))


@pytest.mark.parametrize("marker", ["1、", "(1)", "1)", ""])
def test_numbering_varies_and_sub_rows_are_told_apart_by_text(marker: str) -> None:
    values = printed(request_values("2021", seed=5))
    items = requests_items("2021", values)
    for item in items:
        if isinstance(item, Row):
            item.labels = [
                _renumber(label, marker) if label[:2] in {f"{d}." for d in "12345678"} else label
                for label in item.labels
            ]
    text = report(items, "cell_lines")
    assert_grid(text, parse_tables(text, []).requests, request_want(values))


def _renumber(label: str, marker: str) -> str:
    digit = label[0]
    return marker.replace("1", digit) + label[2:] if marker else label[2:]


def test_labels_with_extra_words_and_digits_in_them() -> None:
    values = printed(request_values("2019", seed=4))
    items = requests_items("2019", values)
    renamed = {
        REQUEST_LABELS["new_received"]: "一、本年新收政府信息公开申请数量(2020年度,单位:件)",
        REQUEST_LABELS["carried_over"]: "二、上年结转政府信息公开申请数量(件)",
        REQUEST_LABELS["carried_forward"]: "四、结转下年度继续办理(截至2020年12月31日)",
    }
    for item in items:
        if isinstance(item, Row):
            item.labels = [renamed.get(label, label) for label in item.labels]
    text = report(items, "space_rows")
    assert_grid(text, parse_tables(text, []).requests, request_want(values))


def test_values_printed_above_their_labels() -> None:
    values = printed(request_values("2021", seed=6))
    text = report(requests_items("2021", values), "values_above")
    assert_grid(text, parse_tables(text, []).requests, request_want(values))
    assert "requests: values above their labels" in parse_tables(text, []).notes


def test_labels_wrapped_over_two_lines() -> None:
    values = printed(request_values("2021", seed=7))
    text = report(requests_items("2021", values), "cell_lines")
    for label in (
        "一、本年新收政府信息公开申请数量",
        "5.要求行政机关确认或重新出具已获取信息",
        "3.其他",
    ):
        cut = len(label) // 2
        text = text.replace(label, label[:cut] + "\n" + label[cut:], 1)
    assert_grid(text, parse_tables(text, []).requests, request_want(values))


def test_page_numbers_and_junk_lines_between_rows() -> None:
    values = printed(request_values("2019", seed=8))
    items = requests_items("2019", values)
    for at, junk in ((6, ""), (12, "本栏目信息由办公室负责维护。"), (20, "")):
        items.insert(at, junk)  # the normaliser leaves a blank line where a page number was
    for layout in ("cell_lines", "pipe_lines", "space_rows"):
        text = report(items, layout)
        assert_grid(text, parse_tables(text, []).requests, request_want(values))


def test_subtotal_rows_do_not_shift_other_rows() -> None:
    values = printed(request_values("2021", seed=9))
    items = requests_items("2021", values)
    out: list[Item] = []
    for item in items:
        out.append(item)
        if isinstance(item, Row) and item.labels[-1] in (
            REQUEST_LABELS["denied_admin_query"],
            REQUEST_LABELS["unavailable_unclear"],
            REQUEST_LABELS["other_other"],
        ):
            out.append(Row(["小计"], ["9", "9", "9", "9", "9", "9", "54"]))
    for layout in ("cell_lines", "pipe_rows", "values_above"):
        text = report(out, layout)
        assert_grid(text, parse_tables(text, []).requests, request_want(values))


def test_a_group_cell_carrying_a_subtotal_is_no_row() -> None:
    values = printed(request_values("2019", seed=10))
    items = requests_items("2019", values, groups=False)
    at = next(
        i
        for i, it in enumerate(items)
        if isinstance(it, Row) and it.labels == [REQUEST_LABELS["denied_state_secret"]]
    )
    items.insert(
        at, Row([REQUEST_GROUPS["denied_state_secret"]], ["1", "2", "3", "4", "5", "6", "21"])
    )
    for layout in ("cell_lines", "space_rows", "values_above"):
        text = report(items, layout)
        assert_grid(text, parse_tables(text, []).requests, request_want(values))


def test_other_processing_printed_as_one_row() -> None:
    values = printed(request_values("2019", seed=11))  # 23 rows: （六） as one row
    text = report(requests_items("2019", values), "pipe_lines")
    tables = parse_tables(text, [])
    assert "other" in tables.requests
    assert not {"other_no_correction", "other_unpaid_fee", "other_other"} & set(tables.requests)
    assert_grid(text, tables.requests, request_want(values))


def test_blank_cells_between_pipes_are_blank_values_and_pads_are_not() -> None:
    values = printed(request_values("2019", seed=12))
    values["granted"][1] = ""  # a blank inside the row
    values["carried_forward"][6] = ""  # a blank 总计 while the row has values
    items = requests_items("2019", values)
    for item in items:
        if isinstance(item, Row) and item.values:
            item.pads = 2  # merged cells at the end of every data row (seed 004)
    for layout in ("pipe_lines", "pipe_rows"):
        text = report(items, layout)
        assert_grid(text, parse_tables(text, []).requests, request_want(values))


def test_placeholders_read_as_blank_never_zero() -> None:
    values = printed(request_values("2021", seed=13))
    for row, col, mark in (
        ("granted", 2, "-"),
        ("partially_granted", 4, "/"),
        ("other_other", 0, "无"),
    ):
        assert values[row][col] == "0"
        values[row][col] = mark
    text = report(requests_items("2021", values), "space_rows")
    tables = parse_tables(text, [])
    assert_grid(text, tables.requests, request_want(values))
    assert tables.requests["granted"]["research"].value is None


def test_a_short_row_without_separators_goes_to_review() -> None:
    values = printed(request_values("2019", seed=14))
    values["granted"] = ["5", "2", "0", "0", "1", "8"]  # one blank cell vanished: 6 of 7
    text = report(requests_items("2019", values), "space_rows")
    row = parse_tables(text, []).requests["granted"]
    assert all(cell.confidence < 0.8 for cell in row.values())
    assert "nothing shows which are blank" in row["natural_person"].reasons[0]
    assert row["total"].value is None


def test_prose_numbers_in_the_overview_are_ignored() -> None:
    values = printed(request_values("2021", seed=15))
    prose = (
        "本年度新收政府信息公开申请30件,上年结转政府信息公开申请2件,予以公开20件,部分公开5件,"
        "不予公开1件,结转下年度继续办理3件。\n"
    )
    text = prose + report(requests_items("2021", values), "cell_lines") + prose
    assert_grid(text, parse_tables(text, []).requests, request_want(values))


def test_no_table_no_rows() -> None:
    text = wrap_report((HEADING, "本年度共收到政府信息公开申请3件,均已按期答复。\n"))
    assert parse_tables(text, []).requests == {}


# --- glued rows ------------------------------------------------------------------------------


def _glued_table(granted: list[int], processed_blank: bool = False) -> tuple[str, list[str]]:
    """A 2019 table whose only non-zero row is `granted`, printed as one glued run."""
    values = {row: [0] * 7 for row in request_rows("2019")}
    values["granted"] = list(granted)
    values["new_received"] = list(granted)
    values["total_processed"] = list(granted)
    cells = printed(values)
    if processed_blank:
        cells["total_processed"] = ["", "", "", "", "", "", ""]
    glued = "".join(str(v) for v in granted)
    cells["granted"] = [glued]
    return report(requests_items("2019", cells), "pipe_lines"), cells["granted"]


def test_glued_row_split_by_row_and_column_identities() -> None:
    text, _ = _glued_table([71, 3, 0, 0, 0, 0, 74])
    row = parse_tables(text, []).requests["granted"]
    for col, want in zip(REQUEST_COLUMNS, [71, 3, 0, 0, 0, 0, 74], strict=True):
        assert_cell(text, row[col], want, col)
        assert row[col].confidence == pytest.approx(0.85)
    start, end = row["natural_person"].span or (0, 0)
    assert text[start:end] == "71" and text[end : end + 7] == "3000074"


def test_glued_row_split_by_row_identity_only() -> None:
    text, _ = _glued_table([71, 3, 0, 0, 0, 0, 74], processed_blank=True)
    row = parse_tables(text, []).requests["granted"]
    assert [row[c].value for c in REQUEST_COLUMNS] == [71, 3, 0, 0, 0, 0, 74]
    assert all(row[c].confidence == pytest.approx(0.7) for c in REQUEST_COLUMNS)
    assert "split by the row total" in row["total"].reasons[0]


def test_ambiguous_glued_row_goes_to_review_with_candidates() -> None:
    # 110000011: 1·10·0·0·0·0·11 or 11·0·0·0·0·0·11; the blank 总计 row cannot tell.
    text, _ = _glued_table([1, 10, 0, 0, 0, 0, 11], processed_blank=True)
    row = parse_tables(text, []).requests["granted"]
    for col, options in (("natural_person", {1, 11}), ("commercial", {10, 0})):
        cell = row[col]
        assert cell.confidence <= 0.4
        assert set(cell.candidates or []) == options
        assert cell.value in options
        assert "ambiguous split of glued cells 110000011" in cell.reasons[0]
    assert row["total"].value == 11 and row["total"].candidates is None
    assert 0.4 < row["total"].confidence < 0.8


def test_column_identities_resolve_an_ambiguous_glued_row() -> None:
    text, _ = _glued_table([1, 10, 0, 0, 0, 0, 11])
    row = parse_tables(text, []).requests["granted"]
    assert [row[c].value for c in REQUEST_COLUMNS] == [1, 10, 0, 0, 0, 0, 11]
    assert all(row[c].confidence >= 0.8 for c in REQUEST_COLUMNS)


def test_other_other_and_total_only_by_context() -> None:
    values = printed(request_values("2021", seed=16))
    items = requests_items("2021", values)
    text = report(items, "cell_lines").replace("3.其他\n", "其他\n").replace("(七)总计", "总计")
    tables = parse_tables(text, [])
    assert_grid(text, tables.requests, request_want(values))


def test_vertical_header_text_one_character_per_line() -> None:
    values = printed(request_values("2019", seed=17))
    items = requests_items("2019", values, header=False)
    header = "\n".join(
        ch
        for word in (
            "申请人情况",
            "自然人",
            "法人或其他组织",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计",
        )
        for ch in word
    )
    text = report([header, *items], "cell_lines")
    assert_grid(text, parse_tables(text, []).requests, request_want(values))


def test_a_label_with_an_ocr_slip_is_read_with_doubt() -> None:
    values = printed(request_values("2019", seed=18))
    text = report(requests_items("2019", values), "cell_lines").replace(
        "8.属于行政查询事项", "8.属于行政査洵事项"
    )
    tables = parse_tables(text, [])
    row = tables.requests["denied_admin_query"]
    for col, want in request_want(values)["denied_admin_query"].items():
        assert_cell(text, row[col], want, col)
        assert row[col].confidence <= 0.7
        assert "approximate match" in row[col].reasons[0]
    others = {k: v for k, v in request_want(values).items() if k != "denied_admin_query"}
    assert_grid(
        text, {k: v for k, v in tables.requests.items() if k != "denied_admin_query"}, others
    )


def test_values_above_with_a_glued_first_row_and_the_next_section_after_it() -> None:
    values = printed(request_values("2019", seed=19))
    values["new_received"] = ["".join(values["new_received"])]
    body = render(requests_items("2019", values), "values_above")
    reviews = "四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n结果维持 结果纠正\n000000000000000\n"
    text = report([body + reviews], "cell_lines")
    tables = parse_tables(text, [])
    assert "requests: values above their labels" in tables.notes
    want = request_want(printed(request_values("2019", seed=19)))
    got = {k: v for k, v in tables.requests.items() if k != "new_received"}
    assert_grid(text, got, {k: v for k, v in want.items() if k != "new_received"})
    row = tables.requests["new_received"]
    assert [row[c].value for c in REQUEST_COLUMNS] == list(want["new_received"].values())
