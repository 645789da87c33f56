"""The whole pipeline with the LLM step, against the scripted fake server: what the record holds
and what the usage accounting says, for each way an LLM answers or fails.

Seed 004 is the motivating document: its section 五 runs problems and remedies together in one
paragraph, which the rules keep as one long problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from schemas.record import Field, Record
from services.config import Settings, override_settings
from services.llm import LlmRefiner, MemoryLlmCache, SqlLlmCache, build_refiner
from services.llm.cache import LlmCache
from services.llm.grounding import fold
from services.llm.merge import UNAVAILABLE_REASON
from services.pipeline import extract
from services.storage.models import Base, LlmCacheEntry
from tests.llm.conftest import FAST, configure
from tests.support.fake_llm import FakeLlm, Reply

PROBLEMS_004 = [
    "相关的工作机制和制度还有待进一步完善",
    "创造性开展政府信息公开工作的方法还不够多",
    "信息公开形式仍须不断拓展",
    "“互联网+政务服务”平台建设水平还需加强",
]
MEASURES_004 = [
    "在下步工作中,我们将高度重视,认真研究加以解决",
    "在今后工作中,我局将继续强化组织领导,加强调查研究,努力探索政府信息公开的新办法、新举措,"
    "提高政府信息公开工作的质量和效益,促进政务公开工作不断发展",
]
ANSWER_004: dict[str, Any] = {
    "problems": [{"text": p, "quote": p} for p in PROBLEMS_004],
    "measures": [{"text": m, "quote": m + "。"} for m in MEASURES_004],
    "plans": [],
}
HALLUCINATED = "信息公开工作经费严重不足,专职人员配备不到位"


@pytest.fixture
def text_004(seeds_dir: Path) -> str:
    return next(seeds_dir.glob("004_*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def refine_with(fake_llm: FakeLlm) -> Iterator[Any]:
    """`refine_with(cache=None, **settings)`: a refiner against the fake server, closed after."""
    built: list[LlmRefiner] = []

    def make(cache: LlmCache | None = None, **overrides: Any) -> LlmRefiner:
        chosen = cache if cache is not None else MemoryLlmCache()
        refiner = LlmRefiner(configure(fake_llm, **overrides), chosen)
        built.append(refiner)
        return refiner

    yield make
    for refiner in built:
        refiner.close()


def _items(record: Record, category: str) -> list[Field]:
    items: list[Field] = getattr(record, category)
    return items


def _values(record: Record, category: str) -> list[Any]:
    return [f.value for f in _items(record, category)]


def _assert_sources_point_at_values(record: Record, original: str) -> None:
    for category in ("problems", "measures", "plans"):
        for field in _items(record, category):
            assert field.source is not None
            assert original[field.source.start : field.source.end] == field.value


def _assert_nothing_ungrounded_is_confident(record: Record, threshold: float = 0.8) -> None:
    for category in ("problems", "measures", "plans"):
        for field in _items(record, category):
            if field.method == "llm":
                assert field.confidence < threshold and field.review is not None


def test_a_valid_answer_splits_the_mixed_paragraph(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    fake_llm.script(Reply.answer(ANSWER_004, usage=(1234, 321)))
    record = extract(text_004, refiner=refine_with())
    assert _values(record, "problems") == PROBLEMS_004
    for field in record.problems:  # a finer split than the rules': right, but a person looks
        assert (field.method, field.confidence) == ("llm", 0.7)
        assert field.review is not None and "split this passage differently" in field.review.reason
        assert field.review.candidates and str(field.review.candidates[0]).startswith("相关的")
    assert _values(record, "measures") == MEASURES_004
    assert all(f.confidence >= 0.9 and f.review is None for f in record.measures)  # agreed
    assert len(record.plans) == 4 and all(f.method == "rule" for f in record.plans)
    _assert_sources_point_at_values(record, text_004)
    provenance = record.provenance
    assert (provenance.prompt_version, provenance.model) == ("free_text/v1", "fake-model")
    assert provenance.llm_status == "ok"
    assert (provenance.llm_usage.prompt_tokens, provenance.llm_usage.completion_tokens) == (
        1234,
        321,
    )
    [request] = fake_llm.requests
    sent = request.last_user
    assert "主要表现在相关的工作机制" in sent and "行政复议" not in sent and "总体情况" not in sent


def test_the_llm_never_touches_tables_or_metadata(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    fake_llm.script(Reply.answer(ANSWER_004))
    with_llm = extract(text_004, refiner=refine_with())
    rules_only = extract(text_004)
    for part in ("proactive", "requests", "reviews_litigation", "narrative", "metadata", "checks"):
        assert getattr(with_llm, part) == getattr(rules_only, part), part
    assert rules_only.provenance.llm_status == "not_configured"
    assert rules_only.provenance.prompt_version is None


def test_invalid_json_is_reasked_and_both_answers_are_counted(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    fake_llm.script(
        Reply.answer('{"problems": [{"text": "相关的工作机制', usage=(1000, 50)),
        Reply.answer(ANSWER_004, usage=(1100, 300)),
    )
    record = extract(text_004, refiner=refine_with())
    assert _values(record, "problems") == PROBLEMS_004
    assert record.provenance.llm_status == "ok"
    assert record.provenance.llm_usage.model_dump() == {
        "prompt_tokens": 2100,
        "completion_tokens": 350,
    }
    assert "not valid JSON" in fake_llm.requests[1].last_user


def test_an_answer_off_the_schema_is_reasked_and_counted(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    off_schema = {"problems": [{"item": PROBLEMS_004[0]}], "measures": [], "plans": []}
    fake_llm.script(
        Reply.answer(off_schema, usage=(1000, 40)), Reply.answer(ANSWER_004, usage=(1080, 300))
    )
    record = extract(text_004, refiner=refine_with())
    assert _values(record, "problems") == PROBLEMS_004
    assert record.provenance.llm_usage.model_dump() == {
        "prompt_tokens": 2080,
        "completion_tokens": 340,
    }
    assert "problems.0.text: Field required" in fake_llm.requests[1].last_user


def test_answers_that_stay_invalid_leave_the_rules_lowered_and_count_every_answer(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    fake_llm.script(*[Reply.answer("Sure! Here are the items:", usage=(900, 7))] * 3)
    record = extract(text_004, refiner=refine_with())
    assert record.provenance.llm_status == "failed"
    assert record.provenance.llm_usage.model_dump() == {
        "prompt_tokens": 2700,
        "completion_tokens": 21,
    }
    assert all(
        f.method == "rule" and f.confidence <= 0.6 for f in record.problems + record.measures
    )


def test_a_hallucinated_item_never_reaches_the_record(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    answer = {
        **ANSWER_004,
        "problems": [
            *ANSWER_004["problems"],
            {"text": HALLUCINATED, "quote": HALLUCINATED},
            {"text": "不够", "quote": "不够"},  # in the text, but too short to be evidence
            # A paraphrase: close to the text, but not what it says.
            {"text": "信息公开形式还须拓展", "quote": "信息公开的形式还须不断拓展"},
        ],
    }
    fake_llm.script(Reply.answer(answer, usage=(1200, 400)))
    record = extract(text_004, refiner=refine_with())
    values = [str(v) for c in ("problems", "measures", "plans") for v in _values(record, c)]
    assert not any("经费" in v for v in values)
    assert "不够" not in values
    assert _values(record, "problems") == PROBLEMS_004  # the paraphrase matched an item already
    _assert_nothing_ungrounded_is_confident(record)
    assert record.provenance.llm_usage.prompt_tokens == 1200


def test_an_approximate_quote_loses_to_the_rules_exact_item(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    drifted = "我们将高度重视,认真研究并加以解决"  # "并" is not in the text
    answer = {"problems": [], "measures": [{"text": drifted, "quote": drifted}], "plans": []}
    fake_llm.script(Reply.answer(answer))
    record = extract(text_004, refiner=refine_with())
    [kept] = [f for f in record.measures if f.value == MEASURES_004[0]]
    assert kept.method == "rule" and kept.confidence <= 0.7
    assert kept.review is not None and "kept the rules'" in kept.review.reason
    assert not [f for f in record.measures if f.method == "llm"]
    _assert_nothing_ungrounded_is_confident(record)


def test_an_approximate_quote_alone_is_kept_as_ungrounded_for_review(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    drifted = "虽然我局在政府信息公开方面做了很多工作"  # the text says 一些, not 很多
    answer = {"problems": [{"text": drifted, "quote": drifted}], "measures": [], "plans": []}
    fake_llm.script(Reply.answer(answer))
    record = extract(text_004, refiner=refine_with())
    [kept] = [f for f in record.problems if f.method == "llm"]
    assert kept.value == "虽然我局在政府信息公开方面做了一些工作"  # the source's words
    assert kept.confidence == 0.5
    assert kept.review is not None and kept.review.reason.startswith("ungrounded: ")
    _assert_nothing_ungrounded_is_confident(record)


def test_a_429_honours_retry_after_and_only_the_answer_counts(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    fake_llm.script(Reply.rate_limited(0.25), Reply.answer(ANSWER_004, usage=(1234, 321)))
    record = extract(text_004, refiner=refine_with())
    assert _values(record, "problems") == PROBLEMS_004
    first, second = fake_llm.requests
    assert second.at - first.at >= 0.25
    assert record.provenance.llm_usage.model_dump() == {
        "prompt_tokens": 1234,
        "completion_tokens": 321,
    }


def test_a_500_then_success(fake_llm: FakeLlm, refine_with: Any, text_004: str) -> None:
    fake_llm.script(Reply.error(500, "boom"), Reply.answer(ANSWER_004, usage=(1234, 321)))
    record = extract(text_004, refiner=refine_with())
    assert record.provenance.llm_status == "ok"
    assert _values(record, "measures") == MEASURES_004
    assert [r.status for r in fake_llm.requests] == [500, 200]
    assert record.provenance.llm_usage.prompt_tokens == 1234


def test_an_answer_slower_than_the_timeout_is_asked_again(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    fake_llm.script(Reply.slow(2.0, ANSWER_004), Reply.answer(ANSWER_004, usage=(1234, 321)))
    record = extract(text_004, refiner=refine_with(llm_timeout_s=0.3))
    assert record.provenance.llm_status == "ok"
    assert _values(record, "problems") == PROBLEMS_004
    assert len(fake_llm.requests) == 2
    assert record.provenance.llm_usage.model_dump() == {
        "prompt_tokens": 1234,
        "completion_tokens": 321,
    }


def test_a_server_rejecting_json_schema_is_asked_in_json_mode(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    fake_llm.reject_json_schema = True
    fake_llm.script(Reply.answer(ANSWER_004, usage=(1500, 321)))
    record = extract(text_004, refiner=refine_with())
    assert record.provenance.llm_status == "ok"
    assert _values(record, "problems") == PROBLEMS_004
    assert [r.response_format for r in fake_llm.requests] == ["json_schema", "json_object"]
    assert "JSON Schema" in fake_llm.requests[1].body["messages"][0]["content"]
    assert record.provenance.llm_usage.prompt_tokens == 1500


def test_an_llm_that_is_down_leaves_the_rules_lowered_and_the_job_completes(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    fake_llm.script(*[Reply.error(503, "down")] * 3)
    rules_only = extract(text_004)
    record = extract(text_004, refiner=refine_with(llm_max_attempts=3))
    assert record.provenance.llm_status == "failed"
    assert record.provenance.llm_usage.model_dump() == {"prompt_tokens": 0, "completion_tokens": 0}
    assert _values(record, "problems") == _values(rules_only, "problems")
    assert _values(record, "measures") == _values(rules_only, "measures")
    for field in record.problems + record.measures:  # the section that was sent
        assert field.confidence <= 0.6 and field.review is not None
        assert UNAVAILABLE_REASON in field.review.reason
    assert record.plans == rules_only.plans  # numbered plans were never sent
    assert record.status == "needs_review"


def test_the_same_sections_never_cost_tokens_twice(
    fake_llm: FakeLlm, refine_with: Any, text_004: str, tmp_path: Path
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'cache.db'}")
    Base.metadata.create_all(engine, tables=[Base.metadata.tables[LlmCacheEntry.__tablename__]])
    try:
        fake_llm.script(Reply.answer(ANSWER_004, usage=(1234, 321)))
        first = extract(text_004, refiner=refine_with(SqlLlmCache(sessionmaker(bind=engine))))
        # A new refiner and cache object, as after a restart: the stored answer is used.
        again = extract(text_004, refiner=refine_with(SqlLlmCache(sessionmaker(bind=engine))))
    finally:
        engine.dispose()
    assert len(fake_llm.requests) == 1
    assert first.provenance.llm_status == "ok" and again.provenance.llm_status == "cached"
    assert again.provenance.llm_usage.model_dump() == {"prompt_tokens": 0, "completion_tokens": 0}
    assert again.problems == first.problems and again.measures == first.measures


def test_another_model_or_prompt_version_is_a_new_question(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    cache = MemoryLlmCache()
    fake_llm.script(Reply.answer(ANSWER_004), Reply.answer(ANSWER_004))
    extract(text_004, refiner=refine_with(cache))
    extract(text_004, refiner=refine_with(cache, llm_model="another-model"))
    assert len(fake_llm.requests) == 2 and len(cache) == 2


def test_rules_and_llm_agreeing_is_confident(
    fake_llm: FakeLlm, refine_with: Any, seeds_dir: Path
) -> None:
    text = next(seeds_dir.glob("003_*.txt")).read_text(encoding="utf-8")
    record = extract(text, refiner=refine_with())  # echo-rules: the numbered split, verbatim
    assert len(record.problems) == 2
    assert all(f.confidence >= 0.9 and f.review is None for f in record.problems)
    assert record.provenance.llm_usage.prompt_tokens > 0


def test_items_of_a_traditional_document_point_into_the_submitted_text(
    fake_llm: FakeLlm, refine_with: Any, seeds_dir: Path
) -> None:
    text = next(seeds_dir.glob("001_*.txt")).read_text(encoding="utf-8")
    record = extract(text, refiner=refine_with())
    assert record.script == "traditional"
    assert record.problems and record.measures
    for field in record.problems + record.measures:
        assert field.source is not None
        submitted = text[field.source.start : field.source.end]
        assert "(" not in str(field.value)  # the source's own script, glosses left out
        assert fold(str(field.value)) == fold(submitted)
    second = record.problems[1].source
    assert second is not None
    assert text[second.start :].startswith("信息公開(kāi)工作業(yè)務(wù)素養(yǎng)")


@pytest.mark.parametrize(
    ("values", "enabled"),
    [
        ({"llm_backend": "none", "llm_base_url": "http://127.0.0.1:9/v1"}, False),
        ({"llm_backend": "auto", "llm_base_url": None}, False),
        ({"llm_backend": "auto", "llm_base_url": "http://127.0.0.1:9/v1"}, True),
    ],
)
def test_build_refiner_follows_the_backend_setting(values: dict[str, Any], enabled: bool) -> None:
    settings: Settings = override_settings(**values)
    refiner = build_refiner(settings, None)
    try:
        assert (refiner is not None) == enabled
    finally:
        if refiner is not None:
            refiner.close()


def test_the_refiner_reports_its_prompt_and_model(fake_llm: FakeLlm) -> None:
    refiner = build_refiner(configure(fake_llm, **FAST), None)
    assert refiner is not None
    try:
        assert (refiner.prompt_version, refiner.model) == ("free_text/v1", "fake-model")
    finally:
        refiner.close()


def test_a_slow_llm_is_given_up_at_the_document_deadline(
    fake_llm: FakeLlm, refine_with: Any, text_004: str
) -> None:
    fake_llm.delay_s = 5.0  # every answer would come far too late
    refiner = refine_with(llm_timeout_s=2.0, llm_max_attempts=4, llm_deadline_s=0.4)
    record = extract(text_004, refiner=refiner)
    assert record.provenance.llm_status == "failed"
    assert len(fake_llm.requests) == 1  # cut at the deadline, not retried past it
    assert all(f.confidence <= 0.6 for f in record.problems + record.measures)
