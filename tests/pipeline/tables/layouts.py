"""Hand-written table fixtures: the official labels (`shared/spec/ogi-templates.md`) and a
renderer for every flattened layout the spec lists, plus helpers that check a parsed grid.

A table is a list of items: a `Row` (label cells, value cells, trailing pad cells) or a plain
string (a banner, a header line, a page number, junk). `render` prints it in one layout; values
are printed exactly as given, so a test states what each cell must read as.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from schemas.keys import REQUEST_COLUMNS, REVIEW_COLUMNS, REVIEW_GROUPS
from services.pipeline.model import Extracted, Grid

Layout = Literal["cell_lines", "pipe_lines", "pipe_rows", "space_rows", "values_above"]
LAYOUTS: tuple[Layout, ...] = (
    "cell_lines",
    "pipe_lines",
    "pipe_rows",
    "space_rows",
    "values_above",
)

REQUEST_LABELS: dict[str, str] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "(一)予以公开",
    "partially_granted": "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    "denied_state_secret": "1.属于国家秘密",
    "denied_prohibited_by_law": "2.其他法律行政法规禁止公开",
    "denied_security_stability": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_files": "7.属于行政执法案卷",
    "denied_admin_query": "8.属于行政查询事项",
    "unavailable_not_held": "1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "rejected_petition": "1.信访举报投诉类申请",
    "rejected_duplicate": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物",
    "rejected_excessive": "4.无正当理由大量反复申请",
    "rejected_confirm": "5.要求行政机关确认或重新出具已获取信息",
    "other": "(六)其他处理",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "total_processed": "(七)总计",
    "carried_forward": "四、结转下年度继续办理",
}
# Group cells, printed in front of the first row of their group.
REQUEST_GROUPS: dict[str, str] = {
    "granted": "三、本年度办理结果",
    "denied_state_secret": "(三)不予公开",
    "unavailable_not_held": "(四)无法提供",
    "rejected_petition": "(五)不予处理",
    "other_no_correction": "(六)其他处理",
}
REQUEST_HEADER = [
    "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "总计",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
]
_BEFORE = ("new_received", "carried_over")
_AFTER = ("total_processed", "carried_forward")


def request_rows(template: str) -> list[str]:
    """The data rows in print order: 23 (2019, （六） one row) or 25 (2021)."""
    other = (
        ["other"]
        if template == "2019"
        else ["other_no_correction", "other_unpaid_fee", "other_other"]
    )
    middle = [
        k
        for k in REQUEST_LABELS
        if k
        not in (
            *_BEFORE,
            *_AFTER,
            "other",
            "other_no_correction",
            "other_unpaid_fee",
            "other_other",
        )
    ]
    return [*_BEFORE, *middle, *other, *_AFTER]


def request_values(template: str, seed: int = 1) -> dict[str, list[int]]:
    """Values for every row × 7 columns that satisfy all the template's identities."""
    rows = request_rows(template)
    results = [r for r in rows if r not in (*_BEFORE, *_AFTER)]
    values: dict[str, list[int]] = {r: [0] * 7 for r in rows}
    for col in range(6):
        for i, row in enumerate(results):
            values[row][col] = (
                (seed * 7 + col * 13 + i * 5) % 11 if (i + col + seed) % 4 == 0 else 0
            )
        processed = sum(values[r][col] for r in results)
        forward = (col + seed) % 3
        over = min(processed + forward, (col * seed) % 4)
        values["total_processed"][col] = processed
        values["carried_forward"][col] = forward
        values["carried_over"][col] = over
        values["new_received"][col] = processed + forward - over
    for row in rows:
        values[row][6] = sum(values[row][:6])
    return values


