from __future__ import annotations

from services.pipeline.segment import segment

REPORT = """某市统计局2021年政府信息公开工作年度报告
一、总体情况
本年度……
二、主动公开政府信息情况
规章 | 0 |
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 | 3 |
三、本年度办理结果 |
四、结转下年度继续办理 | 0 |
四、政府信息公开行政复议、行政诉讼情况
行政复议 |
五、存在的主要问题及改进情况
(一)存在问题
一是公开不够及时。
(二)改进措施
一是加强培训。
六、其他需要报告的事项
(一)收费情况
本年度未收取信息处理费。
"""


def test_top_level_sections_and_subsections() -> None:
    sections = segment(REPORT)
    keys = [s.key for s in sections]
    assert keys == [
        "preamble",
        "overview",
        "proactive",
        "requests",
        "reviews_litigation",
        "problems",
        "problems",
        "measures",
        "other",
        "fees",
    ]


def test_table_row_labels_are_not_headings() -> None:
    requests = next(s for s in segment(REPORT) if s.key == "requests")
    body = REPORT[requests.body_start : requests.end]
    assert "一、本年新收" in body and "四、结转下年度继续办理" in body


def test_subsection_spans_nest_inside_their_section() -> None:
    sections = segment(REPORT)
    five = sections[5]
    for sub in sections[6:8]:
        assert five.start < sub.start and sub.end <= five.end
    assert REPORT[sections[7].body_start : sections[7].end].startswith("一是加强培训")


def test_pre2019_headings_with_spaces() -> None:
    text = "一、概述\n正文\n三、 依申请公开政府信息情况\n受理37件。\n六、存在的主要问题和改进措施\n一是……"
    assert [s.key for s in segment(text)] == ["overview", "requests", "problems"]


def test_no_headings_gives_one_preamble() -> None:
    assert [(s.key, s.start, s.end) for s in segment("没有标题的一段文字。")] == [
        ("preamble", 0, 10)
    ]
