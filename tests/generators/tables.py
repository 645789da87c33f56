"""Render the three standard tables from valid values, in random layouts and with real strays.

Each builder is a hypothesis strategy: it draws the presentation (labels, blanks, units, glued
rows, subtotal rows, page numbers …) and returns a `BuiltTable`: the table's rows, what a parser
must recover (`expected`, None for a blank), and which cells no parser can be sure of
(`ambiguous`: glued cells with several consistent splits; `unplaceable`: rows whose blank cells
left no trace).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from hypothesis import strategies as st

from schemas.keys import REQUEST_COLUMNS, REVIEW_COLUMNS, REVIEW_GROUPS
from tests.generators import glue, labels
from tests.generators.layout import (
    VANISHING_BLANKS,
    Cell,
    CellKey,
    Item,
    Layout,
    Line,
    Mark,
    Row,
    vertical_chars,
    vertical_grid,
)
from tests.generators.values import (
    Number,
    ProactiveValues,
    RequestValues,
    ReviewValues,
    request_identity_failures,
)

Value = int | float | None
Expected = dict[str, dict[str, Value]]  # row → column → value


# A feature is off, drawn (True: the example may or may not have it), or "always" on.
Switch = bool | Literal["always"]


@dataclass(frozen=True)
class Features:
    """Which departures from the clean template a strategy may switch on."""

    label_variants: Switch = True  # extra words, half-width brackets, `1、`
    page_numbers: Switch = True  # `-4-` lines between rows
    extra_rows: Switch = True  # 其他主动公开文件, 小计 rows
    blanks: Switch = True  # blank cells (expected None)
    placeholders: Switch = True  # `-` cells (expected None)
    units: Switch = True  # `251000元`, `3件`
    plus_signs: Switch = True  # `+1036` in 本年增/减
    glued: Switch = True  # row digits concatenated
    review_run: Switch = True  # the 15 复议/诉讼 numbers on one line
    vertical_headers: Switch = True  # header text one character per line
    other_as_one_row: Switch = True  # a 2021 report printing （六）其他处理 as one row
    prose_numbers: Switch = True  # the same (or contradicting) numbers in 总体情况


ALL_FEATURES = Features()
CLEAN = Features(**{name: False for name in Features.__dataclass_fields__})
UNAMBIGUOUS = Features(glued=False, blanks=False, placeholders=False)


@dataclass
class BuiltTable:
    name: str
    items: list[Item]
    expected: Expected
    ambiguous: dict[CellKey, frozenset[int]] = field(default_factory=dict)
    unplaceable: set[CellKey] = field(default_factory=set)
    features: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Style:
    """Presentation drawn once per report and shared by its three tables."""

    layout: Layout
    template: str
    year: int
    features: Features


def feature(draw: st.DrawFn, allowed: Switch) -> bool:
    """Draw a feature switch; shrinks to off."""
    if allowed == "always":
        return True
    return allowed and draw(st.booleans())


def pick(draw: st.DrawFn, options: Sequence[str], varied: Switch) -> str:
    """The first (official) option, or any when variants are allowed."""
    return draw(st.sampled_from(options)) if varied and len(options) > 1 else options[0]


# --- values as printed ---------------------------------------------------------------------


def number_text(value: Number) -> str:
    """How the generator prints a number; also the digits a span must contain."""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def value_cell(key: CellKey, value: Number, *, unit: str = "", plus: bool = False) -> Cell:
    body = number_text(value)
    if plus and value > 0:
        body = "+" + body
    return Cell(body + unit, (Mark(key, 0, len(body)),))


def glued_cell(keys: Sequence[CellKey], values: Sequence[int]) -> Cell:
    text = glue.glue(values)
    marks: list[Mark] = []
    at = 0
    for key, value in zip(keys, values, strict=True):
        width = len(str(value))
        marks.append(Mark(key, at, at + width))
        at += width
    return Cell(text, tuple(marks))


@st.composite
def blank_text(draw: st.DrawFn, features: Features) -> str:
    """How a blank cell prints: nothing, or a placeholder dash."""
    options = ([""] if features.blanks else []) + (["-", "—"] if features.placeholders else [])
    return draw(st.sampled_from(options))


def _page_number(draw: st.DrawFn, page: int) -> Line:
    return Line(draw(st.sampled_from([f"-{page}-", f"- {page} -", f"—{page}—", f"第{page}页"])))


@st.composite
def with_page_numbers(draw: st.DrawFn, items: list[Item], allowed: Switch) -> list[Item]:
    """Page-number lines between some rows (a PDF's page breaks)."""
    if not feature(draw, allowed) or len(items) < 2:
        return items
    breaks = draw(st.sets(st.integers(1, len(items) - 1), min_size=1, max_size=3))
    page = draw(st.integers(2, 30))
    out: list[Item] = []
    for i, item in enumerate(items):
        if i in breaks:
            out.append(_page_number(draw, page))
            page += 1
        out.append(item)
    return out


# --- 三、申请 table -------------------------------------------------------------------------


@st.composite
def requests_table(draw: st.DrawFn, values: RequestValues, style: Style) -> BuiltTable:
    f = style.features
    table = BuiltTable("requests", [], {})
    glued = _choose_glued_request_rows(draw, values, f.glued)
    printed = _blank_some(draw, "requests", values.cells, exclude=set(glued), features=f)
    blank = draw(blank_text(f)) if f.blanks or f.placeholders else ""
    table.expected = printed
    if glued:
        table.features.add("glued")
    if any(v is None for cells in printed.values() for v in cells.values()):
        table.features.add("blank" if blank == "" else "placeholder")

    items: list[Item] = _request_header(draw, style, table)
    subtotals = feature(draw, f.extra_rows)
    subtotal_on_group = subtotals and draw(st.booleans())
    if subtotals:
        table.features.add("subtotal_on_group" if subtotal_on_group else "subtotal_rows")
    for row in values.rows:
        group = labels.REQUEST_GROUPS.get(row)
        group_text = pick(draw, group, f.label_variants) if group else None
        label = pick(draw, labels.REQUEST_LABELS[row], f.label_variants)
        sums = _subtotal(values, row) if subtotals else None
        if group_text and sums is not None and subtotal_on_group and row != "other_no_correction":
            items.append(Row((Cell(group_text),), tuple(Cell(str(v)) for v in sums)))
            group_text = None
        label_cells = (Cell(group_text), Cell(label)) if group_text else (Cell(label),)
        cells = _request_cells(row, printed[row], glued.get(row), blank)
        items.append(Row(label_cells, cells, glue_label=row in glued and draw(st.booleans())))
        last_of_group = _closes_subtotal_group(row)
        if subtotals and not subtotal_on_group and last_of_group is not None:
            sums = _subtotal(values, last_of_group)
            assert sums is not None
            sub_label = pick(draw, labels.SUBTOTAL_LABELS, f.label_variants)
            items.append(Row((Cell(sub_label),), tuple(Cell(str(v)) for v in sums)))
    table.items = draw(with_page_numbers(items, f.page_numbers))
    if len(table.items) != len(items):
        table.features.add("page_numbers")
    if blank == "" and style.layout in VANISHING_BLANKS:
        table.unplaceable = _rows_with_blanks("requests", printed)
    table.ambiguous = _request_ambiguity(values, printed, glued, table.unplaceable)
    return table


def _request_header(draw: st.DrawFn, style: Style, table: BuiltTable) -> list[Item]:
    items: list[Item] = [Row((Cell(labels.REQUEST_NOTE), Cell(labels.REQUEST_APPLICANT)), (), 8)]
    vertical = feature(draw, style.features.vertical_headers)
    if vertical:
        table.features.add("vertical_headers")
        columns = [labels.REQUEST_TOP_HEADERS[0], *labels.REQUEST_ORG_HEADERS]
        columns.append(labels.REQUEST_TOP_HEADERS[2])
        items.append(Line(labels.REQUEST_TOP_HEADERS[1]))
        split = vertical_grid if draw(st.booleans()) else vertical_chars
        items.extend(split(columns))
    else:
        items.append(Row(tuple(Cell(h) for h in labels.REQUEST_TOP_HEADERS), (), 7))
        items.append(Row(tuple(Cell(h) for h in labels.REQUEST_ORG_HEADERS), (), 5))
    return items


def _request_cells(
    row: str, printed: dict[str, Value], glued: glue.Split | None, blank: str
) -> tuple[Cell, ...]:
    keys = [("requests", row, col) for col in REQUEST_COLUMNS]
    if glued is not None:
        return (glued_cell(keys, glued),)
    cells: list[Cell] = []
    for key, col in zip(keys, REQUEST_COLUMNS, strict=True):
        value = printed[col]
        cells.append(Cell(blank) if value is None else value_cell(key, value))
    return tuple(cells)


def _subtotal(values: RequestValues, first_row: str) -> list[int] | None:
    group = labels.SUBTOTAL_GROUPS.get(first_row)
    if group is None or not set(group) <= set(values.rows):
        return None
    return [sum(values.cells[r][col] for r in group) for col in REQUEST_COLUMNS]


def _closes_subtotal_group(row: str) -> str | None:
    """The first row of the subtotal group that `row` ends, if it ends one."""
    for first, members in labels.SUBTOTAL_GROUPS.items():
        if members[-1] == row:
            return first
    return None


def _choose_glued_request_rows(
    draw: st.DrawFn, values: RequestValues, allowed: Switch
) -> dict[str, glue.Split]:
    """Up to two rows whose digits get concatenated; only rows the solver can enumerate."""
    if not feature(draw, allowed):
        return {}
    wanted = draw(st.lists(st.sampled_from(values.rows), min_size=1, max_size=2, unique=True))
    chosen: dict[str, glue.Split] = {}
    joint = 1
    for row in wanted:
        split = tuple(values.cells[row][col] for col in REQUEST_COLUMNS)
        digits = glue.glue(split)
        if len(digits) > 18:
            continue
        options = len(glue.splits_with_total(digits, len(split)))
        if options <= glue.MAX_ROW_CANDIDATES and joint * options <= glue.MAX_JOINT_ASSIGNMENTS:
            chosen[row] = split
            joint *= options
    return chosen


def _request_ambiguity(
    values: RequestValues,
    printed: Expected,
    glued: dict[str, glue.Split],
    unplaceable: set[CellKey],
) -> dict[CellKey, frozenset[int]]:
    """Glued cells that more than one identity-consistent joint split would fill differently."""
    if not glued:
        return {}
    known: dict[str, dict[str, int | None]] = {
        row: {
            col: None if ("requests", row, col) in unplaceable else _as_int(v)
            for col, v in cells.items()
        }
        for row, cells in printed.items()
    }
    candidates = {
        row: glue.splits_with_total(glue.glue(split), len(split)) for row, split in glued.items()
    }
    columns = {row: REQUEST_COLUMNS for row in glued}

    def consistent(assignment: glue.Assignment) -> bool:
        cells = {row: dict(by_col) for row, by_col in known.items()}
        for row, split in assignment.items():
            cells[row] = dict(zip(REQUEST_COLUMNS, split, strict=True))
        return not request_identity_failures(cells)

    if glue.joint_size(candidates) > glue.MAX_JOINT_ASSIGNMENTS:
        raise AssertionError("generator glued more rows than it can solve exhaustively")
    seen = glue.consistent_cell_values(candidates, columns, consistent)
    return {("requests", row, col): vals for (row, col), vals in seen.items() if len(vals) > 1}


def _as_int(value: Value) -> int | None:
    return None if value is None else int(value)


@st.composite
def _blank_cells(
    draw: st.DrawFn, cells: Mapping[str, Mapping[str, Number]], exclude: set[str]
) -> set[tuple[str, str]]:
    """Cells printed blank: some zeros, and now and then a non-zero 总计 / total."""
    zeros = sorted(
        (r, c) for r, by in cells.items() if r not in exclude for c, v in by.items() if v == 0
    )
    chosen: set[tuple[str, str]] = set()
    if zeros:
        chosen |= draw(st.sets(st.sampled_from(zeros), max_size=6))
    totals = sorted(
        (r, c) for r, by in cells.items() if r not in exclude for c in by if c == "total"
    )
    if totals and feature(draw, True):
        chosen.add(draw(st.sampled_from(totals)))
    return chosen


def _as_printed(cells: Mapping[str, Mapping[str, Number]]) -> Expected:
    return {row: dict(by_col) for row, by_col in cells.items()}


def _blank_some(
    draw: st.DrawFn,
    table: str,
    cells: Mapping[str, Mapping[str, Number]],
    *,
    exclude: set[str],
    features: Features,
) -> Expected:
    printed = _as_printed(cells)
    if not (features.blanks or features.placeholders) or not draw(st.booleans()):
        return printed
    for row, col in draw(_blank_cells(cells, exclude)):
        printed[row][col] = None
    return printed


def _rows_with_blanks(table: str, printed: Expected) -> set[CellKey]:
    """Every cell of a row with a vanished blank: the parser cannot tell which cell was blank."""
    out: set[CellKey] = set()
    for row, cells in printed.items():
        if any(v is None for v in cells.values()):
            out |= {(table, row, col) for col in cells}
    return out


# --- 四、复议/诉讼 table --------------------------------------------------------------------

_REVIEW_ORDER = [(group, col) for group in REVIEW_GROUPS for col in REVIEW_COLUMNS]


@st.composite
def reviews_table(draw: st.DrawFn, values: ReviewValues, style: Style) -> BuiltTable:
    f = style.features
    table = BuiltTable("reviews_litigation", [], {})
    flat = [values.cells[g][c] for g, c in _REVIEW_ORDER]
    keys = [("reviews_litigation", g, c) for g, c in _REVIEW_ORDER]
    digits = glue.glue(flat)
    glued = (
        feature(draw, f.glued)
        and len(glue.splits_with_group_totals(digits, len(REVIEW_GROUPS), len(REVIEW_COLUMNS)))
        <= glue.MAX_ROW_CANDIDATES
    )
    printed = (
        _as_printed(values.cells)
        if glued
        else _blank_some(draw, "reviews_litigation", values.cells, exclude=set(), features=f)
    )
    table.expected = printed
    blank = draw(blank_text(f)) if f.blanks or f.placeholders else ""
    items = _review_header(draw, style, table)
    run = feature(draw, f.review_run)
    if glued:
        table.features.add("glued")
        items.append(Row((), (glued_cell(keys, flat),), run=True))
        table.ambiguous = _review_ambiguity(digits)
    else:
        cells = tuple(
            Cell(blank) if printed[g][c] is None else value_cell(key, flat[i])
            for i, ((g, c), key) in enumerate(zip(_REVIEW_ORDER, keys, strict=True))
        )
        items.append(Row((), cells, run=run))
        if any(v is None for by in printed.values() for v in by.values()):
            table.features.add("blank" if blank == "" else "placeholder")
            if blank == "" and (run or style.layout in VANISHING_BLANKS):
                # The 15 numbers are one sequence: one vanished blank shifts every later cell.
                table.unplaceable = {k for k in keys}
    if run:
        table.features.add("review_run")
    table.items = items
    return table


def _review_header(draw: st.DrawFn, style: Style, table: BuiltTable) -> list[Item]:
    items: list[Item] = [Row(tuple(Cell(h) for h in labels.REVIEW_TOP_HEADERS), (), 13)]
    second = (*labels.REVIEW_COLUMN_LABELS, *labels.REVIEW_LITIGATION_HEADERS)
    if feature(draw, style.features.vertical_headers):
        table.features.add("vertical_headers")
        split = vertical_grid if draw(st.booleans()) else vertical_chars
        items.extend(split(list(second)))
        items.extend(split(list(labels.REVIEW_COLUMN_LABELS) * 2))
    else:
        items.append(Row(tuple(Cell(h) for h in second), (), 8))
        items.append(Row(tuple(Cell(h) for h in labels.REVIEW_COLUMN_LABELS * 2), (), 5))
    return items


def _review_ambiguity(digits: str) -> dict[CellKey, frozenset[int]]:
    candidates = glue.splits_with_group_totals(digits, len(REVIEW_GROUPS), len(REVIEW_COLUMNS))
    out: dict[CellKey, frozenset[int]] = {}
    for i, (group, col) in enumerate(_REVIEW_ORDER):
        seen = frozenset(split[i] for split in candidates)
        if len(seen) > 1:
            out[("reviews_litigation", group, col)] = seen
    return out


# --- 二、主动公开 table ---------------------------------------------------------------------


@st.composite
def proactive_table(draw: st.DrawFn, values: ProactiveValues, style: Style) -> BuiltTable:
    f = style.features
    table = BuiltTable("proactive", [], {})
    column_labels = labels.proactive_column_labels(values.template, style.year)
    row_labels = labels.PROACTIVE_ROW_LABELS[values.template]
    glued = _choose_glued_proactive_rows(draw, values, f.glued)
    printed = _blank_some(draw, "proactive", values.cells, exclude=set(glued), features=f)
    table.expected = printed
    blank = draw(blank_text(f)) if f.blanks or f.placeholders else ""
    units = feature(draw, f.units)
    plus = feature(draw, f.plus_signs)
    extra = feature(draw, f.extra_rows)
    items: list[Item] = []
    width = max(len(cols) for cols in printed.values())
    for banner, rows in labels.PROACTIVE_BLOCKS[values.template]:
        columns = [c for c in printed[rows[0]]]
        items.append(Row((Cell(banner),), (), width))
        header = [pick(draw, column_labels[c], f.label_variants) for c in columns]
        pad = width - len(columns)
        items.append(Row((Cell(labels.PROACTIVE_ITEM_HEADER), *map(Cell, header)), (), pad))
        for row in rows:
            label = Cell(pick(draw, row_labels[row], f.label_variants))
            if row in glued:
                keys = [("proactive", row, c) for c in columns]
                cell = glued_cell(keys, glued[row])
                items.append(Row((label,), (cell,), pad, glue_label=draw(st.booleans())))
                continue
            cells = tuple(
                _proactive_cell(draw, row, col, printed[row][col], blank, units, plus)
                for col in columns
            )
            items.append(Row((label,), cells, pad))
        if extra and "normative_docs" in rows:
            n = len(columns)
            counts = draw(st.lists(st.integers(0, 99), min_size=n, max_size=n))
            extra_label = Cell(labels.PROACTIVE_EXTRA_ROW[0])
            items.append(Row((extra_label,), tuple(Cell(str(n)) for n in counts)))
    table.items = draw(with_page_numbers(items, f.page_numbers))
    table.features |= {
        name
        for name, on in (
            ("units", units),
            ("plus_signs", plus),
            ("extra_rows", extra),
            ("glued", bool(glued)),
            ("page_numbers", len(table.items) != len(items)),
        )
        if on
    }
    if any(v is None for by in printed.values() for v in by.values()):
        table.features.add("blank" if blank == "" else "placeholder")
    if blank == "" and style.layout in VANISHING_BLANKS:
        table.unplaceable = _rows_with_blanks("proactive", printed)
    table.ambiguous = _proactive_ambiguity(glued, values)
    return table


_UNITS = {
    "issued": "件",
    "repealed": "件",
    "in_force": "件",
    "made": "件",
    "published": "件",
    "total_published": "件",
    "prior_items": "项",
    "items": "项",
}


def _proactive_cell(
    draw: st.DrawFn,
    row: str,
    col: str,
    value: Value,
    blank: str,
    units: bool,
    plus: bool,
) -> Cell:
    key = ("proactive", row, col)
    if value is None:
        return Cell(blank)
    unit = _unit(row, col)
    use_unit = units and bool(unit) and draw(st.booleans())
    use_plus = plus and col == "change" and draw(st.booleans())
    return value_cell(key, value, unit=unit if use_unit else "", plus=use_plus)


def _unit(row: str, col: str) -> str:
    if col == "amount":
        return "元" if row == "procurement" else "万元"
    return _UNITS.get(col, "")


def _choose_glued_proactive_rows(
    draw: st.DrawFn, values: ProactiveValues, allowed: Switch
) -> dict[str, tuple[int, ...]]:
    """Rows of two or more non-negative whole numbers that the solver can enumerate."""
    if not feature(draw, allowed):
        return {}
    eligible = [
        row
        for row, cells in values.cells.items()
        if len(cells) > 1 and all(isinstance(v, int) and v >= 0 for v in cells.values())
    ]
    if not eligible:
        return {}
    wanted = draw(st.lists(st.sampled_from(eligible), min_size=1, max_size=3, unique=True))
    chosen: dict[str, tuple[int, ...]] = {}
    for row in wanted:
        split = tuple(int(v) for v in values.cells[row].values())
        digits = glue.glue(split)
        if len(digits) <= 14 and len(glue.splits(digits, len(split))) <= glue.MAX_ROW_CANDIDATES:
            chosen[row] = split
    return chosen


def _proactive_ambiguity(
    glued: dict[str, tuple[int, ...]], values: ProactiveValues
) -> dict[CellKey, frozenset[int]]:
    """No identity ties a 主动公开 row together: every split with the right count is valid."""
    out: dict[CellKey, frozenset[int]] = {}
    for row, split in glued.items():
        candidates = glue.splits(glue.glue(split), len(split))
        for i, col in enumerate(values.cells[row]):
            seen = frozenset(c[i] for c in candidates)
            if len(seen) > 1:
                out[("proactive", row, col)] = seen
    return out
