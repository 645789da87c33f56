"""Concurrent decisions on one record, as real HTTP requests to a real uvicorn server: none is
lost. Each either applies (on the version another decision just wrote, when its own item did
not change) or is refused with 409 and the current state."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from services.config import Settings
from services.records.service import get_record
from tests.review.documents import make_record, report
from tests.support.processes import UvicornServer

INDEPENDENT = (
    "proactive.licensing.prior_items",
    "proactive.licensing.change",
    "proactive.licensing.decisions",
    "problems.0",
    "measures.0",
    "reviews_litigation.review.total",
    "reviews_litigation.review.upheld",
)


def _pending(server: UvicornServer, key: str, record_id: str) -> dict[str, dict[str, Any]]:
    response = httpx.get(
        f"{server.url}/v1/review",
        params={"record_id": record_id, "limit": 100},
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {item["path"]: item for item in response.json()["items"]}


def _all_at_once(
    server: UvicornServer, key: str, requests: list[tuple[dict[str, Any], dict[str, Any]]]
) -> list[httpx.Response]:
    """POST every (item, body) from its own thread, released together."""
    barrier = threading.Barrier(len(requests))
    responses: list[httpx.Response | None] = [None] * len(requests)

    def send(index: int, item: dict[str, Any], body: dict[str, Any]) -> None:
        with httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
            barrier.wait(timeout=10)
            responses[index] = http.post(f"{server.url}/v1/review/{item['id']}", json=body)

    threads = [
        threading.Thread(target=send, args=(i, item, body))
        for i, (item, body) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(r is not None for r in responses)
    return [r for r in responses if r is not None]


def test_concurrent_decisions_on_different_fields_are_all_kept(
    settings: Settings, api_key: str, review_server: UvicornServer
) -> None:
    record_id = make_record(report())
    items = _pending(review_server, api_key, record_id)
    lock = items["problems.0"]["lock_version"]
    requests = [
        (items[path], {"action": "accept", "lock_version": lock, "comment": path})
        for path in INDEPENDENT
    ]
    responses = _all_at_once(review_server, api_key, requests)
    assert [r.status_code for r in responses] == [200] * len(INDEPENDENT), [
        r.text for r in responses if r.status_code != 200
    ]
    versions = sorted(r.json()["decision"]["to_version"] for r in responses)
    assert versions == list(range(2, 2 + len(INDEPENDENT)))  # one new version each, no gap
    assert sum(r.json()["rebased"] for r in responses) == len(INDEPENDENT) - 1

    body = get_record(record_id)
    assert body.version == 1 + len(INDEPENDENT)
    from schemas.record import Record

    record = Record.model_validate_json(body.json)
    fields = dict(record.iter_fields())
    for path in INDEPENDENT:
        review = fields[path].review
        assert review is not None and review.status == "accepted", path
        assert review.resolved_by == "tests"


def test_conflicting_concurrent_decisions_lose_nothing(
    settings: Settings, api_key: str, review_server: UvicornServer
) -> None:
    for _ in range(3):
        record_id = make_record(report(agency=f"某市水务局{_}"))
        items = _pending(review_server, api_key, record_id)
        total = items["reviews_litigation.review.total"]
        upheld = items["reviews_litigation.review.upheld"]
        lock = total["lock_version"]
        fix_total = {"action": "correct", "value": 2, "lock_version": lock}
        fix_upheld = {"action": "correct", "value": 5, "lock_version": lock}
        first, second = _all_at_once(
            review_server, api_key, [(total, fix_total), (upheld, fix_upheld)]
        )
        assert first.status_code == 200, first.text  # `total` never depends on `upheld`'s fate
        group = _group(record_id)
        assert group["total"] == 2
        if second.status_code == 200:
            assert group["upheld"] == 5  # applied after, or before, the total: both kept
        else:
            assert second.status_code == 409, second.text
            problem = second.json()
            assert problem["code"] == "stale_decision"
            assert problem["current"]["item"]["state"] == "resolved"
            assert problem["current"]["lock_version"] == get_record(record_id).lock_version
            assert group["upheld"] == 1  # cleared by the total's correction; the stale one lost


def _group(record_id: str) -> dict[str, object]:
    from schemas.record import Record

    record = Record.model_validate_json(get_record(record_id).json)
    return {col: f.value for col, f in record.reviews_litigation["review"].items()}
