"""Step 5 of the pipeline: agency, report year, publish date and title.

Contract: `extract_metadata(text, sections, classified) -> dict[key, Extracted]` with the keys
`agency`, `report_year`, `publish_date` (ISO `YYYY-MM-DD`), `title`, always all four (value None
when the document does not say). Sources, best first: the title line, the `|`-separated metadata
header of portal pages (标题 / 发文机关 / 发布日期), the sign-off at the end, the opening sentence.
"""

from __future__ import annotations

import re
from collections import Counter

from services.pipeline.classify import Classified
from services.pipeline.model import Extracted, Section

_TITLE_LINE = re.compile(
    r"^[ \t|]*(?:标题[::]?[ \t|]*)?([^\n|]{0,60}?(?:20\d{2}|[一二〇○零]{4})\s*年度?[^\n|]{0,40}?"
    r"(?:报告|年报|工作要点|工作计划|工作安排)(?:的通知)?(?:\(20\d{2}年度?\))?)[ \t|]*$",
    re.M,
)
# "国家统计局政府信息公开工作年度报告(2021年)": the year after the title words.
_TITLE_YEAR_AFTER = re.compile(
    r"^[ \t|]*([^\n|]{2,60}?(?:信息公开|政务公开)[^\n|]{0,20}?(?:报告|年报)\s*\(20\d{2}年度?\))[ \t|]*$",
    re.M,
)
_HEADER_FIELD = r"[ \t]*[::]?[ \t|]*([^\n|]*?)[ \t]*(?:\||$|\n)"
_HEADER_TITLE = re.compile(r"标题" + _HEADER_FIELD, re.M)
_HEADER_AGENCY = re.compile(r"(?:发文机关|发布机构|发布机关|来源)" + _HEADER_FIELD, re.M)
_HEADER_DATE = re.compile(
    r"(?:发布日期|发布时间|成文日期|日期)[ \t]*[::]?[ \t|]*(\d{4}[-./年]\d{1,2}[-./月]\d{1,2})"
)
_HEADER_KEYS = re.compile(r"(?:成文日期|发文字号|主题分类|索引号|发布日期|主题词|标题).*$")

