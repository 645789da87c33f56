"""The ordered steps of one extraction, each a small pure function with a written contract.

    decode      bytes → str                     (services.pipeline.decode)
    normalise   str → NormalisedText            (services.pipeline.normalise)
    segment     NormalisedText → [Section]      (services.pipeline.segment)
    classify    text, sections → Classified     (services.pipeline.classify)
    metadata    text, sections → {key: Extracted}            (services.pipeline.metadata)
    tables      text, sections → Tables         (services.pipeline.tables)
    narrative   text, sections → {key: Extracted}            (services.pipeline.narrative)
    free_text   text, sections → {category: [Extracted]}     (services.pipeline.free_text,
                then the optional FreeTextRefiner, i.e. the LLM step)
    check       Tables, metadata → [CheckResult] (lowers confidence of the cells involved)
    score       everything → Record (spans mapped to the submitted text, review flags, status)

Every step reads the normalised text and reports spans in it; only `score` maps them back.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from schemas.record import Record
from services.config import get_settings
from services.pipeline import (
    checks,
    classify,
    decode,
    free_text,
    metadata,
    narrative,
    normalise,
    score,
    segment,
    tables,
)
from services.pipeline.refine import FreeTextRefiner, FreeTextResult

PIPELINE_VERSION = "0.1.0"

STAGES = (
    "decode",
    "normalise",
    "segment",
    "classify",
    "metadata",
    "tables",
    "narrative",
    "free_text",
    "check",
    "score",
)

# Called after each stage: (stage name, stage index from 1, number of stages, seconds taken).
StageCallback = Callable[[str, int, int, float], None]


def extract(
    data: bytes | str,
    *,
    document_id: str | None = None,
    record_id: str | None = None,
    refiner: FreeTextRefiner | None = None,
    on_stage: StageCallback | None = None,
) -> Record:
    """Run every step on one document. Raises `InputError` for unusable input."""
    settings = get_settings()
    clock = _StageClock(on_stage)

    with clock("decode"):
        text = decode.decode(data) if isinstance(data, bytes) else decode.check_text(data)
    doc_id = document_id or content_id(text)

    with clock("normalise"):
        doc = normalise.normalise(text)
    with clock("segment"):
        sections = segment.segment(doc.text)
    with clock("classify"):
        classified = classify.classify(doc, sections)
    with clock("metadata"):
        meta = metadata.extract_metadata(doc.text, sections, classified)
    with clock("tables"):
        parsed = tables.parse_tables(doc.text, sections)
    with clock("narrative"):
        numbers = narrative.extract_narrative(doc.text, sections, classified)
    with clock("free_text"):
        items = free_text.extract_items(doc.text, sections, classified)
        result = (
            refiner.refine(doc, sections, items) if refiner is not None else FreeTextResult(items)
        )
    with clock("check"):
        results = checks.run_checks(parsed, meta)
    with clock("score"):
        record = score.build_record(
            doc,
            classified=classified,
            metadata=meta,
            tables=parsed,
            narrative=numbers,
            free_text=result,
            checks=results,
            threshold=settings.review_threshold,
            document_id=doc_id,
            record_id=record_id or f"rec_{doc_id.removeprefix('doc_')}",
            pipeline_version=PIPELINE_VERSION,
        )
    return record


def content_id(text: str) -> str:
    """A document's id: the SHA-256 of its decoded text, so the same report submitted in
    another encoding is the same document (the service's deduplication relies on it)."""
    return "doc_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


class _StageClock:
    """Times each stage and reports it to the optional callback."""

    def __init__(self, callback: StageCallback | None) -> None:
        self._callback = callback
        self._stage = ""
        self._started = 0.0

    def __call__(self, stage: str) -> _StageClock:
        self._stage = stage
        return self

    def __enter__(self) -> None:
        self._started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        if self._callback is not None and exc[0] is None:
            index = STAGES.index(self._stage) + 1
            self._callback(self._stage, index, len(STAGES), time.perf_counter() - self._started)
