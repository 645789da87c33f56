"""Cut a stretch of normalised text into table tokens: label text, numbers and blank cells.

A flattened table arrives one cell per line, `|`-separated, or as rows on one line separated by
spaces. Lines are cut into cells at `|`; cells into words at whitespace. A word that is a number
(`34`, `+1036`, `25.5`, `251000元`) or a placeholder (`-`, `/`, `无`) is a *cell*; consecutive other
words of one cell form one *text* token (a label, a header, junk). A number glued to the end of
a label (`行政许可3960181`) is split off. Digits inside brackets belong to the label
(`本年增/减(指2020年…如-8)`), as do numbering marks (`1.`, `(1)`, `一、`).

Empty `|` cells become *blank* tokens: a blank value inside a row, or padding from merged header
cells. A line of pipes only (`||`, `|||`) is padding: a blank value has a line of its own.

Everything is one pass over the lines with compiled patterns; nothing backtracks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal["text", "num", "blank"]

# Digits a cell may hold at most; longer runs are not table cells (ids, phone numbers, junk).
MAX_RUN_DIGITS = 60

_UNITS = "万元|元|件|个|项|次|起|人|%"
_NUMBER = re.compile(
    rf"(?P<sign>[+-])?(?P<int>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(?P<frac>\d+))?(?P<unit>{_UNITS})?"
)
_UNIT_WORDS = ("万元", "元", "件", "个", "项", "次", "起", "人", "%")
_PLACEHOLDER = re.compile(r"[-/\\~_]{1,3}|无|空|[—–]{1,3}")
_WORD = re.compile(r"\S+")
_OPENERS = "([【〔"
_CLOSERS = ")]】〕"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# What may stand right before a glued number: a Chinese character or a closing bracket/quote.
_GLUE_LEFT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff)\]】〕”\"']")


@dataclass(slots=True, eq=False)
class Token:
    """One cell or label of a flattened table. Never changed after tokenising (shared by the
    tables; not frozen only because frozen dataclasses are slow to build, and there are many)."""

    kind: TokenKind
    start: int
    end: int
    line: int
    value: int | float | None = None  # a number's value; None for placeholders and blanks
    digits: str = ""  # the digits of a number that may be cut into glued cells
    digits_start: int = -1  # where those digits start in the text
    placeholder: bool = False  # `-`, `/`, `无`: printed blank
    pad_line: bool = False  # a blank from a line of pipes only: merged-cell padding
    piped: bool = False  # from a line with `|` separators

    @property
    def is_cell(self) -> bool:
        return self.kind != "text"

    @property
    def cuttable(self) -> bool:
        """A whole number of two or more digits: it may be several glued cells."""
        return len(self.digits) >= 2


def tokenise(text: str, start: int = 0, end: int | None = None, first_line: int = 0) -> list[Token]:
    """Tokens of `text[start:end]`, in order; `start` should be a line start.

    Lines are numbered from `first_line` (the number of the line at `start`).
    """
    stop = len(text) if end is None else min(end, len(text))
    out: list[Token] = []
    pos = max(0, start)
    line = first_line
    carry = 0  # brackets left open at the end of the previous line
    while pos <= stop:
        nl = text.find("\n", pos, stop)
        line_end = stop if nl < 0 else nl
        carry = _tokenise_line(text, pos, line_end, line, carry, out)
        if nl < 0:
            break
        pos = nl + 1
        line += 1
    return out


# Lines most flattened tables consist of: one number (`0 |`, `12`) or one label (`规章 |`).
_NUMBER_LINE = re.compile(r"[ \t]*(\d{1,15})[ \t]*(\|)?[ \t]*")
_WORD_LINE = re.compile(r"[ \t]*([^\s\d|]+)[ \t]*(\|)?[ \t]*")


def _tokenise_line(text: str, start: int, end: int, line: int, carry: int, out: list[Token]) -> int:
    if carry and not any(text.find(c, start, end) >= 0 for c in _CLOSERS):
        carry = 0  # an unclosed bracket only spans into a line that closes it
    if not carry:
        depth = _fast_line(text, start, end, line, out)
        if depth >= 0:
            return depth
    if text.find("|", start, end) < 0:
        return _tokenise_cell(text, start, end, line, carry, False, out)
    cells, pure_pipes = _pipe_cells(text, start, end)
    depth = carry
    for cell_start, cell_end in cells:
        if _blank(text, cell_start, cell_end):
            out.append(
                Token("blank", cell_start, cell_start, line, pad_line=pure_pipes, piped=True)
            )
            continue
        depth = _tokenise_cell(text, cell_start, cell_end, line, depth, True, out)
    return depth


def _fast_line(text: str, start: int, end: int, line: int, out: list[Token]) -> int:
    """Tokenise a one-number or one-word line directly; -1 when the line needs the full path."""
    if start == end:
        return 0
    m = _NUMBER_LINE.fullmatch(text, start, end)
    if m is not None:
        s, e = m.span(1)
        digits = m.group(1)
        out.append(Token("num", s, e, line, int(digits), digits, s, piped=m.group(2) is not None))
        return 0
    m = _WORD_LINE.fullmatch(text, start, end)
    if m is None or _PLACEHOLDER.fullmatch(m.group(1)):
        return -1
    s, e = m.span(1)
    out.append(Token("text", s, e, line, piped=m.group(2) is not None))
    return _depth_after(text, s, e, 0)


def _pipe_cells(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], bool]:
    """Cells of a line with pipes, and whether the line is pipes only (padding).

    `a |` ends a cell with a pipe (seed 004: `0 |`, `||` is two empty cells) and `a | b | c`
    separates cells: either way an empty remainder after the last pipe is no cell.
    """
    bounds: list[tuple[int, int]] = []
    cursor = start
    while True:
        bar = text.find("|", cursor, end)
        if bar < 0:
            bounds.append((cursor, end))
            break
        bounds.append((cursor, bar))
        cursor = bar + 1
    if all(_blank(text, s, e) for s, e in bounds):
        return bounds[:-1], len(bounds) > 2
    return (bounds[:-1] if _blank(text, *bounds[-1]) else bounds), False


def _blank(text: str, start: int, end: int) -> bool:
    return start >= end or text[start:end].isspace()


def _tokenise_cell(
    text: str, start: int, end: int, line: int, depth: int, piped: bool, out: list[Token]
) -> int:
    """Words of one cell → tokens; returns the bracket depth at the cell's end."""
    words: list[tuple[str, int, int]] = []  # (kind: text|num|ph, start, end)
    for m in _WORD.finditer(text, start, end):
        ws, we = m.start(), m.end()
        word = m.group()
        if depth == 0 and word.isdigit() and word.isascii() and len(word) <= MAX_RUN_DIGITS:
            words.append(("num", ws, we))  # the common case, without the patterns below
            continue
        if depth > 0:
            words.append(("text", ws, we))
            depth = _depth_after(text, ws, we, depth)
            continue
        if _NUMBER.fullmatch(text, ws, we) and _digit_count(text, ws, we) <= MAX_RUN_DIGITS:
            words.append(("num", ws, we))
            continue
        if _PLACEHOLDER.fullmatch(text, ws, we):
            words.append(("ph", ws, we))
            continue
        starts = _trailing_numbers(text, ws, we)
        if starts:
            if starts[0] > ws:
                words.append(("text", ws, starts[0]))
            for a, b in zip(starts, [*starts[1:], we], strict=True):
                words.append(("num", a, b))
            continue
        words.append(("text", ws, we))
        depth = _depth_after(text, ws, we, depth)
    _emit(text, words, line, piped, out)
    return depth


