"""Step 1 of the pipeline: submitted bytes → text.

Contract: `decode(data) -> str` returns the text every later span indexes ("the text as
submitted"), or raises `EmptyDocumentError` / `BinaryDocumentError` saying what was wrong.

Detection order: a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) decides outright; then
strict UTF-8; then the Chinese legacy encodings GB18030 (a superset of GBK/GB2312) and Big5,
which both accept many byte strings: when both decode, the one whose text has more of the
characters these reports are written in wins.
"""

from __future__ import annotations

import codecs
import re

from services.errors import BinaryDocumentError, EmptyDocumentError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Characters that dominate these reports, in both scripts. A wrong legacy decoding produces
# rare characters and symbols instead, so the share of these tells the right reading.
_COMMON = frozenset(
    "政府信息公开工作年度报告情况申请行政复议诉讼主动处理结果数量本年上年结转办理予以部分不国家秘密"
    "法律规第三方合权益内部事务过程执行案卷查询机关掌握相关没有现成需要另外制作补正后容仍明确信访举"
    "投诉类重要求提供出版物正当理由大量反确认新收自然人商业企业科研构社会益组织服务其他总计维持纠审"
    "未经直接起存在问题及改进措施一二四五六七八九十的和是在了为对等发布网站平台加强推制度建设管门市区县"
    "省局委员厅办室中华民共国条例号日月件项个次元万我将进步做好"
    "資訊開報告關於請機關處總結經濟訴訟複議結轉與會規範網單區縣門發佈實體這們對為進見應書問題"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes) -> str:
    """Decode submitted bytes; raise a clear InputError when they are not a text document."""
    if not data.strip():
        raise EmptyDocumentError(
            "the document is empty" if not data else "the document contains only whitespace"
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as err:
                raise BinaryDocumentError(
                    f"starts with a {encoding} byte-order mark but is not valid {encoding} "
                    f"(byte {err.start + len(bom)})"
                ) from err
            return check_text(text)
    nul = data.find(b"\x00", 0, 4096)
    if nul >= 0:
        raise BinaryDocumentError(
            f"contains NUL bytes (first at byte {nul}) and no UTF-16/32 byte-order mark: "
            "not a text document"
        )
    try:
        return check_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    readings = [text for text in (_try(data, "gb18030"), _try(data, "big5")) if text is not None]
    if not readings:
        raise BinaryDocumentError(
            "not valid UTF-8, GB18030/GBK or Big5 text (and no UTF-16 byte-order mark)"
        )
    return check_text(max(readings, key=_plausibility))


def check_text(text: str) -> str:
    """Reject text that is empty or mostly control characters; return it unchanged otherwise."""
    if not text.strip():
        raise EmptyDocumentError(
            "the document is empty" if not text else "the document contains only whitespace"
        )
    controls = len(_CONTROL.findall(text[:20000]))
    if controls > 8 and controls > len(text[:20000]) * 0.02:
        raise BinaryDocumentError(
            f"{controls} control characters in the first {min(len(text), 20000)} characters: "
            "this looks like binary data, not text"
        )
    return text


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _plausibility(text: str) -> float:
    sample = text[:20000]
    cjk = [ch for ch in sample if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return 0.0
    return sum(ch in _COMMON for ch in cjk) / len(cjk)
