from __future__ import annotations

from services.pipeline.normalise import normalise, source_copy


def _find(doc_text: str, needle: str) -> tuple[int, int]:
    i = doc_text.index(needle)
    return i, i + len(needle)


def test_pinyin_glosses_are_removed_and_spans_cover_them() -> None:
    raw = "當(dāng)前位置\n索 引 號(hào): 2019\n政府信息公(gong)開(kai)工作"
    doc = normalise(raw)
    assert "当前" not in doc.text  # breadcrumb line blanked as site chrome
    assert "索引号:" in doc.text
    s, e = doc.span(*_find(doc.text, "政府信息公开工作"))
    assert raw[s:e] == "政府信息公(gong)開(kai)工作"


def test_nfkc_full_width_digits_and_punctuation() -> None:
    raw = "主动公开信息２５４条，（一）予以公开：３"
    doc = normalise(raw)
    assert doc.text == "主动公开信息254条,(一)予以公开:3"
    s, e = doc.span(*_find(doc.text, "254"))
    assert raw[s:e] == "２５４"


def test_traditional_is_simplified_one_for_one() -> None:
    raw = "政府信息公開工作年度報告"
    doc = normalise(raw)
    assert doc.text == "政府信息公开工作年度报告"
    assert doc.traditional_chars == 2
    assert doc.span(0, len(doc.text)) == (0, len(raw))


def test_ocr_letters_inside_numbers_are_repaired() -> None:
    doc = normalise("2O19年收到申请l5件, Office 不变, IO 不变")
    assert "2019年收到申请15件" in doc.text
    assert "Office" in doc.text and "IO" in doc.text


def test_page_numbers_and_chrome_lines_are_blanked_but_numbers_kept() -> None:
    raw = "规章\n-4-\n12\n第 3 页\n分享到: 微信\n发布时间:2019-03-26 浏览次数:131\n0"
    doc = normalise(raw)
    lines = doc.text.split("\n")
    assert lines == ["规章", "", "12", "", "", "发布时间:2019-03-26 浏览次数:131", "0"]


def test_crlf_and_zero_width() -> None:
    raw = "一、总体\u200b情况\r\n二、主动公开"
    doc = normalise(raw)
    assert doc.text == "一、总体情况\n二、主动公开"
    s, e = doc.span(*_find(doc.text, "二、主动公开"))
    assert raw[s:e] == "二、主动公开"


def test_source_copy_keeps_script_and_drops_noise() -> None:
    raw = "一是信息公(gōng)開工作\n還有待提高。"
    doc = normalise(raw)
    start, end = _find(doc.text, "信息公开工作\n还有待提高")
    value, (s, e) = source_copy(doc, start, end)
    assert value == "信息公開工作還有待提高"
    assert raw[s:e].startswith("信息公(gōng)開")


def test_spaced_out_headings_and_labels_close_up_but_cells_stay_apart() -> None:
    doc = normalise("一 、 总 体 情 况\n( 一 ) 予 以 公 开 3 0 1\n发布日期: 2019-03-26")
    assert doc.text.split("\n") == ["一、总体情况", "(一)予以公开 3 0 1", "发布日期: 2019-03-26"]


def test_source_copy_of_spaced_out_text() -> None:
    raw = "一是公 开 意 识 不 够 强。"
    doc = normalise(raw)
    start, end = _find(doc.text, "公开意识不够强")
    assert source_copy(doc, start, end)[0] == "公开意识不够强"


def test_spaced_glosses_and_spaced_quantities() -> None:
    doc = normalise("主 动 公 (g ō n g) 开 信 息 2 5 4 条\n规章 1 0 3\n報(bào)(gào)")
    assert doc.text.split("\n") == ["主动公开信息254条", "规章 1 0 3", "报"]


def test_cells_with_units_are_not_taken_for_a_spaced_number() -> None:
    assert normalise("规章 1 0件 10").text == "规章 1 0件 10"
    assert normalise("信 息 1 0 件").text == "信息10件"


def test_a_breadcrumb_broken_over_two_lines_is_blanked() -> None:
    doc = normalise("当前位置: 首\n页 > 政务公开 > 年报\n标题")
    assert doc.text == "\n\n标题"


def test_traditional_phrases_convert_as_phrases() -> None:
    assert normalise("無正當理由大量反覆申請").text == "无正当理由大量反复申请"
