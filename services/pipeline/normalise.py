"""Step 2 of the pipeline: normalise the decoded text for matching, keeping an offset map.

Contract: `normalise(original) -> NormalisedText`. Later steps read `.text` (simplified script,
NFKC, no pinyin glosses, no site chrome) and report spans through `.span()`, which returns
offsets into `original`, the text as submitted. Nothing here decides what a document means.

Steps, in order (each one a pure function that returns edits or a 1:1 translation):
  1. line ends and invisible characters (`\\r\\n` → `\\n`, zero-width spaces dropped)
  2. NFKC per character (full-width digits and punctuation, circled numbers, ...)
  3. traditional → simplified, character for character (OpenCC), only if the text has any
  4. pinyin glosses after characters removed: `當(dāng)前` → `当前`
  5. OCR letter-for-digit slips inside numbers repaired: `2O19` → `2019`, `l5` → `15`
  6. spaces inside runs of Chinese characters removed: `索 引 号` → `索引号`
  7. site chrome lines (breadcrumbs, page numbers, share/print/footer lines) blanked
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from services.pipeline.offsets import Edit, OffsetMap, apply_edits

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_INVISIBLE = re.compile(r"\r\n?|[\u200b-\u200d\u2060\ufeff\u00ad]")

_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# A gloss is a bracketed run of pinyin letters right after a Chinese character (or after another
# gloss); spaced-out text may put spaces around and inside it. Starts with the bracket so the
# engine can skip ahead; the lookbehinds then check what stands before it.
_PINYIN_GLOSS = re.compile(
    rf"[ \t]?\((?:(?<=[{CJK})]\()|(?<=[{CJK})][ \t]\())[ \t]?(?:[{_PINYIN_LETTERS}][ \t]?){{1,7}}[1-5]?[ \t]?\)"
)

# Spaced-out digits inside a quantity ("2 5 4 条", "2 0 1 8 年") are one number; digits followed by
# anything else may be table cells and stay apart.
_SPACED_NUMBER = re.compile(
    r"([ \t]?)(?<![\d.])(\d(?:[ \t]\d)+)([ \t]?)(?=[条件项人元个篇次年月日号%])"
)

_OCR_NUMBER = re.compile(r"(?<![A-Za-z0-9])(?=[OolI]*[0-9])[0-9OolI]*[OolI][0-9OolI]*(?![A-Za-z])")
_OCR_HINT = re.compile(r"[0-9][OolI]|[OolI][0-9]")
_OCR_TABLE = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})

# Spaced-out text ("索 引 号", "( 一 ) 予 以 公 开", "一 、 总 体"): spaces between Chinese
# characters, Chinese punctuation and the brackets and marks around them go. Spaces next to a
# digit stay: in a flattened table they separate cells.
_CJK_PUNCT = "\u3000-\u303f\u2018-\u201d"
_WORDISH = rf"{CJK}{_CJK_PUNCT}()\[\]:,.;!?"
_CJK_SPACES = re.compile(rf"[ \t]+(?=[{_WORDISH}])")
_WORDISH_CHAR = re.compile(rf"[{_WORDISH}]")
_CHINESE_CHAR = re.compile(rf"[{CJK}{_CJK_PUNCT}]")

# A line is site chrome when it is one of these, unless it carries a date (the publish date
# often shares a line with the view counter).
_CHROME_LINE = re.compile(
    r"^[ \t]*(?:"
    r"(?:当前位置|您现在的位置|你现在的位置|您的位置|你的位置|所在位置)[ \t]*[:：]?.*"
    r"|首页[ \t]*[>»›/].*"
    r"|[^\n]*[>»›][^\n]*[>»›][^\n]*"
    r"|[-—–_~]{1,3}[ \t]*\d{1,3}[ \t]*[-—–_~]{1,3}"
    r"|第[ \t]*\d{1,3}[ \t]*页(?:[ \t]*[,/]?[ \t]*共[ \t]*\d{1,3}[ \t]*页)?"
    r"|.*(?:浏览次数|访问次数|点击数|阅读次数|打印本页|关闭窗口|【打印】|【关闭】|字号[:：]?[ \t]*[【\[]?[ \t]*大"
    r"|【字体|分享到|扫一扫|返回顶部|网站地图|ICP备|网安备|公网安备|版权所有|技术支持|Copyright"
    r"|上一篇|下一篇|收藏本页|我要纠错).*"
    r")[ \t]*$",
    re.MULTILINE,
)
_DATE_HINT = re.compile(r"\d{4}\s*[-年/.]\s*\d{1,2}")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    original: str
    text: str
    offsets: OffsetMap
    cjk_chars: int
    traditional_chars: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the submitted text of the normalised span `[start, end)`."""
        return self.offsets.span(start, end)


