"""What is sent to the LLM: free-text sections only, in chunks that never cut an item."""

from __future__ import annotations

import itertools
from typing import Any

from services.llm.chunking import Plan, plan_chunks
from services.pipeline.model import Extracted, Section
from services.pipeline.refine import Category


def _plan(s: Any, *, max_chars: int = 3000, skip_numbered: bool = True) -> Plan:
    return plan_chunks(
        s.doc.text, s.sections, s.rule_items, max_chars=max_chars, skip_numbered=skip_numbered
    )


def _sent(s: Any, plan: Plan) -> str:
    return "\n".join(s.doc.text[a:b] for chunk in plan.chunks for a, b in chunk.ranges)


def test_only_the_free_text_of_a_2019_report_is_sent(seed: Any) -> None:
    s = seed("004")
    plan = _plan(s)
    sent = _sent(s, plan)
    problems = s.section("problems", "存在的主要问题")
    assert [c.ranges for c in plan.chunks] == [[(problems.body_start, problems.end - 1)]]
    assert sent.startswith("虽然我局在政府信息公开方面做了一些工作")
    for elsewhere in ("总体情况", "行政复议", "本年新收", "桦甸市统计局成立了"):
        assert elsewhere not in sent
    # 六、下一步工作打算 is (一)…(四): numbered plans the rules already split.
    assert [g.heading for g in plan.skipped] == ["下一步工作打算"]


def test_numbered_sections_are_sent_too_when_skipping_is_off(seed: Any) -> None:
    s = seed("004")
    plan = _plan(s, skip_numbered=False)
    assert plan.skipped == []
    headings = [g.heading for chunk in plan.chunks for g in chunk.segments]
    assert headings == ["存在的主要问题及改进情况", "下一步工作打算"]
    assert len(plan.chunks) == 1  # both fit in one request: one prompt overhead, not two


def test_a_section_split_into_problems_and_measures_sends_the_parts_not_the_whole(
    seed: Any,
) -> None:
    s = seed("003")
    plan = _plan(s, skip_numbered=False)
    segments = [g for chunk in plan.chunks for g in chunk.segments]
    assert [(g.category, g.heading) for g in segments] == [
        ("problems", "存在的主要问题"),
        ("measures", "改进措施"),
    ]
    ranges = [g.span for g in segments]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ranges))


def test_a_mixed_problems_section_is_always_sent(seed: Any) -> None:
    s = seed("000")  # 三、存在的问题和下一步工作思路 is numbered, but problems may hide remedies
    plan = _plan(s)
    assert [g.heading for c in plan.chunks for g in c.segments] == ["存在的问题和下一步工作思路"]
    assert [g.heading for g in plan.skipped] == ["2019年工作安排"]


def test_a_work_plan_body_is_found_through_its_rule_items(seed: Any) -> None:
    s = seed("002")  # a work plan: its (一)(二) items are plans under headings of any name
    plan = _plan(s, skip_numbered=False)
    segments = [g for c in plan.chunks for g in c.segments]
    assert len(segments) == 4 and {g.category for g in segments} == {"plans"}
    for item in s.rule_items["plans"]:
        assert item.span is not None
        assert any(g.start <= item.span[0] < g.end for g in segments)
    assert _plan(s).chunks == []  # numbered throughout: nothing worth sending


def _synthetic(count: int) -> tuple[str, list[Section], dict[Category, list[Extracted]]]:
    """A plans section of `count` numbered paragraphs, each about 60 characters."""
    head = "六、下一步工作打算\n"
    lines = [
        f"({'一二三四五六七八九十'[i % 10]})第{i}项工作要加强统筹协调,完善工作机制,确保各项任务落实到位并按期完成。"
        for i in range(count)
    ]
    text = head + "\n".join(lines) + "\n"
    section = Section("plans", "下一步工作打算", 0, len(head), len(text))
    items: list[Extracted] = []
    pos = len(head)
    for line in lines:
        start = pos + line.index(")") + 1
        end = pos + len(line) - 1
        items.append(Extracted(text[start:end], (start, end), 0.85, "rule"))
        pos += len(line) + 1
    return text, [section], {"problems": [], "measures": [], "plans": items}


def test_a_long_section_is_cut_between_items_into_chunks_under_the_limit() -> None:
    text, sections, items = _synthetic(30)
    plan = plan_chunks(text, sections, items, max_chars=400, skip_numbered=False)
    assert len(plan.chunks) > 3
    segments = [g for c in plan.chunks for g in c.segments]
    for chunk in plan.chunks:
        assert sum(g.end - g.start for g in chunk.segments) <= 400
    for item in items["plans"]:
        assert item.span is not None
        holders = [g for g in segments if g.start <= item.span[0] and item.span[1] <= g.end]
        assert len(holders) == 1, f"item cut across chunks: {item.value}"
    assert segments[0].label() == "下一步工作打算"
    assert all(g.label() == "下一步工作打算(续)" for g in segments[1:])
    covered = "".join(text[g.start : g.end] for g in segments)
    assert covered.replace("\n", "") == text[sections[0].body_start :].replace("\n", "")


def test_a_sentence_longer_than_the_limit_is_the_only_thing_ever_cut_inside() -> None:
    text = "五、存在问题\n" + "信息公开工作还需加强" * 60 + "。\n"
    section = Section("problems", "存在问题", 0, 7, len(text))
    plan = plan_chunks(text, [section], {}, max_chars=200, skip_numbered=True)
    segments = [g for c in plan.chunks for g in c.segments]
    assert all(g.end - g.start <= 200 for g in segments)
    assert "".join(text[g.start : g.end] for g in segments) == text[7:].strip()
