"""Review benchmark: the review page and the queue API with 1,000 pending items.

    .venv/bin/python bench/bench_review.py [--records 100] [--repeat 30]

Starts its own real parts and removes them afterwards: a PostgreSQL database of its own on
127.0.0.1:5432 and one uvicorn API process (auth on). Seeds --records documents of the review
tests (10 pending fields each: 1,000 items by default), written as the job service writes them
(record, version, review items in one transaction). Then times, over --repeat runs after a
warm-up:

  1. the page's requests one by one: the HTML, its CSS and JS, the first queue page (100
     items, what the page asks for first; more as the reviewer scrolls), the first item's
     document;
  2. "page load (HTTP)": all of them in sequence, as a browser makes them;
  3. the queue API at 500 items, and a full walk of the queue by cursor;
  4. "page load (Chromium)": real headless Chromium, from navigation until the queue (first
     100 items, the count of all) is drawn
     and the first item's document shown (skipped if Playwright or /usr/bin/chromium is missing);
  5. a decision (accept), for scale.

Target: the page loads a queue of 1,000 pending items in under 300 ms. Prints one table.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.api.keys import create_key  # noqa: E402
from services.config import override_settings  # noqa: E402
from services.jobs.service import filter_columns, record_id_for  # noqa: E402
from services.pipeline import extract  # noqa: E402
from services.pipeline.run import content_id  # noqa: E402
from services.review.sync import sync_review_items  # noqa: E402
from services.storage.models import Document, RecordVersion, StoredRecord  # noqa: E402
from services.storage.session import dispose_all, write_session  # noqa: E402
from tests.review.documents import report  # noqa: E402
from tests.support.databases import create_postgres_database, drop_postgres_database  # noqa: E402
from tests.support.processes import UvicornServer, service_env  # noqa: E402

TARGET_MS = 300.0
CHROMIUM = "/usr/bin/chromium"


def seed(records: int) -> int:
    """Store `records` documents with their extracted records; returns the pending items."""
    pending = 0
    now = datetime.now(UTC)
    for i in range(records):
        text = report(agency=_agency(i), year=2019 + i % 2, published="2021-01-20")
        document_id = content_id(text)
        record = extract(text, document_id=document_id, record_id=record_id_for(document_id))
        with write_session() as session:
            session.add(
                Document(
                    id=document_id,
                    sha256=document_id,
                    filename=f"bench-{i}.txt",
                    size_bytes=len(text.encode()),
                    content=text.encode(),
                    text=text,
                    created_at=now,
                )
            )
            stored = StoredRecord(
                id=record.record_id,
                document_id=document_id,
                current_version=1,
                created_at=now,
                updated_at=now,
                **filter_columns(record),
            )
            session.add(stored)
            session.flush()
            session.add(
                RecordVersion(
                    record_id=record.record_id,
                    version=1,
                    author="pipeline",
                    body=record.model_dump_json(),
                    created_at=now,
                )
            )
            session.flush()
            pending += len(sync_review_items(session, stored, record, now).queued)
    return pending


def _agency(i: int) -> str:
    stems = "甲乙丙丁戊己庚辛壬癸"
    return f"{stems[i % 10]}{stems[i // 10 % 10]}{stems[i // 100 % 10]}市水务局"


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    run()  # warm-up: connections, caches
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def http_measures(client: httpx.Client, repeat: int) -> list[tuple[str, list[float]]]:
    first = client.get("/v1/review", params={"limit": 1}).json()["items"][0]

    def get(path: str, **params: int | str) -> Callable[[], object]:
        def run() -> object:
            response = client.get(path, params=params)
            response.raise_for_status()
            return response

        return run

    steps = {
        "GET /review (HTML)": get("/review"),
        "GET review.css": get("/review/static/review.css"),
        "GET review.js": get("/review/static/review.js"),
        "GET /v1/review?limit=100": get("/v1/review", limit=100),
        "GET document text": get(f"/v1/review/records/{first['record_id']}/document"),
    }

    def page_load() -> None:
        for step in steps.values():
            step()

    def walk() -> None:
        cursor = None
        while True:
            params: dict[str, int | str] = {"limit": 500}
            if cursor:
                params["cursor"] = cursor
            body = client.get("/v1/review", params=params).json()
            cursor = body["next_cursor"]
            if cursor is None:
                return

    out = [(name, timed(step, repeat)) for name, step in steps.items()]
    out.append(("page load (HTTP, all of the above)", timed(page_load, repeat)))
    out.append(("GET /v1/review?limit=500", timed(get("/v1/review", limit=500), repeat)))
    out.append(("walk all items (limit=500 pages)", timed(walk, repeat)))
    return out


def browser_measure(url: str, key: str, repeat: int) -> list[float] | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if shutil.which(CHROMIUM) is None:
        return None
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    samples: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.add_init_script(f"sessionStorage.setItem('ogi-review-key', {key!r})")
        page = context.new_page()
        for i in range(repeat + 1):
            started = time.perf_counter()
            page.goto(f"{url}/review")
            page.wait_for_function(
                "document.querySelectorAll('#queue li').length >= 100"
                " && document.querySelector('#doc').textContent.length > 0"
            )
            if i:  # the first is the warm-up
                samples.append((time.perf_counter() - started) * 1000)
        browser.close()
    return samples


def decision_measure(client: httpx.Client, repeat: int) -> list[float]:
    items = client.get("/v1/review", params={"limit": repeat + 1, "table": "problems"}).json()
    samples = []
    for item in items["items"]:
        started = time.perf_counter()
        response = client.post(
            f"/v1/review/{item['id']}",
            json={"action": "accept", "lock_version": item["lock_version"]},
        )
        response.raise_for_status()
        samples.append((time.perf_counter() - started) * 1000)
    return samples[1:]


def row(name: str, samples: list[float] | None, target: float | None = None) -> str:
    if not samples:
        return f"{name:<38} {'skipped':>9}"
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    verdict = "" if target is None else ("ok" if p95 < target else "OVER")
    return (
        f"{name:<38} {statistics.median(ordered):>9.1f} {p95:>9.1f} {ordered[-1]:>9.1f}"
        f" {len(ordered):>5} {verdict:>6}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100, help="documents (10 items each)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    url = create_postgres_database()
    server: UvicornServer | None = None
    try:
        values = {"database_url": url, "auth_enabled": True, "llm_backend": "none"}
        override_settings(**values)
        started = time.perf_counter()
        items = seed(args.records)
        seeded_s = time.perf_counter() - started
        key = create_key("bench").secret
        env = service_env({name.upper(): str(value) for name, value in values.items()})
        server = UvicornServer(env, Path(tempfile.mkdtemp(prefix="bench-review-"))).start_and_wait()
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            measures = http_measures(client, args.repeat)
            in_browser = browser_measure(server.url, key, min(args.repeat, 15))
            deciding = decision_measure(client, min(args.repeat, 20))
    finally:
        if server is not None:
            server.stop()
        dispose_all()
        drop_postgres_database(url)

    print(f"\nreview benchmark: {items} pending items in {args.records} records "
          f"(seeded in {seeded_s:.1f} s); target: page load < {TARGET_MS:.0f} ms\n")  # fmt: skip
    print(f"{'measure (ms)':<38} {'p50':>9} {'p95':>9} {'max':>9} {'runs':>5} {'target':>6}")
    print("-" * 81)
    for name, samples in measures:
        print(row(name, samples, TARGET_MS if name.startswith("page load") else None))
    print(row("page load (Chromium, queue drawn)", in_browser, TARGET_MS))
    print(row("POST /v1/review/{id} (accept)", deciding))


if __name__ == "__main__":
    main()
