"""Pytest fixtures that start the service's real parts once per test session.

Import them in a test folder's conftest.py (`from tests.support.service_fixtures import *`).
Session resources are shared between folders through `_shared`, so a test session creates one
PostgreSQL database, one worker and one API server however many folders use them.

    pg_url            a migrated PostgreSQL database of our own (dropped at the end)
    settings          per test: this process's settings pointed at it, tables emptied after
    api_key           a read-write API key (`read_key`: read-only)
    fake_llm          the scripted OpenAI-compatible server (tests/support/fake_llm.py)
    callbacks         a loopback receiver of job callbacks
    worker            a real `celery worker` process (prefork, concurrency 1)
    api_server        a real uvicorn server with the same configuration
    live              per test: settings for talking to `worker` / `api_server`
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
import redis

from services.api.keys import create_key
from services.config import Settings, override_settings, reset_settings
from services.storage.session import dispose_all
from tests.support.callbacks import CallbackReceiver
from tests.support.databases import (
    create_postgres_database,
    drop_postgres_database,
    empty_all_tables,
)
from tests.support.fake_llm import FakeLlm
from tests.support.processes import CeleryWorker, UvicornServer, service_env

REDIS_URL = "redis://127.0.0.1:6379/5"  # our own index on the shared Redis (5 and 6 are ours)
SESSION = secrets.token_hex(3)
WORK_QUEUE = f"ogi-test-{SESSION}"  # consumed by the session's worker
IDLE_QUEUE = f"ogi-test-{SESSION}-idle"  # nobody consumes it: in-process API tests
CALLBACK_SECRET = "test-callback-secret"

T = TypeVar("T")
_resources: dict[str, Any] = {}
_users: dict[str, int] = {}


@contextmanager
def _shared(name: str, create: Callable[[], T], destroy: Callable[[T], None]) -> Iterator[T]:
    """One resource per test process, however many conftests ask for it."""
    if name not in _resources:
        _resources[name] = create()
        _users[name] = 0
    _users[name] += 1
    try:
        yield _resources[name]
    finally:
        _users[name] -= 1
        if _users[name] == 0:
            destroy(_resources.pop(name))


def base_values(pg_url: str, *, queue: str) -> dict[str, Any]:
    return {
        "database_url": pg_url,
        "redis_url": REDIS_URL,
        "celery_queue": queue,
        "callback_secret": CALLBACK_SECRET,
        "callback_backoff_s": 0.2,
        "callback_max_attempts": 3,
        "callback_timeout_s": 5.0,
        "task_retry_backoff_s": 0.2,
        "task_soft_time_limit_s": 50,
        "llm_deadline_s": 40,  # the LLM step must give up before the task's soft limit
        "task_hard_time_limit_s": 55,
        "broker_visibility_timeout_s": 60,
        "broker_restore_interval_s": 1,
        "progress_flush_s": 0.1,
        "auth_enabled": True,
        "llm_backend": "none",
    }


def as_env(values: dict[str, Any]) -> dict[str, str]:
    return service_env({key.upper(): str(value) for key, value in values.items()})


def _flush_our_redis() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    finally:
        client.close()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    def create() -> str:
        _flush_our_redis()
        return create_postgres_database()

    def destroy(url: str) -> None:
        dispose_all()
        drop_postgres_database(url)
        _flush_our_redis()

    with _shared("pg", create, destroy) as url:
        yield url


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service-logs")


@contextmanager
def configured(values: dict[str, Any]) -> Iterator[Settings]:
    """This process's settings for one test; the database is emptied afterwards."""
    settings = override_settings(**values)
    try:
        yield settings
    finally:
        dispose_all()
        empty_all_tables(values["database_url"])
        reset_settings()


def _empty_queue(name: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.delete(name)
    finally:
        client.close()


@pytest.fixture
def settings(pg_url: str) -> Iterator[Settings]:
    """Settings for tests without a worker: jobs go to a queue nobody reads (emptied)."""
    _empty_queue(IDLE_QUEUE)
    with configured(base_values(pg_url, queue=IDLE_QUEUE)) as s:
        yield s
    _empty_queue(IDLE_QUEUE)


@pytest.fixture
def api_key(settings: Settings) -> str:
    return create_key("tests").secret


@pytest.fixture
def read_key(settings: Settings) -> str:
    return create_key("tests (read only)", ("read",)).secret


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[FakeLlm]:
    with _shared("fake_llm", lambda: FakeLlm(mode="echo-rules").start(), FakeLlm.stop) as server:
        yield server


@pytest.fixture(scope="session")
def callbacks() -> Iterator[CallbackReceiver]:
    with _shared("callbacks", lambda: CallbackReceiver().start(), CallbackReceiver.stop) as r:
        yield r


def live_values(pg_url: str, fake_llm: FakeLlm) -> dict[str, Any]:
    values = base_values(pg_url, queue=WORK_QUEUE)
    values.update(llm_backend="openai", llm_base_url=fake_llm.url, llm_max_attempts=1)
    return values


@pytest.fixture(scope="session")
def worker(pg_url: str, fake_llm: FakeLlm, log_dir: Path) -> Iterator[CeleryWorker]:
    env = as_env(live_values(pg_url, fake_llm))
    with _shared(
        "worker",
        lambda: CeleryWorker(env, log_dir, queue=WORK_QUEUE).start_and_wait(),
        CeleryWorker.stop,
    ) as process:
        yield process


@pytest.fixture(scope="session")
def api_server(pg_url: str, fake_llm: FakeLlm, log_dir: Path) -> Iterator[UvicornServer]:
    env = as_env(live_values(pg_url, fake_llm))
    with _shared(
        "api_server", lambda: UvicornServer(env, log_dir).start_and_wait(), UvicornServer.stop
    ) as server:
        yield server


@pytest.fixture
def live(
    pg_url: str, fake_llm: FakeLlm, callbacks: CallbackReceiver, worker: CeleryWorker
) -> Iterator[Settings]:
    """Settings matching the session's worker and API server; fakes reset per test."""
    fake_llm.reset()
    callbacks.reset()
    with configured(live_values(pg_url, fake_llm)) as s:
        yield s
