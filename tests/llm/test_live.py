"""Opt-in: the same extraction against a real model at LLM_BASE_URL.

    scripts/llm-local-server.sh &            # llama-cpp-python + gemma3-270m from PyPI
    LLM_BASE_URL=http://127.0.0.1:8090/v1 LLM_MODEL=gemma3-270m .venv/bin/pytest -m live_llm -s

Skipped unless `-m live_llm` is given and LLM_BASE_URL is set, so CI never depends on a model.
A small model answers badly; what this proves is that whatever it answers is grounded in the
text or dropped, and is never a confident field unless the rules found the very same item.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.record import Record
from services.config import Settings, get_settings
from services.llm import MemoryLlmCache, build_refiner
from services.llm.grounding import fold
from services.pipeline import extract

pytestmark = pytest.mark.live_llm

CATEGORIES = ("problems", "measures", "plans")


@pytest.fixture
def live_settings(request: pytest.FixtureRequest) -> Settings:
    if "live_llm" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("opt-in: run with -m live_llm")
    settings = get_settings()  # from the environment: LLM_BASE_URL, LLM_MODEL, LLM_TIMEOUT_S…
    if not settings.llm_base_url:
        pytest.skip("LLM_BASE_URL is not set")
    return settings


def _items(record: Record) -> list[tuple[str, str, float, str, bool]]:
    return [
        (c, str(f.value), f.confidence, f.method, f.review is not None)
        for c in CATEGORIES
        for f in getattr(record, c)
    ]


@pytest.mark.parametrize("prefix", ["004", "000", "001"])
def test_whatever_a_live_model_answers_lands_in_review_or_is_dropped(
    live_settings: Settings, seeds_dir: Path, prefix: str
) -> None:
    text = next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    rules_only = extract(text)
    refiner = build_refiner(live_settings, MemoryLlmCache())
    assert refiner is not None
    try:
        record = extract(text, refiner=refiner)
    finally:
        refiner.close()

    provenance = record.provenance
    print(f"\n{prefix}: status {provenance.llm_status}, usage {provenance.llm_usage}")
    for item in _items(record):
        print("   ", item)
    assert provenance.llm_status in ("ok", "failed")
    assert (provenance.model, provenance.prompt_version) == (
        live_settings.llm_model,
        "free_text/v1",
    )
    for part in ("proactive", "requests", "reviews_litigation", "narrative", "metadata"):
        assert getattr(record, part) == getattr(rules_only, part), f"the LLM changed {part}"

    rule_items = {(c, str(f.value)) for c in CATEGORIES for f in getattr(rules_only, c)}
    for category, value, confidence, method, in_review in _items(record):
        field = next(f for f in getattr(record, category) if str(f.value) == value)
        assert field.source is not None, f"{value!r} has no place in the text"
        assert fold(text[field.source.start : field.source.end]) == fold(value)
        if confidence >= live_settings.review_threshold:
            assert (category, value) in rule_items, f"confident without the rules: {value!r}"
        if method == "llm":
            assert in_review, f"an LLM-only item escaped review: {value!r}"
