"""The LLM step for the free-text sections (problems, measures, plans).

    build_refiner(settings, cache)  the `FreeTextRefiner` to hand to `services.pipeline.extract`,
                                    or None when no LLM is configured (rules only)

Modules: `client` (one chat completion: structured-output fallback, tenacity retries), `ask`
(validation and re-asks), `chunking` (what is sent), `grounding` (finding quotes in the text),
`merge` (rules + LLM), `cache` (answers already paid for), `refiner` (all of it, per document).
"""

from __future__ import annotations

from services.config import Settings
from services.llm.cache import LlmCache, MemoryLlmCache, SqlLlmCache
from services.llm.refiner import LlmRefiner

__all__ = ["LlmCache", "LlmRefiner", "MemoryLlmCache", "SqlLlmCache", "build_refiner"]


def build_refiner(settings: Settings, cache: LlmCache | None) -> LlmRefiner | None:
    """The LLM refiner, or None when `settings.llm_enabled` is false (`LLM_BACKEND=none`, or no
    `LLM_BASE_URL` with the default backend `auto`).

    Without a cache the refiner keeps answers in memory for its own lifetime; pass a
    `SqlLlmCache` to keep them across restarts and share them between processes. The refiner
    holds HTTP connections: build one per process and `close()` it at shutdown.
    """
    if not settings.llm_enabled:
        return None
    return LlmRefiner(settings, cache if cache is not None else MemoryLlmCache())