def _emit(
    text: str, words: list[tuple[str, int, int]], line: int, piped: bool, out: list[Token]
) -> None:
    run_start = -1
    run_end = -1
    for i, (kind, ws, we) in enumerate(words):
        if kind == "ph" and _between_text(words, i):
            kind = "text"  # `本年增 / 减`: a slash inside a label is no placeholder
        if kind == "text":
            if run_start < 0:
                run_start = ws
            run_end = we
            continue
        if run_start >= 0:
            out.append(Token("text", run_start, run_end, line, piped=piped))
            run_start = -1
        out.append(_cell_token(text, kind, ws, we, line, piped))
    if run_start >= 0:
        out.append(Token("text", run_start, run_end, line, piped=piped))


def _between_text(words: list[tuple[str, int, int]], i: int) -> bool:
    before = i > 0 and words[i - 1][0] == "text"
    after = i + 1 < len(words) and words[i + 1][0] == "text"
    return before and after


def _cell_token(text: str, kind: str, start: int, end: int, line: int, piped: bool) -> Token:
    if kind == "ph":
        return Token("num", start, end, line, placeholder=True, piped=piped)
    word = text[start:end]
    if word.isdigit() and word.isascii():
        return Token("num", start, end, line, int(word), word, start, piped=piped)
    m = _NUMBER.fullmatch(text, start, end)
    if m is None:  # cannot happen: the word was classified by the same pattern
        return Token("num", start, end, line, placeholder=True, piped=piped)
    sign = -1 if m.group("sign") == "-" else 1
    whole = m.group("int")
    frac = m.group("frac")
    value: int | float
    if frac is not None:
        value = sign * float(f"{whole.replace(',', '')}.{frac}")
    else:
        value = sign * int(whole.replace(",", ""))
    cuttable = frac is None and "," not in whole
    return Token(
        "num",
        start,
        end,
        line,
        value=value,
        digits=whole if cuttable else "",
        digits_start=m.start("int") if cuttable else -1,
        piped=piped,
    )


