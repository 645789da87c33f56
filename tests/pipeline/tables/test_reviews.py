"""四、复议/诉讼 table: the 15 numbers under the header in every layout, as a run, glued."""

from __future__ import annotations

import pytest

from schemas.keys import REVIEW_COLUMNS, REVIEW_GROUPS
from services.pipeline.tables import parse_tables
from tests.pipeline.tables.layouts import (
    LAYOUTS,
    REVIEW_HEADER,
    Layout,
    assert_grid,
    render,
    review_items,
    review_want,
    wrap_report,
)

HEADING = "四、政府信息公开行政复议、行政诉讼情况"
NUMBERS = ["1", "2", "0", "1", "4", "0", "0", "0", "3", "3", "12", "0", "1", "0", "13"]


def report(body: str) -> str:
    return wrap_report((HEADING, body))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_fifteen_numbers_in_every_layout(layout: Layout) -> None:
    text = report(render(review_items(NUMBERS), layout))
    assert_grid(text, parse_tables(text, []).reviews_litigation, review_want(NUMBERS))


def test_all_fifteen_on_one_line() -> None:
    header = render(review_items([])[:3], "cell_lines")
    text = report(header + " ".join(NUMBERS) + "\n")
    assert_grid(text, parse_tables(text, []).reviews_litigation, review_want(NUMBERS))


def test_vertical_header_one_character_per_line() -> None:
    chars = "\n".join(ch for word in REVIEW_HEADER for ch in word)
    text = report(chars + "\n" + "\n".join(NUMBERS) + "\n")
    assert_grid(text, parse_tables(text, []).reviews_litigation, review_want(NUMBERS))


def test_vertical_header_read_row_wise() -> None:
    words = REVIEW_HEADER[2:9]
    lines = ["".join(w[i] for w in words if i < len(w)) for i in range(8)]
    text = report("行政复议 行政诉讼\n" + "\n".join(lines) + "\n" + " ".join(NUMBERS) + "\n")
    assert_grid(text, parse_tables(text, []).reviews_litigation, review_want(NUMBERS))


def test_blank_cells_first_and_last_survive_the_header_padding() -> None:
    cells = ["", *NUMBERS[1:14], ""]
    for layout in ("pipe_lines", "pipe_rows"):
        text = report(render(review_items(cells), layout))
        grid = parse_tables(text, []).reviews_litigation
        assert_grid(text, grid, review_want(cells))
        assert grid["review"]["upheld"].value is None
        assert grid["litigation_after_review"]["total"].value is None


def test_glued_zeros_split_one_way_only() -> None:
    header = render(review_items([])[:3], "cell_lines")
    text = report(header + "000000000000000\n")
    grid = parse_tables(text, []).reviews_litigation
    assert_grid(text, grid, review_want(["0"] * 15))
    assert all(c.confidence == pytest.approx(0.9) for g in grid.values() for c in g.values())


def test_glued_run_split_by_the_group_totals() -> None:
    values = [10, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    header = render(review_items([])[:3], "cell_lines")
    text = report(header + "".join(map(str, values)) + "\n")
    grid = parse_tables(text, []).reviews_litigation
    got = [grid[g][c].value for g in REVIEW_GROUPS for c in REVIEW_COLUMNS]
    assert got == values
    assert grid["review"]["upheld"].confidence == pytest.approx(0.7)
    start, end = grid["review"]["total"].span or (0, 0)
    assert text[start:end] == "10"


def test_ambiguous_glued_run_lists_candidates() -> None:
    values = [1, 10, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]  # or 11·0·0·0·11
    header = render(review_items([])[:3], "cell_lines")
    text = report(header + "".join(map(str, values)) + "\n")
    grid = parse_tables(text, []).reviews_litigation
    upheld = grid["review"]["upheld"]
    assert set(upheld.candidates or []) == {1, 11}
    assert upheld.confidence <= 0.4
    assert grid["review"]["total"].value == 11


def test_prose_under_the_heading_before_the_table() -> None:
    body = "本年度本机关未发生行政复议、行政诉讼案件,具体如下表。\n" + render(
        review_items(NUMBERS), "space_rows"
    )
    text = report(body)
    assert_grid(text, parse_tables(text, []).reviews_litigation, review_want(NUMBERS))


def test_heading_without_a_table_gives_no_cells() -> None:
    text = report("本年度未发生因政府信息公开申请行政复议、行政诉讼的情况。\n")
    assert parse_tables(text, []).reviews_litigation == {}


def test_short_run_without_separators_goes_to_review() -> None:
    header = render(review_items([])[:3], "cell_lines")
    text = report(header + " ".join(NUMBERS[:14]) + "\n")  # one blank vanished
    grid = parse_tables(text, []).reviews_litigation
    assert all(c.confidence < 0.8 for g in grid.values() for c in g.values())
    assert grid["litigation_after_review"]["total"].value is None
