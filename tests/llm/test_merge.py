"""Merging rule items with grounded LLM items, case by case, on a small text."""

from __future__ import annotations

from services.llm.grounding import Alignment
from services.llm.merge import (
    AGREED,
    DISPUTED,
    LLM_UNAVAILABLE,
    ONE_SIDED,
    UNAVAILABLE_REASON,
    WEAKLY_GROUNDED,
    LlmCandidate,
    Merged,
    merge,
)
from services.pipeline.model import Extracted
from services.pipeline.refine import Category

TEXT = (
    "主要表现在工作机制还有待完善,公开形式仍须拓展。"
    "我局将继续强化组织领导,加强调查研究。"
    "(一)完善信息公开机制建设。"
)
READ = [(0, TEXT.index("(一)"))]


def _span(part: str) -> tuple[int, int]:
    start = TEXT.index(part)
    return (start, start + len(part))


def _rule(part: str, confidence: float = 0.6) -> Extracted:
    return Extracted(part, _span(part), confidence, "rule", ["from unnumbered prose"])


def _llm(category: Category, part: str, score: float = 1.0) -> LlmCandidate:
    start, end = _span(part)
    return LlmCandidate(category, part, Alignment(start, end, score))


def _merge(
    rules: dict[Category, list[Extracted]], llm: list[LlmCandidate], **kw: list[tuple[int, int]]
) -> Merged:
    return merge(
        TEXT,
        rules,
        read=kw.get("read", READ),
        failed=kw.get("failed", []),
        candidates=llm,
    )


def _values(merged: Merged, category: Category) -> list[tuple[object, float, str]]:
    return [(i.value, i.confidence, i.method) for i in merged.items[category]]


def test_agreement_is_confident_and_clears_the_rules_doubts() -> None:
    rule = _rule("我局将继续强化组织领导,加强调查研究")
    merged = _merge({"measures": [rule]}, [_llm("measures", "我局将继续强化组织领导,加强调查研究")])
    [item] = merged.items["measures"]
    assert item.confidence == AGREED >= 0.9
    assert item.reasons == [] and item.method == "rule"
    assert rule.reasons == ["from unnumbered prose"]  # the caller's item is not changed


def test_a_finer_exact_split_wins_for_review_with_the_rules_reading_as_candidate() -> None:
    rule = _rule("工作机制还有待完善,公开形式仍须拓展")
    merged = _merge(
        {"problems": [rule]},
        [_llm("problems", "工作机制还有待完善"), _llm("problems", "公开形式仍须拓展")],
    )
    assert _values(merged, "problems") == [
        ("工作机制还有待完善", DISPUTED, "llm"),
        ("公开形式仍须拓展", DISPUTED, "llm"),
    ]
    first = merged.items["problems"][0]
    assert "split this passage differently (1 rule item(s), 2 LLM item(s))" in first.reasons[0]
    assert first.candidates == ["工作机制还有待完善,公开形式仍须拓展"]
    assert DISPUTED < 0.8


def test_a_category_dispute_goes_to_the_exact_llm_reading_for_review() -> None:
    rule = _rule("我局将继续强化组织领导,加强调查研究")
    merged = _merge({"problems": [rule]}, [_llm("measures", "我局将继续强化组织领导,加强调查研究")])
    assert merged.items["problems"] == []
    [item] = merged.items["measures"]
    assert item.confidence == DISPUTED
    assert item.reasons == [
        "rules say problems, the LLM says measures; kept the LLM's (its quotes are exact)"
    ]


def test_an_approximate_llm_reading_loses_a_dispute_to_the_rules() -> None:
    rule = _rule("工作机制还有待完善,公开形式仍须拓展", 0.85)
    merged = _merge(
        {"problems": [rule]},
        [_llm("problems", "工作机制还有待完善", 0.95), _llm("problems", "公开形式仍须拓展")],
    )
    [item] = merged.items["problems"]
    assert (item.value, item.confidence, item.method) == (rule.value, DISPUTED, "rule")
    assert "kept the rules'" in item.reasons[-1]
    assert item.candidates == ["工作机制还有待完善", "公开形式仍须拓展"]


def test_an_item_only_the_rules_found_is_kept_for_review() -> None:
    merged = _merge({"problems": [_rule("工作机制还有待完善", 0.85)]}, [])
    [item] = merged.items["problems"]
    assert item.confidence == ONE_SIDED and "the LLM did not report this item" in item.reasons


def test_an_item_only_the_llm_found_is_kept_for_review_if_grounded() -> None:
    merged = _merge({}, [_llm("problems", "公开形式仍须拓展")])
    assert _values(merged, "problems") == [("公开形式仍须拓展", ONE_SIDED, "llm")]
    assert merged.items["problems"][0].reasons == ["only the LLM reported this item"]


def test_an_approximately_quoted_item_is_marked_ungrounded() -> None:
    merged = _merge({}, [_llm("problems", "公开形式仍须拓展", 0.75)])
    [item] = merged.items["problems"]
    assert item.confidence == WEAKLY_GROUNDED
    assert item.reasons[0].startswith("ungrounded: ") and "0.75" in item.reasons[0]


def test_an_item_not_in_the_text_is_dropped_and_noted() -> None:
    ghost = LlmCandidate("problems", "信息公开经费严重不足", None)
    merged = _merge({}, [ghost])
    assert all(not items for items in merged.items.values())
    assert merged.notes == ["dropped problems item not found in the text: 信息公开经费严重不足"]


def test_the_same_passage_twice_counts_once() -> None:
    merged = _merge(
        {"measures": [_rule("我局将继续强化组织领导,加强调查研究")]},
        [
            _llm("measures", "我局将继续强化组织领导,加强调查研究"),
            _llm("problems", "我局将继续强化组织领导,加强调查研究"),
        ],
    )
    assert [i.confidence for i in merged.items["measures"]] == [AGREED]
    assert merged.items["problems"] == []
    assert merged.notes == ["dropped duplicate problems item: 我局将继续强化组织领导,加强调查研究"]


def test_text_the_llm_failed_on_keeps_the_rules_lowered() -> None:
    rule = _rule("工作机制还有待完善", 0.85)
    merged = _merge({"problems": [rule]}, [], read=[], failed=READ)
    [item] = merged.items["problems"]
    assert item.confidence == LLM_UNAVAILABLE and UNAVAILABLE_REASON in item.reasons


def test_text_the_llm_was_not_asked_about_keeps_the_rules_as_they_are() -> None:
    plan = _rule("完善信息公开机制建设", 0.85)
    merged = _merge({"plans": [plan]}, [_llm("problems", "工作机制还有待完善")])
    assert merged.items["plans"] == [plan]


def test_items_come_out_in_document_order() -> None:
    merged = _merge(
        {},
        [_llm("problems", "公开形式仍须拓展"), _llm("problems", "工作机制还有待完善")],
    )
    assert [i.value for i in merged.items["problems"]] == ["工作机制还有待完善", "公开形式仍须拓展"]


def test_an_exact_split_that_leaves_most_of_the_passage_out_loses() -> None:
    rule = _rule("工作机制还有待完善,公开形式仍须拓展", 0.85)
    merged = _merge({"problems": [rule]}, [_llm("problems", "公开形式仍须拓展")])
    [item] = merged.items["problems"]
    assert (item.value, item.method, item.confidence) == (rule.value, "rule", DISPUTED)
    assert "kept the rules' (the LLM's items cover only 44% of the rules' text)" in item.reasons[-1]
