"""Fixtures of the LLM step: one fake OpenAI-compatible server per session, reset per test.

`fake_llm` here shadows the service fixtures' shared one on purpose: the scripted replies of
these tests go to a server no Celery worker of another test package is talking to.
Settings keep every wait short (backoff in milliseconds, timeouts under a second) so that the
retry tests run in a blink without changing what they exercise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from services.config import Settings, override_settings, reset_settings
from services.llm import LlmRefiner, MemoryLlmCache
from services.pipeline.classify import classify
from services.pipeline.free_text import extract_items
from services.pipeline.model import Extracted, Section
from services.pipeline.normalise import NormalisedText, normalise
from services.pipeline.refine import Category
from services.pipeline.segment import segment
from tests.support.fake_llm import FakeLlm

FAST: dict[str, Any] = {
    "llm_model": "fake-model",
    "llm_timeout_s": 0.5,
    "llm_max_attempts": 3,
    "llm_max_reasks": 2,
    "llm_backoff_initial_s": 0.001,
    "llm_backoff_max_s": 0.01,
    "llm_retry_after_max_s": 1.0,
}


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Tests here override settings; the next test starts from the environment again."""
    reset_settings()
    yield
    reset_settings()


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeLlm]:
    with FakeLlm() as server:
        yield server


@pytest.fixture
def fake_llm(fake_server: FakeLlm) -> Iterator[FakeLlm]:
    fake_server.reset()
    yield fake_server
    assert not fake_server.errors, f"the fake LLM server crashed: {fake_server.errors}"
    fake_server.reset()


@pytest.fixture
def llm_settings(fake_llm: FakeLlm) -> Iterator[Settings]:
    yield override_settings(llm_base_url=fake_llm.url, **FAST)
    reset_settings()


def configure(fake_llm: FakeLlm, **overrides: Any) -> Settings:
    """Settings against the fake server with the fast defaults, changed by `overrides`."""
    return override_settings(**{"llm_base_url": fake_llm.url, **FAST, **overrides})


@pytest.fixture
def refiner(llm_settings: Settings) -> Iterator[LlmRefiner]:
    built = LlmRefiner(llm_settings, MemoryLlmCache())
    yield built
    built.close()


@dataclass
class SeedDoc:
    """A seed document run through the rules, ready for a refiner."""

    original: str
    doc: NormalisedText
    sections: list[Section]
    rule_items: dict[Category, list[Extracted]]

    def section(self, key: str, heading_part: str) -> Section:
        return next(s for s in self.sections if s.key == key and heading_part in s.heading)


def load_seed(seeds_dir: Path, prefix: str) -> SeedDoc:
    path = next(seeds_dir.glob(f"{prefix}_*.txt"))
    original = path.read_text(encoding="utf-8")
    doc = normalise(original)
    sections = segment(doc.text)
    items = extract_items(doc.text, sections, classify(doc, sections))
    return SeedDoc(original, doc, sections, items)


@pytest.fixture
def seed(seeds_dir: Path) -> Any:
    """`seed("004")`: a seed document with its sections and rule items."""
    return lambda prefix: load_seed(seeds_dir, prefix)