def _trailing_numbers(text: str, start: int, end: int) -> list[int]:
    """Starts of the numbers glued to the end of a word, in order.

    `行政许可3960181` → [at `3`]; a unit separates numbers, so `20件74件` → [at `2`, at `7`].
    Numbers inside an open bracket (`(如-8`) belong to the label.
    """
    starts: list[int] = []
    stop = end
    while True:
        at = _tail_start(text, start, stop)
        if at is None or not _NUMBER.fullmatch(text, at, stop):
            break
        if at > start:
            if not _GLUE_LEFT.match(text, at - 1) or text[at - 1] == "第":
                break
            if _depth_after(text, start, at, 0) > 0:
                break
        starts.insert(0, at)
        if at == start or not _ends_with_unit(text, start, at):
            break  # only a unit can separate two glued numbers
        stop = at
    return starts


def _ends_with_unit(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` ends with a unit right after a digit (`20件`)."""
    for unit in _UNIT_WORDS:
        at = end - len(unit)
        if at > start and text.startswith(unit, at, end) and text[at - 1].isdigit():
            return True
    return False


def _tail_start(text: str, start: int, end: int) -> int | None:
    """Start of the number (sign, digits, decimals, unit) that ends `text[start:end]`.

    Scans backwards by hand: a `search(...$)` would retry from every digit of a long run.
    """
    pos = end
    for unit in _UNIT_WORDS:
        if text.startswith(unit, pos - len(unit), end) and pos - len(unit) > start:
            pos -= len(unit)
            break
    digits = 0
    seen_point = False
    while pos > start:
        ch = text[pos - 1]
        if ch.isdigit() and ch.isascii():
            digits += 1
        elif (
            ch == "." and not seen_point and digits and pos - 2 >= start and text[pos - 2].isdigit()
        ):
            seen_point = True
        else:
            break
        if digits > MAX_RUN_DIGITS:
            return None
        pos -= 1
    if digits == 0:
        return None
    if pos > start and text[pos - 1] in "+-":
        pos -= 1
    return pos


def _digit_count(text: str, start: int, end: int) -> int:
    return sum(1 for ch in text[start:end] if ch.isdigit())


_BRACKET = re.compile(r"[(\[【〔)\]】〕]")


def _depth_after(text: str, start: int, end: int, depth: int) -> int:
    for m in _BRACKET.finditer(text, start, end):
        if m.group() in _OPENERS:
            depth += 1
        elif depth > 0:
            depth -= 1
    return min(depth, 3)


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None
