"""Messy variants of a clean text that remember, character by character, what is noise.

A `Tracked` text is the messy text plus, for every character, the index of the clean character it
stands for (-1 for injected noise). Transforms either swap characters one for one (script flip,
full-width digits: the origin is kept) or insert noise (pinyin glosses, spaces, line breaks,
junk lines). So for any span of the messy text, `denoise` gives the clean text it covers: the
oracle for "this span points at the same evidence as the clean record's span".

Noise is only inserted where the clean reading cannot change: line breaks and spaces go between
two Chinese characters, never inside a number; junk lines carry no digits a parser could take
for data (except page-number style lines the normaliser must drop).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import strategies as st

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
NOISE = -1


@dataclass(frozen=True)
class Tracked:
    clean: str
    text: str
    origin: tuple[int, ...]  # per character of `text`: index into `clean`, or NOISE
    applied: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Tracked<{'+'.join(self.applied) or 'clean'}, {len(self.text)} chars>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis prints a falsifying example this way (the text itself goes to `note`)."""
        printer.text(repr(self))

    @classmethod
    def of(cls, clean: str) -> Tracked:
        return cls(clean, clean, tuple(range(len(clean))))

    def denoise(self, start: int = 0, end: int | None = None) -> str:
        """The clean text behind `text[start:end]`: noise dropped, swapped characters restored."""
        return "".join(self.clean[o] for o in self.origin[start:end] if o != NOISE)

    def clean_range(self, start: int, end: int) -> tuple[int, int] | None:
        """The clean span covered by `text[start:end]`, or None if it covers only noise."""
        kept = [o for o in self.origin[start:end] if o != NOISE]
        return (kept[0], kept[-1] + 1) if kept else None

    def substitute(self, name: str, swap: Callable[[int, str], str]) -> Tracked:
        """Swap characters one for one; `swap(index, char)` returns exactly one character."""
        chars = [swap(i, ch) for i, ch in enumerate(self.text)]
        if any(len(c) != 1 for c in chars):
            raise AssertionError(f"{name}: a swap must return one character")
        return Tracked(self.clean, "".join(chars), self.origin, (*self.applied, name))

    def insert(self, name: str, noise: Sequence[tuple[int, str]]) -> Tracked:
        """Insert noise strings before the given positions of `text` (positions ascending)."""
        parts: list[str] = []
        origin: list[int] = []
        cursor = 0
        for at, piece in sorted(noise, key=lambda item: item[0]):
            parts.append(self.text[cursor:at])
            origin.extend(self.origin[cursor:at])
            parts.append(piece)
            origin.extend([NOISE] * len(piece))
            cursor = at
        parts.append(self.text[cursor:])
        origin.extend(self.origin[cursor:])
        return Tracked(self.clean, "".join(parts), tuple(origin), (*self.applied, name))


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _is_cjk(ch: str) -> bool:
    return bool(CJK.match(ch))


# --- script flip ----------------------------------------------------------------------------


@cache
def _s2t() -> Callable[[str], str]:
    import opencc  # heavy import kept out of collection time

    converter = opencc.OpenCC("s2t")

    def convert(text: str) -> str:
        out: str = converter.convert(text)
        return out

    return convert


def to_traditional(tracked: Tracked) -> Tracked:
    """Simplified → traditional (OpenCC s2t), line by line, one character for one."""
    convert = _s2t()
    converted: list[str] = []
    for line in tracked.text.split("\n"):
        flipped = convert(line)
        if len(flipped) != len(line):  # a phrase rule changed the length: go char by char
            flipped = "".join(c if len(c := convert(ch)) == 1 else ch for ch in line)
        converted.append(flipped)
    joined = "\n".join(converted)
    return tracked.substitute("traditional", lambda i, _ch: joined[i])


def script_flip(tracked: Tracked) -> st.SearchStrategy[Tracked]:
    return st.just(to_traditional(tracked))


# --- full-width digits ----------------------------------------------------------------------


@st.composite
def fullwidth_digits(draw: st.DrawFn, tracked: Tracked) -> Tracked:
    """ASCII digits → full-width, in every line or in a chosen share of lines."""
    line_of = _line_index(tracked.text)
    with_digits = sorted({line_of[i] for i, ch in enumerate(tracked.text) if _is_ascii_digit(ch)})
    everywhere = draw(st.booleans())
    lines = set(with_digits)
    if not everywhere and with_digits:
        lines = {with_digits[i] for i in draw(_some_lines(len(with_digits)))}

    def swap(i: int, ch: str) -> str:
        if _is_ascii_digit(ch) and line_of[i] in lines:
            return chr(0xFF10 + int(ch))
        return ch

    return tracked.substitute("fullwidth_digits", swap)


def _coin(draw: st.DrawFn) -> bool:
    return draw(st.booleans())


def _is_ascii_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _line_index(text: str) -> list[int]:
    out: list[int] = []
    line = 0
    for ch in text:
        out.append(line)
        if ch == "\n":
            line += 1
    return out


@st.composite
def _some_lines(draw: st.DrawFn, count: int) -> set[int]:
    """A random share of the line numbers `0..count-1` (at least one)."""
    rnd = draw(st.randoms(use_true_random=False))
    share = draw(st.sampled_from([0.1, 0.3, 0.6, 1.0]))
    chosen = {i for i in range(count) if rnd.random() < share}
    if not chosen and count:
        chosen.add(rnd.randrange(count))
    return chosen


# --- pinyin glosses -------------------------------------------------------------------------


