"""Finding the LLM's quotes in the normalised text, and back in the submitted text."""

from __future__ import annotations

from typing import Any

import pytest

from services.llm.grounding import SourceIndex, fold, follows_marker, trim_span
from services.pipeline.normalise import normalise

PARAGRAPH = (
    "虽然我局在政府信息公开方面做了一些工作,但与市政府的要求还存在一定距离,"
    "主要表现在相关的工作机制和制度还有待进一步完善,创造性开展政府信息公开工作的方法还不够多。"
)


def _index(text: str) -> SourceIndex:
    return SourceIndex(text, [(0, len(text))])


def test_an_exact_quote_is_found_where_it_is() -> None:
    quote = "相关的工作机制和制度还有待进一步完善"
    found = _index(PARAGRAPH).align(quote)
    assert found is not None and found.score == 1.0
    assert PARAGRAPH[found.start : found.end] == quote


@pytest.mark.parametrize(
    "drifted",
    [
        "相關的工作機制和制度還有待進一步完善",  # traditional script
        "相关的工作机制和制度 还有待进一步完善",  # a space
        "相关的工作机制和制度,还有待进一步完善。",  # punctuation added
        "相关的工作机制和制度还有待进一步完善",  # full-width comma below
    ],
)
def test_script_width_space_and_punctuation_drift_still_match_exactly(drifted: str) -> None:
    found = _index(PARAGRAPH).align(drifted)
    assert found is not None and found.score == 1.0
    assert PARAGRAPH[found.start : found.end] == "相关的工作机制和制度还有待进一步完善"


def test_full_width_punctuation_in_the_quote_matches_ascii_in_the_text() -> None:
    found = _index(PARAGRAPH).align("但与市政府的要求还存在一定距离,主要表现在")
    assert found is not None and found.score == 1.0
    assert PARAGRAPH[found.start : found.end] == "但与市政府的要求还存在一定距离,主要表现在"


def test_a_slightly_reworded_quote_aligns_approximately() -> None:
    found = _index(PARAGRAPH).align("创造性开展政务公开工作的方法还不够多")
    assert found is not None
    assert 0.6 <= found.score < 1.0
    assert "开展政府信息公开工作的方法还不够多" in PARAGRAPH[found.start : found.end]


@pytest.mark.parametrize("invented", ["信息公开经费严重不足,专职人员配备不到位", "网站", ""])
def test_a_quote_that_is_not_in_the_text_is_not_found(invented: str) -> None:
    assert _index(PARAGRAPH).align(invented) is None


def test_a_recurring_phrase_goes_to_the_occurrence_not_yet_claimed() -> None:
    text = "一是加强培训。二是加强培训。"
    index = _index(text)
    first = index.align("加强培训")
    assert first is not None and first.start == 2
    second = index.align("加强培训", claimed=[first.span])
    assert second is not None and second.start == 9


def test_only_the_indexed_ranges_are_searched() -> None:
    text = "表格:行政复议0件。\n五、存在问题\n一是更新不及时。"
    body = text.index("一是")
    index = SourceIndex(text, [(body, len(text))])
    assert index.align("行政复议0件") is None
    found = index.align("更新不及时")
    assert found is not None and text[found.start : found.end] == "更新不及时"


def test_a_quote_maps_back_to_the_submitted_traditional_text(seed: Any) -> None:
    s = seed("001")  # traditional script with pinyin glosses after characters
    problems = s.section("problems", "存在问题")
    index = SourceIndex(s.doc.text, [problems.body])
    found = index.align("二是信息公开工作业务素养有待进一步提升")
    assert found is not None and found.score == 1.0
    start, end = trim_span(s.doc.text, found.start, found.end)
    submitted = s.original[slice(*s.doc.span(start, end))]
    assert submitted.startswith("信息公開(kāi)工作業(yè)務(wù)素養(yǎng)")
    assert fold(submitted) == fold("信息公开工作业务素养有待进一步提升")


@pytest.mark.parametrize(
    ("raw", "trimmed"),
    [
        ("一是信息更新不够及时;", "信息更新不够及时"),
        ("(二)拓展公开渠道。", "拓展公开渠道"),
        ("3.加强培训,", "加强培训"),
        ("①规范管理!", "规范管理"),
        ("  首先,统一平台 ", "统一平台"),
        ("2020年完成改版。", "2020年完成改版"),
        ("3.5万条信息已公开。", "3.5万条信息已公开"),
    ],
)
def test_trimming_drops_markers_and_edge_punctuation_only(raw: str, trimmed: str) -> None:
    start, end = trim_span(raw, 0, len(raw))
    assert raw[start:end] == trimmed


def test_follows_marker_tells_numbered_items_from_prose() -> None:
    text = "(一)加强队伍建设。\n二是,拓展渠道。\n我局将加强培训。"
    assert follows_marker(text, text.index("加强队伍"))
    assert follows_marker(text, text.index("拓展"))
    assert not follows_marker(text, text.index("我局将"))


def test_folding_is_the_normaliser_then_letters_and_digits() -> None:
    assert fold("公(gōng)開(kāi)　１２條") == "公开12条"
    assert fold("“互联网+政务服务”") == fold("互联网政务服务")
    assert normalise("公(gōng)開").text == "公开"
