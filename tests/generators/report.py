"""Whole annual reports around the generated tables, and what a parser must get from them.

`reports(features)` draws a report year and template, valid table values, one layout for all
three tables and the allowed strays, and returns a `Report`: the text, the expected cells (None
for a blank), the cells no parser can be sure of, and where the generator printed every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hypothesis import strategies as st

from tests.generators import labels
from tests.generators.layout import LAYOUTS, CellKey, Layout, render
from tests.generators.tables import (
    ALL_FEATURES,
    BuiltTable,
    Expected,
    Features,
    Style,
    feature,
    pick,
    proactive_table,
    requests_table,
    reviews_table,
)
from tests.generators.values import (
    proactive_values,
    request_values,
    review_values,
)

TABLES = ("proactive", "requests", "reviews_litigation")

_PLACES = ("桦甸市", "盘锦市", "遂宁市船山区", "樟树市", "宜春市袁州区", "成都市", "辽东湾新区")
_BODIES = (
    "统计局",
    "人民政府办公室",
    "生态环境局",
    "市场监督管理局",
    "教育局",
    "卫生健康委员会",
    "自然资源和规划局",
)
_PROBLEMS = (
    "政策解读的形式还比较单一",
    "信息公开的及时性有待提高",
    "工作人员业务水平还需提升",
    "公开平台的栏目设置还不够规范",
    "依申请公开答复的规范化程度不高",
)
_MEASURES = (
    "加强业务培训，提升工作人员能力",
    "丰富政策解读形式，提高解读质量",
    "健全信息发布审核机制，确保及时准确",
    "优化栏目设置，方便群众查阅",
)


@dataclass(frozen=True)
class Report:
    text: str
    template: str  # "2019" | "2021": the format_version the record must carry
    year: int
    agency: str
    title: str
    layout: Layout
    features: tuple[str, ...]
    expected: dict[str, Expected]  # table → row → column → value (None: printed blank)
    ambiguous: dict[CellKey, frozenset[int]]  # glued cells: every value a consistent split gives
    unplaceable: frozenset[CellKey]  # cells of rows whose blanks left no trace
    printed_at: dict[CellKey, tuple[int, int]]  # where each non-blank value was printed

    def expected_cells(self) -> list[tuple[CellKey, int | float | None]]:
        return [
            ((table, row, col), value)
            for table, rows in self.expected.items()
            for row, cells in rows.items()
            for col, value in cells.items()
        ]

    def describe(self) -> str:
        return (
            f"{self.year} report, template {self.template}, layout {self.layout}, "
            f"features {', '.join(self.features) or 'none'}"
        )

    def __repr__(self) -> str:
        return f"Report<{self.describe()}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis prints a falsifying example this way (the text itself goes to `note`)."""
        printer.text(repr(self))


def _template_years(template: str) -> st.SearchStrategy[int]:
    if template == "2019":
        return st.integers(2019, 2020)
    # Published the year after; keep the publish date in the past.
    return st.integers(2021, max(2021, date.today().year - 1))


@st.composite
def reports(
    draw: st.DrawFn,
    features: Features = ALL_FEATURES,
    layouts: tuple[Layout, ...] = LAYOUTS,
    templates: tuple[str, ...] = ("2019", "2021"),
) -> Report:
    template = draw(st.sampled_from(templates))
    year = draw(_template_years(template))
    layout = draw(st.sampled_from(layouts))
    style = Style(layout, template, year, features)
    sep = (
        draw(st.sampled_from([" ", "  ", "\t", "   "]))
        if layout in ("space_rows", "values_above")
        else " "
    )
    one_row = template == "2019" or feature(draw, features.other_as_one_row)

    built = [
        draw(proactive_table(draw(proactive_values(template)), style)),
        draw(requests_table(draw(request_values(one_row)), style)),
        draw(reviews_table(draw(review_values()), style)),
    ]
    agency = draw(st.sampled_from(_PLACES)) + draw(st.sampled_from(_BODIES))
    title = draw(
        st.sampled_from(
            [
                f"{agency}{year}年政府信息公开工作年度报告",
                f"{agency}{year}年度政府信息公开工作年度报告",
                f"{year}年{agency}政府信息公开工作年度报告",
            ]
        )
    )
    extra: list[str] = ["other_as_one_row"] if template == "2021" and one_row else []
    pieces = _Pieces()
    pieces.add(title + "\n")
    pieces.add(f"发布日期：{year + 1}-01-{draw(st.integers(10, 31)):02d}\n")
    pieces.add(_intro(agency, year))
    pieces.add(labels.SECTION_HEADINGS["overview"][0] + "\n")
    prose = feature(draw, features.prose_numbers)
    if prose:
        extra.append("prose_numbers")
    pieces.add(_overview(draw, agency, year, built[1], prose))
    for heading, table in zip(("proactive", "requests", "reviews"), built, strict=True):
        pieces.add(labels.SECTION_HEADINGS[heading][0] + "\n")
        pieces.add_table(table, layout, sep)
    pieces.add(pick(draw, labels.SECTION_HEADINGS["problems"], features.label_variants) + "\n")
    pieces.add(_problems(draw, year))
    pieces.add(labels.SECTION_HEADINGS["other"][0] + "\n")
    pieces.add(f"本机关{year}年度未收取信息处理费。\n{agency}\n{year + 1}年1月20日\n")

    names = sorted({f for t in built for f in t.features} | set(extra))
    return Report(
        text=pieces.text(),
        template=template,
        year=year,
        agency=agency,
        title=title,
        layout=layout,
        features=tuple(names),
        expected={t.name: t.expected for t in built},
        ambiguous={k: v for t in built for k, v in t.ambiguous.items()},
        unplaceable=frozenset(k for t in built for k in t.unplaceable),
        printed_at=pieces.spans,
    )


class _Pieces:
    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.spans: dict[CellKey, tuple[int, int]] = {}

    def add(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text)

    def add_table(self, table: BuiltTable, layout: Layout, sep: str) -> None:
        rendered = render(table.items, layout, sep)
        for key, (start, end) in rendered.spans.items():
            self.spans[key] = (self._length + start, self._length + end)
        self.add(rendered.text)

    def text(self) -> str:
        return "".join(self._parts)


def _intro(agency: str, year: int) -> str:
    return (
        f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的规定，{agency}编制了本报告。"
        f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        "如对本报告有疑问，请与本机关办公室联系。\n"
    )


def _overview(draw: st.DrawFn, agency: str, year: int, requests: BuiltTable, prose: bool) -> str:
    text = f"{year}年，{agency}认真贯彻落实《条例》，扎实推进政府信息公开工作。"
    if prose:
        received = requests.expected["new_received"]["total"] or 0
        stated = received + draw(st.sampled_from([0, 0, 1, 3]))  # sometimes contradicts the table
        text += f"全年共收到政府信息公开申请{stated}件，均已按时办结。"
    return text + "\n"


def _problems(draw: st.DrawFn, year: int) -> str:
    problems = draw(st.lists(st.sampled_from(_PROBLEMS), min_size=2, max_size=3, unique=True))
    measures = draw(st.lists(st.sampled_from(_MEASURES), min_size=1, max_size=2, unique=True))
    ordinals = "一二三四"
    items = "；".join(f"{ordinals[i]}是{p}" for i, p in enumerate(problems))
    fixes = "；".join(f"{ordinals[i]}是{m}" for i, m in enumerate(measures))
    return (
        f"{year}年，我单位政府信息公开工作取得了一定成效，但仍存在一些不足：{items}。\n"
        f"下一步，我们将从以下方面改进：{fixes}。\n"
    )
