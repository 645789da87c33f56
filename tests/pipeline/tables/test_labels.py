"""Recognising labels by meaning: cores, extra words, numbering, wrapped lines, OCR slips."""

from __future__ import annotations

import pytest

from services.pipeline.tables.labels import compact, segment_group
from services.pipeline.tables.proactive import VOCAB as PROACTIVE
from services.pipeline.tables.requests import VOCAB as REQUESTS
from services.pipeline.tables.tokens import tokenise


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("一、本年新收政府信息公开申请数量", "new_received"),
        ("一、本年新收政府信息公开申请数量(2020年,件)", "new_received"),
        ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "partially_granted"),
        ("3.危及“三安全一稳定”", "denied_security_stability"),
        ('3、危及"三安全一稳定"', "denied_security_stability"),
        ("(三)不予公开 1.属于国家秘密", "denied_state_secret"),
        (
            "(六)其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "other_no_correction",
        ),
        (
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "other_unpaid_fee",
        ),
        ("4.无正当理由大量反复申请", "rejected_excessive"),
        ("(3)补正后申请内容仍不明确", "unavailable_unclear"),
        ("四、结转下年度继续办理", "carried_forward"),
    ],
)
def test_request_rows_by_their_words(raw: str, key: str) -> None:
    match = REQUESTS.match(raw)
    assert (match.role, match.key) == ("row", key)


def test_group_cells_and_the_other_row() -> None:
    assert REQUESTS.match("(三)不予公开").role == "group"
    assert REQUESTS.match("三、本年度办理结果").role == "group"
    assert (REQUESTS.match("(六)其他处理").role, REQUESTS.match("(六)其他处理").key) == (
        "rowgroup",
        "other",
    )
    assert REQUESTS.match("(三)不予公开 1.属于国家秘密").group == "denied"


def test_subtotals_headers_and_context_words() -> None:
    assert REQUESTS.match("(小计)").role == "extra"
    assert (
        REQUESTS.match("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)").role
        == "header"
    )
    assert REQUESTS.match("3.其他").role is None and REQUESTS.match("3.其他").words == "其他"
    assert REQUESTS.match("(七)总计").words == "总计"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("规章(设区的市、自治州人民政府应提供相关数据)", "rules"),
        ("行政规范性文件", "normative_docs"),
        ("规范性文件", "normative_docs"),
        ("其他对外管理服务事项", "other_services"),
        ("行政事业性收费", "fees"),
        ("政府集中采购", "procurement"),
    ],
)
def test_proactive_rows(raw: str, key: str) -> None:
    match = PROACTIVE.match(raw)
    assert (match.role, match.key) == ("row", key)


def test_proactive_headers_with_digits_in_their_notes() -> None:
    assert (
        PROACTIVE.match("本年增/减(指2020年增加或减少的事项数,减用负值表示,如-8)").role == "header"
    )
    assert PROACTIVE.match("第二十条第(五)项").role == "header"
    assert PROACTIVE.match("其他主动公开文件").role == "extra"


def test_prose_that_mentions_a_label_is_no_label() -> None:
    sentence = "对于符合条件的申请,我局均依法予以公开,切实保障人民群众的知情权、参与权和监督权"
    assert REQUESTS.match(sentence).role is None
    assert PROACTIVE.match("全年共办理行政许可事项和行政处罚案件,均在网站上依法公开").role is None


def test_compact_drops_numbering_and_bracketed_notes() -> None:
    c = compact("(二)部分公开(区分处理的,只计这一情形,不计其他情形)")
    assert c.outside == "部分公开"
    assert compact("1.属于国家秘密").outside == "属于国家秘密"
    assert compact("1、属于国家秘密").outside == "属于国家秘密"


def test_wrapped_label_is_joined_back() -> None:
    text = "一、本年新收政府信\n息公开申请数量\n"
    tokens = tokenise(text)
    labels = segment_group(text, tokens, 0, len(tokens) - 1, REQUESTS)
    assert len(labels) == 1
    assert (labels[0].role, labels[0].key) == ("row", "new_received")
    assert text[labels[0].start : labels[0].end] == "一、本年新收政府信\n息公开申请数量"


def test_two_labels_on_their_own_lines_stay_apart() -> None:
    text = "(一)予以公开\n(二)部分公开\n"
    tokens = tokenise(text)
    labels = segment_group(text, tokens, 0, len(tokens) - 1, REQUESTS)
    assert [label.key for label in labels] == ["granted", "partially_granted"]


def test_a_group_cell_split_from_its_row_inside_a_word() -> None:
    text = "(三)不予公开 1.属于国\n家秘密\n"
    tokens = tokenise(text)
    (label,) = segment_group(text, tokens, 0, len(tokens) - 1, REQUESTS)
    assert label.key == "denied_state_secret"


def test_fuzzy_matching_of_an_ocr_slip() -> None:
    match = REQUESTS.fuzzy("8.属于行政査洵事项", exclude=set())
    assert (match.role, match.key) == ("row", "denied_admin_query")
    assert match.fuzzy == "属于行政查询事项"
    assert REQUESTS.fuzzy("春节期间全市天气以晴好为主", exclude=set()).role is None
    assert REQUESTS.fuzzy("8.属于行政査洵事项", exclude={"denied_admin_query"}).role is None


def test_a_script_flip_round_trip_variant() -> None:
    # s2t writes 反复 as 反覆; simplifying character by character keeps 覆.
    match = REQUESTS.match("4.无正当理由大量反覆申请")
    assert (match.role, match.key) == ("row", "rejected_excessive")


def test_a_label_wrapped_between_two_of_its_own_cores() -> None:
    text = "2.没有现成信\n息需要另行制作\n"
    tokens = tokenise(text)
    (label,) = segment_group(text, tokens, 0, len(tokens) - 1, REQUESTS)
    assert label.key == "unavailable_needs_creation"
