from __future__ import annotations

import pytest

from services.pipeline.classify import classify
from services.pipeline.metadata import extract_metadata
from services.pipeline.narrative import extract_narrative
from services.pipeline.normalise import normalise
from services.pipeline.segment import segment


def _run(text: str) -> tuple[dict[str, object], dict[str, object], dict[str, object]]:
    doc = normalise(text)
    sections = segment(doc.text)
    c = classify(doc, sections)
    meta = extract_metadata(doc.text, sections, c)
    numbers = extract_narrative(doc.text, sections, c)
    kinds = {
        "doc_type": c.doc_type.value,
        "format_version": c.format_version.value,
        "script": c.script.value,
    }
    return kinds, {k: v.value for k, v in meta.items()}, {k: v.value for k, v in numbers.items()}


@pytest.mark.parametrize(
    ("cue", "version"),
    [
        ("本年制发件数", "2021"),
        ("本年新制作数量", "2019"),
        ("上一年项目数量", "2019"),
        ("申请人逾期未按收费通知要求缴纳费用", "2021"),
    ],
)
def test_template_cues_decide_the_format(cue: str, version: str) -> None:
    kinds, _, _ = _run(
        f"某市2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n{cue}\n予以公开 0"
    )
    assert kinds["format_version"] == version


def test_prose_report_of_2017_is_pre2019() -> None:
    kinds, meta, numbers = _run(
        "某县人民政府2017年政府信息公开工作年度报告\n一、概述\n2017年,共主动公开政府信息1,254条,"
        "受理依申请公开政府信息12件,全部按时答复。全年未发生行政复议和行政诉讼案件。\n"
    )
    assert kinds == {
        "doc_type": "annual_report",
        "format_version": "pre2019",
        "script": "simplified",
    }
    assert meta["agency"] == "某县人民政府" and meta["report_year"] == 2017
    assert numbers == {
        "proactive_total": 1254,
        "requests_received": 12,
        "reviews": 0,
        "lawsuits": 0,
    }


def test_work_plan_and_other_documents() -> None:
    kinds, meta, _ = _run(
        "某市2024年政务公开工作要点\n一、加强公开\n(一)做好发布。(牵头单位:办公室)\n"
    )
    assert kinds["doc_type"] == "work_plan" and kinds["format_version"] is None
    assert meta["report_year"] == 2024
    kinds, _, _ = _run("某市政府信息公开指南\n为了方便公民查询,编制本指南。")
    assert kinds["doc_type"] == "other"


def test_portal_header_and_sign_off() -> None:
    text = (
        "索引号: | 123 | 发文机关: | 某市政府 |\n标题: | 某市水务局2022年政府信息公开工作年度报告 |\n"
        "发布日期: | 2023-01-18 |\n某市水务局2022年政府信息公开工作年度报告\n一、总体情况\n……\n"
    )
    _, meta, _ = _run(text)
    assert meta == {
        "title": "某市水务局2022年政府信息公开工作年度报告",
        "agency": "某市水务局",
        "report_year": 2022,
        "publish_date": "2023-01-18",
    }


def test_traditional_script_detected() -> None:
    kinds, meta, _ = _run("某市統計局2018年度政府信息公開工作報告\n一、概述\n本年度……")
    assert kinds["script"] == "traditional"
    assert meta["title"] == "某市统计局2018年度政府信息公开工作报告"  # step values are normalised


def test_narrative_reads_through_wrapped_lines_and_spans_stay_exact() -> None:
    text = "一、概述\n2018年,我局共主\n动公开政府信息2027条,本机关未\n收取信息处理费。"
    doc = normalise(text)
    sections = segment(doc.text)
    numbers = extract_narrative(doc.text, sections, classify(doc, sections))
    total = numbers["proactive_total"]
    assert total.value == 2027 and total.span is not None
    assert doc.text[total.span[0] : total.span[1]] == "2027"
    assert numbers["fees_collected"].value == 0


@pytest.mark.parametrize(
    ("text", "agency", "year", "title"),
    [
        (
            "2022年度上海市财政局政府信息公开工作年度报告\n\n一、总体情况\n",
            "上海市财政局",
            2022,
            "2022年度上海市财政局政府信息公开工作年度报告",
        ),
        (
            "国家统计局政府信息公开工作年度报告(2021年)\n一、总体情况\n",
            "国家统计局",
            2021,
            "国家统计局政府信息公开工作年度报告(2021年)",
        ),
        (
            "广州市越秀区教育局\n2021年政府信息公开工作年度报告\n一、总体情况\n",
            "广州市越秀区教育局",
            2021,
            "2021年政府信息公开工作年度报告",
        ),
    ],
)
def test_title_forms(text: str, agency: str, year: int, title: str) -> None:
    kinds, meta, _ = _run(text)
    assert (meta["agency"], meta["report_year"], meta["title"]) == (agency, year, title)
    assert kinds["format_version"] == "2021"  # no tables printed: the year decides, unsure