@cache
def gloss(ch: str, tones: bool) -> str | None:
    """Pinyin of one character (`gōng` or `gong`), or None when pypinyin has no reading."""
    from pypinyin import Style, lazy_pinyin

    reading = lazy_pinyin(ch, style=Style.TONE if tones else Style.NORMAL)[0]
    return reading if reading.isalpha() and reading != ch else None


@st.composite
def pinyin_glosses(draw: st.DrawFn, tracked: Tracked) -> Tracked:
    """`公(gōng)开(kāi)`: readings after Chinese characters on some lines (all or some chars)."""
    text = tracked.text
    starts = _line_starts(text)
    lines = draw(_some_lines(len(starts)))
    line_of = _line_index(text)
    tones = draw(st.booleans())
    every_char = draw(st.booleans())
    rnd = draw(st.randoms(use_true_random=False))
    open_, close = draw(st.sampled_from([("(", ")"), ("（", "）")]))
    noise: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if line_of[i] not in lines or not _is_cjk(ch):
            continue
        if i + 1 < len(text) and text[i + 1] in "(（":
            continue  # already glossed (seed 001 comes glossed)
        if not every_char and rnd.random() < 0.5:
            continue
        reading = gloss(ch, tones)
        if reading:
            noise.append((i + 1, f"{open_}{reading}{close}"))
    return tracked.insert("pinyin", noise)


# --- spaced-out characters ------------------------------------------------------------------


@st.composite
def spaced_chars(draw: st.DrawFn, tracked: Tracked) -> Tracked:
    """`索 引 号`: a space between every two Chinese characters on some lines."""
    text = tracked.text
    lines = draw(_some_lines(len(_line_starts(text))))
    line_of = _line_index(text)
    space = draw(st.sampled_from([" ", "  ", "\u3000"]))
    noise = [
        (i, space)
        for i in range(1, len(text))
        if line_of[i] in lines and _is_cjk(text[i - 1]) and _is_cjk(text[i])
    ]
    return tracked.insert("spaced", noise)


# --- broken lines ---------------------------------------------------------------------------


# A wrapped line keeps at least a few characters before the break (a line is never one
# character wide), which also keeps breadcrumbs like 当前位置 whole.
MIN_WRAP_WIDTH = 6


@st.composite
def broken_lines(draw: st.DrawFn, tracked: Tracked) -> Tracked:
    """A few lines split in two between two Chinese characters (a wrapped PDF line)."""
    text = tracked.text
    starts = _line_starts(text)
    line_of = _line_index(text)
    points = [
        i
        for i in range(1, len(text))
        if _is_cjk(text[i - 1]) and _is_cjk(text[i]) and i - starts[line_of[i]] >= MIN_WRAP_WIDTH
    ]
    if not points:
        return tracked
    chosen = draw(st.sets(st.sampled_from(points), min_size=1, max_size=6))
    return tracked.insert("broken_lines", [(i, "\n") for i in sorted(chosen)])


# --- junk lines -----------------------------------------------------------------------------

SITE_CHROME = (
    "当前位置：首页 > 政务公开 > 政府信息公开年报",
    "您现在的位置：首页 > 信息公开 > 年度报告",
    "首页 > 政府信息公开 > 政府信息公开年报",
    "【打印本页】 【关闭窗口】",
    "分享到：微信 微博 QQ空间",
    "字号：【大 中 小】",
    "扫一扫在手机打开当前页",
    "网站地图 | 联系我们 | 无障碍浏览",
    "返回顶部",
    "上一篇：无 下一篇：无",
    "浏览次数：131",
)
UNRELATED = (
    "本栏目信息由办公室负责维护。",
    "欢迎广大群众对政务公开工作提出宝贵意见。",
    "春节期间全市天气以晴好为主。",
    "相关链接：省政府门户网站。",
)


@st.composite
def junk_lines(draw: st.DrawFn, tracked: Tracked) -> Tracked:
    """Site chrome lines anywhere between lines; unrelated sentences between paragraphs."""
    text = tracked.text
    starts = _line_starts(text)
    noise: list[tuple[int, str]] = []
    for at in draw(st.sets(st.sampled_from(starts), min_size=1, max_size=5)):
        noise.append((at, draw(st.sampled_from(SITE_CHROME)) + "\n"))
    paragraph_ends = [m.end() for m in re.finditer(r"[。；]\n", text)]
    if paragraph_ends and _coin(draw):
        at = draw(st.sampled_from(paragraph_ends))
        noise.append((at, draw(st.sampled_from(UNRELATED)) + "\n"))
    return tracked.insert("junk_lines", noise)


# --- composition ----------------------------------------------------------------------------

Transform = Callable[[Tracked], st.SearchStrategy[Tracked]]

# Applied in this order (a mirror converts the script, the scrape wraps and spaces the lines,
# the gloss plug-in adds pinyin, the page adds its chrome).
TRANSFORMS: dict[str, Transform] = {
    "traditional": script_flip,
    "broken_lines": broken_lines,
    "spaced": spaced_chars,
    "pinyin": pinyin_glosses,
    "fullwidth_digits": fullwidth_digits,
    "junk_lines": junk_lines,
}


@st.composite
def messy(draw: st.DrawFn, clean: str, kinds: Sequence[str] = tuple(TRANSFORMS)) -> Tracked:
    """A messy variant of `clean` made of one or more of `kinds` (all when only one is given)."""
    chosen = (
        list(kinds)
        if len(kinds) == 1
        else draw(st.lists(st.sampled_from(list(kinds)), min_size=1, unique=True))
    )
    tracked = Tracked.of(clean)
    for name in TRANSFORMS:
        if name in chosen:
            tracked = draw(TRANSFORMS[name](tracked))
    return tracked


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)
