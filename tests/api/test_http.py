"""HTTP semantics of the API, in-process (ASGI): status codes, problem+json, auth, limits.
Real PostgreSQL and Redis behind it; no worker (jobs are run with the service function)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.api.app import create_app
from services.config import Settings, override_settings
from services.jobs import service

PROBLEM = "application/problem+json"


@pytest.fixture
def report(seeds_dir: Path) -> bytes:
    return (seeds_dir / "004_6bdcad6606f9a5c6.txt").read_bytes()


@pytest.fixture
def client(settings: Settings, api_key: str) -> Iterator[TestClient]:
    with TestClient(create_app(), headers={"Authorization": f"Bearer {api_key}"}) as c:
        yield c


def _problem(response: Any, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["title"] and body["detail"]
    return dict(body)


# --- auth ---------------------------------------------------------------------------------


def test_every_endpoint_but_health_needs_a_key(settings: Settings) -> None:
    with TestClient(create_app()) as anonymous:
        for method, path in [
            ("POST", "/v1/jobs"),
            ("GET", "/v1/jobs/job_x"),
            ("GET", "/v1/records"),
            ("GET", "/v1/records/export"),
            ("GET", "/metrics"),
        ]:
            response = anonymous.request(method, path)
            _problem(response, 401, "auth")
            assert response.headers["WWW-Authenticate"] == "Bearer"
        assert anonymous.get("/healthz").status_code == 200


def test_unknown_revoked_and_read_only_keys(settings: Settings, read_key: str) -> None:
    from services.api.keys import create_key, revoke_key

    revoked = create_key("gone")
    revoke_key(revoked.key_id)
    with TestClient(create_app()) as c:
        _problem(c.get("/v1/records", headers={"Authorization": "Bearer ogi_nope"}), 401, "auth")
        body = _problem(
            c.get("/v1/records", headers={"Authorization": f"Bearer {revoked.secret}"}),
            401,
            "auth",
        )
        assert "revoked" in str(body["detail"])
        reader = {"Authorization": f"Bearer {read_key}"}
        assert c.get("/v1/records", headers=reader).status_code == 200
        _problem(c.post("/v1/jobs", json={"text": "x"}, headers=reader), 403, "permission_denied")


def test_auth_can_be_turned_off_explicitly(settings: Settings) -> None:
    override_settings(**{**settings.model_dump(), "auth_enabled": False})
    with TestClient(create_app()) as c:
        assert c.get("/v1/records").status_code == 200


# --- submit ---------------------------------------------------------------------------------


def test_submit_json_answers_202_with_location(client: TestClient, report: bytes) -> None:
    response = client.post("/v1/jobs", json={"text": report.decode(), "filename": "a.txt"})
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["state"] == "queued" and job["filename"] == "a.txt"
    assert response.headers["Location"] == job["links"]["self"]
    assert job["links"]["self"] == f"http://testserver/v1/jobs/{job['id']}"
    polled = client.get(f"/v1/jobs/{job['id']}")
    assert polled.status_code == 200 and polled.json()["id"] == job["id"]
    assert polled.headers["Retry-After"] == "1"


def test_submit_multipart_and_raw_text(client: TestClient, report: bytes) -> None:
    text = report.decode().encode("gb18030")
    upload = client.post("/v1/jobs", files={"file": ("gbk.txt", text, "text/plain")})
    assert upload.status_code == 202, upload.text
    raw = client.post(
        "/v1/jobs?filename=raw.txt",
        content=report,
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    assert raw.status_code == 200  # same text as the upload: the existing job
    assert raw.json()["id"] == upload.json()["id"]


def test_resubmission_returns_the_job_and_force_makes_another(
    client: TestClient, report: bytes
) -> None:
    first = client.post("/v1/jobs", content=report, headers={"Content-Type": "text/plain"})
    again = client.post("/v1/jobs", content=report, headers={"Content-Type": "text/plain"})
    forced = client.post(
        "/v1/jobs?force=true", content=report, headers={"Content-Type": "text/plain"}
    )
    assert (first.status_code, again.status_code, forced.status_code) == (202, 200, 202)
    assert again.json()["id"] == first.json()["id"] != forced.json()["id"]


def test_idempotency_key_header(client: TestClient, report: bytes) -> None:
    body = {"text": report.decode(), "force": True}
    key = {"Idempotency-Key": "order-42"}
    first = client.post("/v1/jobs", json=body, headers=key)
    retry = client.post("/v1/jobs", json=body, headers=key)
    assert retry.json()["id"] == first.json()["id"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    changed = client.post("/v1/jobs", json={**body, "filename": "b.txt"}, headers=key)
    _problem(changed, 422, "idempotency_key_mismatch")


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"json": {"text": "   "}}, 422, "empty_document"),
        (
            {
                "content": b"\x00\x01\x02binary",
                "headers": {"Content-Type": "application/octet-stream"},
            },
            415,
            "binary_document",
        ),
        (
            {"content": b"<xml/>", "headers": {"Content-Type": "application/xml"}},
            415,
            "unsupported_media_type",
        ),
        ({"json": {"txt": "typo"}}, 422, "invalid_submission"),
        (
            {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
            422,
            "invalid_submission",
        ),
        ({"json": {"text": "报告", "callback_url": "ftp://x"}}, 422, "invalid_callback_url"),
    ],
)
def test_unusable_submissions(
    client: TestClient, kwargs: dict[str, object], status: int, code: str
) -> None:
    body = _problem(client.post("/v1/jobs", **kwargs), status, code)  # type: ignore[arg-type]
    assert body["instance"] == "/v1/jobs"


def test_oversize_bodies_get_413(client: TestClient, settings: Settings) -> None:
    limit = settings.max_document_bytes * 2 + 64 * 1024
    declared = client.post(
        "/v1/jobs", content=b"x" * (limit + 1), headers={"Content-Type": "text/plain"}
    )
    _problem(declared, 413, "request_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        for _ in range(limit // 65536 + 2):
            yield b"y" * 65536

    streamed = client.post("/v1/jobs", content=chunks(), headers={"Content-Type": "text/plain"})
    _problem(streamed, 413, "request_too_large")
    document = client.post(
        "/v1/jobs",
        content=b"z" * (settings.max_document_bytes + 1),
        headers={"Content-Type": "text/plain"},
    )
    body = _problem(document, 413, "document_too_large")
    assert str(settings.max_document_bytes) in str(body["detail"])


def test_batch_reports_each_item(client: TestClient, report: bytes) -> None:
    lines = [
        json.dumps({"text": report.decode(), "filename": "good.txt"}),
        json.dumps({"text": ""}),
        "{broken",
        json.dumps({"text": "第二份报告，内容不同。"}),
    ]
    response = client.post(
        "/v1/jobs/batch",
        content="\n".join(lines).encode(),
        headers={"Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 207, response.text
    result = response.json()
    assert (result["accepted"], result["failed"]) == (2, 2)
    statuses = [(i["index"], i["status"]) for i in result["items"]]
    assert statuses == [(0, 202), (1, 422), (2, 422), (3, 202)]
    assert result["items"][1]["error"]["code"] == "empty_document"
    assert result["items"][2]["error"]["where"].startswith("line 3")


def test_batch_multipart_with_idempotency(client: TestClient, report: bytes) -> None:
    files = [
        ("files", ("a.txt", report, "text/plain")),
        ("files", ("b.txt", "另一份文件。".encode(), "text/plain")),
        ("files", ("c.bin", b"\x00\x00\x00", "application/octet-stream")),
    ]
    key = {"Idempotency-Key": "batch-1"}
    first = client.post("/v1/jobs/batch?force=true", files=files, headers=key).json()
    again = client.post("/v1/jobs/batch?force=true", files=files, headers=key).json()
    assert [i["status"] for i in first["items"]] == [202, 202, 415]
    ids = [i["job"]["id"] for i in first["items"][:2]]
    assert [i["job"]["id"] for i in again["items"][:2]] == ids  # replayed, not re-forced


def test_unknown_job_and_record_are_404(client: TestClient) -> None:
    _problem(client.get("/v1/jobs/job_missing"), 404, "not_found")
    _problem(client.get("/v1/records/rec_missing"), 404, "not_found")
    _problem(client.get("/v1/nothing-here"), 404, "not_found")


# --- records --------------------------------------------------------------------------------


def _extracted(client: TestClient, seeds: list[bytes]) -> list[str]:
    """Submit over HTTP, then run each job with the service function a worker would call."""
    record_ids = []
    for data in seeds:
        job = client.post("/v1/jobs", content=data, headers={"Content-Type": "text/plain"}).json()
        service.process_job(job["id"], token="t", last_try=True)
        finished = client.get(f"/v1/jobs/{job['id']}").json()
        assert finished["state"] in ("succeeded", "needs_review"), finished
        assert "Retry-After" not in client.get(f"/v1/jobs/{job['id']}").headers
        record_ids.append(finished["record_id"])
    return record_ids


def test_records_fetch_list_and_export(client: TestClient, seeds_dir: Path) -> None:
    seeds = [p.read_bytes() for p in sorted(seeds_dir.glob("*.txt"))]
    ids = _extracted(client, seeds)

    record = client.get(f"/v1/records/{ids[0]}")
    assert record.status_code == 200 and record.json()["record_id"] == ids[0]
    assert record.headers["X-Record-Version"] == "1"

    listed: list[str] = []
    url: str | None = "/v1/records?limit=2"
    while url:
        page = client.get(url).json()
        listed += [item["record_id"] for item in page["items"]]
        url = page["next"]
    assert listed == list(reversed(ids))
    _problem(client.get("/v1/records?cursor=garbage"), 400, "invalid_request")

    plans = client.get("/v1/records?doc_type=work_plan").json()["items"]
    assert {i["doc_type"] for i in plans} <= {"work_plan"}

    exported = client.get("/v1/records/export?format=csv")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "content-length" not in exported.headers  # streamed
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["record_id"] for r in rows] == ids
    assert "requests.new_received.total" in rows[0]
    assert "requests.new_received.total.confidence" in rows[0]

    lines = client.get("/v1/records/export?format=jsonl").text.splitlines()
    assert [json.loads(line)["record_id"] for line in lines] == ids
    _problem(client.get("/v1/records/export?format=xlsx"), 422, "invalid_request")


def test_openapi_docs_and_metrics(client: TestClient, report: bytes) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {
        "/v1/jobs",
        "/v1/jobs/batch",
        "/v1/jobs/{job_id}",
        "/v1/records",
        "/v1/records/export",
        "/v1/records/{record_id}",
        "/healthz",
        "/readyz",
        "/metrics",
    } <= set(spec["paths"])
    client.post("/v1/jobs", content=report, headers={"Content-Type": "text/plain"})
    text = client.get("/metrics").text
    assert 'ogi_jobs{state="queued"} 1.0' in text
    assert "ogi_queue_depth 1.0" in text
    assert (
        'ogi_http_request_duration_seconds_count{method="POST",route="/v1/jobs",status="202"}'
        in text
    )
