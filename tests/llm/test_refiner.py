"""Documents cut into several chunks: parallel requests, usage over all of them, and a chunk
that fails while the others succeed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from schemas.record import Record
from services.llm import LlmRefiner, MemoryLlmCache
from services.llm.merge import UNAVAILABLE_REASON
from services.pipeline import extract
from tests.llm.conftest import configure
from tests.support.fake_llm import FakeLlm, Reply

# Small chunks and no skipping: seed 004's two free-text sections become several requests.
SPLIT = {"llm_chunk_chars": 200, "llm_skip_numbered_sections": False}


@pytest.fixture
def text_004(seeds_dir: Path) -> str:
    return next(seeds_dir.glob("004_*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def make_refiner(fake_llm: FakeLlm) -> Iterator[Any]:
    built: list[LlmRefiner] = []

    def make(**overrides: Any) -> LlmRefiner:
        refiner = LlmRefiner(configure(fake_llm, **SPLIT, **overrides), MemoryLlmCache())
        built.append(refiner)
        return refiner

    yield make
    for refiner in built:
        refiner.close()


def _sections_sent(fake_llm: FakeLlm) -> list[str]:
    return [r.last_user for r in fake_llm.requests]


def test_chunks_are_asked_in_parallel_up_to_the_concurrency(
    fake_llm: FakeLlm, make_refiner: Any, text_004: str
) -> None:
    fake_llm.delay_s = 0.2
    record = extract(text_004, refiner=make_refiner(llm_concurrency=2))
    assert len(fake_llm.requests) >= 3
    assert fake_llm.max_in_flight == 2
    served = fake_llm.served_usage()
    usage = record.provenance.llm_usage
    assert (usage.prompt_tokens, usage.completion_tokens) == served  # every chunk counted
    assert record.provenance.llm_status == "ok"
    # The numbered plans were sent this time, and came back as the rules had them: agreed.
    assert len(record.plans) == 4 and all(f.confidence >= 0.9 for f in record.plans)


def test_every_sent_chunk_is_part_of_the_free_text_and_none_cuts_an_item(
    fake_llm: FakeLlm, make_refiner: Any, text_004: str
) -> None:
    extract(text_004, refiner=make_refiner(llm_concurrency=1))
    sent = _sections_sent(fake_llm)
    assert sent[0].startswith("<document>\n【存在的主要问题及改进情况】")
    assert any("【下一步工作打算(续)】" in s for s in sent)
    for item_start in (
        "(一)完善信息公开机制建设",
        "(二)加强对政府信息公开的管理",
        "(四)切实强化检查监督",
    ):
        holders = [s for s in sent if item_start in s]
        assert len(holders) == 1, item_start
    assert not any("行政复议" in s for s in sent)


def test_one_failed_chunk_lowers_its_own_items_only(
    fake_llm: FakeLlm, make_refiner: Any, text_004: str
) -> None:
    # One request at a time, so the script's order is the chunks' order: the first chunk
    # (section 五) fails three times, the others get echo-rules answers.
    fake_llm.script(*[Reply.error(500, "boom")] * 3)
    record: Record = extract(text_004, refiner=make_refiner(llm_concurrency=1))
    assert record.provenance.llm_status == "failed"
    failed_chunk = fake_llm.requests[0].last_user
    lowered = [f for f in record.problems + record.measures if str(f.value) in failed_chunk]
    answered = [f for f in record.problems + record.measures if str(f.value) not in failed_chunk]
    assert lowered and answered
    for field in lowered:
        assert field.review is not None and UNAVAILABLE_REASON in field.review.reason
    for field in answered:
        assert field.review is None or UNAVAILABLE_REASON not in field.review.reason
    assert record.plans and all(f.confidence >= 0.9 for f in record.plans)
    assert record.provenance.llm_usage.prompt_tokens == fake_llm.served_usage()[0] > 0
