from __future__ import annotations

import codecs

import opencc
import pytest

from services.errors import BinaryDocumentError, EmptyDocumentError
from services.pipeline.decode import decode

TEXT = "桦甸市统计局2020年政府信息公开工作年度报告\n一、总体情况\n本年新收政府信息公开申请数量 3"


@pytest.mark.parametrize(
    "encoded",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16le", "utf16be"],
)
def test_encodings_decode_to_the_same_text(encoded: bytes) -> None:
    assert decode(encoded) == TEXT


def test_big5_traditional() -> None:
    traditional = opencc.OpenCC("s2t").convert(TEXT)
    assert decode(traditional.encode("big5")) == traditional


@pytest.mark.parametrize("data", [b"", b"   \n\t "])
def test_empty(data: bytes) -> None:
    with pytest.raises(EmptyDocumentError, match=r"empty|whitespace"):
        decode(data)


def test_binary_names_the_problem() -> None:
    with pytest.raises(BinaryDocumentError, match="NUL bytes"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(BinaryDocumentError, match="not valid UTF-8"):
        decode(bytes([0x81, 0x20, 0xFF, 0xFE, 0x80]) * 50)
