"""Recognise table labels in text tokens: exact cores first, fuzzy only as a last resort.

A label cell is compared in *compact* form: numbering (`一、`, `(一)`, `1.`, `1、`) and bracketed
notes (`(区分处理的,…)`, `(件)`) dropped, then everything but letters, digits and `/` dropped. A
wrapped label (`本年新收政府信\\n息公开申请数量`) arrives as two text tokens; `segment_group` joins
neighbouring tokens when the joined text names a row better than the pieces do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from services.pipeline.tables.templates import Role, Term
from services.pipeline.tables.tokens import Token

_BRACKETED = re.compile(r"[(\[【〔][^()\[\]【】〔〕]{0,80}[)\]】〕]")
_OPEN_TAIL = re.compile(r"[(\[【〔][^()\[\]【】〔〕]*$")
_CLOSE_HEAD = re.compile(r"^[^()\[\]【】〔〕]*[)\]】〕]")
_NUMBERING = re.compile(
    r"(?:^|(?<=\s))(?:[一二三四五六七八九十]{1,3}[、.,]|\d{1,2}[.、,)](?!\d)|\d{1,2}(?=[\u4e00-\u9fff]))"
)
_NOT_WORD = re.compile(r"[^\w/]|_")

# A label may carry extra words; beyond this many characters besides its core it is prose.
_MAX_EXTRA_CHARS = 14
_MAX_HEADER_EXTRA = 40  # header notes run long (本列数据的勾稽关系为：…)
_MAX_LABEL_CHARS = 160
_FUZZY_MIN_RATIO = 0.75
# Tokens joined into one label at most (a label wrapped over up to three lines).
_MAX_JOIN = 3


@dataclass(frozen=True, slots=True)
class Compact:
    outside: str  # numbering and bracketed notes dropped
    full: str  # numbering dropped, bracketed notes kept (for labels printed in brackets)


def compact(raw: str) -> Compact:
    """`raw` without numbering, bracketed notes, spaces and punctuation (see the module doc)."""
    # Labels repeat across the three tables' windows; only label-sized strings are cached, so
    # a long-running worker never pins a document's paragraphs.
    return _compact_cached(raw) if len(raw) <= _MAX_LABEL_CHARS else _compact(raw)


@lru_cache(maxsize=4096)
def _compact_cached(raw: str) -> Compact:
    return _compact(raw)


def _compact(raw: str) -> Compact:
    no_numbering = _NUMBERING.sub("", raw)
    outside = _BRACKETED.sub("", no_numbering)
    outside = _CLOSE_HEAD.sub("", _OPEN_TAIL.sub("", outside))
    return Compact(_NOT_WORD.sub("", outside), _NOT_WORD.sub("", no_numbering))


@dataclass(frozen=True, slots=True)
class Match:
    """What a stretch of label text names in one table's vocabulary."""

    role: Role | None  # None: nothing known (junk, wrapped tail, an unknown row)
    key: str = ""
    strength: float = 0.0  # characters of the longest core found
    group: str | None = None  # a group cell printed in the same stretch (`(三)不予公开 1.…`)
    words: str = ""  # the compact text, for context rules (`其他`, `总计`)
    fuzzy: str | None = None  # the official label when matched only approximately