def normalise(original: str) -> NormalisedText:
    offsets = OffsetMap(len(original))

    text, stage = apply_edits(original, _invisible_edits(original))
    offsets.push(stage)

    same_length, other = _nfkc_changes(text)
    if same_length:
        text = text.translate(same_length)  # one for one: positions unchanged
    text, stage = apply_edits(text, _nfkc_edits(text, other))
    offsets.push(stage)

    cjk = len(text) - len(_CJK_CHAR.sub("", text))
    table = _traditional_table(text)
    traditional = _count_chars(text, table)
    if table:
        # OpenCC's phrase-aware conversion reads 反覆 as 反复, which a character table cannot;
        # it keeps the length in all but rare cases, and then the 1:1 table stands in.
        converted = _convert(text)
        text = converted if len(converted) == len(text) else text.translate(table)

    text, stage = apply_edits(text, _regex_deletions(_PINYIN_GLOSS, text))
    offsets.push(stage)
    if stage is not None:  # glosses on glosses ("報(bào)(gào)"): a second pass catches the rest
        text, stage = apply_edits(text, _regex_deletions(_PINYIN_GLOSS, text))
        offsets.push(stage)

    text, stage = apply_edits(text, _spaced_number_edits(text))
    offsets.push(stage)

    if _OCR_HINT.search(text):
        text = _OCR_NUMBER.sub(lambda m: m.group().translate(_OCR_TABLE), text)

    text, stage = apply_edits(text, _cjk_space_edits(text))
    offsets.push(stage)

    text, stage = apply_edits(text, _chrome_edits(text))
    offsets.push(stage)

    return NormalisedText(original, text, offsets, cjk, traditional)


def _invisible_edits(text: str) -> list[Edit]:
    return [
        Edit(m.start(), m.end(), "\n" if m.group().startswith("\r") else "")
        for m in _INVISIBLE.finditer(text)
    ]


@lru_cache(maxsize=8192)
def _nfkc_char(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch)
    # NFKC leaves these alone or turns them into something less useful for matching.
    return {"\u3000": " ", "\u00a0": " ", "\u2014": "-", "\u2013": "-", "\u2212": "-"}.get(ch, out)


def _nfkc_changes(text: str) -> tuple[dict[int, str], set[str]]:
    """Characters NFKC changes: a 1:1 translation table, and those that change length."""
    if text.isascii():
        return {}, set()
    same_length: dict[int, str] = {}
    other: set[str] = set()
    for ch in set(text):
        out = _nfkc_char(ch)
        if out == ch:
            continue
        if len(out) == 1:
            same_length[ord(ch)] = out
        else:
            other.add(ch)
    return same_length, other


def _nfkc_edits(text: str, changed: set[str]) -> list[Edit]:
    if not changed:
        return []
    pattern = re.compile("[" + "".join(re.escape(ch) for ch in changed) + "]")
    return [Edit(m.start(), m.end(), _nfkc_char(m.group())) for m in pattern.finditer(text)]


@lru_cache(maxsize=1)
def _converter() -> object:
    import opencc  # heavy import kept out of module import time

    return opencc.OpenCC("t2s")


_CJK_CHAR = re.compile(f"[{CJK}]")


