"""Step 8 of the pipeline (rules part): problems, measures and plans as items.

Contract: `extract_items(text, sections, classified) -> {category: [Extracted]}` over the
normalised text; each item's value is the trimmed item text (no leading 一是 / (一) / 1. marker, no
trailing punctuation), its span the trimmed text. The LLM refiner (services.llm) may refine the
result; without one, this is what the record holds.

How: each free-text region (the innermost problems / measures / plans section covering it; for a
work plan, every section of the body) is cut into paragraphs (broken lines re-joined), each
paragraph into items at its markers (一是/二是, (一)/(二), 1./2., or ; when there are none). In a
section that mixes problems and remedies, each item or sentence is sorted by its wording.
"""

from __future__ import annotations

import re

from services.pipeline.classify import Classified
from services.pipeline.model import Extracted, Section
from services.pipeline.refine import CATEGORIES, Category

_CN = "一二三四五六七八九十"
_MARKERS = (
    re.compile(rf"[{_CN}]{{1,2}}是[,:]?"),
    re.compile(rf"\([{_CN}]{{1,2}}\)"),
    re.compile(r"(?<![\d.])(?:[1-9]|1[0-9])[.、](?!\d)"),
    re.compile(r"\([1-9]\)|[①-⑳]"),
    re.compile(r"(?:第[一二三四五六七八九十]|首先|其次|再次|最后)[,:]"),
)
_TRIM_HEAD = re.compile(r"[\s,.:;、。|]+")
_TRIM_TAIL = re.compile(r"[\s,.:;、。|!?]+$")
_INTRO = re.compile(
    r"(?:主要表现在|主要表现为|具体表现为|表现在|主要有|主要是|如下|以下几方面|以下几个方面)[::,]?"
)
_SENTENCE = re.compile(r"[^。!?]+[。!?]?")

_PROBLEM_CUES = re.compile(
    r"不够|不足|有待|不高|欠缺|缺乏|薄弱|滞后|不及时|不强|不多|不到位|差距|仍需|还需|亟待|尚未|不规范"
    r"|较少|偏少|不平衡|不充分|不完善|不全面|单一|问题|不明显|存在|需要进一步|需进一步|亟需|仍须|不够多"
)
_REMEDY_CUES = re.compile(
    r"我们将|我局将|将继续|将进一步|将高度|下一步|下步|今后|着力|切实|确保|加以解决|认真研究"
    r"|^(?:加强|强化|完善|提升|提高|推进|加大|健全|规范|坚持|做好|深化|落实|建立|探索|持续|不断|进一步)"
)

_FREE_KEYS: tuple[Category, ...] = CATEGORIES


def extract_items(
    text: str, sections: list[Section], classified: Classified
) -> dict[Category, list[Extracted]]:
    items: dict[Category, list[Extracted]] = {c: [] for c in CATEGORIES}
    if classified.doc_type.value == "work_plan":
        plans: Category = "plans"
        regions = [(s.body_start, s.end, plans) for s in sections if s.key != "preamble"]
        if not regions:
            regions = [(0, len(text), plans)]
        mixed = False
    else:
        regions = _regions(sections)
        mixed = True
    for start, end, category in regions:
        for item in _region_items(text, start, end, category, mixed):
            items[item[0]].append(item[1])
    return items


def _regions(sections: list[Section]) -> list[tuple[int, int, Category]]:
    """Innermost free-text section for each stretch of text."""
    free = [s for s in sections if s.key in _FREE_KEYS]
    out: list[tuple[int, int, Category]] = []
    for s in free:
        inner = sorted(
            (c for c in free if c is not s and s.start < c.start and c.end <= s.end),
            key=lambda c: c.start,
        )
        cursor = s.body_start
        for c in inner:
            if c.start > cursor:
                out.append((cursor, c.start, _category(s.key)))
            cursor = max(cursor, c.end)
        if not inner or any(c.start <= s.start for c in inner):
            out.append((s.body_start, s.end, _category(s.key)))
        elif cursor < s.end:
            out.append((cursor, s.end, _category(s.key)))
    return sorted(set(out))


def _category(key: str) -> Category:
    if key == "measures":
        return "measures"
    if key == "plans":
        return "plans"
    return "problems"


def _region_items(
    text: str, start: int, end: int, category: Category, mixed: bool
) -> list[tuple[Category, Extracted]]:
    paragraphs = [p for p in _paragraphs(text, start, end) if not _is_sign_off(text[p[0] : p[1]])]
    led = [_leading_marker(text, p_start, p_end) is not None for p_start, p_end in paragraphs]
    out: list[tuple[Category, Extracted]] = []
    for i, (p_start, p_end) in enumerate(paragraphs):
        lead = _leading_marker(text, p_start, p_end)
        if lead is not None and not _has_inner_markers(text, lead, p_end):
            # One numbered point per paragraph: the paragraph is the item.
            item = _item(text, lead, p_end, 0.85)
            if item is not None:
                out.append((_sort(str(item.value), category, mixed), item))
            continue
        if any(led) and not any(led[:i]) and lead is None:
            continue  # an unnumbered introduction before the numbered points
        out.extend(_paragraph_items(text, p_start, p_end, category, mixed))
    return out


