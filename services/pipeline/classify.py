"""Step 4 of the pipeline: what kind of document is this?

Contract: `classify(doc, sections) -> Classified` with `doc_type` (annual_report / work_plan /
other), `format_version` (2021 / 2019 / pre2019 / None) and `script` (simplified / traditional),
each an `Extracted` whose confidence reflects how clear the cues were. Cues are the template's own
words (`ogi-templates.md`, "Telling the templates apart"), the section headings, the title and the
year the report covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.pipeline.model import Extracted, Section
from services.pipeline.normalise import NormalisedText

_REPORT_TITLE = re.compile(
    r"(?:政府)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)|政务公开(?:工作)?年度报告|年度报告"
)
_PLAN_TITLE = re.compile(r"(?:政务|信息)公开工作要点|公开工作(?:计划|安排|方案)|工作要点")
_OTHER_TITLE = re.compile(r"公开指南|公开目录|公开制度|实施办法|管理办法|通知$")

_REPORT_CUES = re.compile(
    r"总体情况|主动公开政府信息情况|收到和处理政府信息公开申请|依申请公开|行政复议、行政诉讼"
    r"|存在的主要问题|本年度办理结果|本年新收|年度报告|现将.{0,20}报告|工作年度报告"
)
_PLAN_CUES = re.compile(
    r"牵头(?:股室|单位|科室|部门)|责任(?:股室|单位|科室)|工作要点|要认真落实|年度工作任务"
)

_CUES_2021 = re.compile(
    r"本年制发件数|本年废止件数|现行有效件数|本年收费金额|逾期不补正|逾期未按收费通知"
)
_CUES_2019 = re.compile(
    r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|第二十条第\(九\)项|政府集中采购"
)
_TABLE_CUES = re.compile(r"予以公开|不予公开|无法提供|不予处理|结果维持|结果纠正|尚未审结")

_YEAR = re.compile(r"(20[0-4]\d)\s*年")


@dataclass(slots=True)
class Classified:
    doc_type: Extracted
    format_version: Extracted
    script: Extracted
    year_hint: int | None  # the year the document is about, from its title or opening


def classify(doc: NormalisedText, sections: list[Section]) -> Classified:
    text = doc.text
    head = text[:3000]
    year = year_hint(text)
    return Classified(
        doc_type=_doc_type(text, head, sections),
        format_version=_format_version(text, year),
        script=_script(doc),
        year_hint=year,
    )


def year_hint(text: str) -> int | None:
    """The year a report covers: the year in its title, else the first year in its opening."""
    head = text[:1500]
    title = _REPORT_TITLE.search(head) or _PLAN_TITLE.search(head)
    if title is not None:
        years = _YEAR.findall(head[max(0, title.start() - 40) : title.end()])
        if years:
            return int(years[-1])
    m = _YEAR.search(head)
    return int(m.group(1)) if m else None


def _doc_type(text: str, head: str, sections: list[Section]) -> Extracted:
    report_title = _REPORT_TITLE.search(head)
    plan_title = _PLAN_TITLE.search(head[:600])
    report = len(_REPORT_CUES.findall(text)) + 3 * bool(report_title)
    report += sum(s.key in ("proactive", "requests", "reviews_litigation") for s in sections)
    report += 3 * bool(_TABLE_CUES.search(text))
    plan = len(_PLAN_CUES.findall(text)) + 3 * bool(plan_title and not report_title)
    if report == 0 and plan == 0:
        other = _OTHER_TITLE.search(head[:300])
        return Extracted("other", _span(other), 0.7 if other else 0.55, "rule")
    if report >= plan:
        value, margin, cue = "annual_report", report - plan, report_title
    else:
        value, margin, cue = "work_plan", plan - report, plan_title
    confidence = 0.6 + 0.38 * min(margin, 6) / 6
    return Extracted(value, _span(cue), round(confidence, 3), "rule")


def _format_version(text: str, year: int | None) -> Extracted:
    hits21 = list(_CUES_2021.finditer(text))
    hits19 = list(_CUES_2019.finditer(text))
    if hits21 or hits19:
        value = "2021" if len(hits21) >= len(hits19) else "2019"
        hits = hits21 if value == "2021" else hits19
        margin = abs(len(hits21) - len(hits19))
        agrees = year is None or (year >= 2021) == (value == "2021")
        confidence = (0.7 + 0.28 * min(margin, 3) / 3) * (1.0 if agrees else 0.8)
        return Extracted(value, (hits[0].start(), hits[0].end()), round(confidence, 3), "rule")
    if _TABLE_CUES.search(text):  # tables present, but no column labels that tell the template
        if year is not None:
            value = "2021" if year >= 2021 else "2019"
            return Extracted(value, None, 0.75, "rule")
        return Extracted("2021", None, 0.4, "rule")
    if year is not None and year <= 2018:
        return Extracted("pre2019", None, 0.9, "rule")
    if year is not None and _REPORT_CUES.search(text):
        # A report of the template era whose tables did not survive (or were never printed):
        # the template follows from the report year, with less certainty.
        return Extracted("2021" if year >= 2021 else "2019", None, 0.6, "rule")
    return Extracted(None, None, 0.6, "rule")


def _script(doc: NormalisedText) -> Extracted:
    if doc.cjk_chars == 0:
        return Extracted("simplified", None, 0.5, "rule")
    share = doc.traditional_chars / doc.cjk_chars
    if share >= 0.05:
        return Extracted("traditional", None, round(min(0.99, 0.8 + share), 3), "rule")
    return Extracted("simplified", None, round(0.99 - share * 4, 3), "rule")


def _span(m: re.Match[str] | None) -> tuple[int, int] | None:
    return (m.start(), m.end()) if m else None
