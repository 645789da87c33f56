"""One flat row per record, for CSV and JSON Lines exports.

Columns, in this order (the same for every record, so a CSV header can be written first):

    record_id, document_id, version, status       identity
    doc_type, format_version, script              the classification, each with `.confidence`
    metadata.<name>                                agency, report_year, publish_date, title
    proactive.<row>.<col>                          the combinations the 2019/2021 templates use
    requests.<row>.<col>                           every row × every column
    reviews_litigation.<group>.<col>
    narrative.<key>
    problems, measures, plans                      items joined by newlines, plus `.count`
    checks.failed                                  names of failed checks, `;`-separated
    fields.pending_review                          how many fields wait for a person
    other_fields                                   JSON of any field outside the columns above

Every field column `X` has a companion `X.confidence`.
"""

from __future__ import annotations

import json
from typing import Any

from schemas.keys import (
    NARRATIVE_KEYS,
    PROACTIVE_2019,
    PROACTIVE_2021,
    PROACTIVE_ROWS,
    REQUEST_COLUMNS,
    REQUEST_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
)
from schemas.record import Field, Record

FlatValue = str | int | float | None

_IDENTITY = ("record_id", "document_id", "version", "status")
_CLASSIFICATION = ("doc_type", "format_version", "script")
_METADATA = ("agency", "report_year", "publish_date", "title")
_LISTS = ("problems", "measures", "plans")


def _proactive_paths() -> list[str]:
    paths: list[str] = []
    for row in PROACTIVE_ROWS:
        columns = dict.fromkeys([*PROACTIVE_2021.get(row, ()), *PROACTIVE_2019.get(row, ())])
        paths.extend(f"proactive.{row}.{col}" for col in columns)
    return paths


def _field_paths() -> list[str]:
    """Dotted paths of every field with its own column, as `Record.iter_fields` names them."""
    return [
        *(f"metadata.{name}" for name in _METADATA),
        *_proactive_paths(),
        *(f"requests.{row}.{col}" for row in REQUEST_ROWS for col in REQUEST_COLUMNS),
        *(f"reviews_litigation.{g}.{col}" for g in REVIEW_GROUPS for col in REVIEW_COLUMNS),
        *(f"narrative.{key}" for key in NARRATIVE_KEYS),
    ]


FIELD_PATHS: tuple[str, ...] = tuple(_field_paths())
_FIELD_SET = frozenset(FIELD_PATHS)


def _columns() -> list[str]:
    columns = list(_IDENTITY)
    for name in _CLASSIFICATION:
        columns += [name, f"{name}.confidence"]
    for path in FIELD_PATHS:
        columns += [path, f"{path}.confidence"]
    for name in _LISTS:
        columns += [name, f"{name}.count"]
    return [*columns, "checks.failed", "fields.pending_review", "other_fields"]


COLUMNS: tuple[str, ...] = tuple(_columns())


def flatten(record: Record, version: int) -> dict[str, FlatValue]:
    """The record as one row: every column of COLUMNS, None where the record has no value."""
    row: dict[str, FlatValue] = dict.fromkeys(COLUMNS)
    row.update(
        record_id=record.record_id,
        document_id=record.document_id,
        version=version,
        status=record.status,
    )
    for name in _CLASSIFICATION:
        row[name] = getattr(record, name)
        row[f"{name}.confidence"] = getattr(record.classification, name).confidence
    other: dict[str, Any] = {}
    pending = 0
    for path, field in record.iter_fields():
        pending += _pending(field)
        if path in _FIELD_SET:
            row[path] = field.value
            row[f"{path}.confidence"] = field.confidence
        elif not path.startswith(("classification.", *(f"{n}." for n in _LISTS))):
            other[path] = {"value": field.value, "confidence": field.confidence}
    for name in _LISTS:
        items: list[Field] = getattr(record, name)
        row[name] = "\n".join(str(item.value) for item in items if item.value is not None)
        row[f"{name}.count"] = len(items)
    row["checks.failed"] = ";".join(check.name for check in record.checks if not check.passed)
    row["fields.pending_review"] = pending
    row["other_fields"] = json.dumps(other, ensure_ascii=False) if other else None
    return row


def _pending(field: Field) -> int:
    return int(field.review is not None and field.review.status == "pending")
