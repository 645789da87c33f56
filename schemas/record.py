"""The extracted record, exactly as `shared/spec/record.md` specifies it.

Every value is a `Field`: the value, a confidence, the `[start, end)` character span of its
evidence in the text as submitted, how it was obtained, and its review state.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic import Field as PydField

from schemas.keys import (
    NARRATIVE_KEYS,
    PROACTIVE_COLUMNS,
    PROACTIVE_ROWS,
    REQUEST_COLUMNS,
    REQUEST_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    DocType,
    FormatVersion,
    Method,
    RecordStatus,
    ReviewStatus,
    Script,
)

# Bumped whenever the record's shape changes; stored in every record's provenance.
SCHEMA_VERSION = "1.0"

Value = int | float | str | None


class Span(BaseModel):
    """Half-open character offsets into the submitted (decoded) text."""

    model_config = ConfigDict(frozen=True)

    start: int = PydField(ge=0)
    end: int = PydField(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before its start {self.start}")
        return self


class Review(BaseModel):
    """Why a field waits for a person, and what the person decided."""

    model_config = ConfigDict(extra="allow")

    status: ReviewStatus
    reason: str
    candidates: list[Value] | None = None
    failed_checks: list[str] | None = PydField(
        default=None, description="The failed identities behind this flag, if any."
    )
    prior_confidence: float | None = PydField(
        default=None, description="The confidence before failed checks lowered it."
    )
    resolved_by: str | None = PydField(
        default=None, description="Who decided: a reviewer's name, or `recheck`."
    )


class Field(BaseModel):
    value: Value
    confidence: float = PydField(ge=0.0, le=1.0)
    source: Span | None
    method: Method
    review: Review | None = None


class Metadata(BaseModel):
    agency: Field
    report_year: Field
    publish_date: Field
    title: Field


class Check(BaseModel):
    name: str
    passed: bool
    detail: str
    fields: list[str] = PydField(
        default_factory=list, description="Dotted paths of the fields the check involves."
    )


class LlmUsage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Provenance(BaseModel):
    pipeline_version: str
    schema_version: str = SCHEMA_VERSION
    prompt_version: str | None = None
    model: str | None = None
    llm_usage: LlmUsage = PydField(default_factory=LlmUsage)
    llm_status: str = PydField(
        default="not_configured",
        description="not_configured | ok | cached | failed: what the free-text LLM step did.",
    )


class Classification(BaseModel):
    """The confidences behind `doc_type`, `format_version` and `script`."""

    doc_type: Field
    format_version: Field
    script: Field


Table = dict[str, dict[str, Field]]


def _check_keys(name: str, table: Table, rows: tuple[str, ...], cols: tuple[str, ...]) -> None:
    for row, cells in table.items():
        if row not in rows:
            raise ValueError(f"{name}: unknown row key {row!r}")
        for col in cells:
            if col not in cols:
                raise ValueError(f"{name}.{row}: unknown column key {col!r}")


class Record(BaseModel):
    record_id: str
    document_id: str
    status: RecordStatus
    doc_type: DocType
    format_version: FormatVersion | None
    script: Script
    classification: Classification
    metadata: Metadata
    proactive: Table = PydField(default_factory=dict)
    requests: Table = PydField(default_factory=dict)
    reviews_litigation: Table = PydField(default_factory=dict)
    narrative: dict[str, Field] = PydField(default_factory=dict)
    problems: list[Field] = PydField(default_factory=list)
    measures: list[Field] = PydField(default_factory=list)
    plans: list[Field] = PydField(default_factory=list)
    checks: list[Check] = PydField(default_factory=list)
    provenance: Provenance

    @model_validator(mode="after")
    def _known_keys(self) -> Record:
        _check_keys("proactive", self.proactive, PROACTIVE_ROWS, PROACTIVE_COLUMNS)
        _check_keys("requests", self.requests, REQUEST_ROWS, REQUEST_COLUMNS)
        _check_keys("reviews_litigation", self.reviews_litigation, REVIEW_GROUPS, REVIEW_COLUMNS)
        for key in self.narrative:
            if key not in NARRATIVE_KEYS:
                raise ValueError(f"narrative: unknown key {key!r}")
        return self

    def iter_fields(self) -> list[tuple[str, Field]]:
        """Every field with its dotted path (`requests.granted.total`, `problems.0`)."""
        out: list[tuple[str, Field]] = []
        for name in ("doc_type", "format_version", "script"):
            out.append((f"classification.{name}", getattr(self.classification, name)))
        for name in ("agency", "report_year", "publish_date", "title"):
            out.append((f"metadata.{name}", getattr(self.metadata, name)))
        for table_name in ("proactive", "requests", "reviews_litigation"):
            table: Table = getattr(self, table_name)
            for row, cells in table.items():
                for col, field in cells.items():
                    out.append((f"{table_name}.{row}.{col}", field))
        for key, field in self.narrative.items():
            out.append((f"narrative.{key}", field))
        for list_name in ("problems", "measures", "plans"):
            for i, field in enumerate(getattr(self, list_name)):
                out.append((f"{list_name}.{i}", field))
        return out


def record_json_schema() -> dict[str, Any]:
    return Record.model_json_schema()