PROACTIVE_2021_LAYOUT: list[tuple[str, list[str], list[tuple[str, str]]]] = [
    (
        "第二十条第(一)项",
        ["本年制发件数", "本年废止件数", "现行有效件数"],
        [("rules", "规章"), ("normative_docs", "行政规范性文件")],
    ),
    ("第二十条第(五)项", ["本年处理决定数量"], [("licensing", "行政许可")]),
    ("第二十条第(六)项", ["本年处理决定数量"], [("penalty", "行政处罚"), ("coercion", "行政强制")]),
    ("第二十条第(八)项", ["本年收费金额(单位:万元)"], [("fees", "行政事业性收费")]),
]
PROACTIVE_2019_LAYOUT: list[tuple[str, list[str], list[tuple[str, str]]]] = [
    (
        "第二十条第(一)项",
        ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
        [("rules", "规章"), ("normative_docs", "规范性文件")],
    ),
    (
        "第二十条第(五)项",
        ["上一年项目数量", "本年增/减", "处理决定数量"],
        [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")],
    ),
    (
        "第二十条第(六)项",
        ["上一年项目数量", "本年增/减", "处理决定数量"],
        [("penalty", "行政处罚"), ("coercion", "行政强制")],
    ),
    ("第二十条第(八)项", ["上一年项目数量", "本年增/减"], [("fees", "行政事业性收费")]),
    ("第二十条第(九)项", ["采购项目数量", "采购总金额"], [("procurement", "政府集中采购")]),
]

REVIEW_HEADER = [
    "行政复议",
    "行政诉讼",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
    "未经复议直接起诉",
    "复议后起诉",
    *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
]


@dataclass
class Row:
    labels: list[str]
    values: list[str] = field(default_factory=list)  # printed cells; "" is a blank cell
    pads: int = 0  # trailing empty cells (merged header cells); only `|` layouts show them


Item = Row | str


def render(items: Sequence[Item], layout: Layout, sep: str = " ") -> str:
    lines: list[str] = []
    for item in items:
        if isinstance(item, str):
            lines.append(item)
        elif layout == "cell_lines":
            lines.extend(c for c in (*item.labels, *item.values) if c)
        elif layout == "pipe_lines":
            lines.extend(f"{c} |" if c else "|" for c in (*item.labels, *item.values))
            if item.pads:
                lines.append("|" * item.pads)
        elif layout == "pipe_rows":
            cells = [*item.labels, *item.values, *([""] * item.pads)]
            lines.append(" | ".join(cells) + " |")
        elif layout == "space_rows":
            lines.append(sep.join(c for c in (*item.labels, *item.values) if c))
        else:  # values_above
            values = [c for c in item.values if c]
            if values:
                lines.append(sep.join(values))
            if item.labels:
                lines.append(sep.join(item.labels))
    return "\n".join(lines) + "\n"


def requests_items(
    template: str, values: dict[str, list[str]], groups: bool = True, header: bool = True
) -> list[Item]:
    items: list[Item] = []
    if header:
        items.append(Row(REQUEST_HEADER[:2], pads=8))
        items.append(Row(REQUEST_HEADER[2:5], pads=7))
        items.append(Row(REQUEST_HEADER[5:], pads=5))
    for row in request_rows(template):
        group = REQUEST_GROUPS.get(row) if groups else None
        if row == "other_no_correction" and template == "2019":
            group = None
        labels = [group, REQUEST_LABELS[row]] if group else [REQUEST_LABELS[row]]
        items.append(Row(labels, values[row]))
    return items


def printed(values: dict[str, list[int]]) -> dict[str, list[str]]:
    return {row: [str(v) for v in cells] for row, cells in values.items()}


def review_items(cells: list[str], header: bool = True) -> list[Item]:
    items: list[Item] = []
    if header:
        items.append(Row(REVIEW_HEADER[:2], pads=13))
        items.append(Row(REVIEW_HEADER[2:9], pads=8))
        items.append(Row(REVIEW_HEADER[9:], pads=5))
    items.append(Row([], cells))
    return items


def wrap_report(*sections: tuple[str, str]) -> str:
    """A report around table texts: (heading, body) pairs after a title and an overview."""
    parts = [
        "某市统计局2020年政府信息公开工作年度报告\n",
        "一、总体情况\n2020年,本机关认真贯彻落实《条例》,全年共收到政府信息公开申请5件,均已按时办结。\n",
    ]
    parts.extend(f"{heading}\n{body}" for heading, body in sections)
    parts.append("五、存在的主要问题及改进情况\n工作人员业务水平还需提升。\n")
    return "".join(parts)


# --- checking a parsed grid ---------------------------------------------------------------


def as_value(printed_cell: str) -> int | float | None:
    """What a printed cell must read as: digits (sign, unit dropped), blank/placeholder None."""
    body = printed_cell.strip()
    for unit in ("万元", "元", "件", "项"):
        body = body.removesuffix(unit)
    if body in ("", "-", "—", "/", "无"):
        return None
    return float(body) if "." in body else int(body)


def assert_cell(text: str, cell: Extracted, want: int | float | None, path: str) -> None:
    assert cell.value == want, f"{path}: got {cell.value!r}, want {want!r}"
    if isinstance(want, int | float):
        assert cell.span is not None, f"{path}: no span"
        start, end = cell.span
        assert 0 <= start <= end <= len(text), f"{path}: span {cell.span} outside the text"
        digits = str(abs(want)) if isinstance(want, int) else f"{abs(want):g}"
        assert digits in text[start:end], f"{path}: span holds {text[start:end]!r}"


def assert_grid(
    text: str,
    grid: Grid,
    want: dict[str, dict[str, int | float | None]],
    min_confidence: float = 0.9,
) -> None:
    """Every expected cell right, with a span on its digits, and nothing more."""
    assert sorted(grid) == sorted(want), f"rows {sorted(grid)} != {sorted(want)}"
    for row, cells in want.items():
        assert sorted(grid[row]) == sorted(cells), f"{row}: columns {sorted(grid[row])}"
        for col, value in cells.items():
            cell = grid[row][col]
            assert_cell(text, cell, value, f"{row}.{col}")
            assert cell.confidence >= min_confidence, (
                f"{row}.{col}: {cell.confidence} {cell.reasons}"
            )
            assert cell.method == "table"


def request_want(values: dict[str, list[str]]) -> dict[str, dict[str, int | float | None]]:
    return {
        row: {col: as_value(v) for col, v in zip(REQUEST_COLUMNS, cells, strict=True)}
        for row, cells in values.items()
    }


def review_want(cells: list[str]) -> dict[str, dict[str, int | float | None]]:
    out: dict[str, dict[str, int | float | None]] = {}
    for g, group in enumerate(REVIEW_GROUPS):
        out[group] = {col: as_value(cells[g * 5 + c]) for c, col in enumerate(REVIEW_COLUMNS)}
    return out
