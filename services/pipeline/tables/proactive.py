"""二、主动公开政府信息情况: blocks under 第二十条第(X)项 banners; columns depend on the template.

2021: 规章/行政规范性文件 × (本年制发件数, 本年废止件数, 现行有效件数); 行政许可/处罚/强制 × 本年处理决定数量;
行政事业性收费 × 本年收费金额. 2019: 规章/规范性文件 × (本年新制作数量, 本年新公开数量, 对外公开总数量);
行政许可/其他对外管理服务事项/处罚/强制 × (上一年项目数量, 本年增/减, 处理决定数量); 收费 × (上一年
项目数量, 本年增/减); 政府集中采购 × (采购项目数量, 采购总金额). The template comes from the labels
(see `template.py`); with no label to tell, from how many numbers the rows carry.
No identity ties a row together, so a glued row is split only by "no leading zeros".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from services.pipeline.model import Extracted, Grid
from services.pipeline.tables.cells import FUZZY_LABEL, RowShape, read_row
from services.pipeline.tables.glued import Budget, Plausibility, Split
from services.pipeline.tables.labels import Label, Vocabulary
from services.pipeline.tables.rows import NcolsOf, OwnedRow, assign
from services.pipeline.tables.scan import Scan, anchors_for
from services.pipeline.tables.templates import AMOUNT_COLUMNS, PROACTIVE_COLUMNS, PROACTIVE_TERMS

VOCAB = Vocabulary(PROACTIVE_TERMS)
ANCHORS = anchors_for("proactive", PROACTIVE_TERMS, least=2, extra={"规章": "rules"})
_ONLY_2019 = ("other_services", "procurement")
_AMOUNT_DIGITS = 12  # 采购总金额 in 元 runs to hundreds of millions


@dataclass(slots=True)
class ProactiveResult:
    grid: Grid = field(default_factory=dict)
    fitted_template: str | None = None  # the template the rows' cell counts fit best
    notes: list[str] = field(default_factory=list)


def proactive_votes(text: str, found: Scan) -> dict[str, float]:
    """Template evidence from this table's row labels (2019-only rows, 行政规范性文件)."""
    votes = {"2019": 0.0, "2021": 0.0}
    keys = {label.key for label in found.labels if label.role == "row"}
    if any(k in keys for k in _ONLY_2019):
        votes["2019"] += 1.0
    if any(
        label.key == "normative_docs" and "行政规范性文件" in text[label.start : label.end]
        for label in found.labels
    ):
        votes["2021"] += 0.4
    return votes


def parse_proactive(
    text: str, found: Scan, template: str | None, template_confidence: float, budget: Budget
) -> ProactiveResult:
    result = ProactiveResult()
    _mark_repeats(found.labels)
    fitted, layout, owned = _fit_template(found, template)
    result.fitted_template = fitted
    result.notes.append(f"proactive: values {layout} their labels, {fitted} columns")
    columns = PROACTIVE_COLUMNS[fitted]
    width = _common_width(owned)
    for row in owned:
        key = row.label.key
        if row.label.role != "row" or key in result.grid or key not in columns:
            continue
        shape = RowShape(
            len(columns[key]),
            width=width,
            plausibility=_plausibility(columns[key]),
            digits=tuple(_AMOUNT_DIGITS if c in AMOUNT_COLUMNS else 7 for c in columns[key]),
        )
        reading = read_row(row.cells, shape, budget)
        result.grid[key] = _row_cells(row.label, columns[key], reading.cells)
    _add_rows_without_cells(found.labels, result.grid, columns, budget)
    if template is None or template_confidence < 0.8:
        reason = f"columns read as the {fitted} template, which the labels do not clearly show"
        for cells in result.grid.values():
            for cell in cells.values():
                cell.doubt(reason, max(0.5, min(template_confidence, 0.7)))
    return result


def _mark_repeats(labels: Sequence[Label]) -> None:
    """A row label seen again (a repeated block) is no second row: its numbers are dropped."""
    seen: set[str] = set()
    for label in labels:
        if label.role == "row":
            if label.key in seen:
                label.role = "extra"
            seen.add(label.key)


def _fit_template(found: Scan, template: str | None) -> tuple[str, str, list[OwnedRow]]:
    """Columns of the given template; with none given, the template the row counts fit best."""
    if template in PROACTIVE_COLUMNS:
        layout, owned, _ = assign(found.blocks, _ncols_of(PROACTIVE_COLUMNS[template]))
        return template, layout, owned
    best: tuple[float, str, str, list[OwnedRow]] | None = None
    for name in ("2021", "2019"):
        layout, owned, score = assign(found.blocks, _ncols_of(PROACTIVE_COLUMNS[name]))
        if best is None or score > best[0]:
            best = (score, name, layout, owned)
    assert best is not None
    return best[1], best[2], best[3]


def _ncols_of(columns: dict[str, tuple[str, ...]]) -> NcolsOf:
    """How many columns a row label's row has under one template (None: not a row of it)."""

    def ncols(label: Label) -> int | None:
        if label.role == "row" and label.key in columns:
            return len(columns[label.key])
        return None

    return ncols


def _common_width(owned: Sequence[OwnedRow]) -> int | None:
    """How many cells (pads included) a full `|` row of this table has, when rows agree."""
    counts = Counter(
        len(row.cells)
        for row in owned
        if row.label.role == "row" and any(t.piped for t in row.cells)
    )
    if not counts:
        return None
    width, seen = counts.most_common(1)[0]
    return width if seen >= 2 else None


def _plausibility(columns: tuple[str, ...]) -> Plausibility | None:
    """For 2019 rows: a year's change rarely exceeds the items the year started with."""
    if "change" not in columns or "prior_items" not in columns:
        return None
    prior, change = columns.index("prior_items"), columns.index("change")

    def cost(split: Split) -> float:
        before, delta = split[prior].value, split[change].value
        if isinstance(before, int) and isinstance(delta, int) and abs(delta) > before:
            return 6.0
        return 0.0

    return cost


def _row_cells(
    label: Label, columns: tuple[str, ...], cells: Sequence[Extracted]
) -> dict[str, Extracted]:
    out: dict[str, Extracted] = {}
    for col, cell in zip(columns, cells, strict=True):
        if col not in AMOUNT_COLUMNS and isinstance(cell.value, float):
            if cell.value.is_integer():
                cell.value = int(cell.value)
            else:
                cell.doubt("a count printed with decimals", 0.6)
        for note in label.notes:
            cell.doubt(note, FUZZY_LABEL)
        out[col] = cell
    return out


def _add_rows_without_cells(
    labels: Sequence[Label], grid: Grid, columns: dict[str, tuple[str, ...]], budget: Budget
) -> None:
    rows = [label for label in labels if label.role == "row" and label.key in columns]
    if len(rows) < 2:
        return
    for label in rows:
        if label.key not in grid:
            shape = RowShape(len(columns[label.key]))
            reading = read_row([], shape, budget)
            grid[label.key] = _row_cells(label, columns[label.key], reading.cells)
