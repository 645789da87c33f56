"""Find the LLM's quotes in the document: grounding.

The model is asked to copy each item's passage character for character, but models drift:
traditional for simplified, full-width for half-width, a dropped comma, a space, a 一是 left
out. Both sides are therefore compared in a folded form (the project's own normaliser, then
NFKC, lower case, letters and digits only, so no whitespace or punctuation), and every folded
character remembers the position it came from in the normalised text. An exact folded match
scores 1.0; otherwise the longest common stretch anchors an approximate alignment whose score is
the share of the quote found there, in order. Spans are in normalised coordinates; the pipeline
maps them to the submitted text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from services.pipeline.normalise import normalise

NormSpan = tuple[int, int]

# A quote shorter than this (folded) is only accepted as an exact match.
_MIN_FUZZY_CHARS = 4
# Below this share of the quote found in order, the quote is not in the text at all.
MIN_SCORE = 0.6

_CN = "一二三四五六七八九十"
_MARKER = (
    rf"[{_CN}]{{1,3}}是|\([{_CN}]{{1,3}}\)|[{_CN}]{{1,3}}、|\(?\d{{1,2}}\)|(?<!\d)\d{{1,2}}[.、](?!\d)"
    rf"|[①-⑳]|第[{_CN}]{{1,3}}(?=[,:、])|首先|其次|再次|最后"
)
_HEAD = re.compile(rf"(?:[\s,.:;、。|!?]+|(?:{_MARKER})[,:、]?)")
_PUNCTUATION = "\"'“”‘’「」『』《》〈〉()[]【】,.:;、。|!?-—…·"
_TAIL = re.compile(r"[\s,.:;、。|!?]+$")
_ENDS_WITH_MARKER = re.compile(rf"(?:{_MARKER})[\s,:、]*$")


@dataclass(frozen=True, slots=True)
class Alignment:
    start: int
    end: int
    score: float  # 1.0: exact after folding; below: share of the quote found there, in order

    @property
    def span(self) -> NormSpan:
        return (self.start, self.end)


class SourceIndex:
    """The folded form of some stretches of the normalised text, mapped back to positions."""

    def __init__(self, text: str, ranges: Sequence[NormSpan]) -> None:
        chars: list[str] = []
        positions: list[int] = []
        for start, end in ranges:
            for pos in range(start, end):
                for ch in _fold_char(text[pos]):
                    chars.append(ch)
                    positions.append(pos)
        self.folded = "".join(chars)
        self._positions = positions
        self._text = text

    def align(self, passage: str, claimed: Sequence[NormSpan] = ()) -> Alignment | None:
        """Where `passage` is in the indexed text, or None when it is not there well enough.

        Among exact matches, the first one that does not overlap a `claimed` span wins (the
        same sentence may be quoted for two items, or a phrase may recur).
        """
        needle = fold(passage)
        if not needle or not self.folded:
            return None
        found = self._exact(needle, claimed) or self._approximate(needle)
        return None if found is None else self._with_edges(passage, found)

    def _with_edges(self, passage: str, found: Alignment) -> Alignment:
        """Take in the punctuation the passage starts or ends with ("“互联网+…" keeps its
        opening quote mark), which folding left out, where the text has it too."""
        edges = normalise(passage.strip()).text
        start, end = found.start, found.end
        head = edges[: len(edges) - len(edges.lstrip(_PUNCTUATION))]
        while head and start > 0 and self._text[start - 1] == head[-1]:
            start, head = start - 1, head[:-1]
        tail = edges[len(edges.rstrip(_PUNCTUATION)) :]
        while tail and end < len(self._text) and self._text[end] == tail[0]:
            end, tail = end + 1, tail[1:]
        return Alignment(start, end, found.score)

    def _exact(self, needle: str, claimed: Sequence[NormSpan]) -> Alignment | None:
        found: list[Alignment] = []
        at = self.folded.find(needle)
        while at >= 0:
            found.append(self._alignment(at, at + len(needle), 1.0))
            at = self.folded.find(needle, at + 1)
        free = [a for a in found if not any(_overlap(a.span, c) for c in claimed)]
        best = free or found
        return best[0] if best else None

    def _approximate(self, needle: str) -> Alignment | None:
        if len(needle) < _MIN_FUZZY_CHARS:
            return None
        hay = self.folded
        anchor = SequenceMatcher(None, hay, needle, autojunk=False).find_longest_match(
            0, len(hay), 0, len(needle)
        )
        if anchor.size < _MIN_FUZZY_CHARS:
            return None
        slack = len(needle) // 4 + 2
        lo = max(anchor.a - anchor.b - slack, 0)
        hi = min(anchor.a + (len(needle) - anchor.b) + slack, len(hay))
        blocks = [
            b
            for b in SequenceMatcher(None, hay[lo:hi], needle, autojunk=False).get_matching_blocks()
            if b.size
        ]
        matched = sum(b.size for b in blocks)
        first, last = lo + blocks[0].a, lo + blocks[-1].a + blocks[-1].size
        score = matched / max(len(needle), last - first)
        if score < MIN_SCORE:
            return None
        return self._alignment(first, last, round(score, 3))

    def _alignment(self, folded_start: int, folded_end: int, score: float) -> Alignment:
        start = self._positions[folded_start]
        end = self._positions[folded_end - 1] + 1
        return Alignment(start, end, score)


def fold(text: str) -> str:
    """The comparison form of a passage: normalised like a document, then folded."""
    normalised = normalise(text).text
    return "".join(_fold_char(ch) for ch in normalised)


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    return "".join(c.lower() for c in unicodedata.normalize("NFKC", ch) if c.isalnum())


def trim_span(text: str, start: int, end: int) -> NormSpan:
    """The item inside a span: no leading marker (一是, (一), 1.), no edge punctuation."""
    while start < end:
        head = _HEAD.match(text, start, end)
        if head is None or head.end() == start:
            break
        start = head.end()
    tail = _TAIL.search(text, start, end)
    return (start, tail.start() if tail else end)


def follows_marker(text: str, start: int) -> bool:
    """Whether an item starting at `start` is introduced by an enumeration marker."""
    line_start = text.rfind("\n", 0, start) + 1
    return _ENDS_WITH_MARKER.search(text, max(line_start, start - 8), start) is not None


def _overlap(a: NormSpan, b: NormSpan) -> bool:
    return a[0] < b[1] and b[0] < a[1]
