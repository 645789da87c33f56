"""Step 3 of the pipeline: find the report's sections.

Contract: `segment(text) -> list[Section]` over the normalised text, in document order. Top-level
headings (`一、总体情况` … `六、…`, the pre-2019 headings, a work plan's `一、…`) become sections keyed
by meaning; inside them, sub-headings that name problems / measures / plans / fees (`(一)存在问题`,
`(二)改进措施`) become their own, nested sections. Text before the first heading is `preamble`.
Table row labels that look like headings (`一、本年新收…`, `四、结转下年度继续办理`) are not headings.
"""

from __future__ import annotations

import re

from services.pipeline.model import Section, SectionKey

_NUM = "一二三四五六七八九十"
_TOP = re.compile(
    rf"^[ \t]*(?:[{_NUM}]{{1,3}}[、.,]|第[{_NUM}]{{1,3}}部分[、.,: ]?)[ \t]*(\S.*)$", re.M
)
_SUB = re.compile(rf"^[ \t]*\([{_NUM}]{{1,3}}\)[ \t]*(\S.*)$", re.M)
_BARE = re.compile(
    r"^[ \t]*((?:存在的?主要问题|存在的?问题|主要问题|存在的?不足|改进措施|改进情况|整改情况|下一步工作(?:打算|计划|安排|思路)?"
    r"|\d{4}年工作(?:打算|计划|安排|要点))[^\n]{0,12}?)[::]?[ \t]*$",
    re.M,
)

# Row labels of the 申请 table that start with 一、…四、 but are no headings.
_TABLE_ROW = re.compile(r"申请数量|办理结果|结转下年度|继续办理|申请人情况")

_KEYS: tuple[tuple[SectionKey, re.Pattern[str]], ...] = (
    ("requests", re.compile(r"收到和处理|依申请公开|申请公开政府信息|政府信息公开申请")),
    ("reviews_litigation", re.compile(r"行政复议|行政诉讼|复议.*诉讼")),
    ("proactive", re.compile(r"主动公开")),
    ("problems", re.compile(r"问题|不足|差距")),
    ("measures", re.compile(r"改进措施|改进情况|改进方向|整改")),
    (
        "plans",
        re.compile(
            r"下一步|下步|工作打算|工作计划|工作安排|工作思路|工作要点|今后|\d{4}年(?:度)?工作|展望"
        ),
    ),
    ("fees", re.compile(r"收费|信息处理费|费用")),
    ("overview", re.compile(r"总体情况|概述|概况|基本情况|工作开展情况|主要工作|工作情况")),
    ("other", re.compile(r"其他需要报告|需要说明|其他事项|附表|机构人员|经费")),
)


def segment(text: str) -> list[Section]:
    tops = [m for m in _TOP.finditer(text) if _is_heading(m.group(1))]
    sections: list[Section] = []
    first = tops[0].start() if tops else len(text)
    if first > 0:
        sections.append(Section("preamble", "", 0, 0, first))
    for i, m in enumerate(tops):
        end = tops[i + 1].start() if i + 1 < len(tops) else len(text)
        key = heading_key(m.group(1))
        body_start = _line_end(text, m.end())
        sections.append(Section(key, m.group(1).strip(), m.start(), body_start, end))
        if key != "plans":  # a plan's own (一)(二) items are items, not sub-sections
            sections.extend(_subsections(text, body_start, end))
    return sections


def heading_key(heading: str) -> SectionKey:
    """The meaning of a heading, by keyword; `other` when nothing matches."""
    for key, pattern in _KEYS:
        if pattern.search(heading):
            return key
    return "other"


def _is_heading(rest: str) -> bool:
    rest = rest.strip().rstrip("|").strip()
    if not rest or len(rest) > 60 or _TABLE_ROW.search(rest):
        return False
    # A numbered sentence in prose ("一、…。…") is not a heading; a heading has no full stop inside.
    return "。" not in rest[:-1]


def _subsections(text: str, start: int, end: int) -> list[Section]:
    """Free-text sub-headings inside one top-level section."""
    found: list[tuple[int, int, str, SectionKey]] = []
    for pattern in (_SUB, _BARE):
        for m in pattern.finditer(text, start, end):
            head = m.group(1).strip().rstrip(":")
            if len(head) > 30 or "。" in head:  # a numbered paragraph, not a sub-heading
                continue
            key = heading_key(head)
            if key in ("problems", "measures", "plans", "fees"):
                found.append((m.start(), _line_end(text, m.end()), head, key))
    found.sort()
    out: list[Section] = []
    for i, (s, body, head, key) in enumerate(found):
        e = found[i + 1][0] if i + 1 < len(found) else end
        out.append(Section(key, head, s, body, e))
    return out


def _line_end(text: str, pos: int) -> int:
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl + 1
