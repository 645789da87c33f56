"""Numbers stated in prose (pre-2019 reports, 总体情况 paragraphs) → `narrative`.

Contract: `extract_narrative(text, sections, classified) -> dict[key, Extracted]`, keys from
`schemas.keys.NARRATIVE_KEYS`, the first statement of each in document order. Statements that
something did not happen ("未发生行政复议、行政诉讼案件", "未实行收费") are read as 0. A table value
never comes from here: the table wins for table fields (spec), prose goes only to `narrative`.

Keys beyond the spec's six (documented in README): requests_carried_over, requests_granted,
staff_total, staff_full_time, staff_part_time.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from services.pipeline.classify import Classified
from services.pipeline.model import Extracted, Section

_N = r"(\d[\d,]*(?:\.\d+)?)"
_GAP = r"[^,。;:|\d\n]{0,14}?"
_COUNT = r"\s*(?:条|件|篇|项|个|份|起|宗|次|人次)"

# (key, pattern with the number in group 1, confidence): precise wordings first.
_PATTERNS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("proactive_total", re.compile(rf"主动公开{_GAP}信息{_GAP}{_N}{_COUNT}"), 0.88),
    ("proactive_total", re.compile(rf"主动公开{_GAP}{_N}{_COUNT}"), 0.8),
    (
        "requests_received",
        re.compile(rf"(?:收到|受理|接收|新收|共收)[^,。;:\d\n]{{0,20}}?申请{_GAP}{_N}{_COUNT}"),
        0.88,
    ),
    ("requests_received", re.compile(rf"(?:收到|受理|接收){_GAP}{_N}{_COUNT}{_GAP}申请"), 0.85),
    ("requests_received", re.compile(rf"依申请公开{_GAP}{_N}{_COUNT}"), 0.72),
    ("requests_answered", re.compile(rf"(?:答复|办结|回复|已办理){_GAP}{_N}{_COUNT}"), 0.75),
    ("requests_carried_over", re.compile(rf"上年结转{_GAP}{_N}{_COUNT}"), 0.85),
    ("requests_granted", re.compile(rf"予以公开{_GAP}{_N}{_COUNT}"), 0.8),
    ("reviews", re.compile(rf"行政复议{_GAP}{_N}{_COUNT}"), 0.85),
    ("lawsuits", re.compile(rf"行政诉讼{_GAP}{_N}{_COUNT}"), 0.85),
    (
        "fees_collected",
        re.compile(rf"(?:收取|收费|信息处理费){_GAP}{_N}\s*元"),
        0.85,
    ),
    ("staff_total", re.compile(rf"(?:信息公开|政务公开)工作(?:的)?人员{_GAP}{_N}\s*人"), 0.85),
    ("staff_full_time", re.compile(rf"专职(?:人员|工作人员)?{_GAP}{_N}\s*人"), 0.85),
    ("staff_part_time", re.compile(rf"兼职(?:人员|工作人员)?{_GAP}{_N}\s*人"), 0.85),
)

_NONE_HAPPENED = re.compile(
    r"(?:未|没有|无)(?:发生|收到|接到|出现|产生)?[^。;\n]{0,40}?(?:行政复议|行政诉讼)[^。;\n]{0,30}"
)
_NO_FEES = re.compile(r"(?:未|没有|不)(?:实行|收取|涉及|产生)(?:任何)?(?:收费|费用|信息处理费)")
_NO_REQUESTS = re.compile(
    r"(?:未|没有)(?:收到|受理|接到)(?:[^。;\n]{0,12}?)(?:依申请公开|信息公开申请|公开申请)"
)


# A line break between two Chinese characters is a wrapped line inside a sentence; the prose
# patterns read through it.
_WRAP = re.compile(r"\n(?<=[\u4e00-\u9fff]\n)(?=[\u4e00-\u9fff])")


def extract_narrative(
    text: str, sections: list[Section], classified: Classified
) -> dict[str, Extracted]:
    joined, cuts = _unwrap(text)
    found = _find(joined)
    for cell in found.values():
        if cell.span is not None:
            cell.span = (_back(cuts, cell.span[0]), _back(cuts, cell.span[1] - 1) + 1)
    return found


def _unwrap(text: str) -> tuple[str, list[int]]:
    """The text without wrapped line breaks, and where (in its own positions) they were cut."""
    wraps = [m.start() for m in _WRAP.finditer(text)]
    if not wraps:
        return text, []
    return _WRAP.sub("", text), [pos - i for i, pos in enumerate(wraps)]


def _back(cuts: list[int], pos: int) -> int:
    return pos + bisect_right(cuts, pos)


def _find(text: str) -> dict[str, Extracted]:
    found: dict[str, Extracted] = {}
    for key, pattern, confidence in _PATTERNS:
        if key in found:
            continue
        m = pattern.search(text)
        if m is None:
            continue
        number = _number(m.group(1))
        if number is not None:
            found[key] = Extracted(number, (m.start(1), m.end(1)), confidence, "rule")
    _zeros(text, found)
    return found


def _zeros(text: str, found: dict[str, Extracted]) -> None:
    """Statements that nothing happened count as 0, when no number was stated."""
    for m in _NONE_HAPPENED.finditer(text):
        phrase = m.group()
        span = (m.start(), m.end())
        if "行政复议" in phrase and "reviews" not in found:
            found["reviews"] = Extracted(0, span, 0.85, "rule")
        if "行政诉讼" in phrase and "lawsuits" not in found:
            found["lawsuits"] = Extracted(0, span, 0.85, "rule")
    for key, pattern, confidence in (
        ("fees_collected", _NO_FEES, 0.85),
        ("requests_received", _NO_REQUESTS, 0.8),
    ):
        hit = pattern.search(text)
        if hit is not None and key not in found:
            found[key] = Extracted(0, (hit.start(), hit.end()), confidence, "rule")


def _number(raw: str) -> int | float | None:
    cleaned = raw.replace(",", "")
    try:
        return float(cleaned) if "." in cleaned else int(cleaned)
    except ValueError:
        return None