def _traditional_table(text: str) -> dict[int, str]:
    """A 1:1 traditional → simplified table for the characters present."""
    chars = sorted(ch for ch in set(text) if _CJK_CHAR.match(ch))
    if not chars:
        return {}
    joined = "\n".join(chars)
    converted = _convert(joined).split("\n")
    table: dict[int, str] = {}
    if len(converted) == len(chars):
        for src, dst in zip(chars, converted, strict=True):
            if dst != src and len(dst) == 1:
                table[ord(src)] = dst
    return table


def _count_chars(text: str, table: dict[int, str]) -> int:
    if not table:
        return 0
    pattern = re.compile("[" + "".join(re.escape(chr(code)) for code in table) + "]")
    return pattern.subn("", text)[1]


def _convert(text: str) -> str:
    converter = _converter()
    result: str = converter.convert(text)  # type: ignore[attr-defined]
    return result


def _regex_deletions(pattern: re.Pattern[str], text: str) -> list[Edit]:
    return [Edit(m.start(), m.end()) for m in pattern.finditer(text)]


def _spaced_number_edits(text: str) -> list[Edit]:
    edits = []
    for m in _SPACED_NUMBER.finditer(text):
        if not _spaced_context(text, m.start(2)):
            continue  # "规章 1 0件": two table cells, not one spaced-out number
        lead = m.start(1) > 0 and m.group(1) and _CHINESE_CHAR.match(text, m.start(1) - 1)
        first = m.start(1) if lead else m.start(2)
        for gap in re.finditer(r"[ \t]", text[first : m.end()]):
            edits.append(Edit(first + gap.start(), first + gap.end()))
    return edits


def _spaced_context(text: str, digits: int) -> bool:
    """Is the text before the digit run at `digits` itself spaced out (" 息 2 5 4 条")?"""
    if digits < 2 or text[digits - 1] not in " \t" or not _CHINESE_CHAR.match(text, digits - 2):
        return False
    return digits < 3 or text[digits - 3] in " \t\n"


def _cjk_space_edits(text: str) -> list[Edit]:
    edits = []
    for m in _CJK_SPACES.finditer(text):
        before = m.start() - 1
        if before < 0 or not _WORDISH_CHAR.match(text, before):
            continue
        if _CHINESE_CHAR.match(text, before) or _CHINESE_CHAR.match(text, m.end()):
            edits.append(Edit(m.start(), m.end()))
    return edits


# Cheap first pass: only lines holding one of these are tried against the full pattern.
_CHROME_HINT = re.compile(
    r"位置|首页|页|浏览|访问|点击|阅读|打印|关闭|字号|字体|分享|扫一扫|顶部|地图|ICP|备|版权|技术支持"
    r"|Copyright|上一篇|下一篇|收藏|纠错|^[ \t]*[-—–_~]",
    re.M,
)


def _chrome_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    last_line = -1
    for hint in _CHROME_HINT.finditer(text):
        start = text.rfind("\n", 0, hint.start()) + 1
        if start == last_line:
            continue
        last_line = start
        end = text.find("\n", hint.start())
        end = len(text) if end < 0 else end
        m = _CHROME_LINE.match(text, start, end)
        if m and m.end() == end and end > start and not _DATE_HINT.search(m.group()):
            edits.append(Edit(start, end))
    return edits


def source_copy(doc: NormalisedText, start: int, end: int) -> tuple[str, tuple[int, int]]:
    """The submitted characters behind a normalised span, without the noise normalising dropped.

    Values "copied from the source" (item texts, titles, agency names) keep the document's own
    script and punctuation, while pinyin glosses, spaces inside Chinese runs, site chrome and
    line breaks, which have no normalised character, are left out. Returns the text and the
    submitted span.
    """
    s, e = doc.span(start, end)
    raw = doc.original[s:e]
    if e - s == end - start and "\n" not in raw:
        return raw, (s, e)  # nothing was dropped in between: the slice is the copy
    chars: list[str] = []
    last = -1
    for i in range(start, end):
        if doc.text[i] == "\n":
            continue
        o, _ = doc.span(i, i + 1)
        if o != last and o < len(doc.original):  # one source character may expand to several
            chars.append(doc.original[o])
            last = o
    return "".join(chars).strip(), (s, e)
