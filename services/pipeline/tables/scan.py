"""Locate one table and cut its stretch of text into labelled blocks (shared by the tables)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.pipeline.tables.labels import Label, Vocabulary, compact
from services.pipeline.tables.regions import Anchors, Window
from services.pipeline.tables.rows import Block, blocks_of, labels_in
from services.pipeline.tables.templates import TEMPLATE_MARKERS, Term
from services.pipeline.tables.tokens import Token, tokenise


@dataclass(slots=True)
class Scan:
    window: Window
    tokens: list[Token]
    blocks: list[Block]

    @property
    def labels(self) -> list[Label]:
        return labels_in(self.blocks)


class TokenSource:
    """The tokens of every table window, each line tokenised once even where windows overlap."""

    def __init__(self, text: str, windows: Sequence[Window]) -> None:
        self._tokens: list[Token] = []
        for start, end in _merged((w.start, w.end) for w in windows):
            self._tokens += tokenise(text, start, end, text.count("\n", 0, start))
        self._starts = [t.start for t in self._tokens]

    def within(self, window: Window) -> list[Token]:
        lo = bisect_left(self._starts, window.start)
        hi = bisect_left(self._starts, window.end + 1)
        return self._tokens[lo:hi]


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def anchors_for(
    section: str, terms: Sequence[Term], least: int, extra: dict[str, str] | None = None
) -> Anchors:
    """Anchor words of a table: every core of three or more characters names its term."""
    words: dict[str, str] = {}
    for term in terms:
        for core in term.cores:
            if len(core) >= 3:
                words.setdefault(core, term.key)
    words.update(extra or {})
    return Anchors(words, section, least)


def scan(text: str, window: Window, source: TokenSource, vocab: Vocabulary) -> Scan:
    tokens = source.within(window)
    return Scan(window, tokens, blocks_of(text, tokens, vocab))


_MAX_HEADER_CHARS = 400  # a header block, even wrapped or printed vertically, is shorter
_MARKERS = re.compile("|".join(f"({p.pattern})" for p, _, _ in TEMPLATE_MARKERS))


def template_votes(text: str, blocks: Sequence[Block]) -> dict[str, float]:
    """Evidence for each template from header and label wording (each marker counted once)."""
    seen: set[int] = set()
    done: set[tuple[int, int]] = set()  # the tables' windows overlap: a block may come twice
    for block in blocks:
        if block.kind != "text":
            continue
        span = (block.tokens[0].start, block.tokens[-1].end)
        if span in done or span[1] - span[0] > _MAX_HEADER_CHARS:
            continue  # seen, or a paragraph of prose rather than a header
        done.add(span)
        joined = "".join(text[t.start : t.end] for t in block.tokens)
        for m in _MARKERS.finditer(compact(joined).full):
            if m.lastindex is not None:
                seen.add(m.lastindex - 1)
    votes: dict[str, float] = {"2019": 0.0, "2021": 0.0}
    for index in seen:
        _, template, weight = TEMPLATE_MARKERS[index]
        votes[template] += weight
    return votes
