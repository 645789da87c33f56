"""The job service against real PostgreSQL and Redis (no worker: these call the service
functions a task would call, one at a time)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis

from services.config import Settings
from services.errors import (
    BinaryDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    IdempotencyKeyMismatchError,
    InvalidCallbackUrlError,
)
from services.jobs import service
from services.jobs.callbacks import verify
from services.jobs.service import CallbackRetryError, NewDocument
from services.pipeline import STAGES
from services.records.service import get_record, list_versions
from tests.support.callbacks import CallbackReceiver
from tests.support.service_fixtures import CALLBACK_SECRET, REDIS_URL


@pytest.fixture
def report(seeds_dir: Path) -> bytes:
    return (seeds_dir / "004_6bdcad6606f9a5c6.txt").read_bytes()


def _queued(settings: Settings) -> list[str]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        messages = client.lrange(settings.celery_queue, 0, -1)
    finally:
        client.close()
    return [json.loads(json.loads(m)["headers"]["argsrepr"].replace("'", '"'))[0] for m in messages]


def test_submit_stores_the_document_and_enqueues_after_commit(
    settings: Settings, report: bytes
) -> None:
    submitted = service.submit(NewDocument(report, "004.txt"), principal="tester")
    assert submitted.created and submitted.job.state == "queued"
    assert submitted.job.document_id.startswith("doc_")
    assert submitted.job.id in _queued(settings)
    assert service.get_job(submitted.job.id).filename == "004.txt"


def test_same_content_returns_the_existing_job_unless_forced(
    settings: Settings, report: bytes
) -> None:
    first = service.submit(NewDocument(report), principal="tester")
    again = service.submit(NewDocument(report), principal="tester")
    forced = service.submit(NewDocument(report, force=True), principal="tester")
    assert not again.created and again.job.id == first.job.id
    assert forced.created and forced.job.id != first.job.id
    assert _queued(settings).count(first.job.id) == 1


def test_the_same_text_in_another_encoding_is_the_same_content(settings: Settings) -> None:
    text = "桦甸市统计局2020年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开信息25条。"
    utf8 = service.submit(NewDocument(text.encode("utf-8")), principal="tester")
    gbk = service.submit(NewDocument(text.encode("gb18030")), principal="tester")
    assert gbk.job.id == utf8.job.id


def test_an_idempotency_key_replays_and_refuses_a_different_request(
    settings: Settings, report: bytes
) -> None:
    first = service.submit(NewDocument(report, force=True), principal="p", idempotency_key="k1")
    replay = service.submit(NewDocument(report, force=True), principal="p", idempotency_key="k1")
    assert replay.replayed and replay.job.id == first.job.id  # force, yet no second job
    with pytest.raises(IdempotencyKeyMismatchError, match="k1"):
        service.submit(
            NewDocument(report, "other.txt", force=True), principal="p", idempotency_key="k1"
        )
    other_principal = service.submit(
        NewDocument(report, force=True), principal="q", idempotency_key="k1"
    )
    assert other_principal.created and other_principal.job.id != first.job.id


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", EmptyDocumentError),
        (b"  \n\t ", EmptyDocumentError),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", BinaryDocumentError),
    ],
)
def test_unusable_documents_are_refused_before_anything_is_stored(
    settings: Settings, content: bytes, error: type[Exception]
) -> None:
    with pytest.raises(error):
        service.submit(NewDocument(content), principal="tester")
    assert _queued(settings) == []


def test_an_oversize_document_is_refused(settings: Settings) -> None:
    too_big = "报告".encode() * (settings.max_document_bytes // 6 + 1)
    with pytest.raises(DocumentTooLargeError, match="limit"):
        service.submit(NewDocument(too_big), principal="tester")


def test_a_callback_url_must_be_http(settings: Settings, report: bytes) -> None:
    with pytest.raises(InvalidCallbackUrlError, match="callback_url"):
        service.submit(NewDocument(report, callback_url="file:///etc/passwd"), principal="t")


def test_process_job_writes_one_record_and_a_redelivery_changes_nothing(
    settings: Settings, report: bytes
) -> None:
    job = service.submit(NewDocument(report), principal="tester").job
    outcome = service.process_job(job.id, token="delivery-1", last_try=False)
    assert outcome in ("succeeded", "needs_review")
    done = service.get_job(job.id)
    assert done.state == outcome and done.record_id is not None and done.record_version == 1
    assert list(done.timings) == list(STAGES)  # every stage timed, in pipeline order
    assert done.progress.stages_done == done.progress.stage_total == 10
    assert service.process_job(job.id, token="delivery-2", last_try=False) == "already_finished"
    assert [v.version for v in list_versions(done.record_id)] == [1]
    record = json.loads(get_record(done.record_id).json)
    assert record["record_id"] == done.record_id and record["document_id"] == job.document_id


def test_a_forced_reextraction_adds_a_version(settings: Settings, report: bytes) -> None:
    first = service.submit(NewDocument(report), principal="t").job
    service.process_job(first.id, token="a", last_try=False)
    second = service.submit(NewDocument(report, force=True), principal="t").job
    service.process_job(second.id, token="b", last_try=False)
    record_id = service.get_job(second.id).record_id
    assert record_id is not None and record_id == service.get_job(first.id).record_id
    versions = list_versions(record_id)
    assert [(v.version, v.job_id) for v in versions] == [(1, first.id), (2, second.id)]
    assert get_record(record_id).version == 2
    assert get_record(record_id, version=1).version == 1


def _finished_job_with_callback(url: str, report: bytes) -> str:
    job = service.submit(NewDocument(report, callback_url=url), principal="t").job
    service.process_job(job.id, token="a", last_try=False)
    return job.id


def test_a_callback_is_signed_and_retried_until_delivered(
    settings: Settings, report: bytes, callbacks: CallbackReceiver
) -> None:
    callbacks.reset()
    callbacks.answer_with(503)
    job_id = _finished_job_with_callback(callbacks.url, report)
    with pytest.raises(CallbackRetryError, match="503"):
        service.deliver_callback(job_id, attempt=1, last_try=False)
    assert service.deliver_callback(job_id, attempt=2, last_try=False) == "delivered"
    assert service.deliver_callback(job_id, attempt=3, last_try=False) == "nothing_to_deliver"
    first, second = callbacks.deliveries
    assert (first.status, second.status) == (503, 200)
    assert second.headers["X-Ogi-Delivery"] == job_id
    assert verify(
        CALLBACK_SECRET.encode(),
        second.headers["X-Ogi-Timestamp"],
        second.body,
        second.headers["X-Ogi-Signature"],
    )
    assert not verify(
        b"wrong", second.headers["X-Ogi-Timestamp"], second.body, second.headers["X-Ogi-Signature"]
    )
    body = json.loads(second.body)
    assert body["id"] == job_id and body["state"] in ("succeeded", "needs_review")
    job = service.get_job(job_id)
    assert job.callback is not None
    assert (job.callback.state, job.callback.attempts) == ("delivered", 2)


def test_a_callback_gives_up_on_a_permanent_error(
    settings: Settings, report: bytes, callbacks: CallbackReceiver
) -> None:
    callbacks.reset()
    callbacks.answer_with(404)
    job_id = _finished_job_with_callback(callbacks.url, report)
    assert service.deliver_callback(job_id, attempt=1, last_try=False) == "failed"
    job = service.get_job(job_id)
    assert job.callback is not None and job.callback.error == "HTTP 404"
