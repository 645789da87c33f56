"""The whole service: a real uvicorn API, a real Celery worker (prefork), Redis, PostgreSQL,
and the fake OpenAI-compatible LLM on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.api.keys import create_key
from services.config import Settings
from services.jobs.callbacks import verify
from tests.support.callbacks import CallbackReceiver
from tests.support.fake_llm import FakeLlm
from tests.support.processes import UvicornServer
from tests.support.service_fixtures import CALLBACK_SECRET
from tests.workers.helpers import wait_for_job


@pytest.fixture
def client(live: Settings, api_server: UvicornServer) -> Iterator[httpx.Client]:
    key = create_key("e2e").secret
    with httpx.Client(
        base_url=api_server.url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ) as c:
        yield c


def test_submit_poll_fetch(
    client: httpx.Client, seeds_dir: Path, fake_llm: FakeLlm, callbacks: CallbackReceiver
) -> None:
    text = (seeds_dir / "004_6bdcad6606f9a5c6.txt").read_text(encoding="utf-8")
    submitted = client.post(
        "/v1/jobs", json={"text": text, "filename": "004.txt", "callback_url": callbacks.url}
    )
    assert submitted.status_code == 202, submitted.text
    job = wait_for_job(client, submitted.json()["id"])

    assert job["state"] in ("succeeded", "needs_review") and job["attempts"] == 1
    assert len(job["timings"]) == 10 and all(s >= 0 for s in job["timings"].values())
    assert job["progress"]["fraction"] == 1.0
    record = client.get(job["links"]["record"]).json()
    assert record["record_id"] == job["record_id"]
    assert record["status"] == ("needs_review" if job["state"] == "needs_review" else "complete")
    usage = record["provenance"]["llm_usage"]
    assert usage["prompt_tokens"] > 0 and len(fake_llm.requests) == 1
    assert job["llm_usage"] == {"status": record["provenance"]["llm_status"], **usage}

    (delivery,) = callbacks.wait_for(1)
    assert verify(
        CALLBACK_SECRET.encode(),
        delivery.headers["X-Ogi-Timestamp"],
        delivery.body,
        delivery.headers["X-Ogi-Signature"],
    )
    assert json.loads(delivery.body)["record_id"] == job["record_id"]


def test_a_failing_callback_is_retried_by_the_worker(
    client: httpx.Client, callbacks: CallbackReceiver
) -> None:
    callbacks.answer_with(500, 502)
    text = "某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息120条。"
    job = client.post("/v1/jobs", json={"text": text, "callback_url": callbacks.url}).json()
    deliveries = callbacks.wait_for(3)
    assert [d.status for d in deliveries] == [500, 502, 200]
    assert {d.headers["X-Ogi-Delivery"] for d in deliveries} == {job["id"]}
    assert deliveries[2].at - deliveries[1].at > deliveries[1].at - deliveries[0].at  # backoff


def test_batch_of_every_seed(client: httpx.Client, seeds_dir: Path) -> None:
    paths = sorted(seeds_dir.glob("*.txt"))
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]
    result = client.post("/v1/jobs/batch", files=files).json()
    assert result["accepted"] == len(paths) and result["failed"] == 0
    jobs = [wait_for_job(client, item["job"]["id"]) for item in result["items"]]
    assert all(j["state"] in ("succeeded", "needs_review") for j in jobs), jobs
    listed = client.get("/v1/records", params={"limit": 100}).json()["items"]
    assert sorted(r["record_id"] for r in listed) == sorted(j["record_id"] for j in jobs)
    plans = client.get("/v1/records", params={"doc_type": "work_plan"}).json()["items"]
    assert len(plans) == 1 and plans[0]["format_version"] is None


def test_ready_and_metrics(client: httpx.Client, seeds_dir: Path) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok", "workers": "ok"}
    data = (seeds_dir / "000_e82ab4008c6d2646.txt").read_bytes()
    job = client.post("/v1/jobs", content=data, headers={"Content-Type": "text/plain"}).json()
    wait_for_job(client, job["id"])
    text = client.get("/metrics").text
    assert 'ogi_stage_duration_seconds_count{stage="tables"} 1.0' in text
    assert 'ogi_llm_tokens_total{kind="prompt"}' in text
    assert "ogi_queue_depth 0.0" in text
