"""How a flattened table looks as text: the layouts real scraped reports show.

A table is built as a list of `Row`s (label cells, value cells) and raw `Line`s (banners, page
numbers, vertical header text). `render` turns it into text in one `Layout` and returns where
each value was printed, so tests can check that the generator really printed what it claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

CellKey = tuple[str, str, str]  # (table, row, column)

Layout = Literal["cell_lines", "pipe_lines", "pipe_rows", "space_rows", "values_above"]
LAYOUTS: tuple[Layout, ...] = (
    "pipe_lines",
    "cell_lines",
    "pipe_rows",
    "space_rows",
    "values_above",
)

# Layouts where a blank cell leaves no trace a parser can rely on (no `|` around it).
VANISHING_BLANKS: frozenset[Layout] = frozenset({"cell_lines", "space_rows", "values_above"})


@dataclass(frozen=True)
class Mark:
    """A value printed inside a cell: `cell.text[start:end]` is the number for `key`."""

    key: CellKey
    start: int
    end: int


@dataclass(frozen=True)
class Cell:
    text: str
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class Row:
    labels: tuple[Cell, ...]
    values: tuple[Cell, ...] = ()
    fillers: int = 0  # trailing empty cells (merged header cells); only pipes show them
    run: bool = False  # print the values as one space-separated run whatever the layout
    glue_label: bool = False  # in space-separated layouts, no space between label and values


@dataclass(frozen=True)
class Line:
    text: str


Item = Row | Line


@dataclass
class Rendered:
    text: str
    spans: dict[CellKey, tuple[int, int]] = field(default_factory=dict)


class _Writer:
    """Accumulates lines and records the absolute position of every marked value."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.spans: dict[CellKey, tuple[int, int]] = {}

    def write(self, text: str, marks: tuple[Mark, ...] = ()) -> None:
        for mark in marks:
            self.spans[mark.key] = (self._length + mark.start, self._length + mark.end)
        self._parts.append(text)
        self._length += len(text)

    def newline(self) -> None:
        self.write("\n")

    def cells(self, cells: list[Cell], sep: str) -> None:
        for i, cell in enumerate(cells):
            if i:
                self.write(sep)
            self.write(cell.text, cell.marks)

    def text(self) -> str:
        return "".join(self._parts)


def render(items: list[Item], layout: Layout, sep: str = " ") -> Rendered:
    """Text of the table in `layout`; `sep` separates cells in the space-separated layouts."""
    out = _Writer()
    for item in items:
        if isinstance(item, Line):
            out.write(item.text)
            out.newline()
        elif item.run:
            _row_as_run(out, item)
        else:
            _ROW_RENDERERS[layout](out, item, sep)
    return Rendered(out.text(), out.spans)


def _row_as_run(out: _Writer, row: Row) -> None:
    cells = [c for c in (*row.labels, *row.values) if c.text]
    out.cells(cells, " ")
    out.newline()


def _cell_lines(out: _Writer, row: Row, sep: str) -> None:
    for cell in (*row.labels, *row.values):
        out.write(cell.text, cell.marks)
        out.newline()


def _pipe_lines(out: _Writer, row: Row, sep: str) -> None:
    for cell in (*row.labels, *row.values):
        out.write(cell.text, cell.marks)
        out.write(" |" if cell.text else "|")
        out.newline()
    if row.fillers:
        out.write("|" * row.fillers)
        out.newline()


def _pipe_rows(out: _Writer, row: Row, sep: str) -> None:
    cells = [*row.labels, *row.values, *(Cell("") for _ in range(row.fillers))]
    out.cells(cells, " | ")
    out.write(" |")
    out.newline()


def _space_rows(out: _Writer, row: Row, sep: str) -> None:
    labels = [c for c in row.labels if c.text]
    values = [c for c in row.values if c.text]
    out.cells(labels, sep)
    if labels and values:
        out.write("" if row.glue_label else sep)
    out.cells(values, sep)
    out.newline()


def _values_above(out: _Writer, row: Row, sep: str) -> None:
    values = [c for c in row.values if c.text]
    if values:
        out.cells(values, sep)
        out.newline()
    labels = [c for c in row.labels if c.text]
    if labels:
        out.cells(labels, sep)
        out.newline()


_ROW_RENDERERS = {
    "cell_lines": _cell_lines,
    "pipe_lines": _pipe_lines,
    "pipe_rows": _pipe_rows,
    "space_rows": _space_rows,
    "values_above": _values_above,
}


def vertical_grid(headers: list[str]) -> list[Line]:
    """Header cells printed top to bottom, read row-wise: `结 结 其 尚` / `果 果 他 未` / …"""
    depth = max(len(h) for h in headers)
    return [Line(" ".join(h[i] for h in headers if i < len(h))) for i in range(depth)]


def vertical_chars(headers: list[str]) -> list[Line]:
    """Header cells printed top to bottom, read cell by cell: one character per line."""
    return [Line(ch) for h in headers for ch in h]
