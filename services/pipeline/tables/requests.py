"""三、收到和处理政府信息公开申请情况: 23 or 25 rows × 7 columns.

Rows are found by their text (the `1.` rows of （三）–（六） only differ by their words), `3.其他` and
`（七）总计` by context. （六）其他处理 is a row when it owns numbers and no `other_*` row follows
(the 2019 template, or a 2021 report printing it as one row); otherwise a group cell. Group
cells and 小计 rows that carry numbers are subtotals: their numbers are dropped.

Glued rows are split by the row identity (总计 = the six applicant columns), then the column
identities (一+二 = 七+四, 七 = the result rows) choose among the splits of all glued rows jointly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product

from schemas.keys import REQUEST_COLUMNS, REQUEST_OTHER_SPLIT
from services.pipeline.checks import result_rows
from services.pipeline.model import Extracted, Grid
from services.pipeline.tables.cells import (
    FUZZY_LABEL,
    UNIQUE_BY_COLUMNS,
    UNIQUE_BY_ROW,
    RowReading,
    RowShape,
    ambiguous_reading,
    read_row,
)
from services.pipeline.tables.glued import Budget, Split, SumRule
from services.pipeline.tables.labels import Label, Vocabulary
from services.pipeline.tables.rows import Block, assign
from services.pipeline.tables.scan import Scan, anchors_for
from services.pipeline.tables.templates import (
    OTHER_OTHER_WORDS,
    REQUEST_NCOLS,
    REQUEST_ROW_ORDER,
    REQUEST_TERMS,
    TOTAL_WORDS,
)

VOCAB = Vocabulary(REQUEST_TERMS)
ANCHORS = anchors_for("requests", REQUEST_TERMS, least=3)
ROW_RULE = SumRule(tuple(range(REQUEST_NCOLS - 1)), REQUEST_NCOLS - 1)
_BEFORE = ("new_received", "carried_over")
_AFTER = ("total_processed", "carried_forward")
_RESULTS = tuple(r for r in REQUEST_ROW_ORDER if r not in (*_BEFORE, *_AFTER))
_MAX_JOINT = 20_000
_SURE = 0.8


@dataclass(slots=True)
class RequestsResult:
    grid: Grid = field(default_factory=dict)
    rows_seen: set[str] = field(default_factory=set)
    scan: Scan | None = None
    notes: list[str] = field(default_factory=list)


def parse_requests(text: str, found: Scan, budget: Budget) -> RequestsResult:
    result = RequestsResult(scan=found)
    labels = found.labels
    _apply_context(text, labels)
    _fuzzy_rows(text, found.blocks)
    layout, owned, _ = assign(found.blocks, lambda _label: REQUEST_NCOLS)
    result.notes.append(f"requests: values {layout} their labels")
    split_rows = any(label.key in REQUEST_OTHER_SPLIT for label in labels if label.role == "row")
    readings: dict[str, tuple[Label, RowReading]] = {}
    shape = RowShape(REQUEST_NCOLS, (ROW_RULE,))
    for row in owned:
        key = _row_key(row.label, split_rows)
        if key is None or key in readings:
            continue
        readings[key] = (row.label, read_row(row.cells, shape, budget))
    _add_rows_without_cells(labels, readings, shape, budget)
    _refine_by_columns(readings, shape)
    for key in REQUEST_ROW_ORDER:
        if key in readings:
            label, reading = readings[key]
            result.grid[key] = _row_cells(label, reading)
    result.rows_seen = set(result.grid)
    return result


def _row_key(label: Label, split_rows: bool) -> str | None:
    if label.role == "row":
        return label.key
    if label.role == "rowgroup" and not split_rows:
        return "other"
    return None  # group cells, subtotals, headers: their numbers are no row of the record


# --- context ------------------------------------------------------------------------------


def _apply_context(text: str, labels: Sequence[Label]) -> None:
    """`3.其他` under （六）, `（七）总计` after the result rows; repeated labels are no rows."""
    in_other = False
    in_results = False
    seen: set[str] = set()
    for label in labels:
        words = label.match.words
        if label.role == "header" and label.key == "heading":
            in_other = in_results = False  # the next section: its 总计 is not ours
            continue
        if label.role == "row":
            if label.key in seen:
                label.role = "extra"  # a second copy: its numbers must not replace the first
                continue
            seen.add(label.key)
            in_results = in_results or label.key in _RESULTS
            in_other = label.key in REQUEST_OTHER_SPLIT or label.match.group == "other"
            if label.key in _AFTER:
                in_other = False
            if label.key == "carried_forward":
                in_results = False  # the table's last row
        elif label.role == "rowgroup":
            in_other = True
            in_results = True
        elif label.role == "group":
            in_other = False
            in_results = True
        elif words in OTHER_OTHER_WORDS and in_other and "other_other" not in seen:
            label.role, label.key = "row", "other_other"
            seen.add("other_other")
        elif words in TOTAL_WORDS and in_results and "total_processed" not in seen:
            label.role, label.key = "row", "total_processed"
            seen.add("total_processed")
            in_other = False


def _fuzzy_rows(text: str, blocks: Sequence[Block]) -> None:
    """A lone unknown label next to numbers may be a row label with an OCR slip."""
    seen = {label.key for b in blocks for label in b.labels if label.role == "row"}
    for index, block in enumerate(blocks):
        if block.kind != "text" or len(block.labels) != 1 or block.labels[0].role is not None:
            continue
        beside_cells = any(
            0 <= j < len(blocks) and blocks[j].kind == "cells" for j in (index - 1, index + 1)
        )
        if not beside_cells:
            continue
        label = block.labels[0]
        match = VOCAB.fuzzy(text[label.start : label.end], seen)
        if match.role == "row":
            label.role, label.key = "row", match.key
            label.notes.append(
                f"row label {text[label.start : label.end]!r} read as {match.fuzzy!r} "
                "(approximate match)"
            )
            seen.add(match.key)


def _add_rows_without_cells(
    labels: Sequence[Label],
    readings: dict[str, tuple[Label, RowReading]],
    shape: RowShape,
    budget: Budget,
) -> None:
    """A row label with no cells at all (every cell blank, no `|` to show it): a blank row."""
    rows = [label for label in labels if label.role == "row" and not label.notes]
    if len(rows) < 2:
        return
    for label in rows:
        if label.key not in readings:
            readings[label.key] = (label, read_row([], shape, budget))


# --- column identities --------------------------------------------------------------------


def _refine_by_columns(readings: dict[str, tuple[Label, RowReading]], shape: RowShape) -> None:
    """Choose among glued rows' splits with the column identities, jointly."""
    glued = [
        k for k, (_, r) in readings.items() if r.options and r.status in ("unique", "ambiguous")
    ]
    if not glued:
        return
    sizes = 1
    for key in glued:
        sizes *= len(readings[key][1].options)
    if sizes > _MAX_JOINT:
        return
    identities = _identities(set(readings))
    fixed = _fixed_values(readings, glued)
    checks = [
        (col, terms)
        for col in range(REQUEST_NCOLS)
        for terms in identities
        if any(row in glued for row, _ in terms)
        and all(row in glued or fixed.get((row, col)) is not None for row, _ in terms)
    ]
    if not checks:
        return
    consistent: list[tuple[Split, ...]] = []
    for combo in product(*(readings[k][1].options for k in glued)):
        values = dict(zip(glued, combo, strict=True))
        if all(_holds(col, terms, values, fixed) for col, terms in checks):
            consistent.append(combo)
    if not consistent:
        for key in glued:
            for cell in readings[key][1].cells:
                cell.doubt("no split of the glued digits fits the column totals", 0.6)
        return
    checked_rows = {row for _, terms in checks for row, _ in terms}
    for index, key in enumerate(glued):
        label, reading = readings[key]
        options = list(dict.fromkeys(combo[index] for combo in consistent))
        if len(options) == 1:
            # One split fits the row total and the column totals: it holds as a whole. (A row
            # of separate numbers may also have lost a blank, so it keeps its doubt.)
            sure = key in checked_rows and reading.single_run
            for cell, piece in zip(reading.cells, options[0], strict=True):
                was_ambiguous = cell.candidates is not None
                cell.value = piece.value
                cell.span = None if piece.blank else (piece.start, piece.end)
                cell.candidates = None
                if sure:
                    cell.confidence = UNIQUE_BY_COLUMNS
                    cell.reasons = []
                elif was_ambiguous:
                    cell.confidence = UNIQUE_BY_ROW
                    cell.reasons = [
                        f"glued digits {reading.digits} split by the row and column totals"
                    ]
        elif len(options) < len(reading.options):
            refined = ambiguous_reading(options, shape, reading.digits, reading.single_run)
            readings[key] = (label, refined)


