"""A worker that dies mid-job does not lose it, and the job still finishes exactly once.

The job is slow for a real reason: the LLM server (on loopback) takes seconds to answer. These
workers use their own queue and short limits: soft 8 s, hard 9 s, and Redis hands an
unacknowledged message out again after 12 s (the visibility timeout).
"""

from __future__ import annotations

import os
import secrets
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from services.jobs import service
from services.jobs.service import NewDocument
from services.storage.models import RecordVersion, StoredRecord
from services.storage.session import read_session
from tests.support.fake_llm import FakeLlm
from tests.support.processes import CeleryWorker
from tests.support.service_fixtures import as_env, base_values, configured
from tests.workers.helpers import wait_until

LLM_DELAY_S = 3.0


@pytest.fixture
def slow_llm() -> Iterator[FakeLlm]:
    with FakeLlm(mode="echo-rules", delay_s=LLM_DELAY_S) as server:
        yield server


@pytest.fixture
def slow(pg_url: str, slow_llm: FakeLlm) -> Iterator[dict[str, Any]]:
    values = base_values(pg_url, queue=f"ogi-test-slow-{secrets.token_hex(3)}")
    values.update(
        llm_backend="openai",
        llm_base_url=slow_llm.url,
        llm_max_attempts=1,
        task_soft_time_limit_s=8,
        llm_deadline_s=6,
        task_hard_time_limit_s=9,
        broker_visibility_timeout_s=12,
    )
    with configured(values):
        yield values


def _job_state(job_id: str) -> str:
    return service.get_job(job_id).state


def _counts(record_id: str) -> tuple[int, int]:
    with read_session() as session:
        records = session.scalar(select(func.count()).select_from(StoredRecord))
        versions = session.scalar(select(func.count()).where(RecordVersion.record_id == record_id))
    return int(records or 0), int(versions or 0)


def _submit_and_wait_mid_job(seeds_dir: Path, slow_llm: FakeLlm) -> str:
    report = (seeds_dir / "004_6bdcad6606f9a5c6.txt").read_bytes()
    job_id = service.submit(NewDocument(report), principal="tester").job.id
    wait_until(lambda: len(slow_llm.requests) == 1, 30, "the job to reach the LLM step")
    running = service.get_job(job_id)
    assert running.state == "running" and running.attempts == 1
    return job_id


def _assert_finished_once(job_id: str) -> None:
    job = service.get_job(job_id)
    assert job.state in ("succeeded", "needs_review"), job
    assert job.attempts == 2 and job.record_version == 1
    assert job.record_id is not None
    assert _counts(job.record_id) == (1, 1)


def test_a_worker_killed_mid_job_is_redelivered_and_finishes_once(
    slow: dict[str, Any], slow_llm: FakeLlm, seeds_dir: Path, log_dir: Path
) -> None:
    env = as_env(slow)
    first = CeleryWorker(env, log_dir, queue=slow["celery_queue"]).start_and_wait()
    try:
        job_id = _submit_and_wait_mid_job(seeds_dir, slow_llm)
        first.kill_hard()  # SIGKILL to the worker and its pool child: nothing acks or requeues
    finally:
        first.kill_hard()
    assert _job_state(job_id) == "running"

    second = CeleryWorker(env, log_dir, queue=slow["celery_queue"]).start_and_wait()
    try:
        wait_until(lambda: _job_state(job_id) != "running", 60, "the redelivered job")
    finally:
        second.stop()
    _assert_finished_once(job_id)
    assert len(slow_llm.requests) == 2  # asked again: the killed attempt never got its answer


def test_a_pool_process_killed_mid_job_is_requeued_at_once(
    slow: dict[str, Any], slow_llm: FakeLlm, seeds_dir: Path, log_dir: Path
) -> None:
    worker = CeleryWorker(as_env(slow), log_dir, queue=slow["celery_queue"]).start_and_wait()
    try:
        job_id = _submit_and_wait_mid_job(seeds_dir, slow_llm)
        (child,) = worker.pool_pids()
        os.kill(child, signal.SIGKILL)  # reject_on_worker_lost: the message goes back now
        wait_until(lambda: _job_state(job_id) != "running", 30, "the requeued job")
    finally:
        worker.stop()
    _assert_finished_once(job_id)
