"""A row's cells → one reading per column: padding, blanks, short and long rows, glued runs."""

from __future__ import annotations

import pytest

from services.pipeline.tables.cells import RowShape, read_row
from services.pipeline.tables.glued import Budget, SumRule
from services.pipeline.tables.tokens import Token, tokenise

ROW7 = RowShape(7, (SumRule((0, 1, 2, 3, 4, 5), 6),))


def cells(text: str) -> list[Token]:
    return [t for t in tokenise(text) if t.kind != "text"]


def read(text: str, shape: RowShape) -> tuple[list[object], list[float], str]:
    reading = read_row(cells(text), shape, Budget(100_000))
    return [c.value for c in reading.cells], [c.confidence for c in reading.cells], reading.status


def test_clean_row() -> None:
    got, confidence, status = read("5 |\n2 |\n0 |\n0 |\n0 |\n0 |\n7 |\n", ROW7)
    assert got == [5, 2, 0, 0, 0, 0, 7] and status == "direct"
    assert min(confidence) == pytest.approx(0.97)


def test_padding_after_the_count_and_a_blank_inside_it() -> None:
    got, _, _ = read("5 |\n|\n0 |\n0 |\n0 |\n0 |\n5 |\n||\n", ROW7)
    assert got == [5, None, 0, 0, 0, 0, 5]
    got, _, _ = read("5 | 2 | 0 | 0 | 0 | 0 |  |  |  |", ROW7)
    assert got == [5, 2, 0, 0, 0, 0, None]  # a blank 总计 is a blank, the rest is padding


def test_padding_before_the_count_goes_when_the_row_is_too_long() -> None:
    got, _, _ = read(" |  | 5 | 2 | 0 | 0 | 0 | 0 | 7 |", ROW7)
    assert got == [5, 2, 0, 0, 0, 0, 7]


def test_short_row_is_read_left_to_right_with_doubt() -> None:
    reading = read_row(cells("5 2 0 0 0 7"), ROW7, Budget(10_000))
    assert [c.value for c in reading.cells] == [5, 2, 0, 0, 0, 7, None]
    assert all(c.confidence == pytest.approx(0.5) for c in reading.cells)
    assert "6 cells for 7 columns" in reading.cells[0].reasons[0]


def test_long_row_drops_the_one_stray_that_makes_it_add_up() -> None:
    reading = read_row(cells("5 2 0 12 0 0 0 7"), ROW7, Budget(10_000))
    assert [c.value for c in reading.cells] == [5, 2, 0, 0, 0, 0, 7]
    assert all(c.confidence == pytest.approx(0.6) for c in reading.cells)
    assert "left out cell 12" in reading.cells[0].reasons[0]


def test_long_row_without_an_identity_keeps_the_first_cells() -> None:
    reading = read_row(cells("1 2 3 4"), RowShape(3), Budget(10_000))
    assert [c.value for c in reading.cells] == [1, 2, 3]
    assert reading.status == "long" and reading.cells[0].confidence <= 0.5


def test_no_cells_at_all() -> None:
    reading = read_row([], RowShape(3), Budget(10))
    assert [c.value for c in reading.cells] == [None, None, None]
    assert reading.status == "empty" and reading.cells[0].confidence < 0.8


def test_glued_statuses_and_their_confidence() -> None:
    assert read("0000000 |", ROW7)[1:] == ([0.9] * 7, "forced")
    assert read("713000074 |", ROW7)[1:] == ([0.7] * 7, "unique")
    got, confidence, status = read("110000011 |", ROW7)
    assert status == "ambiguous" and got[6] == 11
    assert confidence[0] <= 0.4 and confidence[6] == pytest.approx(0.7)


def test_a_run_with_a_leading_zero_must_be_cut() -> None:
    got, _, status = read("00 |\n|\n", RowShape(2))
    assert got == [0, 0] and status == "forced"


def test_a_single_run_and_a_blank_may_be_glued_cells_and_a_pad() -> None:
    reading = read_row(cells("12 |\n|\n"), RowShape(2), Budget(10_000))
    assert [c.value for c in reading.cells] == [12, None]
    assert all(c.confidence <= 0.6 for c in reading.cells)
    assert set(reading.cells[0].candidates or []) == {12, 1}
    wide = read_row(cells("12 |\n|\n"), RowShape(2, width=3), Budget(10_000))
    assert [c.value for c in wide.cells] == [1, 2]  # full rows have 3 cells: the blank is a pad
    full = read_row(cells("12 |\n|\n|\n"), RowShape(2, width=3), Budget(10_000))
    assert [c.value for c in full.cells] == [12, None]
    assert full.cells[0].confidence == pytest.approx(0.97)


def test_too_many_ways_to_cut_gives_up_clearly() -> None:
    reading = read_row(cells("1" * 40), RowShape(7), Budget(2_000))
    assert all(c.value is None and c.confidence <= 0.2 for c in reading.cells)
    assert "too many ways" in reading.cells[0].reasons[0]