class Vocabulary:
    """One table's terms, searchable in one regex pass per label."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self.terms = tuple(terms)
        by_core: dict[str, Term] = {}
        for term in self.terms:
            for core in term.cores:
                by_core.setdefault(core, term)
        self._by_core = by_core
        ordered = sorted(by_core, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(c) for c in ordered))
        self.rows = tuple(t for t in self.terms if t.role in ("row", "rowgroup"))

    def match(self, raw: str) -> Match:
        if len(raw) > _MAX_LABEL_CHARS:
            return Match(None)  # a paragraph: no label is this long, even with its notes
        c = compact(raw)
        found = self._found(c.outside)
        if found:
            return _best(found, c.outside)
        if c.full != c.outside:
            found = self._found(c.full)  # a label printed in brackets: `(小计)`
            if found:
                return _best(found, c.full)
        return Match(None, words=c.outside)

    def _found(self, compact_text: str) -> list[tuple[Term, int]]:
        return [
            (self._by_core[m.group()], len(m.group())) for m in self._pattern.finditer(compact_text)
        ]

    def fuzzy(self, raw: str, exclude: set[str]) -> Match:
        """The one row label `raw` resembles closely enough (an OCR slip), or no match."""
        words = compact(raw).outside
        if not 3 <= len(words) <= 40:
            return Match(None, words=words)
        scored: list[tuple[float, Term]] = []
        for term in self.rows:
            if term.key in exclude:
                continue
            matcher = SequenceMatcher(None, words, term.label, autojunk=False)
            if (
                matcher.real_quick_ratio() < _FUZZY_MIN_RATIO
                or matcher.quick_ratio() < _FUZZY_MIN_RATIO
            ):
                continue
            scored.append((matcher.ratio(), term))
        scored.sort(key=lambda item: -item[0])
        if not scored or scored[0][0] < _FUZZY_MIN_RATIO:
            return Match(None, words=words)
        if len(scored) > 1 and scored[1][0] > scored[0][0] - 0.1:
            return Match(None, words=words)  # two rows fit about as well: no guess
        ratio, term = scored[0]
        return Match(
            term.role, term.key, ratio * len(term.label) * 0.5, words=words, fuzzy=term.label
        )


_RANK: dict[Role, int] = {"row": 5, "rowgroup": 4, "extra": 3, "group": 2, "header": 1}


def _best(found: list[tuple[Term, int]], words: str) -> Match:
    best: tuple[Term, int] | None = None
    group: str | None = None
    covered = 0
    for term, length in found:
        covered += length
        if term.role == "group" or term.role == "rowgroup":
            group = term.key
        if best is None or (_RANK[term.role], length) > (_RANK[best[0].role], best[1]):
            best = (term, length)
    assert best is not None
    term, length = best
    extra = _MAX_HEADER_EXTRA if term.role == "header" else max(_MAX_EXTRA_CHARS, len(term.label))
    if len(words) - covered > extra:
        return Match(None, words=words)  # a sentence that mentions the label: prose
    return Match(term.role, term.key, float(length), group if group != term.key else None, words)


@dataclass(slots=True)
class Label:
    """A recognised stretch of label text: one or more joined text tokens."""

    first: int  # index of its first token in the token list
    last: int  # index of its last token (inclusive)
    start: int  # character span in the text
    end: int
    match: Match
    role: Role | None  # after context rules (`3.其他` under （六）); starts as match.role
    key: str
    notes: list[str] = field(default_factory=list)


def segment_group(
    text: str, tokens: Sequence[Token], first: int, last: int, vocab: Vocabulary
) -> list[Label]:
    """Split the text tokens `first..last` (inclusive) into labels, joining wrapped lines.

    A small dynamic programme: joining tokens must name something better than the pieces.
    """
    n = last - first + 1
    if n == 1:  # the usual block: one label cell
        token = tokens[first]
        match = vocab.match(text[token.start : token.end])
        return [Label(first, first, token.start, token.end, match, match.role, match.key)]
    best: list[float] = [0.0] * (n + 1)
    choice: list[int] = [0] * (n + 1)
    matches: dict[tuple[int, int], Match] = {}
    for k in range(n):
        token = tokens[first + k]
        matches[(k, k + 1)] = vocab.match(text[token.start : token.end])
    for i in range(1, n + 1):
        best[i] = -1.0
        for size in range(1, min(_MAX_JOIN, i) + 1):
            j = i - size
            if size > 1:
                if not _worth_joining(tokens, first, j, i, matches):
                    continue
                raw = "".join(
                    text[tokens[first + k].start : tokens[first + k].end] for k in range(j, i)
                )
                matches[(j, i)] = vocab.match(raw)
            match = matches[(j, i)]
            score = best[j] + _score(match) - 0.01 * (size - 1)
            if score > best[i]:
                best[i] = score
                choice[i] = j
    labels: list[Label] = []
    i = n
    while i > 0:
        j = choice[i]
        a, b = tokens[first + j], tokens[first + i - 1]
        match = matches[(j, i)]
        labels.append(Label(first + j, first + i - 1, a.start, b.end, match, match.role, match.key))
        i = j
    labels.reverse()
    return labels


def _worth_joining(
    tokens: Sequence[Token], first: int, j: int, i: int, matches: dict[tuple[int, int], Match]
) -> bool:
    """Only a label wrapped onto a new line is worth rejoining: pieces on several lines, not all
    of them naming different things (in a clean table every cell is recognised on its own; a
    wrapped one leaves a piece naming nothing, or two pieces naming the same row)."""
    if tokens[first + j].line == tokens[first + i - 1].line:
        return False
    named = [matches[(k, k + 1)] for k in range(j, i)]
    if any(m.role is None for m in named):
        return True
    return len({(m.role, m.key) for m in named}) < len(named)


def _score(match: Match) -> float:
    if match.role is None:
        return 0.0
    weight = {"row": 1.0, "rowgroup": 0.9, "extra": 1.0, "group": 0.5, "header": 0.5}[match.role]
    return weight * match.strength + (1.0 if match.group else 0.0)
