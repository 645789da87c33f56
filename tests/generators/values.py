"""Random table values that satisfy the templates' accounting identities.

The strategies build the complete numbers first (every identity holds), so the renderer can
then blank cells, glue rows or add noise and still say exactly what a parser should recover.
Values are mostly zero, as in real reports; shrinking goes to an all-zero table.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from schemas.keys import (
    PROACTIVE_2019,
    PROACTIVE_2021,
    REQUEST_COLUMNS,
    REQUEST_OTHER_SPLIT,
    REQUEST_RESULT_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
)

Number = int | float
APPLICANT_COLUMNS = REQUEST_COLUMNS[:-1]  # the six columns whose sum is `total`
REVIEW_PARTS = REVIEW_COLUMNS[:-1]  # upheld, corrected, other, pending

_BEFORE_RESULTS = ("new_received", "carried_over")
# The result rows every template has, in print order; (六) is one row or three.
_RESULTS_COMMON = tuple(
    r for r in REQUEST_RESULT_ROWS if r != "other" and r not in REQUEST_OTHER_SPLIT
)
OTHER_SPLIT = REQUEST_OTHER_SPLIT
_AFTER_RESULTS = ("total_processed", "carried_forward")


def request_rows(other_as_one_row: bool) -> tuple[str, ...]:
    """The data rows of the 申请 table in print order: 23 rows (one （六） row) or 25."""
    other = ("other",) if other_as_one_row else OTHER_SPLIT
    return (*_BEFORE_RESULTS, *_RESULTS_COMMON, *other, *_AFTER_RESULTS)


def result_rows(rows: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(r for r in rows if r not in (*_BEFORE_RESULTS, *_AFTER_RESULTS))


# Mostly single digits, as in real reports, with the odd large one (half of the draws are
# 0-9); each branch shrinks towards its low end.
counts = st.one_of(
    st.integers(0, 9),
    st.integers(0, 9),
    st.integers(10, 99),
    st.integers(100, 999),
    st.integers(1000, 20000),
)
small_counts = st.one_of(st.integers(0, 3), st.integers(4, 30))


@dataclass(frozen=True)
class RequestValues:
    rows: tuple[str, ...]
    cells: dict[str, dict[str, int]]  # row → column → value, all 7 columns, identities hold


@dataclass(frozen=True)
class ReviewValues:
    cells: dict[str, dict[str, int]]  # group → column → value


@dataclass(frozen=True)
class ProactiveValues:
    template: str
    cells: dict[str, dict[str, Number]]  # row → column → value


@st.composite
def request_values(draw: st.DrawFn, other_as_one_row: bool) -> RequestValues:
    """Per applicant column: results drawn, 总计 = their sum, carried-over/forward balanced."""
    rows = request_rows(other_as_one_row)
    results = result_rows(rows)
    active_rows = draw(st.lists(st.sampled_from(results), max_size=6, unique=True))
    active_cols = draw(st.lists(st.sampled_from(APPLICANT_COLUMNS), max_size=4, unique=True))
    cells: dict[str, dict[str, int]] = {row: {} for row in rows}
    for col in APPLICANT_COLUMNS:
        for row in results:
            live = row in active_rows and col in active_cols
            cells[row][col] = draw(counts) if live else 0
        processed = sum(cells[row][col] for row in results)
        forward = draw(small_counts) if col in active_cols else 0
        over = draw(st.integers(0, processed + forward)) if col in active_cols else 0
        cells["total_processed"][col] = processed
        cells["carried_forward"][col] = forward
        cells["carried_over"][col] = over
        cells["new_received"][col] = processed + forward - over
    for row in rows:
        cells[row]["total"] = sum(cells[row][col] for col in APPLICANT_COLUMNS)
    return RequestValues(rows, cells)


@st.composite
def review_values(draw: st.DrawFn) -> ReviewValues:
    cells: dict[str, dict[str, int]] = {}
    for group in REVIEW_GROUPS:
        parts = {col: draw(small_counts) for col in REVIEW_PARTS}
        cells[group] = {**parts, "total": sum(parts.values())}
    return ReviewValues(cells)


# 本年收费金额 in 万元: hundredths, printed with up to two decimals.
fee_amounts = st.one_of(
    st.just(0), st.integers(1, 200_000).map(lambda cents: round(cents / 100, 2))
)
# 本年增/减: signed.
changes = st.one_of(st.just(0), st.integers(1, 2000), st.integers(-500, -1))
# 采购总金额 in 元.
procurement_amounts = st.one_of(st.just(0), st.integers(1000, 90_000_000))


def _proactive_cell(column: str) -> st.SearchStrategy[Number]:
    if column == "amount":
        return fee_amounts
    if column == "change":
        return changes
    return counts


@st.composite
def proactive_values(draw: st.DrawFn, template: str) -> ProactiveValues:
    layout = PROACTIVE_2021 if template == "2021" else PROACTIVE_2019
    cells: dict[str, dict[str, Number]] = {}
    for row, columns in layout.items():
        cells[row] = {}
        for col in columns:
            if (row, col) == ("procurement", "amount"):
                cells[row][col] = draw(procurement_amounts)
            else:
                cells[row][col] = draw(_proactive_cell(col))
    return ProactiveValues(template, cells)


# --- identities (used by the generator's own tests and by the glue solver) -----------------


def request_identity_failures(cells: dict[str, dict[str, int | None]]) -> list[str]:
    """Which of the 申请 table's identities fail; cells that are None (blank) are skipped."""
    failures: list[str] = []
    results = result_rows(tuple(cells))
    for row, by_col in cells.items():
        parts = [by_col.get(c) for c in APPLICANT_COLUMNS]
        total = by_col.get("total")
        if total is not None and None not in parts and total != sum(p or 0 for p in parts):
            failures.append(f"row {row}: total {total} != sum {parts}")
    for col in REQUEST_COLUMNS:
        a, b = cells["new_received"].get(col), cells["carried_over"].get(col)
        c, d = cells["total_processed"].get(col), cells["carried_forward"].get(col)
        if None not in (a, b, c, d) and (a or 0) + (b or 0) != (c or 0) + (d or 0):
            failures.append(f"column {col}: {a}+{b} != {c}+{d}")
        column = [cells[r].get(col) for r in results]
        if c is not None and None not in column and c != sum(v or 0 for v in column):
            failures.append(f"column {col}: total_processed {c} != sum of results {column}")
    return failures


def review_identity_failures(cells: dict[str, dict[str, int | None]]) -> list[str]:
    failures: list[str] = []
    for group, by_col in cells.items():
        parts = [by_col.get(c) for c in REVIEW_PARTS]
        total = by_col.get("total")
        if total is not None and None not in parts and total != sum(p or 0 for p in parts):
            failures.append(f"{group}: total {total} != sum {parts}")
    return failures
