"""Service benchmark on loopback: end-to-end documents per second, and API latency.

    .venv/bin/python bench/bench_service.py [--docs 400] [--clients 50] [--requests 20]

Starts its own real parts and removes them afterwards: a PostgreSQL database of its own on
127.0.0.1:5432, Redis database 6 on 127.0.0.1:6379 (flushed), the zero-latency fake LLM
(tests/support/fake_llm.py), one uvicorn API process and one Celery worker with 2 prefork
processes. Then:

  1. end-to-end: submits --docs distinct documents (the seed reports, each made unique by a
     trailing line) as batches, and times until every job is finished → documents/s
     (target ≥ 20 on the 2-core machine);
  2. API latency: --clients concurrent clients, each submitting --requests new documents and
     polling a job after each, against the same running service → p50/p95/p99 per endpoint
     (target p99 < 100 ms).

Prints one table. Bounded: every wait has a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.api.keys import create_key  # noqa: E402
from services.config import override_settings  # noqa: E402
from tests.support.databases import create_postgres_database, drop_postgres_database  # noqa: E402
from tests.support.processes import (  # noqa: E402
    CeleryWorker,
    ChildProcess,
    UvicornServer,
    free_port,
    service_env,
)

SEEDS = REPO.parent / "shared" / "seeds"
REDIS_URL = "redis://127.0.0.1:6379/6"
TERMINAL = {"succeeded", "needs_review", "failed"}


def documents(count: int, tag: str) -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return [f"{seeds[i % len(seeds)]}\n（{tag}文档编号 {i}）\n" for i in range(count)]


def end_to_end(client: httpx.Client, count: int, batch: int = 50) -> tuple[float, int]:
    texts = documents(count, "e2e")
    started = time.perf_counter()
    job_ids: list[str] = []
    for i in range(0, count, batch):
        lines = "\n".join(
            httpx.Request("POST", "/", json={"text": t}).content.decode()
            for t in texts[i : i + batch]
        )
        result = client.post(
            "/v1/jobs/batch",
            content=lines.encode(),
            headers={"Content-Type": "application/x-ndjson"},
        ).json()
        job_ids += [item["job"]["id"] for item in result["items"] if item["job"]]
    # jobs finish roughly in order: wait on the oldest unfinished one (light polling, so the
    # measurement is of the workers, not of the poller)
    failed = 0
    deadline = time.monotonic() + 300
    for job_id in job_ids:
        while (state := client.get(f"/v1/jobs/{job_id}").json()["state"]) not in TERMINAL:
            if time.monotonic() > deadline:
                raise SystemExit(f"job {job_id} unfinished after 300 s")
            time.sleep(0.1)
        failed += state == "failed"
    return time.perf_counter() - started, failed


async def latency(
    base_url: str, key: str, clients: int, per_client: int, *, pace_s: float, tag: str
) -> tuple[dict[str, list[float]], list[str]]:
    """Each client submits a new document, then polls its job; `pace_s` > 0 makes each client
    start one such round per `pace_s` seconds (an open load of clients/pace_s rounds/s), 0
    sends the next round at once (a closed loop: the API's saturation point)."""
    texts = documents(clients * per_client, tag)
    timings: dict[str, list[float]] = {"POST /v1/jobs": [], "GET /v1/jobs/{id}": []}
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base_url, timeout=30, limits=limits, headers={"Authorization": f"Bearer {key}"}
    ) as client:

        async def one_client(n: int) -> None:
            await asyncio.sleep(pace_s * n / clients)  # spread the clients' phases
            for i in range(per_client):
                text = texts[n * per_client + i]
                round_started = time.perf_counter()
                try:
                    t0 = time.perf_counter()
                    response = await client.post("/v1/jobs", json={"text": text})
                    timings["POST /v1/jobs"].append(time.perf_counter() - t0)
                    response.raise_for_status()
                    job_id = response.json()["id"]
                    t0 = time.perf_counter()
                    (await client.get(f"/v1/jobs/{job_id}")).raise_for_status()
                    timings["GET /v1/jobs/{id}"].append(time.perf_counter() - t0)
                except httpx.HTTPError as err:
                    errors.append(f"{type(err).__name__}: {err}")
                if pace_s:
                    await asyncio.sleep(max(0.0, pace_s - (time.perf_counter() - round_started)))

        await asyncio.gather(*(one_client(n) for n in range(clients)))
    return timings, errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="submissions per client")
    parser.add_argument("--api-processes", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()

    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    db_url = create_postgres_database()
    logs = Path(tempfile.mkdtemp(prefix="bench-service-"))
    llm_port = free_port()
    values = {
        "DATABASE_URL": db_url,
        "REDIS_URL": REDIS_URL,
        "CELERY_QUEUE": "ogi-bench",
        "LLM_BACKEND": "openai",
        "LLM_BASE_URL": f"http://127.0.0.1:{llm_port}/v1",
        "AUTH_ENABLED": "true",
    }
    env = service_env(values)
    llm = ChildProcess(
        "fake-llm",
        [
            sys.executable,
            str(REPO / "tests/support/fake_llm.py"),
            "--port",
            str(llm_port),
            "--mode",
            "zero-latency",
        ],
        env,
        logs,
    )
    api = UvicornServer(env, logs, processes=args.api_processes)
    worker = CeleryWorker(env, logs, queue="ogi-bench", concurrency=2)
    try:
        llm.start()
        api.start_and_wait()
        worker.start_and_wait()
        override_settings(database_url=db_url, redis_url=REDIS_URL)
        key = create_key("bench").secret
        with httpx.Client(
            base_url=api.url, timeout=60, headers={"Authorization": f"Bearer {key}"}
        ) as client:
            client.post("/v1/jobs", json={"text": documents(1, "warm-up")[0]})
            seconds, failed = end_to_end(client, args.docs)
        print(f"end-to-end: {args.docs} documents in {seconds:.1f} s", flush=True)
        runs = {
            "paced, 1 round/s per client": asyncio.run(
                latency(api.url, key, args.clients, args.requests, pace_s=1.0, tag="paced")
            ),
            "closed loop (saturation)": asyncio.run(
                latency(api.url, key, args.clients, args.requests, pace_s=0.0, tag="closed")
            ),
        }
    finally:
        for process in (worker, api, llm):
            process.stop()
        drop_postgres_database(db_url)
        redis.Redis.from_url(REDIS_URL).flushdb()

    print(
        "\nogi-extract service benchmark (loopback; API: 1 uvicorn process; worker: "
        "2 prefork processes; PostgreSQL; zero-latency LLM)\n"
    )
    print(f"{'measure':<40}{'value':>14}{'target':>14}")
    print("-" * 68)
    rate = args.docs / seconds
    print(f"{f'end-to-end, {args.docs} documents':<40}{f'{rate:.1f} docs/s':>14}{'>= 20':>14}")
    print(f"{'  failed jobs':<40}{failed:>14}{'0':>14}")
    for mode, (timings, errors) in runs.items():
        print(f"\n{args.clients} concurrent clients, {mode}")
        print(f"{'  request errors':<40}{len(errors):>14}{'0':>14}")
        for error in sorted(set(errors))[:5]:
            print(f"    {error}")
        for name, values_ in timings.items():
            print(f"{f'  {name} (n={len(values_)})':<40}")
            for q in (50, 95, 99):
                ms = percentile(values_, q) * 1000
                target = "< 100 ms" if q == 99 else ""
                print(f"{f'    p{q}':<40}{f'{ms:.1f} ms':>14}{target:>14}")
            print(f"{'    mean':<40}{f'{statistics.mean(values_) * 1000:.1f} ms':>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
