"""The review API in-process (ASGI) on real PostgreSQL: the queue, every decision path, the
re-check after a correction, optimistic locking, history and the corrections export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.config import Settings, override_settings
from tests.review.documents import (
    EXPECTED_KINDS,
    LICENSING,
    MISSED_PROBLEM,
    REVIEW_GROUP,
    make_record,
    report,
)

PROBLEM = "application/problem+json"


def _queue(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/review", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _items(client: TestClient, record_id: str) -> dict[str, dict[str, Any]]:
    """The record's pending items by path."""
    page = _queue(client, record_id=record_id, limit=500)
    return {item["path"]: item for item in page["items"]}


def _record(client: TestClient, record_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/records/{record_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _decide(client: TestClient, item: dict[str, Any], **body: Any) -> Any:
    return client.post(
        f"/v1/review/{item['id']}", json={"lock_version": item["lock_version"], **body}
    )


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["code"] == code and body["detail"]
    return body


# --- the queue ---------------------------------------------------------------------------------


def test_a_processed_job_fills_the_queue_with_its_pending_fields(client: TestClient) -> None:
    record_id = make_record(report())
    page = _queue(client)
    assert page["total"] == sum(EXPECTED_KINDS.values()) == len(page["items"])
    assert page["counts"] == EXPECTED_KINDS
    by_path = {item["path"]: item for item in page["items"]}
    prior = by_path["proactive.licensing.prior_items"]
    assert prior["record_id"] == record_id and prior["table"] == "proactive"
    assert prior["reason_kind"] == "ambiguous_split" and prior["value"] == 396
    assert 396 in prior["candidates"] and 39 in prior["candidates"]
    assert prior["agency"] == "某市水务局" and prior["report_year"] == 2020
    total = by_path["reviews_litigation.review.total"]
    assert total["reason_kind"] == "failed_identity"
    assert total["failed_checks"] == ["reviews_litigation.review.total"]
    assert total["lock_version"] == _record_lock(client, record_id)


def _record_lock(client: TestClient, record_id: str) -> int:
    return int(client.get(f"/v1/records/{record_id}").headers["X-Record-Lock-Version"])


def test_each_item_carries_its_source_context(client: TestClient) -> None:
    text = report()
    make_record(text)
    item = _items_by_path(client)["proactive.licensing.decisions"]
    context = item["context"]
    start, end = context["span"]
    assert context["snippet"][start:end] == "181"
    doc_start, doc_end = context["document_span"]
    assert text[doc_start:doc_end] == "181"
    assert context["snippet_start"] + start == doc_start
    assert "行政许可3960181" in context["snippet"]


def _items_by_path(client: TestClient) -> dict[str, dict[str, Any]]:
    return {item["path"]: item for item in _queue(client, limit=500)["items"]}


def test_filters_counts_and_cursor_pages_oldest_first(client: TestClient) -> None:
    first = make_record(report(agency="甲市水务局", year=2019, published="2020-01-15"))
    second = make_record(report(agency="乙市统计局", year=2020))
    everything = _queue(client, limit=500)
    assert everything["total"] == 20
    records = [item["record_id"] for item in everything["items"]]
    assert records == [first] * 10 + [second] * 10  # the older record's items first

    by_agency = _queue(client, agency="乙市统计局")
    assert {i["record_id"] for i in by_agency["items"]} == {second}
    assert _queue(client, report_year=2019)["total"] == 10
    failed = _queue(client, reason="failed_identity")
    assert failed["total"] == 10 and failed["counts"] == {
        k: 2 * v for k, v in EXPECTED_KINDS.items()
    }
    assert {i["table"] for i in _queue(client, table="problems")["items"]} == {"problems"}

    seen: list[int] = []
    page = _queue(client, limit=7)
    while True:
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        assert page["next"].startswith("http://testserver/v1/review?")
        page = _queue(client, limit=7, cursor=page["next_cursor"])
    assert seen == [item["id"] for item in everything["items"]]


def test_bad_queue_parameters_are_clear_problems(client: TestClient) -> None:
    _problem(client.get("/v1/review", params={"cursor": "nonsense"}), 400, "invalid_request")
    body = _problem(client.get("/v1/review", params={"reason": "vibes"}), 422, "invalid_request")
    assert body["where"] == "query.reason"
    _problem(client.get("/v1/review", params={"limit": 0}), 422, "invalid_request")
    _problem(client.get("/v1/review/999999"), 404, "not_found")


# --- decisions ---------------------------------------------------------------------------------


def test_accept_confirms_the_value_and_writes_a_new_version(client: TestClient) -> None:
    record_id = make_record(report())
    item = _items(client, record_id)["proactive.licensing.decisions"]
    response = _decide(client, item, action="accept", comment="as printed")
    assert response.status_code == 200, response.text
    outcome = response.json()
    assert outcome["decision"]["action"] == "accept"
    assert outcome["decision"]["reviewer"] == "tests"
    assert outcome["decision"]["before"]["confidence"] < 0.8
    assert outcome["decision"]["after"]["review"]["status"] == "accepted"
    assert outcome["resolved_items"] == [item["id"]]
    assert outcome["record"]["version"] == 2 and outcome["record"]["pending"] == 9

    field = _record(client, record_id)["proactive"]["licensing"]["decisions"]
    assert field["value"] == 181 and field["confidence"] == 1.0 and field["method"] == "table"
    assert field["review"]["status"] == "accepted" and field["review"]["resolved_by"] == "tests"
    assert "proactive.licensing.decisions" not in _items(client, record_id)
    assert (
        client.get(f"/v1/records/{record_id}?version=1").json()["proactive"]["licensing"][
            "decisions"
        ]["review"]["status"]
        == "pending"
    )  # the old version is untouched


def test_correct_stores_a_typed_value_by_review(client: TestClient) -> None:
    record_id = make_record(report())
    item = _items(client, record_id)["proactive.licensing.prior_items"]
    outcome = _decide(client, item, action="correct", value="39").json()
    assert outcome["decision"]["after"]["value"] == 39
    assert outcome["decision"]["value_changed"] is True
    field = _record(client, record_id)["proactive"]["licensing"]["prior_items"]
    assert field["value"] == 39 and field["method"] == "review" and field["confidence"] == 1.0
    assert field["review"]["status"] == "corrected" and field["review"]["resolved_by"] == "tests"
    span = item["context"]["document_span"]
    assert field["source"] == {"start": span[0], "end": span[1]}  # the evidence stays


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("proactive.licensing.prior_items", "3.5", "whole number ≥ 0"),
        ("proactive.licensing.prior_items", -2, "whole number ≥ 0"),
        ("proactive.licensing.prior_items", True, "whole number"),
        ("reviews_litigation.review.total", "three", "whole number ≥ 0"),
        ("reviews_litigation.review.total", [1], "whole number"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(
    client: TestClient, path: str, value: object, message: str
) -> None:
    record_id = make_record(report())
    item = _items(client, record_id)[path]
    body = _problem(_decide(client, item, action="correct", value=value), 422, "invalid_decision")
    assert body["where"] == "value" and message in body["detail"] and path in body["detail"]
    assert _record(client, record_id)["provenance"]  # nothing was written:
    assert client.get(f"/v1/records/{record_id}").headers["X-Record-Version"] == "1"


def test_correct_needs_a_value_and_a_blank_is_null(client: TestClient) -> None:
    record_id = make_record(report())
    item = _items(client, record_id)["proactive.licensing.change"]
    body = _problem(_decide(client, item, action="correct"), 400, "invalid_request")
    assert body["where"] == "value"
    outcome = _decide(client, item, action="correct", value="-").json()
    assert outcome["decision"]["after"]["value"] is None


def test_correcting_one_cell_rechecks_and_clears_its_siblings(client: TestClient) -> None:
    record_id = make_record(report())
    items = _items(client, record_id)
    total = items["reviews_litigation.review.total"]
    outcome = _decide(client, total, action="correct", value=2).json()
    siblings = {items[f"reviews_litigation.review.{col}"]["id"] for col in REVIEW_GROUP}
    assert set(outcome["resolved_items"]) == siblings  # the corrected one and the four others
    record = _record(client, record_id)
    check = next(c for c in record["checks"] if c["name"] == "reviews_litigation.review.total")
    assert check["passed"]
    upheld = record["reviews_litigation"]["review"]["upheld"]
    assert upheld["review"]["status"] == "accepted" and upheld["review"]["resolved_by"] == "recheck"
    remaining = _items(client, record_id)
    assert not any(p.startswith("reviews_litigation.") for p in remaining)
    assert outcome["record"]["pending"] == len(remaining) == 5


def test_accepting_one_cell_keeps_the_identity_failing_until_another_is_corrected(
    client: TestClient,
) -> None:
    record_id = make_record(report())
    items = _items(client, record_id)
    accepted = _decide(client, items["reviews_litigation.review.total"], action="accept").json()
    assert accepted["resolved_items"] == [items["reviews_litigation.review.total"]["id"]]
    assert accepted["record"]["pending"] == 9  # printed 3 stays; the other four still doubt
    upheld = _items(client, record_id)["reviews_litigation.review.upheld"]
    outcome = _decide(client, upheld, action="correct", value=2).json()
    others = {items[f"reviews_litigation.review.{c}"]["id"] for c in REVIEW_GROUP[:-1]}
    assert set(outcome["resolved_items"]) == others
    group = _record(client, record_id)["reviews_litigation"]["review"]
    assert group["total"]["review"]["resolved_by"] == "tests"
    assert group["corrected"]["review"]["resolved_by"] == "recheck"


def test_a_correction_that_breaks_a_check_queues_the_undecided_fields(
    client: TestClient,
) -> None:
    record_id = make_record(report(year=2020, published="2021-13-45"))  # an impossible date
    items = _items(client, record_id)
    date = items["metadata.publish_date"]
    assert date["value"] is None and date["reason_kind"] == "missing"
    assert "metadata.report_year" not in items
    body = _problem(
        _decide(client, date, action="correct", value="2021/01/20"), 422, "invalid_decision"
    )
    assert "YYYY-MM-DD" in body["detail"]
    outcome = _decide(client, date, action="correct", value="2019-05-01").json()
    queued = _items(client, record_id)["metadata.report_year"]
    assert outcome["queued_items"] == [queued["id"]]
    assert (
        queued["reason_kind"] == "failed_identity" and "after the publish date" in queued["reason"]
    )
    year = _record(client, record_id)["metadata"]["report_year"]
    assert year["value"] == 2020 and year["review"]["status"] == "pending"
    fixed = _decide(client, queued, action="correct", value="2019").json()
    assert fixed["decision"]["after"]["value"] == 2019
    assert "metadata.report_year" not in _items(client, record_id)
    columns = client.get("/v1/records", params={"report_year": 2019}).json()["items"]
    assert [r["record_id"] for r in columns] == [record_id]  # the filter columns follow


def test_reject_removes_a_list_item_and_add_puts_a_missing_one(client: TestClient) -> None:
    text = report()
    record_id = make_record(text)
    items = _items(client, record_id)
    measure = items["measures.0"]
    rejected = _decide(client, measure, action="reject", comment="a plan, not a measure").json()
    assert rejected["decision"]["after"] is None
    assert rejected["decision"]["before"]["value"] == measure["value"]
    assert _record(client, record_id)["measures"] == []

    lock = rejected["record"]["lock_version"]
    added = client.post(
        f"/v1/review/records/{record_id}/items",
        json={"list": "problems", "text": f"  {MISSED_PROBLEM}。", "lock_version": lock},
    )
    assert added.status_code == 200, added.text
    decision = added.json()["decision"]
    assert decision["action"] == "add" and decision["before"] is None
    problems = _record(client, record_id)["problems"]
    assert [p["value"] for p in problems][-1] == MISSED_PROBLEM
    new = problems[-1]
    assert new["method"] == "review" and new["confidence"] == 1.0
    assert text[new["source"]["start"] : new["source"]["end"]] == MISSED_PROBLEM
    assert decision["path"] == f"problems.{len(problems) - 1}"


def test_fields_an_action_does_not_take_are_refused(client: TestClient) -> None:
    record_id = make_record(report())
    item = _items(client, record_id)["proactive.licensing.decisions"]
    body = _problem(_decide(client, item, action="accept", value=180), 400, "invalid_request")
    assert body["where"] == "value" and "accept takes no `value`" in body["detail"]
    body = _problem(
        _decide(client, item, action="correct", value=1, text="x"), 400, "invalid_request"
    )
    assert body["where"] == "text"
    _problem(_decide(client, item, action="approve"), 422, "invalid_request")


def test_reject_is_for_list_items_only(client: TestClient) -> None:
    record_id = make_record(report())
    item = _items(client, record_id)["proactive.licensing.prior_items"]
    body = _problem(_decide(client, item, action="reject"), 422, "invalid_decision")
    assert body["where"] == "action" and "list items" in body["detail"]


def test_an_added_item_must_be_in_the_document(client: TestClient) -> None:
    record_id = make_record(report())
    lock = _record_lock(client, record_id)
    url = f"/v1/review/records/{record_id}/items"
    body = _problem(
        client.post(url, json={"list": "plans", "text": "建设智慧政务大厅", "lock_version": lock}),
        422,
        "text_not_found",
    )
    assert body["where"] == "text"
    _problem(
        client.post(url, json={"list": "plans", "text": "加强", "lock_version": lock}),
        422,
        "invalid_decision",
    )
    existing = _items(client, record_id)["problems.0"]["value"]
    dup = client.post(url, json={"list": "problems", "text": existing, "lock_version": lock})
    assert "already problems.0" in _problem(dup, 422, "invalid_decision")["detail"]
    _problem(
        client.post(url, json={"list": "todo", "text": "x", "lock_version": lock}),
        422,
        "invalid_request",
    )


def test_correcting_a_list_item_aligns_its_text(client: TestClient) -> None:
    text = report()
    record_id = make_record(text)
    item = _items(client, record_id)["problems.0"]
    response = _decide(client, item, action="correct", value="公开内容还不够全面")
    assert response.status_code == 200, response.text
    field = _record(client, record_id)["problems"][0]
    assert field["value"] == "公开内容还不够全面" and field["method"] == "review"
    assert text[field["source"]["start"] : field["source"]["end"]] == "公开内容还不够全面"
    not_there = _items(client, record_id)["measures.0"]
    _problem(
        _decide(client, not_there, action="correct", value="完全虚构的改进措施"),
        422,
        "text_not_found",
    )


def test_when_nothing_is_pending_the_record_is_complete(client: TestClient) -> None:
    record_id = make_record(report())
    items = _items(client, record_id)
    _decide(client, items["reviews_litigation.review.total"], action="correct", value=2)
    for path in (*(f"proactive.licensing.{col}" for col in LICENSING), "problems.0", "measures.0"):
        item = _items(client, record_id)[path]
        response = _decide(client, item, action="accept")
        assert response.status_code == 200, response.text
    assert response.json()["record"]["status"] == "complete"
    assert _record(client, record_id)["status"] == "complete"
    listed = client.get("/v1/records", params={"status": "complete"}).json()["items"]
    assert [r["record_id"] for r in listed] == [record_id]
    assert _queue(client)["total"] == 0


# --- optimistic locking ------------------------------------------------------------------------


def test_a_stale_decision_on_a_changed_item_gets_409_with_the_current_state(
    client: TestClient,
) -> None:
    record_id = make_record(report())
    items = _items(client, record_id)
    upheld = items["reviews_litigation.review.upheld"]
    _decide(client, items["reviews_litigation.review.total"], action="correct", value=2)
    body = _problem(_decide(client, upheld, action="correct", value=5), 409, "stale_decision")
    current = body["current"]
    assert current["record_id"] == record_id and current["version"] == 2
    assert current["lock_version"] == _record_lock(client, record_id)
    assert current["item"]["state"] == "resolved" and current["item"]["id"] == upheld["id"]
    upheld_now = _record(client, record_id)["reviews_litigation"]["review"]["upheld"]
    assert upheld_now["value"] == 1  # the stale correction was not applied


def test_a_stale_decision_on_an_unchanged_item_is_applied_on_the_current_version(
    client: TestClient,
) -> None:
    record_id = make_record(report())
    items = _items(client, record_id)
    first = _decide(client, items["proactive.licensing.decisions"], action="accept").json()
    assert first["rebased"] is False
    late = _decide(client, items["problems.0"], action="accept")  # lock_version of version 1
    assert late.status_code == 200, late.text
    assert late.json()["rebased"] is True and late.json()["record"]["version"] == 3
    record = _record(client, record_id)
    assert record["proactive"]["licensing"]["decisions"]["review"]["status"] == "accepted"
    assert record["problems"][0]["review"]["status"] == "accepted"  # neither was lost


def test_lock_version_comes_from_the_body_or_if_match(client: TestClient) -> None:
    record_id = make_record(report())
    item = _items(client, record_id)["proactive.licensing.decisions"]
    url = f"/v1/review/{item['id']}"
    _problem(client.post(url, json={"action": "accept"}), 428, "precondition_required")
    lock = item["lock_version"]
    _problem(
        client.post(
            url, json={"action": "accept", "lock_version": lock}, headers={"If-Match": '"99"'}
        ),
        400,
        "invalid_request",
    )
    _problem(
        client.post(url, json={"action": "accept"}, headers={"If-Match": "soon"}),
        400,
        "invalid_request",
    )
    _problem(
        client.post(url, json={"action": "accept"}, headers={"If-Match": f'"{lock + 5}"'}),
        409,
        "stale_decision",
    )
    ok = client.post(url, json={"action": "accept"}, headers={"If-Match": f'"{lock}"'})
    assert ok.status_code == 200, ok.text
    again = client.post(url, json={"action": "accept"}, headers={"If-Match": f'"{lock}"'})
    assert "already resolved" in _problem(again, 409, "stale_decision")["detail"]


def test_decisions_need_a_write_key(client: TestClient, read_key: str) -> None:
    record_id = make_record(report())
    item = _items(client, record_id)["problems.0"]
    reader = {"Authorization": f"Bearer {read_key}"}
    assert client.get("/v1/review", headers=reader).status_code == 200
    response = client.post(
        f"/v1/review/{item['id']}",
        json={"action": "accept", "lock_version": item["lock_version"]},
        headers=reader,
    )
    _problem(response, 403, "permission_denied")
    with TestClient(client.app) as anonymous:
        _problem(anonymous.get("/v1/review"), 401, "auth")


# --- history and exports -----------------------------------------------------------------------


def test_history_lists_versions_with_their_decisions(client: TestClient) -> None:
    record_id = make_record(report())
    items = _items(client, record_id)
    _decide(client, items["proactive.licensing.prior_items"], action="correct", value=39)
    _decide(client, items["problems.0"], action="accept")
    history = client.get(f"/v1/records/{record_id}/history").json()
    assert history["current_version"] == 3 and history["status"] == "needs_review"
    versions = history["versions"]
    assert [(v["version"], v["author"]) for v in versions] == [
        (1, "pipeline"),
        (2, "tests"),
        (3, "tests"),
    ]
    assert versions[0]["job_id"] and versions[0]["decisions"] == []
    correction = versions[1]["decisions"][0]
    assert correction["path"] == "proactive.licensing.prior_items"
    assert (correction["before"]["value"], correction["after"]["value"]) == (396, 39)
    assert correction["from_version"] == 1 and correction["to_version"] == 2
    _problem(client.get("/v1/records/rec_nope/history"), 404, "not_found")


def test_corrections_export_streams_json_lines(client: TestClient) -> None:
    record_id = make_record(report())
    items = _items(client, record_id)
    _decide(client, items["proactive.licensing.prior_items"], action="correct", value=39)
    _decide(client, items["problems.0"], action="accept")
    _decide(client, items["measures.0"], action="reject")
    response = client.get("/v1/review/decisions", params={"format": "jsonl"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["action"] for line in lines] == ["correct", "accept", "reject"]
    assert all(line["reviewer"] == "tests" and line["record_id"] == record_id for line in lines)
    assert lines[0]["before"]["value"] == 396 and lines[0]["after"]["value"] == 39
    only = client.get("/v1/review/decisions", params={"action": "reject"}).text.splitlines()
    assert len(only) == 1
    _problem(client.get("/v1/review/decisions", params={"format": "csv"}), 422, "invalid_request")


def test_the_document_text_endpoint(client: TestClient) -> None:
    text = report()
    record_id = make_record(text)
    response = client.get(f"/v1/review/records/{record_id}/document")
    assert response.status_code == 200 and response.text == text
    assert response.headers["content-type"].startswith("text/plain")


def test_the_review_page_and_its_assets_are_served(settings: Settings) -> None:
    with TestClient(client_app()) as anonymous:
        page = anonymous.get("/review")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert 'data-auth="true"' in page.text and "failed_identity" in page.text
        for asset in ("review.css", "review.js"):
            assert f"/review/static/{asset}?v=" in page.text
            assert anonymous.get(f"/review/static/{asset}").status_code == 200


def test_with_auth_off_the_page_needs_no_key(settings: Settings) -> None:
    override_settings(**{**settings.model_dump(), "auth_enabled": False})
    record_id = make_record(report())
    with TestClient(client_app()) as anonymous:
        assert 'data-auth="false"' in anonymous.get("/review").text
        item = anonymous.get("/v1/review").json()["items"][0]
        response = anonymous.post(
            f"/v1/review/{item['id']}", json={"action": "accept", "lock_version": 1}
        )
        assert response.status_code == 200, response.text
        assert response.json()["decision"]["reviewer"] == "auth disabled"
    assert item["record_id"] == record_id


def client_app() -> Any:
    from services.api.app import create_app

    return create_app()
