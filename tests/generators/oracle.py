"""The properties, as functions from a record and its oracle to readable failure messages.

Each function returns a list of messages (empty: the property holds), so a test can assert
`not failures` and print every violation of one example at once, worst first.
"""

from __future__ import annotations

import math

from schemas.record import Field, Record
from tests.generators.layout import CellKey
from tests.generators.messy import Tracked, nfkc
from tests.generators.report import TABLES, Report
from tests.generators.tables import number_text

Value = int | float | str | None


def table_fields(record: Record) -> dict[CellKey, Field]:
    return {
        (table, row, col): field
        for table in TABLES
        for row, cells in getattr(record, table).items()
        for col, field in cells.items()
    }


def same_value(got: Value, want: Value) -> bool:
    if got is None or want is None:
        return got is None and want is None
    if isinstance(got, bool) or isinstance(want, bool):
        return False
    if isinstance(got, int | float) and isinstance(want, int | float):
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
    return got == want


def is_flagged(field: Field, threshold: float) -> bool:
    return (
        field.review is not None
        and field.review.status == "pending"
        and field.confidence < threshold
    )


def is_recovered(field: Field, want: Value, threshold: float) -> bool:
    return same_value(field.value, want) and field.confidence >= threshold and field.review is None


def show(field: Field) -> str:
    review = "none" if field.review is None else f"{field.review.status} ({field.review.reason})"
    candidates = "" if field.review is None else f", candidates {field.review.candidates}"
    return f"{field.value!r} at {field.confidence:.2f}, review {review}{candidates}"


def dotted(key: CellKey) -> str:
    return ".".join(key)


# --- generated reports ---------------------------------------------------------------------


def cell_failures(record: Record, report: Report, threshold: float) -> list[str]:
    """Every expected cell is recovered exactly or flagged; never confidently wrong.

    A cell may be missing only when the generator could not place it (glued with several
    consistent splits, or in a row whose blank left no trace).
    """
    fields = table_fields(record)
    wrong: list[str] = []
    other: list[str] = []
    for key, want in report.expected_cells():
        field = fields.get(key)
        excused = key in report.ambiguous or key in report.unplaceable
        if field is None:
            if not excused:
                other.append(f"{dotted(key)}: missing (expected {want!r})")
            continue
        if is_recovered(field, want, threshold) or is_flagged(field, threshold):
            continue
        if not same_value(field.value, want):
            wrong.append(f"{dotted(key)}: CONFIDENTLY WRONG {show(field)}, expected {want!r}")
        else:
            other.append(
                f"{dotted(key)}: right value but neither confident nor flagged: {show(field)}"
            )
    return wrong + other


def unrecovered_cells(record: Record, report: Report, threshold: float) -> list[str]:
    """For unambiguous layouts: every expected cell recovered exactly, confidently, unflagged."""
    fields = table_fields(record)
    out: list[str] = []
    for key, want in report.expected_cells():
        field = fields.get(key)
        if field is None:
            out.append(f"{dotted(key)}: missing (expected {want!r})")
        elif not is_recovered(field, want, threshold):
            out.append(f"{dotted(key)}: expected {want!r}, got {show(field)}")
    return out


def ambiguity_failures(record: Record, report: Report, threshold: float) -> list[str]:
    """Glued cells that several consistent splits fill differently: flagged, truth a candidate."""
    fields = table_fields(record)
    out: list[str] = []
    for key, values in sorted(report.ambiguous.items()):
        want = report.expected[key[0]][key[1]][key[2]]
        field = fields.get(key)
        where = f"{dotted(key)} (true {want!r}, consistent splits give {sorted(values)})"
        if field is None:
            out.append(f"{where}: missing")
        elif not is_flagged(field, threshold):
            out.append(f"{where}: not flagged: {show(field)}")
        elif field.review is None or not any(
            same_value(c, want) for c in field.review.candidates or []
        ):
            out.append(f"{where}: candidates lack the true value: {show(field)}")
    return out


