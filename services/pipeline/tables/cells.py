"""Turn the cells a row owns into one reading per column, with a confidence that means something.

Confidence levels (the review threshold is 0.8):

    clean cell, exact label, right cell count ............ 0.97 (a printed blank: 0.95)
    glued run, only one split at all ..................... 0.9
    glued run, one split satisfies the row identity ...... 0.7 (the table may raise it to 0.85)
    glued run, several splits fit ........................ ≤ min(0.4, 1/candidates), to review
    fewer cells than columns, nothing says which is blank  0.5, to review
    more cells than columns .............................. 0.5 (0.6 when an identity picks)

Padding: a line of pipes only is merged-cell padding; blank cells after the row's column count
are padding, then blank cells before it. A blank inside the count is a blank value (None).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from services.pipeline.model import Extracted, Value
from services.pipeline.tables.glued import (
    Budget,
    Piece,
    Plausibility,
    Split,
    SumRule,
    most_plausible,
    piece_of,
    splits,
)
from services.pipeline.tables.tokens import Token

CLEAN = 0.97
CLEAN_BLANK = 0.95
FORCED = 0.9
UNIQUE_BY_ROW = 0.7
UNIQUE_BY_COLUMNS = 0.85
AMBIGUOUS_CAP = 0.4
SHORT_ROW = 0.5
LONG_ROW = 0.5
LONG_ROW_PICKED = 0.6
GLUE_OR_BLANK = 0.6
FUZZY_LABEL = 0.7
MAX_CANDIDATES = 100


@dataclass(slots=True)
class RowReading:
    """A row's cells read as `ncols` columns."""

    cells: list[Extracted]
    status: str  # direct | forced | unique | ambiguous | short | long | empty
    options: list[Split] = field(default_factory=list)  # the splits that fit (glued rows)
    single_run: bool = False  # the row's numbers are one glued run
    digits: str = ""  # the glued digits as printed, for reasons


@dataclass(frozen=True, slots=True)
class RowShape:
    """What the table around a row says about it."""

    ncols: int
    rules: tuple[SumRule, ...] = ()
    width: int | None = None  # cells (pads included) a full `|` row of this table has
    plausibility: Plausibility | None = None
    digits: tuple[int, ...] | None = None  # the most digits each column's cell may have


def read_row(tokens: Sequence[Token], shape: RowShape, budget: Budget) -> RowReading:
    raw_count = len(tokens)
    cells = _trim_padding([t for t in tokens if not t.pad_line], shape.ncols)
    if not cells:
        return _empty(shape.ncols)
    if len(cells) == shape.ncols:
        if _run_must_be_cut(cells):
            return _glued(_without_trailing_blanks(cells), shape, budget)
        if _single_run_with_trailing_blanks(cells):
            if shape.width is None:
                return _glue_or_pad(cells, shape, budget)
            if raw_count < shape.width:  # the row is short of the table's width: pads, not blanks
                return _glued(_without_trailing_blanks(cells), shape, budget)
        return _direct(cells)
    if len(cells) < shape.ncols:
        if any(t.cuttable for t in cells):
            return _glued(_without_trailing_blanks(cells), shape, budget, fallback=cells)
        return _short(cells, shape.ncols)
    return _long(cells, shape, budget)


# --- padding ------------------------------------------------------------------------------


def _trim_padding(cells: list[Token], ncols: int) -> list[Token]:
    end = len(cells)
    while end > ncols and cells[end - 1].kind == "blank":
        end -= 1
    begin = 0
    while end - begin > ncols and cells[begin].kind == "blank":
        begin += 1
    return cells[begin:end]


def _without_trailing_blanks(cells: list[Token]) -> list[Token]:
    end = len(cells)
    while end > 0 and cells[end - 1].kind == "blank":
        end -= 1
    return cells[:end]


def _run_must_be_cut(cells: list[Token]) -> bool:
    """A run with a leading zero (`00`, `0123`) is no printed number: it is glued cells."""
    return any(t.cuttable and t.digits[0] == "0" for t in cells)


def _single_run_with_trailing_blanks(cells: list[Token]) -> bool:
    numbers = [t for t in cells if t.kind == "num"]
    if len(numbers) != 1 or not numbers[0].cuttable or cells[0] is not numbers[0]:
        return False
    return all(t.kind == "blank" for t in cells[1:]) and len(cells) > 1


