"""Cutting lines into label text, numbers and blank cells."""

from __future__ import annotations

import pytest

from services.pipeline.tables.tokens import Token, tokenise


def kinds(text: str) -> list[tuple[str, str, object]]:
    return [(t.kind, text[t.start : t.end], t.value) for t in tokenise(text)]


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("34", 34),
        ("+1036", 1036),
        ("-8", -8),
        ("25.5", 25.5),
        ("251000元", 251000),
        ("25.5万元", 25.5),
        ("3件", 3),
        ("4项", 4),
        ("1,234", 1234),
        ("0", 0),
    ],
)
def test_numbers_keep_the_printed_value_and_span(word: str, value: float) -> None:
    text = f"规章 {word}\n"
    (label, cell) = tokenise(text)
    assert label.kind == "text" and cell.kind == "num"
    assert cell.value == value
    assert text[cell.start : cell.end] == word


@pytest.mark.parametrize("mark", ["-", "—", "/", "无", "--"])
def test_placeholders_are_blank_cells(mark: str) -> None:
    (_, cell) = tokenise(f"规章 {mark}")
    assert cell.kind == "num" and cell.placeholder and cell.value is None


def test_digits_inside_a_label_are_not_cells() -> None:
    text = "本年增/减(指2020年增加或减少的事项数,减用负值表示,如-8) 5"
    assert kinds(text) == [
        ("text", "本年增/减(指2020年增加或减少的事项数,减用负值表示,如-8)", None),
        ("num", "5", 5),
    ]


def test_a_bracket_note_wrapped_onto_the_next_line_keeps_its_digits() -> None:
    text = "本年增/减(指2020年增加或减少的事项数,\n减用负值表示,如 -8)\n3"
    assert [k for k, _, _ in kinds(text)] == ["text", "text", "num"]


@pytest.mark.parametrize(
    "label",
    [
        "1.属于国家秘密",
        "1、属于国家秘密",
        "(1)属于国家秘密",
        "一、本年新收",
        "第二十条第(九)项",
        "2019-03-11",
        "邮编:132400",
    ],
)
def test_numbering_dates_and_codes_are_text(label: str) -> None:
    assert [k for k, _, _ in kinds(label)] == ["text"]


def test_a_number_glued_to_its_label_is_split_off() -> None:
    assert kinds("行政许可3960181") == [("text", "行政许可", None), ("num", "3960181", 3960181)]
    assert kinds("规章(设区的市)0")[-1] == ("num", "0", 0)


def test_units_separate_glued_numbers() -> None:
    assert kinds("规范性文件 20件74件") == [
        ("text", "规范性文件", None),
        ("num", "20件", 20),
        ("num", "74件", 74),
    ]


def test_pipe_terminated_cells_and_padding_lines() -> None:
    text = "规章 |\n0 |\n|\n||\n"
    tokens = tokenise(text)
    assert [t.kind for t in tokens] == ["text", "num", "blank", "blank", "blank"]
    assert [t.pad_line for t in tokens[2:]] == [False, True, True]
    assert all(t.piped for t in tokens)


def test_pipe_separated_cells_on_one_line() -> None:
    tokens = tokenise("规章 | 0 |  | 3 |")
    assert [t.kind for t in tokens] == ["text", "num", "blank", "num"]
    assert not any(t.pad_line for t in tokens)


def test_a_leading_empty_cell_is_a_blank() -> None:
    assert [t.kind for t in tokenise(" | 0 | 1 |")] == ["blank", "num", "num"]


def test_cuttable_runs() -> None:
    (run,) = tokenise("713000074")
    assert isinstance(run, Token) and run.cuttable and run.digits == "713000074"
    (single,) = tokenise("7")
    assert not single.cuttable
    (decimal,) = tokenise("25.5")
    assert not decimal.cuttable


def test_overlong_digit_runs_are_not_cells() -> None:
    assert [t.kind for t in tokenise("1" * 200)] == ["text"]


def test_line_numbers_and_offsets() -> None:
    text = "前言\n规章 1 2 3\n"
    tokens = tokenise(text, text.index("规"), first_line=7)
    assert {t.line for t in tokens} == {7}
    assert text[tokens[1].start : tokens[1].end] == "1"
