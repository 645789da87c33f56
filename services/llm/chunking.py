"""What to send: the free-text sections only, packed into chunks, never cutting an item.

1. Regions. The innermost problems / measures / plans section covering each stretch of text
   (a section's own text before and after its free-text sub-sections is a region of its own),
   plus, for rule items found outside such sections (a work plan's body), the innermost section
   holding them. The region's category is what the rules assume for it: a "problems" section may
   mix problems and remedies.
2. Skipped regions (`llm_skip_numbered_sections`). A plans or measures region that the rules
   split at enumeration markers (一是, (一), 1.) into items covering most of its text holds
   nothing the LLM could split or sort better; it is not sent and keeps the rules' items.
3. Chunks. Regions are packed in document order into chunks of at most `llm_chunk_chars`
   characters. A longer region is cut at a paragraph break, else at a sentence end, outside
   every rule item; only a single sentence longer than the limit is cut inside an item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from prompts import SectionText
from services.llm.grounding import NormSpan, follows_marker
from services.pipeline.model import Extracted, Section
from services.pipeline.refine import CATEGORIES, Category

# Share of a region's visible characters its numbered items must cover for it to be skipped.
_SKIP_COVERAGE = 0.6
_MIN_NUMBERED_ITEMS = 2
_SENTENCE_END = re.compile(r"[。;!?]")


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of one region, as sent: the section's heading and a span of its body."""

    category: Category
    heading: str
    start: int
    end: int
    continued: bool = False  # a later part of a region cut in several

    @property
    def span(self) -> NormSpan:
        return (self.start, self.end)

    def label(self) -> str:
        return f"{self.heading}(续)" if self.continued else self.heading


@dataclass(frozen=True, slots=True)
class Chunk:
    segments: tuple[Segment, ...]

    @property
    def ranges(self) -> list[NormSpan]:
        return [s.span for s in self.segments]

    def sections(self, text: str) -> list[SectionText]:
        return [SectionText(s.label(), text[s.start : s.end]) for s in self.segments]


@dataclass(slots=True)
class Plan:
    chunks: list[Chunk] = field(default_factory=list)
    skipped: list[Segment] = field(default_factory=list)


def plan_chunks(
    text: str,
    sections: list[Section],
    rule_items: dict[Category, list[Extracted]],
    *,
    max_chars: int,
    skip_numbered: bool,
) -> Plan:
    plan = Plan()
    items = [item for c in CATEGORIES for item in rule_items.get(c, []) if item.span is not None]
    sent: list[Segment] = []
    for region in _regions(text, sections, rule_items):
        inside = [i for i in items if _contains(region.span, i)]
        if skip_numbered and _numbered(text, region, inside):
            plan.skipped.append(region)
        else:
            sent.extend(_cut(text, region, inside, max_chars))
    plan.chunks = _pack(sent, max_chars)
    return plan


def _regions(
    text: str, sections: list[Section], rule_items: dict[Category, list[Extracted]]
) -> list[Segment]:
    free = [s for s in sections if s.key in CATEGORIES]
    found: dict[NormSpan, Segment] = {}
    for section in free:
        for start, end in _own_stretches(section, free):
            _add(found, text, _category(section.key), section.heading, start, end)
    for category in CATEGORIES:
        for item in rule_items.get(category, []):
            if item.span is None or any(_contains(span, item) for span in found):
                continue
            holder = _innermost(sections, item.span[0])
            if holder is not None:
                _add(found, text, category, holder.heading, holder.body_start, holder.end)
    return sorted(found.values(), key=lambda s: s.start)


def _own_stretches(section: Section, free: list[Section]) -> list[NormSpan]:
    """The section's body less its free-text sub-sections."""
    inner = sorted(
        (c for c in free if c is not section and section.start < c.start and c.end <= section.end),
        key=lambda c: c.start,
    )
    out: list[NormSpan] = []
    cursor = section.body_start
    for child in inner:
        if child.start > cursor:
            out.append((cursor, child.start))
        cursor = max(cursor, child.end)
    if cursor < section.end:
        out.append((cursor, section.end))
    return out


def _add(
    found: dict[NormSpan, Segment],
    text: str,
    category: Category,
    heading: str,
    start: int,
    end: int,
) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and (start, end) not in found:
        found[(start, end)] = Segment(category, heading, start, end)


def _innermost(sections: list[Section], pos: int) -> Section | None:
    holders = [s for s in sections if s.key != "preamble" and s.body_start <= pos < s.end]
    return min(holders, key=lambda s: s.end - s.body_start, default=None)


def _category(key: str) -> Category:
    return "measures" if key == "measures" else "plans" if key == "plans" else "problems"


def _contains(span: NormSpan, item: Extracted) -> bool:
    return item.span is not None and span[0] <= item.span[0] < span[1]


def _numbered(text: str, region: Segment, items: list[Extracted]) -> bool:
    if region.category == "problems" or len(items) < _MIN_NUMBERED_ITEMS:
        return False
    if not all(item.span is not None and follows_marker(text, item.span[0]) for item in items):
        return False
    covered = sum(len(str(item.value)) for item in items)
    visible = sum(not ch.isspace() for ch in text[region.start : region.end])
    return covered >= _SKIP_COVERAGE * visible


def _cut(text: str, region: Segment, items: list[Extracted], max_chars: int) -> list[Segment]:
    """The region in pieces of at most `max_chars`, cut between items where possible."""
    protected: list[NormSpan] = [item.span for item in items if item.span is not None]
    pieces: list[Segment] = []
    start = region.start
    while region.end - start > max_chars:
        cut = _cut_point(text, start, start + max_chars, protected)
        pieces.append(_piece(region, start, cut, continued=bool(pieces)))
        start = cut
    pieces.append(_piece(region, start, region.end, continued=bool(pieces)))
    return pieces


def _piece(region: Segment, start: int, end: int, *, continued: bool) -> Segment:
    return Segment(region.category, region.heading, start, end, continued)


def _cut_point(text: str, start: int, limit: int, protected: list[NormSpan]) -> int:
    """Best place to end a piece in (start, limit]: the latest free paragraph break, else the
    latest free sentence end, else the latest sentence end, else the limit itself."""
    floor = start + (limit - start) // 4  # no tiny pieces

    def free(pos: int) -> bool:
        return not any(span[0] < pos < span[1] for span in protected)

    breaks = [m.end() for m in re.finditer(r"\n+", text[floor:limit])]
    sentences = [m.end() for m in _SENTENCE_END.finditer(text[floor:limit])]
    for candidates in (
        _shifted(breaks, floor, free),
        _shifted(sentences, floor, free),
        _shifted(sentences, floor, None),
    ):
        if candidates:
            return candidates[-1]
    return limit


def _shifted(offsets: Iterable[int], base: int, keep: Callable[[int], bool] | None) -> list[int]:
    positions = [base + o for o in offsets]
    return [p for p in positions if keep is None or keep(p)]


def _pack(segments: list[Segment], max_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    current: list[Segment] = []
    size = 0
    for segment in segments:
        length = segment.end - segment.start + len(segment.heading)
        if current and size + length > max_chars:
            chunks.append(Chunk(tuple(current)))
            current, size = [], 0
        current.append(segment)
        size += length
    if current:
        chunks.append(Chunk(tuple(current)))
    return chunks
