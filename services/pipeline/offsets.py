"""Edits and offset maps: how every normalisation step stays traceable to the submitted text.

A normalisation step describes its changes as a sorted list of non-overlapping `Edit`s over its
input. `apply_edits` returns the output and a `StageMap` that sends output positions back to the
input. Steps that only swap characters one for one (script conversion, OCR digit repair) keep
positions and need no map at all. The maps of all steps compose in `OffsetMap`, so a span found
in the normalised text becomes a span in the text as submitted with a few bisections.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `text[start:end]` by `replacement` (empty replacement: delete)."""

    start: int
    end: int
    replacement: str = ""


class StageMap:
    """Output position → input position for one step's edits."""

    __slots__ = ("_in_end", "_in_start", "_out_end", "_out_start")

    def __init__(self, edits: Sequence[Edit]) -> None:
        self._out_start: list[int] = []
        self._out_end: list[int] = []
        self._in_start: list[int] = []
        self._in_end: list[int] = []
        shift = 0
        for e in edits:
            out_start = e.start + shift
            self._out_start.append(out_start)
            self._out_end.append(out_start + len(e.replacement))
            self._in_start.append(e.start)
            self._in_end.append(e.end)
            shift += len(e.replacement) - (e.end - e.start)

    def start(self, pos: int) -> int:
        """Input position of the character at output `pos` (a span's start)."""
        k = bisect_right(self._out_start, pos) - 1
        if k < 0:
            return pos
        if pos < self._out_end[k]:
            return self._in_start[k]
        return self._in_end[k] + (pos - self._out_end[k])

    def end(self, pos: int) -> int:
        """Input position just after the character at output `pos - 1` (a span's end)."""
        if pos <= 0:
            return 0
        last = pos - 1
        k = bisect_right(self._out_start, last) - 1
        if k < 0:
            return pos
        if last < self._out_end[k]:
            return self._in_end[k]
        return self._in_end[k] + (last - self._out_end[k]) + 1


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, StageMap | None]:
    """Apply sorted, non-overlapping edits; returns the new text and its map (None: no edits)."""
    ordered = list(edits)
    if not ordered:
        return text, None
    pieces: list[str] = []
    cursor = 0
    for e in ordered:
        if e.start < cursor:
            raise ValueError(f"overlapping edit at {e.start} (previous ended at {cursor})")
        pieces.append(text[cursor : e.start])
        pieces.append(e.replacement)
        cursor = e.end
    pieces.append(text[cursor:])
    return "".join(pieces), StageMap(ordered)


class OffsetMap:
    """The composition of every step's map: normalised span → submitted span."""

    __slots__ = ("_maps", "_original_length")

    def __init__(self, original_length: int) -> None:
        self._maps: list[StageMap] = []
        self._original_length = original_length

    def push(self, stage: StageMap | None) -> None:
        if stage is not None:
            self._maps.append(stage)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to the submitted text."""
        s, e = start, max(start, end)
        empty = s == e
        for stage in reversed(self._maps):
            s = stage.start(s)
            e = s if empty else stage.end(e)
        s = min(max(s, 0), self._original_length)
        e = min(max(e, s), self._original_length)
        return s, e
