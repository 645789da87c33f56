"""A reviewer's list item is located in the document the way the pipeline reads it."""

from __future__ import annotations

import pytest

from services.errors import InvalidDecisionError, TextNotFoundError
from services.review.align import align, clean_item_text

DOCUMENT = (
    "五、存在的主要问题及改进情况\n"
    "一是信息公开的\n及时性有待提高；二是公開(gōng kāi)內容不夠全面。\n"
    "三是 政 务 新 媒 体 建 设 仍 需 加 强。\n"
)


def test_exact_text_gets_its_span() -> None:
    found = align(DOCUMENT, "政务新媒体建设仍需加强")
    assert found.value == "政务新媒体建设仍需加强"
    assert DOCUMENT[found.span.start : found.span.end].replace(" ", "") == "政务新媒体建设仍需加强"


def test_markers_and_trailing_punctuation_are_not_part_of_an_item() -> None:
    assert clean_item_text("一是信息公开的及时性有待提高；") == "信息公开的及时性有待提高"
    assert clean_item_text("（二）加强培训。") == "加强培训"
    assert clean_item_text("3. 完善制度") == "完善制度"


def test_line_breaks_inside_the_item_do_not_matter() -> None:
    found = align(DOCUMENT, "一是信息公开的及时性有待提高；")
    assert found.value == "信息公开的及时性有待提高"
    assert DOCUMENT[found.span.start : found.span.end] == "信息公开的\n及时性有待提高"


def test_simplified_text_finds_a_traditional_passage_and_keeps_its_script() -> None:
    found = align(DOCUMENT, "公开内容不够全面")
    assert found.value == "公開內容不夠全面"  # the document's own characters, gloss dropped
    assert DOCUMENT[found.span.start : found.span.end].startswith("公開(gōng kāi)")


def test_text_not_in_the_document_is_refused() -> None:
    with pytest.raises(TextNotFoundError) as caught:
        align(DOCUMENT, "建设智慧政务大厅")
    assert caught.value.where == "text" and "建设智慧政务大厅" in caught.value.message
    with pytest.raises(InvalidDecisionError, match="at least 4 characters"):
        align(DOCUMENT, "加强", where="value")
