"""The LLM step: a `FreeTextRefiner` that asks an LLM about the free-text sections.

For one document: plan the chunks (free-text sections only), answer each chunk from the cache or
the LLM (chunks in parallel, `llm_concurrency` at most), find every returned item in the text,
and merge with the rules' items. A chunk whose LLM call fails keeps the rules' items with lowered
confidence; the step itself never fails the job.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from prompts import load_prompt
from schemas.llm import LLM_SCHEMA_VERSION, FreeTextOutput, LlmItem, output_json_schema
from services.config import Settings
from services.errors import LlmError
from services.llm.ask import InvalidAnswer, ask_items, parse_answer
from services.llm.cache import CachedAnswer, LlmCache, cache_key
from services.llm.chunking import Chunk, plan_chunks
from services.llm.client import LlmClient
from services.llm.grounding import Alignment, SourceIndex, trim_span
from services.llm.merge import LlmCandidate, merge
from services.llm.usage import AttemptLog, UsageMeter
from services.pipeline.model import Extracted, Section
from services.pipeline.normalise import NormalisedText
from services.pipeline.refine import CATEGORIES, Category, FreeTextResult

log = logging.getLogger(__name__)

PROMPT_NAME = "free_text"
_MIN_ITEM_CHARS = 4  # the rules' shortest item too


@dataclass(slots=True)
class ChunkOutcome:
    chunk: Chunk
    answer: FreeTextOutput | None  # None: the LLM failed for this chunk
    cached: bool = False
    usage: UsageMeter = field(default_factory=UsageMeter)
    error: LlmError | None = None


class LlmRefiner:
    """Thread-safe and reusable across documents; `close()` releases its HTTP connections."""

    def __init__(self, settings: Settings, cache: LlmCache, *, client: LlmClient | None = None):
        self._settings = settings
        self._cache = cache
        self._client = client or LlmClient(settings)
        self._prompt = load_prompt(PROMPT_NAME, settings.llm_prompt_version)
        self._schema = output_json_schema()

    @property
    def prompt_version(self) -> str:
        return self._prompt.id

    @property
    def model(self) -> str:
        return self._client.model

    def close(self) -> None:
        self._client.close()

    def refine(
        self,
        doc: NormalisedText,
        sections: list[Section],
        rule_items: dict[Category, list[Extracted]],
    ) -> FreeTextResult:
        plan = plan_chunks(
            doc.text,
            sections,
            rule_items,
            max_chars=self._settings.llm_chunk_chars,
            skip_numbered=self._settings.llm_skip_numbered_sections,
        )
        deadline = time.monotonic() + self._settings.llm_deadline_s
        outcomes = self._answer_all(doc.text, plan.chunks, deadline)
        candidates = [
            c for o in outcomes if o.answer is not None for c in _place(doc.text, o.chunk, o.answer)
        ]
        merged = merge(
            doc.text,
            rule_items,
            read=[r for o in outcomes if o.answer is not None for r in o.chunk.ranges],
            failed=[r for o in outcomes if o.answer is None for r in o.chunk.ranges],
            candidates=candidates,
        )
        notes = [*merged.notes, *_failure_notes(outcomes)]
        if plan.skipped:
            notes.append(f"{len(plan.skipped)} numbered section(s) left to the rules, not sent")
        return FreeTextResult(
            items=merged.items,
            prompt_version=self._prompt.id,
            model=self._client.model,
            prompt_tokens=sum(o.usage.prompt_tokens for o in outcomes),
            completion_tokens=sum(o.usage.completion_tokens for o in outcomes),
            status=_status(outcomes),
            notes=notes,
        )

    def _answer_all(self, text: str, chunks: list[Chunk], deadline: float) -> list[ChunkOutcome]:
        if len(chunks) <= 1:
            return [self._answer(text, chunk, deadline) for chunk in chunks]
        workers = min(self._settings.llm_concurrency, len(chunks))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llm-chunk") as pool:
            return list(pool.map(lambda chunk: self._answer(text, chunk, deadline), chunks))

    def _answer(self, text: str, chunk: Chunk, deadline: float) -> ChunkOutcome:
        sent = self._prompt.render(chunk.sections(text))
        key = cache_key(sent, self._prompt.id, self._client.model, LLM_SCHEMA_VERSION)
        cached = self._from_cache(key)
        if cached is not None:
            return ChunkOutcome(chunk, cached, cached=True)
        outcome = ChunkOutcome(chunk, None)
        attempts = AttemptLog()
        try:
            outcome.answer = ask_items(
                self._client,
                self._prompt,
                sent,
                schema=self._schema,
                max_reasks=self._settings.llm_max_reasks,
                attempts=attempts,
                usage=outcome.usage,
                deadline=deadline,
            )
        except LlmError as err:
            log.warning("LLM step failed for a chunk: %s; attempts: %s", err, err.attempts)
            outcome.error = err
            return outcome
        self._cache.put(
            key,
            CachedAnswer(
                response_json=outcome.answer.model_dump_json(),
                prompt_version=self._prompt.id,
                model=self._client.model,
                prompt_tokens=outcome.usage.prompt_tokens,
                completion_tokens=outcome.usage.completion_tokens,
            ),
        )
        return outcome

    def _from_cache(self, key: str) -> FreeTextOutput | None:
        hit = self._cache.get(key)
        if hit is None:
            return None
        try:
            return parse_answer(hit.response_json)
        except InvalidAnswer as err:
            log.warning("LLM cache entry %s… is unusable, asking again: %s", key[:12], err)
            return None


def _place(text: str, chunk: Chunk, answer: FreeTextOutput) -> list[LlmCandidate]:
    """Every answered item with its place in the text (None where it cannot be found)."""
    index = SourceIndex(text, chunk.ranges)
    claimed: list[tuple[int, int]] = []
    out: list[LlmCandidate] = []
    for category in CATEGORIES:
        for item in getattr(answer, category):
            alignment = _ground(text, index, item, claimed)
            if alignment is not None:
                claimed.append(alignment.span)
            out.append(LlmCandidate(category, item.text, alignment))
    return out


def _ground(
    text: str, index: SourceIndex, item: LlmItem, claimed: list[tuple[int, int]]
) -> Alignment | None:
    """The item's span: its quote's, narrowed to its text when the text is found inside."""
    quote = index.align(item.quote, claimed)
    own = index.align(item.text, claimed)
    best = quote
    if own is not None and own.score >= 1.0:
        inside_quote = quote is not None and quote.start <= own.start and own.end <= quote.end
        if quote is None or quote.score < 1.0 or inside_quote:
            best = own
    elif own is not None and (quote is None or own.score > quote.score):
        best = own
    if best is None:
        return None
    start, end = trim_span(text, best.start, best.end)
    if end - start < _MIN_ITEM_CHARS:
        return None  # "问题", "加强": found anywhere, evidence of nothing
    return Alignment(start, end, best.score)


def _status(outcomes: list[ChunkOutcome]) -> str:
    if any(o.answer is None for o in outcomes):
        return "failed"
    if outcomes and all(o.cached for o in outcomes):
        return "cached"
    return "ok"


def _failure_notes(outcomes: list[ChunkOutcome]) -> list[str]:
    notes: list[str] = []
    for o in outcomes:
        if o.error is not None:
            notes.append(f"LLM failed for {len(o.chunk.segments)} section(s): {o.error}")
            notes.extend(f"  {line}" for line in o.error.attempts)
    return notes