# --- readings -----------------------------------------------------------------------------


def _direct(cells: list[Token]) -> RowReading:
    return RowReading([_clean_cell(piece_of(t)) for t in cells], "direct")


def _clean_cell(piece: Piece) -> Extracted:
    if piece.blank:
        return Extracted(None, None, CLEAN_BLANK)
    confidence = CLEAN_BLANK if piece.value is None else CLEAN
    return Extracted(piece.value, (piece.start, piece.end), confidence)


def _empty(ncols: int) -> RowReading:
    cells = [
        Extracted(None, None, SHORT_ROW, reasons=["no cells found after the row label"])
        for _ in range(ncols)
    ]
    return RowReading(cells, "empty")


def _short(cells: list[Token], ncols: int) -> RowReading:
    reason = (
        f"row has {len(cells)} cells for {ncols} columns and nothing shows which are blank; "
        "read left to right"
    )
    out: list[Extracted] = []
    for i in range(ncols):
        if i < len(cells):
            piece = piece_of(cells[i])
            span = None if piece.blank else (piece.start, piece.end)
            out.append(Extracted(piece.value, span, SHORT_ROW, reasons=[reason]))
        else:
            out.append(Extracted(None, None, SHORT_ROW, reasons=[reason]))
    return RowReading(out, "short")


def _long(cells: list[Token], shape: RowShape, budget: Budget) -> RowReading:
    """More cells than columns: a stray number (a page number, a footnote) or a lost label."""
    extra = len(cells) - shape.ncols
    if shape.rules and extra <= 2:
        fits: list[tuple[int, ...]] = []
        for dropped in combinations(range(len(cells)), extra):
            if not budget.spend():
                break
            kept = [piece_of(t) for i, t in enumerate(cells) if i not in dropped]
            if _rules_hold(kept, shape.rules):
                fits.append(dropped)
                if len(fits) > 1:
                    break
        if len(fits) == 1:
            kept_tokens = [t for i, t in enumerate(cells) if i not in fits[0]]
            dropped_text = ", ".join(_show(cells[i]) for i in fits[0])
            reason = (
                f"row has {len(cells)} cells for {shape.ncols} columns; left out {dropped_text}, "
                "the only choice that makes the row add up"
            )
            cells_out = [_doubted(piece_of(t), LONG_ROW_PICKED, reason) for t in kept_tokens]
            return RowReading(cells_out, "long")
    reason = f"row has {len(cells)} cells for {shape.ncols} columns; extra cells ignored"
    return RowReading(
        [_doubted(piece_of(t), LONG_ROW, reason) for t in cells[: shape.ncols]], "long"
    )


def _rules_hold(pieces: list[Piece], rules: Sequence[SumRule]) -> bool:
    """Every rule can be evaluated on these cells and holds."""
    for rule in rules:
        values = [pieces[i].value for i in (*rule.parts, rule.total)]
        if not all(isinstance(v, int) for v in values):
            return False
        if sum(v for v in values[:-1] if isinstance(v, int)) != values[-1]:
            return False
    return True


def _show(token: Token) -> str:
    return "a blank cell" if token.kind == "blank" else f"cell {token.value!r}"


def _doubted(piece: Piece, confidence: float, reason: str) -> Extracted:
    span = None if piece.blank else (piece.start, piece.end)
    return Extracted(piece.value, span, confidence, reasons=[reason])


def _glued(
    cells: list[Token],
    shape: RowShape,
    budget: Budget,
    fallback: list[Token] | None = None,
) -> RowReading:
    """Cut the row's runs into `ncols` cells, using the row's identities when it has any."""
    single_run = len(cells) == 1 and cells[0].cuttable
    short = fallback if fallback is not None else cells
    if shape.rules:
        fitting = splits(cells, shape.ncols, shape.rules, budget, widths=shape.digits)
        if fitting.splits and fitting.complete:
            return _from_splits(fitting.splits, cells, shape, budget, single_run, by_rule=True)
        if fitting.complete and not single_run:
            # No cut adds up: separate numbers are more likely a row with a blank left out.
            return _short(short, shape.ncols)
    free = splits(cells, shape.ncols, (), budget, widths=shape.digits)
    if free.splits and free.complete:
        reading = _from_splits(free.splits, cells, shape, budget, single_run, by_rule=False)
        if shape.rules:
            for cell in reading.cells:
                cell.doubt("no split of the glued digits makes the row add up", AMBIGUOUS_CAP)
        return reading
    if not free.complete:
        return _unsplittable(shape.ncols, cells, "too many ways to split the glued digits")
    return _short(short, shape.ncols)