_AGENCY = re.compile(
    r"([\u4e00-\u9fff]{2,20}?(?:人民政府办公厅|人民政府办公室|人民政府|管理委员会|委员会|办公厅|办公室"
    r"|新区|开发区|局|厅|委|署|院|中心|政府|街道办事处|街道|镇|乡|区|县|市|省))"
)
_AGENCY_BEFORE_YEAR = re.compile(r"^(.{2,40}?)(?:关于)?(?:20\d{2}|[一二〇○零]{4})\s*年")
# A full agency name standing after a non-Chinese character (《成都市统计局2018年…》).
_AGENCY_NAME = re.compile(
    r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,12}(?:局|厅|委员会|办公室|人民政府|管理委员会))"
)
_AGENCY_AFTER_YEAR = re.compile(
    r"^(?:20\d{2})\s*年度?(.{2,30}?)(?:关于)?(?:政府信息公开|政务公开|信息公开)"
)
_AGENCY_BEFORE_WORDS = re.compile(r"^(.{2,30}?)(?:关于)?(?:政府信息公开|政务公开)")
_SIGN_DATE = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(20\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")
_YEAR_IN = re.compile(r"(20\d{2})\s*年")
_OPENING_AGENCY = re.compile(
    r"(?:,|，|^|。)\s*([\u4e00-\u9fff]{2,20}?(?:局|厅|委员会|委|办公室|政府|新区|院|中心))"
    r"(?:编制|认真|结合|根据|按照|坚持|紧紧|深入|全面|始终|进一步|持续)"
)
# "2023年,樟树市统计局政务公开工作要…": the agency right after the year that opens a document.
_YEAR_AGENCY = re.compile(
    r"(?:^|\n)\s*20\d{2}年(?:度)?,\s*(?!我|本|该)([\u4e00-\u9fff]{2,12}?(?:局|厅|委员会|办公室|人民政府|新区))"
)
_SELF = re.compile(r"^(?:我|本|该|市|区|县|省)(?:局|委|厅|办|院)$")


def extract_metadata(
    text: str, sections: list[Section], classified: Classified
) -> dict[str, Extracted]:
    title = _title(text)
    return {
        "title": title,
        "agency": _agency(text, title),
        "report_year": _report_year(text, title, classified),
        "publish_date": _publish_date(text),
    }


def _title(text: str) -> Extracted:
    head = text[:2500]
    for pattern in (_TITLE_LINE, _TITLE_YEAR_AFTER):
        for m in pattern.finditer(head):
            value = m.group(1).strip()
            if len(value) >= 8:
                return Extracted(value, (m.start(1), m.start(1) + len(value)), 0.95, "rule")
    header = _HEADER_TITLE.search(head)
    if header and len(header.group(1).strip()) >= 6:
        value = header.group(1).strip()
        return Extracted(value, (header.start(1), header.start(1) + len(value)), 0.9, "rule")
    return Extracted(None, None, 0.7, "rule", ["no title line found"])


def _agency(text: str, title: Extracted) -> Extracted:
    if isinstance(title.value, str) and title.span is not None:
        named = _agency_in_title(title.value, title.span[0])
        if named is not None:
            return named
        above = _agency_line_above(text, title.span[0])
        if above is not None:
            return above
    tail = _sign_off(text)
    if tail is not None:
        return tail
    m = _OPENING_AGENCY.search(text[:3000]) or _YEAR_AGENCY.search(text[:600])
    if m and not _SELF.match(m.group(1)):
        return Extracted(m.group(1), (m.start(1), m.end(1)), 0.8, "rule")
    counted = Counter(m.group(1) for m in _AGENCY_NAME.finditer(text[:20000]))
    if counted:
        name, hits = counted.most_common(1)[0]
        if hits >= 3 and name.endswith(("局", "厅", "委员会", "委", "办公室", "人民政府")):
            pos = text.find(name)
            return Extracted(name, (pos, pos + len(name)), 0.6, "rule")
    m = _HEADER_AGENCY.search(text[:2500])
    if m and m.group(1).strip():
        value = _HEADER_KEYS.sub("", m.group(1)).strip()
        if value:
            return Extracted(value, (m.start(1), m.start(1) + len(value)), 0.55, "rule")
    return Extracted(None, None, 0.5, "rule", ["no agency name found"])


def _agency_in_title(title: str, start: int) -> Extracted | None:
    """`某局2021年…报告`, `2022年度某局…报告` or `某局政府信息公开…报告(2021年)`."""
    for pattern in (_AGENCY_BEFORE_YEAR, _AGENCY_AFTER_YEAR, _AGENCY_BEFORE_WORDS):
        m = pattern.match(title)
        if m and _AGENCY.fullmatch(m.group(1)):
            return Extracted(m.group(1), (start + m.start(1), start + m.end(1)), 0.93, "rule")
    return None


def _agency_line_above(text: str, title_start: int) -> Extracted | None:
    """A title split over two lines: the agency's name alone on the line above."""
    above = text[max(0, title_start - 40) : title_start].rstrip("\n \t|").rsplit("\n", 1)[-1]
    name = above.strip(" \t|")
    if 2 <= len(name) <= 30 and _AGENCY.fullmatch(name):
        pos = text.rfind(name, 0, title_start)
        return Extracted(name, (pos, pos + len(name)), 0.9, "rule")
    return None


def _sign_off(text: str) -> Extracted | None:
    """An agency name alone on a line near the end, usually just above the date."""
    tail_start = max(0, len(text) - 400)
    lines = list(re.finditer(r"^[ \t]*([^\n]{2,30}?)[ \t]*$", text[tail_start:], re.M))
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].group(1)
        if _SIGN_DATE.fullmatch(line.strip()) and i > 0:
            cand = lines[i - 1].group(1).strip()
            if _AGENCY.fullmatch(cand):
                start = tail_start + lines[i - 1].start(1)
                return Extracted(cand, (start, start + len(cand)), 0.88, "rule")
    return None


def _report_year(text: str, title: Extracted, classified: Classified) -> Extracted:
    if isinstance(title.value, str) and title.span is not None:
        m = _YEAR_IN.search(title.value)
        if m:
            start = title.span[0] + m.start(1)
            return Extracted(int(m.group(1)), (start, start + 4), 0.97, "rule")
    if classified.year_hint is not None:
        year = str(classified.year_hint)
        pos = text.find(year + "年")
        span = (pos, pos + 4) if pos >= 0 else None
        return Extracted(classified.year_hint, span, 0.85, "rule")
    return Extracted(None, None, 0.5, "rule", ["no report year found"])


def _publish_date(text: str) -> Extracted:
    m = _HEADER_DATE.search(text[:3000])
    if m:
        return _date(m, 1, 0.95)
    tail_start = max(0, len(text) - 300)
    dates = list(_SIGN_DATE.finditer(text, tail_start))
    if dates:
        return _date(dates[-1], 0, 0.85)
    # Many reports carry no date at all; a missing one is most likely truly missing.
    return Extracted(None, None, 0.85, "rule")


def _date(m: re.Match[str], group: int, confidence: float) -> Extracted:
    d = _ISO_DATE.search(m.group(group))
    if d is None:
        return Extracted(None, None, 0.5, "rule")
    year, month, day = int(d.group(1)), int(d.group(2)), int(d.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return Extracted(None, (m.start(group), m.end(group)), 0.3, "rule", ["impossible date"])
    return Extracted(
        f"{year:04d}-{month:02d}-{day:02d}", (m.start(group), m.end(group)), confidence, "rule"
    )
