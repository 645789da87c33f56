"""Step 9 of the pipeline: the record's checks (`record.md`, "Checks").

Contract: `evaluate(values, today) -> [Check]` is pure: given every table and metadata value by
its dotted path (`requests.granted.total`), it evaluates each identity whose cells are present
and printed. Identities with blank cells are not evaluated (blank is not 0) and are reported as
skipped. `run_checks` applies it to the pipeline's cells: a failed check caps the confidence of
every cell it involves and names itself on them (the printed values stay as printed: a person
decides). `services.pipeline.recheck` applies it again to a stored record after a correction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date

from schemas.keys import REQUEST_COLUMNS, REQUEST_OTHER_SPLIT, REQUEST_RESULT_ROWS, REVIEW_GROUPS
from schemas.record import Check
from services.pipeline.model import Extracted, Tables, Value

FAILED_CAP = 0.45
YEAR_CHECK = "metadata.report_year"
_ROW_PARTS = REQUEST_COLUMNS[:-1]
_REVIEW_PARTS = ("upheld", "corrected", "other", "pending")

Identity = tuple[str, str, Sequence[str], Sequence[str]]  # name, rule, left paths, right paths


def run_checks(
    tables: Tables, metadata: dict[str, Extracted], today: date | None = None
) -> list[Check]:
    cells = dict(_cells(tables, metadata))
    checks = evaluate({path: cell.value for path, cell in cells.items()}, today)
    for check in checks:
        if not check.passed:
            for path in check.fields:
                cell = cells.get(path)
                if cell is not None and cell.value is not None:
                    cell.fail_check(
                        check.name, f"check failed: {check.name} ({check.detail})", FAILED_CAP
                    )
    return checks


def evaluate(values: Mapping[str, Value], today: date | None = None) -> list[Check]:
    checks = [_identity(values, *identity) for identity in identities(values)]
    checks.append(_year_check(values, today or date.today()))
    return [c for c in checks if c is not None]


def identities(values: Mapping[str, Value]) -> Iterator[Identity]:
    """Every identity the record's rows and columns allow."""
    rows = {path.split(".")[1] for path in values if path.startswith("requests.")}
    results = result_rows(rows)
    for col in REQUEST_COLUMNS:
        yield (
            f"requests.balance.{col}",
            "new_received + carried_over = total_processed + carried_forward",
            [f"requests.new_received.{col}", f"requests.carried_over.{col}"],
            [f"requests.total_processed.{col}", f"requests.carried_forward.{col}"],
        )
        yield (
            f"requests.total_processed.{col}",
            "total_processed = sum of the result rows",
            [f"requests.{row}.{col}" for row in results],
            [f"requests.total_processed.{col}"],
        )
    for row in sorted(rows):
        yield (
            f"requests.row_total.{row}",
            "total = sum of the six applicant columns",
            [f"requests.{row}.{col}" for col in _ROW_PARTS if f"requests.{row}.{col}" in values],
            [f"requests.{row}.total"],
        )
    for group in REVIEW_GROUPS:
        yield (
            f"reviews_litigation.{group}.total",
            "total = upheld + corrected + other + pending",
            [f"reviews_litigation.{group}.{col}" for col in _REVIEW_PARTS],
            [f"reviews_litigation.{group}.total"],
        )


def result_rows(present: Collection[str]) -> list[str]:
    """The result rows present whose sum is (七)总计, in print order. When (六) is printed both
    as one row and split into its three parts, the parts count and the subtotal does not."""
    results = [r for r in REQUEST_RESULT_ROWS if r in present]
    if "other" in results and any(r in present for r in REQUEST_OTHER_SPLIT):
        results.remove("other")
    return results


def _cells(tables: Tables, metadata: dict[str, Extracted]) -> Iterator[tuple[str, Extracted]]:
    for name in ("proactive", "requests", "reviews_litigation"):
        for row, cols in getattr(tables, name).items():
            for col, cell in cols.items():
                yield f"{name}.{row}.{col}", cell
    for key, cell in metadata.items():
        yield f"metadata.{key}", cell


def _identity(
    values: Mapping[str, Value],
    name: str,
    rule: str,
    left: Sequence[str],
    right: Sequence[str],
) -> Check | None:
    paths = [*left, *right]
    if not left or any(path not in values for path in paths):
        return None  # a row or column the document does not have
    printed = [values[path] for path in paths]
    if any(not isinstance(v, int | float) for v in printed):
        return Check(name=name, passed=True, detail=f"skipped: blank cells ({rule})", fields=paths)
    lhs = sum(_num(values[p]) for p in left)
    rhs = sum(_num(values[p]) for p in right)
    if lhs == rhs:
        return Check(name=name, passed=True, detail=f"{rule}: {lhs} = {rhs}", fields=paths)
    return Check(name=name, passed=False, detail=f"{rule}: {lhs} ≠ {rhs}", fields=paths)


def _num(value: Value) -> int | float:
    return value if isinstance(value, int | float) else 0


def _year_check(values: Mapping[str, Value], today: date) -> Check:
    fields = ["metadata.report_year", "metadata.publish_date"]
    year = values.get("metadata.report_year")
    if not isinstance(year, int):
        return Check(
            name=YEAR_CHECK, passed=False, detail="no report year found", fields=fields[:1]
        )
    problems = []
    if not 2008 <= year <= today.year:
        problems.append(f"report year {year} outside 2008..{today.year}")
    published = values.get("metadata.publish_date")
    if isinstance(published, str) and published[:4].isdigit() and int(published[:4]) < year:
        problems.append(f"report year {year} is after the publish date {published}")
    if problems:
        return Check(name=YEAR_CHECK, passed=False, detail="; ".join(problems), fields=fields)
    return Check(
        name=YEAR_CHECK, passed=True, detail=f"report year {year} plausible", fields=fields
    )