def extra_cells(record: Record, report: Report) -> list[str]:
    """Cells the document does not have (subtotal rows, extra rows, the other template)."""
    expected = {key for key, _ in report.expected_cells()}
    return [
        f"{dotted(key)}: not in the document, got {show(field)}"
        for key, field in sorted(table_fields(record).items())
        if key not in expected
    ]


def metadata_failures(record: Record, report: Report) -> list[str]:
    out: list[str] = []
    if record.doc_type != "annual_report":
        out.append(f"doc_type {record.doc_type!r}, expected 'annual_report'")
    if record.format_version != report.template:
        out.append(f"format_version {record.format_version!r}, expected {report.template!r}")
    year = record.metadata.report_year
    if year.value not in (report.year, str(report.year)):
        out.append(f"metadata.report_year {show(year)}, expected {report.year}")
    return out


# --- spans ---------------------------------------------------------------------------------


def span_failures(record: Record, text: str | None, limit: int) -> list[str]:
    """Every span inside `[0, limit]`; numeric table cells point at text holding their digits.

    `text` is the submitted text when known (None for undecodable bytes: bounds only).
    """
    out: list[str] = []
    for path, field in record.iter_fields():
        span = field.source
        if span is not None and not 0 <= span.start <= span.end <= limit:
            out.append(f"{path}: span [{span.start}, {span.end}) outside [0, {limit}]")
    if text is None:
        return out
    for key, field in table_fields(record).items():
        value = field.value
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        if field.source is None:
            out.append(f"{dotted(key)}: value {value!r} with no source span")
            continue
        evidence = nfkc(text[field.source.start : field.source.end])
        digits = number_text(abs(value))
        if digits not in evidence:
            out.append(f"{dotted(key)}: value {value!r} but its span holds {evidence!r}")
    return out


# --- messy variants against the clean text's record ---------------------------------------


def _number_fields(record: Record) -> dict[str, Field]:
    out = {f"{table}.{row}.{col}": f for (table, row, col), f in table_fields(record).items()}
    out |= {f"narrative.{key}": f for key, f in record.narrative.items()}
    out["metadata.report_year"] = record.metadata.report_year
    return out


def value_differences(clean: Record, messy: Record) -> list[str]:
    """The messy text must give what the clean text gives: classes, year, every number."""
    out: list[str] = []
    for name in ("doc_type", "format_version"):
        if getattr(clean, name) != getattr(messy, name):
            out.append(f"{name}: clean {getattr(clean, name)!r}, messy {getattr(messy, name)!r}")
    want, got = _number_fields(clean), _number_fields(messy)
    for path in sorted(want.keys() | got.keys()):
        if path not in got:
            out.append(f"{path}: clean {want[path].value!r}, missing in the messy record")
        elif path not in want:
            out.append(f"{path}: messy {got[path].value!r}, absent from the clean record")
        elif not same_value(got[path].value, want[path].value):
            out.append(f"{path}: clean {want[path].value!r}, messy {got[path].value!r}")
    return out


def span_differences(clean: Record, messy: Record, tracked: Tracked) -> list[str]:
    """Spans of the messy record cover, once the noise is removed, the clean record's evidence."""
    want = dict(clean.iter_fields())
    out: list[str] = []
    for path, field in messy.iter_fields():
        if path.startswith("classification.") or path.split(".")[0] in (
            "problems",
            "measures",
            "plans",
        ):
            continue
        before = want.get(path)
        if before is None or before.source is None or field.source is None:
            continue
        if not same_value(field.value, before.value) and not isinstance(field.value, str):
            continue  # a different value is value_differences' finding
        evidence = tracked.clean[before.source.start : before.source.end]
        denoised = tracked.denoise(field.source.start, field.source.end)
        if denoised != evidence:
            out.append(f"{path}: clean evidence {evidence!r}, messy span denoised {denoised!r}")
    return out