def _from_splits(
    options: list[Split],
    cells: list[Token],
    shape: RowShape,
    budget: Budget,
    single_run: bool,
    by_rule: bool,
) -> RowReading:
    digits = " ".join(t.digits or _show(t) for t in cells)
    if len(options) > 1:
        return ambiguous_reading(options, shape, digits, single_run)
    forced = not by_rule or _only_split(cells, shape, budget)
    confidence = FORCED if forced else UNIQUE_BY_ROW
    reasons = [] if forced else [f"glued digits {digits} split by the row total"]
    if _blank_could_explain(cells, shape):
        confidence = min(confidence, GLUE_OR_BLANK)
        reasons.append(
            f"row has {len(cells)} cells for {shape.ncols} columns: read {digits} as glued "
            "cells, though a blank cell left out would explain it too"
        )
    cells_out = [_split_cell(p, confidence, reasons) for p in options[0]]
    status = "forced" if forced else "unique"
    return RowReading(cells_out, status, options, single_run, digits)


def ambiguous_reading(
    options: list[Split], shape: RowShape, digits: str, single_run: bool
) -> RowReading:
    """Several splits fit: the most plausible one, each cell doubted by its rivals."""
    best = most_plausible(options, shape.plausibility)
    cells: list[Extracted] = []
    for col, piece in enumerate(best):
        values = _distinct(opt[col].value for opt in options)
        if len(values) == 1:
            reason = f"glued digits {digits}: several splits fit, all agree on this cell"
            cells.append(_split_cell(piece, UNIQUE_BY_ROW, [reason]))
            continue
        shown = values[:MAX_CANDIDATES]
        confidence = min(AMBIGUOUS_CAP, 1.0 / len(values))
        reason = f"ambiguous split of glued cells {digits}: {len(options)} splits fit"
        cell = _split_cell(piece, confidence, [reason])
        cell.candidates = list(shown)
        cells.append(cell)
    return RowReading(cells, "ambiguous", options, single_run, digits)


def _distinct(values: Iterable[Value]) -> list[Value]:
    out: list[Value] = []
    seen: set[Value] = set()
    for value in values:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


def _split_cell(piece: Piece, confidence: float, reasons: list[str]) -> Extracted:
    span = None if piece.blank else (piece.start, piece.end)
    conf = CLEAN_BLANK if piece.blank or piece.placeholder else confidence
    return Extracted(piece.value, span, min(conf, confidence), reasons=list(reasons))


def _only_split(cells: list[Token], shape: RowShape, budget: Budget) -> bool:
    """Whether the digits allow one split at all, identities aside."""
    free = splits(cells, shape.ncols, (), budget, max_solutions=2, widths=shape.digits)
    return free.complete and len(free.splits) == 1


def _blank_could_explain(cells: list[Token], shape: RowShape) -> bool:
    """A row short by one or two cells may have lost blanks, not separators (no `|` to tell)."""
    if any(t.piped for t in cells):
        return False
    missing = shape.ncols - len(cells)
    return 1 <= missing <= 2 and not _run_must_be_cut(cells)


def _unsplittable(ncols: int, cells: list[Token], reason: str) -> RowReading:
    digits = " ".join(t.digits or _show(t) for t in cells)
    out = [Extracted(None, None, 0.2, reasons=[f"{reason} ({digits})"]) for _ in range(ncols)]
    return RowReading(out, "short")


def _glue_or_pad(cells: list[Token], shape: RowShape, budget: Budget) -> RowReading:
    """`12 |` then an empty `|`: a number and a blank, or glued `1·2` and padding."""
    direct = _direct(cells)
    glued = _glued(_without_trailing_blanks(cells), shape, budget)
    if glued.status in ("short", "empty"):
        return direct
    reason = "the row's blank cell may be padding around glued digits"
    for col, cell in enumerate(direct.cells):
        alternative = glued.cells[col].value if col < len(glued.cells) else None
        options = _distinct([cell.value, alternative, *(glued.cells[col].candidates or [])])
        cell.doubt(reason, GLUE_OR_BLANK)
        if len(options) > 1:
            cell.candidates = options
    return direct
