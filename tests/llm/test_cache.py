"""The LLM answer cache: keys, the in-memory cache, and the `llm_cache` table on SQLite and
PostgreSQL (a database of its own, created and dropped here: other engineers share the server)."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from services.llm.cache import CachedAnswer, MemoryLlmCache, SqlLlmCache, cache_key
from services.storage.models import Base, LlmCacheEntry

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"

ANSWER = CachedAnswer(
    response_json='{"problems":[{"text":"更新不及时","quote":"一是更新不及时;"}],"measures":[],"plans":[]}',
    prompt_version="free_text/v1",
    model="fake-model",
    prompt_tokens=812,
    completion_tokens=64,
)


def test_the_key_changes_with_each_of_its_four_parts() -> None:
    base = cache_key("五、存在问题\n一是更新不及时。", "free_text/v1", "m", "1")
    assert len(base) == 64 and base == cache_key(
        "五、存在问题\n一是更新不及时。", "free_text/v1", "m", "1"
    )
    others = {
        cache_key("五、存在问题\n一是更新不及时", "free_text/v1", "m", "1"),
        cache_key("五、存在问题\n一是更新不及时。", "free_text/v2", "m", "1"),
        cache_key("五、存在问题\n一是更新不及时。", "free_text/v1", "m2", "1"),
        cache_key("五、存在问题\n一是更新不及时。", "free_text/v1", "m", "2"),
    }
    assert base not in others and len(others) == 4
    # No two inputs run together: ("ab", "c") and ("a", "bc") are different keys.
    assert cache_key("ab", "c", "m", "1") != cache_key("a", "bc", "m", "1")


def test_the_memory_cache_forgets_the_least_recently_used_first() -> None:
    cache = MemoryLlmCache(max_entries=2)
    cache.put("a", ANSWER)
    cache.put("b", ANSWER)
    assert cache.get("a") == ANSWER  # a is now the most recent
    cache.put("c", ANSWER)
    assert cache.get("b") is None
    assert cache.get("a") == ANSWER and cache.get("c") == ANSWER
    assert len(cache) == 2


def _sessions(engine: Engine) -> Callable[[], Session]:
    Base.metadata.create_all(engine, tables=[Base.metadata.tables[LlmCacheEntry.__tablename__]])
    return sessionmaker(bind=engine, expire_on_commit=False)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'llm-cache.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    name = f"ogi_llm_test_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Engine]:
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("pg_url")
    built = create_engine(url)
    yield built
    built.dispose()


def test_an_answer_put_is_read_back(engine: Engine) -> None:
    cache = SqlLlmCache(_sessions(engine))
    assert cache.get("k" * 64) is None
    cache.put("k" * 64, ANSWER)
    assert cache.get("k" * 64) == ANSWER


def test_storing_a_key_twice_keeps_the_first_answer(engine: Engine) -> None:
    cache = SqlLlmCache(_sessions(engine))
    cache.put("k" * 64, ANSWER)
    later = CachedAnswer('{"problems":[],"measures":[],"plans":[]}', "free_text/v1", "fake-model")
    cache.put("k" * 64, later)
    assert cache.get("k" * 64) == ANSWER
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM llm_cache")).scalar_one() == 1


def test_concurrent_writers_of_one_key_leave_one_row(engine: Engine) -> None:
    cache = SqlLlmCache(_sessions(engine))
    start = threading.Barrier(4)

    def write() -> None:
        start.wait()
        cache.put("c" * 64, ANSWER)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get("c" * 64) == ANSWER
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM llm_cache")).scalar_one() == 1


def test_answers_survive_a_restart(sqlite_url: str) -> None:
    first = create_engine(sqlite_url)
    SqlLlmCache(_sessions(first)).put("r" * 64, ANSWER)
    first.dispose()
    again = create_engine(sqlite_url)  # a new process would build exactly this
    try:
        assert SqlLlmCache(sessionmaker(bind=again)).get("r" * 64) == ANSWER
    finally:
        again.dispose()


def test_a_cache_that_cannot_be_read_is_a_logged_miss(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(sqlite_url)  # no llm_cache table in this database
    try:
        cache = SqlLlmCache(sessionmaker(bind=engine))
        with caplog.at_level(logging.WARNING, logger="services.llm.cache"):
            assert cache.get("m" * 64) is None
            cache.put("m" * 64, ANSWER)  # nothing raised: the job goes on without caching
        messages = [r.getMessage() for r in caplog.records]
        assert any("unreadable" in m and "no such table" in m for m in messages)
        assert any("write failed" in m for m in messages)
    finally:
        engine.dispose()
