"""四、政府信息公开行政复议、行政诉讼情况: one data row of 15 numbers under a three-row header.

The header (行政复议 | 行政诉讼, 结果维持 … 总计, 未经复议直接起诉 | 复议后起诉) may come one cell per
line, `|`-separated, or vertically one character per line; the 15 numbers follow it as one run,
separated or glued (`000000000000000`). The parser starts at a header cell and takes every cell
until text that is not header text; padding blanks on a header line are the header's own.
Glued runs are split with the per-group identity total = upheld + corrected + other + pending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas.keys import REVIEW_COLUMNS, REVIEW_GROUPS
from services.pipeline.model import Extracted, Grid
from services.pipeline.tables.cells import RowShape, read_row
from services.pipeline.tables.glued import Budget, SumRule
from services.pipeline.tables.labels import compact
from services.pipeline.tables.regions import Anchors
from services.pipeline.tables.templates import (
    REVIEW_HEADER_CHARS,
    REVIEW_NCOLS,
    REVIEW_PHRASES,
)
from services.pipeline.tables.tokens import Token, has_cjk

# The numbers may sit below a header printed one character per line: read far past it.
ANCHORS = Anchors(
    {p: p for p in REVIEW_PHRASES if p != "总计"} | {"未经复议": "未经复议"},
    "reviews_litigation",
    least=2,
    lines_after=160,
    chars_after=6000,
)
NCOLS = REVIEW_NCOLS * len(REVIEW_GROUPS)
RULES = tuple(
    SumRule(
        tuple(range(g * REVIEW_NCOLS, g * REVIEW_NCOLS + REVIEW_NCOLS - 1)),
        (g + 1) * REVIEW_NCOLS - 1,
    )
    for g in range(len(REVIEW_GROUPS))
)
_MAX_STARTS = 20
_MAX_HEADER_CHARS = 60
_MAX_TOKEN_CHARS = 160  # longer text is a paragraph, never a header cell
_CAPTION_CHARS = 8  # a short caption (单位:件) may sit between the header and the numbers


@dataclass(slots=True)
class ReviewsResult:
    grid: Grid = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def parse_reviews(text: str, tokens: Sequence[Token], budget: Budget) -> ReviewsResult:
    result = ReviewsResult()
    cells = _best_run(text, tokens)
    if not any(t.kind == "num" for t in cells):
        return result
    reading = read_row(cells, RowShape(NCOLS, RULES), budget)
    result.notes.append(f"reviews_litigation: {reading.status} reading of {len(cells)} cells")
    for g, group in enumerate(REVIEW_GROUPS):
        row: dict[str, Extracted] = {}
        for c, col in enumerate(REVIEW_COLUMNS):
            row[col] = reading.cells[g * REVIEW_NCOLS + c]
        result.grid[group] = row
    return result


def _best_run(text: str, tokens: Sequence[Token]) -> list[Token]:
    """The cells after the header start that yields the most numbers."""
    best: list[Token] = []
    best_numbers = 0
    starts = 0
    for i, token in enumerate(tokens):
        if token.kind != "text" or not _names_header(text, token):
            continue
        if i > 0 and tokens[i - 1].kind == "text" and _header_ish(text, tokens[i - 1]):
            continue  # inside a header already tried from its start
        cells = _cells_from(text, tokens, i)
        numbers = sum(1 for t in cells if t.kind == "num")
        if numbers > best_numbers:
            best, best_numbers = cells, numbers
        starts += 1
        if starts >= _MAX_STARTS or best_numbers >= NCOLS:
            break
    return best


def _cells_from(text: str, tokens: Sequence[Token], start: int) -> list[Token]:
    cells: list[Token] = []
    header_line = -1
    numbers = 0
    for token in tokens[start:]:
        if token.kind == "text":
            if _header_ish(text, token):
                header_line = token.line
                if not numbers:
                    cells.clear()  # blanks between header rows are header padding
                continue
            if not numbers and _caption(text, token):
                continue
            break
        if token.kind == "blank" and token.line == header_line:
            continue  # padding printed on a header line
        cells.append(token)
        numbers += token.kind == "num"
    return cells


def _names_header(text: str, token: Token) -> bool:
    if token.end - token.start > _MAX_TOKEN_CHARS:
        return False
    words = compact(text[token.start : token.end]).full
    return len(words) <= 40 and any(p in words for p in REVIEW_PHRASES if p != "总计")


def _header_ish(text: str, token: Token) -> bool:
    if token.end - token.start > _MAX_TOKEN_CHARS:
        return False  # a paragraph
    raw = text[token.start : token.end]
    words = compact(raw).full
    if not words:
        return True
    if len(words) > _MAX_HEADER_CHARS:
        return False
    if all(ch in REVIEW_HEADER_CHARS for ch in words):
        return True
    return len(words) <= 40 and any(p in words for p in REVIEW_PHRASES)


def _caption(text: str, token: Token) -> bool:
    if token.end - token.start > _MAX_TOKEN_CHARS:
        return False
    raw = text[token.start : token.end]
    return not has_cjk(raw) or len(compact(raw).full) <= _CAPTION_CHARS
