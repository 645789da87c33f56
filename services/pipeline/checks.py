"""Step 9 of the pipeline: the record's checks (`record.md`, "Checks").

Contract: `run_checks(tables, metadata, today=None) -> [Check]`. Each identity whose cells are all
present and printed is evaluated; a failed one caps the confidence of every cell it involves and
gives them a review reason (the printed values stay as printed: a person decides). Identities
with blank cells are not evaluated (blank is not 0) and are reported as skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from schemas.keys import REQUEST_COLUMNS, REQUEST_RESULT_ROWS, REVIEW_GROUPS
from schemas.record import Check
from services.pipeline.model import Extracted, Grid, Tables

FAILED_CAP = 0.45
_OTHER_SPLIT = ("other_no_correction", "other_unpaid_fee", "other_other")
_ROW_PARTS = REQUEST_COLUMNS[:-1]
_REVIEW_PARTS = ("upheld", "corrected", "other", "pending")


def run_checks(
    tables: Tables, metadata: dict[str, Extracted], today: date | None = None
) -> list[Check]:
    checks: list[Check] = []
    req = tables.requests
    for col in REQUEST_COLUMNS:
        checks += _identity(
            f"requests.balance.{col}",
            "new_received + carried_over = total_processed + carried_forward",
            req,
            [("new_received", col), ("carried_over", col)],
            [("total_processed", col), ("carried_forward", col)],
            "requests",
        )
        checks += _identity(
            f"requests.total_processed.{col}",
            "total_processed = sum of the result rows",
            req,
            [(row, col) for row in _result_rows(req)],
            [("total_processed", col)],
            "requests",
        )
    for row in req:
        if row in req and "total" in req[row]:
            checks += _identity(
                f"requests.row_total.{row}",
                "total = sum of the six applicant columns",
                req,
                [(row, col) for col in _ROW_PARTS if col in req[row]],
                [(row, "total")],
                "requests",
            )
    for group in REVIEW_GROUPS:
        if group in tables.reviews_litigation:
            checks += _identity(
                f"reviews_litigation.{group}.total",
                "total = upheld + corrected + other + pending",
                tables.reviews_litigation,
                [(group, col) for col in _REVIEW_PARTS],
                [(group, "total")],
                "reviews_litigation",
            )
    checks.append(_year_check(metadata, today or date.today()))
    return checks


def _result_rows(req: Grid) -> list[str]:
    rows = [r for r in REQUEST_RESULT_ROWS if r in req]
    if "other" in rows and any(r in req for r in _OTHER_SPLIT):
        rows.remove("other")  # (六) printed both as a subtotal and split: count the parts once
    return rows


def _identity(
    name: str,
    rule: str,
    grid: Grid,
    left: Sequence[tuple[str, str]],
    right: Sequence[tuple[str, str]],
    table: str,
) -> list[Check]:
    cells = [(r, c, grid.get(r, {}).get(c)) for r, c in (*left, *right)]
    if not left or any(cell is None for _, _, cell in cells):
        return []  # a row or column the document does not have
    paths = [f"{table}.{r}.{c}" for r, c, _ in cells]
    values = [cell.value for _, _, cell in cells if cell is not None]
    if any(not isinstance(v, int | float) for v in values):
        return [
            Check(name=name, passed=True, detail=f"skipped: blank cells ({rule})", fields=paths)
        ]
    lhs = sum(_num(grid[r][c]) for r, c in left)
    rhs = sum(_num(grid[r][c]) for r, c in right)
    if lhs == rhs:
        return [Check(name=name, passed=True, detail=f"{rule}: {lhs} = {rhs}", fields=paths)]
    detail = f"{rule}: {lhs} ≠ {rhs}"
    for _, _, cell in cells:
        if cell is not None:
            cell.doubt(f"check failed: {name} ({detail})", FAILED_CAP)
    return [Check(name=name, passed=False, detail=detail, fields=paths)]


def _num(cell: Extracted) -> int | float:
    return cell.value if isinstance(cell.value, int | float) else 0


def _year_check(metadata: dict[str, Extracted], today: date) -> Check:
    fields = ["metadata.report_year", "metadata.publish_date"]
    year_cell = metadata.get("report_year")
    year = year_cell.value if year_cell is not None else None
    if not isinstance(year, int):
        return Check(
            name="metadata.report_year",
            passed=False,
            detail="no report year found",
            fields=fields[:1],
        )
    problems = []
    if not 2008 <= year <= today.year:
        problems.append(f"report year {year} outside 2008..{today.year}")
    published = metadata.get("publish_date")
    if (
        published is not None
        and isinstance(published.value, str)
        and int(published.value[:4]) < year
    ):
        problems.append(f"report year {year} is after the publish date {published.value}")
    if problems:
        detail = "; ".join(problems)
        for key in ("report_year", "publish_date"):
            cell = metadata.get(key)
            if cell is not None and cell.value is not None:
                cell.doubt(f"check failed: {detail}", FAILED_CAP)
        return Check(name="metadata.report_year", passed=False, detail=detail, fields=fields)
    return Check(
        name="metadata.report_year",
        passed=True,
        detail=f"report year {year} plausible",
        fields=fields,
    )
