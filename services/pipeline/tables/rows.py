"""Assemble rows: which label owns which cells, with values below or above their labels.

The token stream of a table alternates *text blocks* (consecutive text tokens: a label, a group
cell with its first sub-row, a header, junk) and *cell blocks* (consecutive numbers and blanks).
When values follow their labels, a cell block belongs to the last row label of the text block
before it; when values are printed above their labels, to the first row label of the text block
after it. Both readings are scored by how many rows get exactly their column count; the better
one wins (ties: values below, the usual layout); see `_fit`.

Ownership rules inside a text block: unknown text (a wrapped label's tail, junk) is skipped; a
header or the next section's heading ends the search (cells after it belong to no row); a group
cell with no row beside it owns its cells (a subtotal printed on the group): the caller drops them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from services.pipeline.tables.labels import Label, Vocabulary, segment_group
from services.pipeline.tables.tokens import Token

Layout = Literal["below", "above"]

# A top-level heading (`四、政府信息公开行政复议…`) that names no row ends the table before it.
_HEADING = re.compile(r"\s*[一二三四五六七八九十]{1,2}、")


@dataclass(slots=True)
class Block:
    kind: Literal["text", "cells"]
    tokens: list[Token]
    labels: list[Label] = field(default_factory=list)  # text blocks only


@dataclass(slots=True)
class OwnedRow:
    label: Label
    cells: list[Token]


def blocks_of(text: str, tokens: Sequence[Token], vocab: Vocabulary) -> list[Block]:
    """Group tokens into alternating text and cell blocks; label the text blocks."""
    out: list[Block] = []
    i = 0
    n = len(tokens)
    while i < n:
        kind: Literal["text", "cells"] = "text" if tokens[i].kind == "text" else "cells"
        j = i
        while j < n and (tokens[j].kind == "text") == (kind == "text"):
            j += 1
        block = Block(kind, list(tokens[i:j]))
        if kind == "text":
            block.labels = segment_group(text, tokens, i, j - 1, vocab)
            for label in block.labels:
                if label.role is None and _HEADING.match(text, label.start, label.end):
                    label.role, label.key = "header", "heading"  # the next section: a stop
        out.append(block)
        i = j
    return out


def labels_in(blocks: Sequence[Block]) -> list[Label]:
    return [label for block in blocks for label in block.labels]


NcolsOf = Callable[[Label], int | None]


def assign(blocks: Sequence[Block], ncols_of: NcolsOf) -> tuple[Layout, list[OwnedRow], float]:
    """Owners of every cell block under the better-fitting layout, and that layout's fit."""
    below = _owners(blocks, "below")
    above = _owners(blocks, "above")
    below_fit = _fit(below, ncols_of, blocks)
    above_fit = _fit(above, ncols_of, blocks)
    if above_fit > below_fit:
        return "above", above, above_fit
    return "below", below, below_fit


def _owners(blocks: Sequence[Block], layout: Layout) -> list[OwnedRow]:
    rows: list[OwnedRow] = []
    for index, block in enumerate(blocks):
        if block.kind != "cells":
            continue
        owner: Label | None = None
        if layout == "below" and index > 0:
            owner = _last_owner(blocks[index - 1].labels)
        elif layout == "above" and index + 1 < len(blocks):
            owner = _first_owner(blocks[index + 1].labels)
        if owner is not None:
            rows.append(OwnedRow(owner, block.tokens))
    return rows


def _last_owner(labels: Sequence[Label]) -> Label | None:
    for label in reversed(labels):
        if label.role in ("row", "rowgroup", "extra", "group"):
            return label
        if label.role == "header":
            return None
    return None


def _first_owner(labels: Sequence[Label]) -> Label | None:
    group: Label | None = None
    for label in labels:
        if label.role in ("row", "extra"):
            return label
        if label.role in ("group", "rowgroup"):
            group = group or label
        elif label.role == "header":
            break
    return group


def _fit(rows: Sequence[OwnedRow], ncols_of: NcolsOf, blocks: Sequence[Block]) -> float:
    """How well a layout explains the cells.

    Rows with exactly their column count score 1 (a short row that glued digits could explain,
    0.5); a row label left with no cells costs 0.5 (values below their labels leave the last
    row empty when they were printed above, and the first when the other way round); a block of
    numbers inside the table that no label owns costs 0.25.
    """
    score = 0.0
    owners = {id(row.label) for row in rows}
    for row in rows:
        ncols = ncols_of(row.label)
        if ncols is None:
            continue
        count = _value_count(row.cells, ncols)
        if count == ncols:
            score += 1.0
        elif 0 < count < ncols:
            score += 0.5 if any(t.cuttable for t in row.cells) else 0.25
    inside = [
        i for i, b in enumerate(blocks) if any(_is_row(label, ncols_of) for label in b.labels)
    ]
    if not inside:
        return score
    for block in blocks[inside[0] : inside[-1] + 1]:
        for label in block.labels:
            if _is_row(label, ncols_of) and id(label) not in owners:
                score -= 0.5
    owned = {id(row.cells) for row in rows}
    for block in blocks[inside[0] : inside[-1] + 1]:
        if block.kind == "cells" and id(block.tokens) not in owned and _has_number(block):
            score -= 0.25
    return score


def _is_row(label: Label, ncols_of: NcolsOf) -> bool:
    return label.role == "row" and ncols_of(label) is not None


def _value_count(cells: Sequence[Token], ncols: int) -> int:
    kept = [t for t in cells if not t.pad_line]
    end = len(kept)
    while end > ncols and kept[end - 1].kind == "blank":
        end -= 1
    begin = 0
    while end - begin > ncols and kept[begin].kind == "blank":
        begin += 1
    return end - begin


def _has_number(block: Block) -> bool:
    return any(t.kind == "num" for t in block.tokens)
