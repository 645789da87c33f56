"""Step 10 of the pipeline: assemble the `Record`.

Contract: `build_record(doc, ...) -> Record`. Every `Extracted` becomes a `Field`: its span is
mapped to the submitted text, text values are copied from the submitted text (the document's own
script, noise removed), a non-null value with no evidence span is doubted, and every field under
the review threshold gets `review: {"status": "pending", "reason": ...}`. The record is
`needs_review` while any field is pending.
"""

from __future__ import annotations

from schemas.record import (
    Check,
    Classification,
    Field,
    LlmUsage,
    Metadata,
    Provenance,
    Record,
    Review,
    Span,
)
from services.pipeline.classify import Classified
from services.pipeline.model import Extracted, Grid, Tables
from services.pipeline.normalise import NormalisedText, source_copy
from services.pipeline.refine import FreeTextResult

_NO_EVIDENCE_CAP = 0.5
_TEXT_VALUES = ("title", "agency")


def build_record(
    doc: NormalisedText,
    *,
    classified: Classified,
    metadata: dict[str, Extracted],
    tables: Tables,
    narrative: dict[str, Extracted],
    free_text: FreeTextResult,
    checks: list[Check],
    threshold: float,
    document_id: str,
    record_id: str,
    pipeline_version: str,
) -> Record:
    builder = _FieldBuilder(doc, threshold)
    is_report = classified.doc_type.value == "annual_report"
    version = (
        _format_version(classified, tables) if is_report else Extracted(None, None, 0.9, "rule")
    )

    record = Record(
        record_id=record_id,
        document_id=document_id,
        status="complete",
        doc_type=classified.doc_type.value,
        format_version=version.value,
        script=classified.script.value,
        classification=Classification(
            doc_type=builder.field(classified.doc_type, needs_span=False),
            format_version=builder.field(version, needs_span=False),
            script=builder.field(classified.script, needs_span=False),
        ),
        metadata=Metadata(
            **{
                key: builder.field(metadata[key], copy_text=key in _TEXT_VALUES)
                for key in ("agency", "report_year", "publish_date", "title")
            }
        ),
        proactive=builder.grid(tables.proactive),
        requests=builder.grid(tables.requests),
        reviews_litigation=builder.grid(tables.reviews_litigation),
        narrative={key: builder.field(cell) for key, cell in narrative.items()},
        problems=[builder.field(i, copy_text=True) for i in free_text.items.get("problems", [])],
        measures=[builder.field(i, copy_text=True) for i in free_text.items.get("measures", [])],
        plans=[builder.field(i, copy_text=True) for i in free_text.items.get("plans", [])],
        checks=checks,
        provenance=Provenance(
            pipeline_version=pipeline_version,
            prompt_version=free_text.prompt_version,
            model=free_text.model,
            llm_usage=LlmUsage(
                prompt_tokens=free_text.prompt_tokens,
                completion_tokens=free_text.completion_tokens,
            ),
            llm_status=free_text.status,
        ),
    )
    if builder.pending:
        record.status = "needs_review"
    return record


def _format_version(classified: Classified, tables: Tables) -> Extracted:
    """The tables' own labels outrank the text cues when both speak."""
    version = classified.format_version
    if tables.template and tables.template_confidence > version.confidence:
        return Extracted(tables.template, version.span, tables.template_confidence, "rule")
    return version


class _FieldBuilder:
    def __init__(self, doc: NormalisedText, threshold: float) -> None:
        self._doc = doc
        self._threshold = threshold
        self.pending = 0

    def grid(self, grid: Grid) -> dict[str, dict[str, Field]]:
        return {
            row: {col: self.field(cell) for col, cell in cols.items()} for row, cols in grid.items()
        }

    def field(self, cell: Extracted, *, copy_text: bool = False, needs_span: bool = True) -> Field:
        value = cell.value
        source: Span | None = None
        if cell.span is not None:
            start, end = cell.span
            if copy_text and isinstance(value, str):
                value, (s, e) = source_copy(self._doc, start, end)
            else:
                s, e = self._doc.span(start, end)
            source = Span(start=s, end=e)
        elif needs_span and value is not None:
            cell.doubt("no evidence span in the text", _NO_EVIDENCE_CAP)
        review = None
        if cell.confidence < self._threshold:
            self.pending += 1
            reason = "; ".join(cell.reasons) or (
                f"confidence {cell.confidence:.2f} below the review threshold {self._threshold:.2f}"
            )
            # failed_checks / prior_confidence: what `recheck` needs to clear this flag once a
            # correction elsewhere makes the identities hold.
            review = Review(
                status="pending",
                reason=reason,
                candidates=cell.candidates,
                failed_checks=cell.failed_checks or None,
                prior_confidence=cell.confidence_before_checks,
            )
        return Field(
            value=value,
            confidence=round(cell.confidence, 4),
            source=source,
            method=cell.method,
            review=review,
        )
