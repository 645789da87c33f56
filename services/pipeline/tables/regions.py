"""Find where each table sits, by its own anchors, before anything is tokenised.

One regex pass over the whole text finds every anchor word of a table (row labels, header
cells). Anchors inside prose do not count: an anchor must sit in a short cell (a line or a
`|` cell of at most `_MAX_CELL` characters, with no sentence stop). Anchors close together form
clusters; the cluster naming the most distinct anchors is the table, and its window (plus some
lines around it, for values printed above the first label or below the last) is what the
table parser reads. The section hints only break ties: they may be missing or wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from services.pipeline.model import Section

_MAX_CELL = 120
_MAX_GAP = 2500  # characters between two anchors of one table
_MAX_SPAN = 40_000  # a table is never longer; a longer cluster is several copies
_LINES_BEFORE = 12
_CHARS_BEFORE = 1500


@dataclass(frozen=True, slots=True)
class Anchors:
    """One table's anchor words: word → the key of the label it stands for."""

    words: dict[str, str]
    section: str  # the segment step's key for the table's section
    least: int  # distinct anchor keys that make a cluster this table
    lines_after: int = 40  # lines read past the last anchor (the last row's cells, the data row)
    chars_after: int = 3000


@dataclass(frozen=True, slots=True)
class Window:
    start: int
    end: int
    first_anchor: int
    last_anchor: int
    distinct: int  # distinct anchor keys found: how sure we are this is the table


class AnchorSet:
    """Several tables' anchors, found in one regex pass over the text."""

    def __init__(self, tables: Sequence[Anchors]) -> None:
        self.tables = tuple(tables)
        owners: dict[str, list[tuple[int, str]]] = {}
        for index, table in enumerate(self.tables):
            for word, key in table.words.items():
                owners.setdefault(word, []).append((index, key))
        self._owners = owners
        self._pattern = re.compile(trie_pattern(owners))

    def windows(self, text: str, sections: Sequence[Section]) -> list[Window | None]:
        """Each table's window, or None where its anchors are too few."""
        hits: list[list[tuple[int, str]]] = [[] for _ in self.tables]
        for m in self._pattern.finditer(text):
            if _in_short_cell(text, m.start(), m.end()):
                for index, key in self._owners[m.group()]:
                    hits[index].append((m.start(), key))
        return [_window(text, h, t, sections) for h, t in zip(hits, self.tables, strict=True)]


def trie_pattern(words: Iterable[str]) -> str:
    """One regex for many literal words, factored by common prefixes (longest match first).

    Python's `re` tries a flat alternation word by word at every position; a trie checks each
    character once, which makes the anchor pass several times faster on long texts.
    """
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # end of a word
    return _node_pattern(trie)


def _node_pattern(node: dict[str, dict[str, Any]]) -> str:
    branches = [re.escape(ch) + _node_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _window(
    text: str, hits: list[tuple[int, str]], anchors: Anchors, sections: Sequence[Section]
) -> Window | None:
    if not hits:
        return None
    best: tuple[int, int, int, int] | None = None  # (distinct, in hinted section, -start, index)
    clusters = _clusters(hits)
    hinted = [s.body for s in sections if s.key == anchors.section]
    for index, cluster in enumerate(clusters):
        distinct = len({key for _, key in cluster})
        start, end = cluster[0][0], cluster[-1][0]
        in_hint = int(any(a <= start < b or a <= end < b for a, b in hinted))
        rank = (distinct, in_hint, -start, index)
        if best is None or rank > best:
            best = rank
    assert best is not None
    if best[0] < anchors.least:
        return None
    cluster = clusters[best[3]]
    first, last = cluster[0][0], cluster[-1][0]
    return Window(
        _lines_back(text, first, _LINES_BEFORE, _CHARS_BEFORE),
        _lines_forward(text, last, anchors.lines_after, anchors.chars_after),
        first,
        last,
        best[0],
    )


def _clusters(hits: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    clusters: list[list[tuple[int, str]]] = []
    for pos, key in hits:
        current = clusters[-1] if clusters else None
        if current is None or pos - current[-1][0] > _MAX_GAP or pos - current[0][0] > _MAX_SPAN:
            clusters.append([(pos, key)])
        else:
            current.append((pos, key))
    return clusters


def _in_short_cell(text: str, start: int, end: int) -> bool:
    """Whether the anchor sits in a line or `|` cell short enough to be a table cell."""
    lo = max(0, start - _MAX_CELL)
    hi = min(len(text), end + _MAX_CELL)
    left = max(text.rfind("\n", lo, start), text.rfind("|", lo, start))
    if left < 0 and lo > 0:
        return False
    right_nl = text.find("\n", end, hi)
    right_bar = text.find("|", end, hi)
    rights = [r for r in (right_nl, right_bar) if r >= 0]
    right = min(rights) if rights else (len(text) if hi == len(text) else -1)
    if right < 0:
        return False
    cell_start = left + 1
    if right - cell_start > _MAX_CELL:
        return False
    return text.find("。", cell_start, right) < 0


def _lines_back(text: str, pos: int, lines: int, chars: int) -> int:
    """Start of the line `lines` lines above `pos`'s, staying within `chars` characters."""
    start = text.rfind("\n", 0, pos) + 1
    floor = pos - chars
    for _ in range(lines):
        if start == 0:
            break
        previous = text.rfind("\n", 0, start - 1) + 1
        if previous < floor:
            break
        start = previous
    return start


def _lines_forward(text: str, pos: int, lines: int, chars: int) -> int:
    """End of the line `lines` lines below `pos`'s, staying within `chars` characters."""
    end = pos
    ceiling = min(len(text), pos + chars)
    for _ in range(lines):
        nl = text.find("\n", end, ceiling)
        if nl < 0:
            if ceiling == len(text):
                return ceiling
            last = text.rfind("\n", pos, ceiling)
            return last if last >= 0 else ceiling
        end = nl + 1
    return end
