"""The source context of a review item: the document text around its evidence span."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.record import Span

RADIUS = 160  # characters shown either side of the evidence
_MAX_EVIDENCE = 2000  # a longer span (a huge list item) is cut in the snippet
_NO_SPAN_CHARS = 2 * RADIUS  # without evidence: the document's start (titles, agencies live there)


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    start: int  # offset of `text` in the document


def snippet(document: str, span: Span | None) -> Snippet:
    if span is None:
        return Snippet(document[:_NO_SPAN_CHARS], 0)
    start = max(0, span.start - RADIUS)
    end = min(len(document), min(span.end, span.start + _MAX_EVIDENCE) + RADIUS)
    return Snippet(document[start:end], start)


def span_in_snippet(cut: Snippet, span: Span | None) -> tuple[int, int] | None:
    """The evidence's offsets inside the snippet, clipped to it."""
    if span is None:
        return None
    length = len(cut.text)
    start = min(max(span.start - cut.start, 0), length)
    end = min(max(span.end - cut.start, start), length)
    return start, end