def _leading_marker(text: str, start: int, end: int) -> int | None:
    """End of the marker that opens the paragraph, if it opens with one."""
    head = _TRIM_HEAD.match(text, start, end)
    pos = head.end() if head else start
    for pattern in _MARKERS:
        m = pattern.match(text, pos, end)
        if m is not None:
            return m.end()
    return None


def _has_inner_markers(text: str, start: int, end: int) -> bool:
    return len(_dominant_markers(text, start, end)) >= 2


_SIGN_OFF = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|附件[::]?.*|[\u4e00-\u9fff]{2,20}")


def _is_sign_off(paragraph: str) -> bool:
    """A short line without sentence punctuation (an agency name, a date, 附件:) is no item."""
    stripped = paragraph.strip()
    return len(stripped) < 6 or (len(stripped) <= 24 and bool(_SIGN_OFF.fullmatch(stripped)))


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Paragraph spans; a line that does not end a sentence continues into the next."""
    spans: list[tuple[int, int]] = []
    cur: int | None = None
    pos = start
    for line in text[start:end].split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        stripped = line.strip()
        if not stripped:
            if cur is not None:
                spans.append((cur, line_start - 1))
                cur = None
            continue
        if cur is None:
            cur = line_start
        if _ends_sentence(stripped) or _starts_marker(text, pos, end):
            spans.append((cur, line_end))
            cur = None
    if cur is not None:
        spans.append((cur, min(pos - 1, end)))
    return spans


def _ends_sentence(line: str) -> bool:
    # A line cut in the middle of a sentence (PDF wrapping) continues; a short line without
    # punctuation is a heading or a sign-off and stands alone.
    return line.endswith(("。", ";", ":", "!", "?", "|")) or len(line) <= 15


def _starts_marker(text: str, pos: int, end: int) -> bool:
    head = text[pos : min(end, pos + 6)].lstrip()
    return any(p.match(head) for p in _MARKERS)


def _paragraph_items(
    text: str, start: int, end: int, category: Category, mixed: bool
) -> list[tuple[Category, Extracted]]:
    markers = _dominant_markers(text, start, end)
    if markers:
        intro = text[start : markers[0][0]]
        default = _sort(intro, category, mixed) if intro.strip() else category
        out = []
        for i, (_, m_end) in enumerate(markers):
            seg_end = markers[i + 1][0] if i + 1 < len(markers) else end
            item = _item(text, m_end, seg_end, 0.85)
            if item is not None:
                cat = _sort(str(item.value), default, mixed) if mixed else category
                out.append((cat, item))
        return out
    return _sentence_items(text, start, end, category, mixed)


def _dominant_markers(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Positions of the most frequent marker style (at least two in sequence), else []."""
    best: list[tuple[int, int]] = []
    for pattern in _MARKERS:
        found = [(m.start(), m.end()) for m in pattern.finditer(text, start, end)]
        if len(found) >= 2 and len(found) > len(best):
            best = found
    return best


def _sentence_items(
    text: str, start: int, end: int, category: Category, mixed: bool
) -> list[tuple[Category, Extracted]]:
    """No markers: split at ; when the paragraph lists, else sort its sentences."""
    body = text[start:end]
    if body.count(";") >= 1 and not mixed:
        pieces = [(m.start(), m.end()) for m in re.finditer(r"[^;]+", body)]
    elif mixed:
        pieces = [(m.start(), m.end()) for m in _SENTENCE.finditer(body)]
    else:
        pieces = [(0, len(body))]
    out: list[tuple[Category, Extracted]] = []
    run_cat: Category | None = None
    run_start = run_end = 0
    for p_start, p_end in pieces:
        piece = body[p_start:p_end]
        if not piece.strip():
            continue
        cat = _sort(piece, category, mixed)
        if cat == run_cat:
            run_end = p_end
            continue
        if run_cat is not None:
            _append(out, text, start, run_start, run_end, run_cat, mixed)
        run_cat, run_start, run_end = cat, p_start, p_end
    if run_cat is not None:
        _append(out, text, start, run_start, run_end, run_cat, mixed)
    return out


def _append(
    out: list[tuple[Category, Extracted]],
    text: str,
    base: int,
    start: int,
    end: int,
    cat: Category,
    mixed: bool,
) -> None:
    seg = text[base + start : base + end]
    intro = _INTRO.search(seg)
    offset = intro.end() if intro and cat == "problems" else 0
    item = _item(text, base + start + offset, base + end, 0.6 if mixed else 0.75)
    if item is not None:
        if mixed:
            item.reasons.append("item boundaries and category inferred from unnumbered prose")
        out.append((cat, item))


def _sort(piece: str, default: Category, mixed: bool) -> Category:
    """Problem or remedy, by wording; only inside sections that may mix the two."""
    if not mixed or default != "problems":
        return default
    problem = len(_PROBLEM_CUES.findall(piece))
    remedy = 2 * len(_REMEDY_CUES.findall(piece.strip()))
    if remedy > problem:
        return "measures"
    return default


def _item(text: str, start: int, end: int, confidence: float) -> Extracted | None:
    seg = text[start:end]
    head = _TRIM_HEAD.match(seg)
    s = start + (head.end() if head else 0)
    tail = _TRIM_TAIL.search(text, s, end)
    e = tail.start() if tail else end
    if e - s < 4:
        return None
    return Extracted(text[s:e], (s, e), confidence, "rule")