def _identities(rows: set[str]) -> list[list[tuple[str, int]]]:
    """Each identity as signed terms that must add up to zero, per column."""
    results = result_rows(rows)
    out: list[list[tuple[str, int]]] = []
    if all(r in rows for r in (*_BEFORE, *_AFTER)):
        out.append([("new_received", 1), ("carried_over", 1), *((r, -1) for r in _AFTER)])
    if "total_processed" in rows and results:
        out.append([("total_processed", 1), *((r, -1) for r in results)])
    return out


def _fixed_values(
    readings: dict[str, tuple[Label, RowReading]], glued: list[str]
) -> dict[tuple[str, int], int | None]:
    fixed: dict[tuple[str, int], int | None] = {}
    for key, (_, reading) in readings.items():
        if key in glued:
            continue
        for col, cell in enumerate(reading.cells):
            # Only confident cells may judge a split: a short row read left to right may be off.
            value = cell.value
            sure = isinstance(value, int) and cell.confidence >= _SURE
            fixed[(key, col)] = value if sure and isinstance(value, int) else None
    return fixed


def _holds(
    col: int,
    terms: list[tuple[str, int]],
    values: dict[str, Split],
    fixed: dict[tuple[str, int], int | None],
) -> bool:
    total = 0
    for row, sign in terms:
        if row in values:
            value = values[row][col].value
            if not isinstance(value, int):
                return True  # a blank: the identity cannot be checked
        else:
            value = fixed.get((row, col))
            if value is None:
                return True
        total += sign * value
    return total == 0


def _row_cells(label: Label, reading: RowReading) -> dict[str, Extracted]:
    cells: dict[str, Extracted] = {}
    for col, cell in zip(REQUEST_COLUMNS, reading.cells, strict=True):
        for note in label.notes:
            cell.doubt(note, FUZZY_LABEL)
        cells[col] = cell
    return cells
