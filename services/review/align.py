"""Locating a reviewer's list item in the document: items are copied from the source, so an
item a person adds or edits must be found there, and its span is stored as its evidence.

The text is matched the way the pipeline reads documents (`services.pipeline.normalise`: NFKC,
simplified script, no pinyin glosses or site chrome), then, failing that, ignoring whitespace
and line breaks. The stored value is the document's own characters (its script and
punctuation), as the pipeline stores items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas.record import Span
from services.errors import InvalidDecisionError, TextNotFoundError
from services.pipeline.normalise import NormalisedText, normalise, source_copy

MIN_CHARS = 4  # shorter text is found in too many places to mean one item
_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|[一二三四五六七八九十]+、)\s*"
)
_TRAILING = "。；;，,.、！!？?：:\u3000 \t\r\n"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Aligned:
    value: str  # the document's characters behind the match
    span: Span  # in the text as submitted


def align(document: str, text: str, *, where: str = "text") -> Aligned:
    needle = clean_item_text(text)
    if len(_SPACE.sub("", needle)) < MIN_CHARS:
        raise InvalidDecisionError(
            f"the item's text must have at least {MIN_CHARS} characters to be located in the "
            f"document; got {text!r}",
            where=where,
        )
    doc = normalise(document)
    target = normalise(needle).text.strip()
    found = _find(doc.text, target)
    if found is None:
        raise TextNotFoundError(
            f"{needle[:80]!r} is not in the document: list items are copied from the source, "
            "so paste the text as the document prints it",
            where=where,
        )
    return _copy(doc, *found)


def clean_item_text(text: str) -> str:
    """Without a leading 一是/（一）/1. marker and trailing punctuation, as items are stored."""
    return _MARKER.sub("", text).strip().rstrip(_TRAILING)


def _find(haystack: str, needle: str) -> tuple[int, int] | None:
    at = haystack.find(needle)
    if at >= 0:
        return at, at + len(needle)
    return _find_ignoring_space(haystack, needle)


def _find_ignoring_space(haystack: str, needle: str) -> tuple[int, int] | None:
    positions = [i for i, ch in enumerate(haystack) if not ch.isspace()]
    compact = "".join(haystack[i] for i in positions)
    target = _SPACE.sub("", needle)
    at = compact.find(target)
    if at < 0 or not target:
        return None
    return positions[at], positions[at + len(target) - 1] + 1


def _copy(doc: NormalisedText, start: int, end: int) -> Aligned:
    value, (s, e) = source_copy(doc, start, end)
    return Aligned(value=value, span=Span(start=s, end=e))
