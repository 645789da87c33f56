"""Prometheus metrics for `GET /metrics`.

Job metrics come from the database at scrape time, because the jobs run in worker processes
(possibly on other machines) while the API serves the scrape; the database is the one place
that sees them all. HTTP metrics are counted in this API process.

    ogi_jobs{state}                        jobs in each state
    ogi_stage_duration_seconds{stage}      histogram of pipeline stage durations (finished jobs)
    ogi_llm_tokens_total{kind}             LLM tokens spent (prompt, completion)
    ogi_queue_depth                        messages waiting in the job queue
    ogi_http_request_duration_seconds{method,route,status}
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.jobs import queue
from services.jobs.states import JOB_STATES
from services.storage.repositories import jobs as job_rows
from services.storage.session import read_session

log = logging.getLogger(__name__)

STAGE_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0, 240.0)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class JobCollector(Collector):
    """Reads job counts, stage timings and token totals from the database on each scrape."""

    def collect(self) -> Iterator[Metric]:
        try:
            with read_session() as session:
                by_state = job_rows.count_by_state(session)
                histograms = job_rows.stage_histograms(session, STAGE_BUCKETS)
                prompt, completion = job_rows.llm_token_totals(session)
        except SQLAlchemyError:
            log.warning("metrics: database unavailable", exc_info=True)
            return
        jobs = GaugeMetricFamily("ogi_jobs", "Jobs in each state.", labels=["state"])
        for state in JOB_STATES:
            jobs.add_metric([state], by_state.get(state, 0))
        yield jobs

        stages = HistogramMetricFamily(
            "ogi_stage_duration_seconds", "Pipeline stage durations.", labels=["stage"]
        )
        for stage, (cumulative, count, total) in sorted(histograms.items()):
            buckets = [
                (_bound(b), float(c)) for b, c in zip(STAGE_BUCKETS, cumulative, strict=True)
            ]
            buckets.append(("+Inf", float(count)))
            stages.add_metric([stage], buckets, sum_value=total)
        yield stages

        tokens = CounterMetricFamily("ogi_llm_tokens", "LLM tokens spent.", labels=["kind"])
        tokens.add_metric(["prompt"], prompt)
        tokens.add_metric(["completion"], completion)
        yield tokens


class QueueCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        try:
            depth = queue.queue_depth()
        except RedisError:
            log.warning("metrics: broker unavailable", exc_info=True)
            return
        yield GaugeMetricFamily("ogi_queue_depth", "Jobs waiting in the queue.", value=depth)


def _bound(value: float) -> str:
    return repr(float(value))


def build_registry() -> tuple[CollectorRegistry, Histogram]:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(JobCollector())
    registry.register(QueueCollector())
    requests = Histogram(
        "ogi_http_request_duration_seconds",
        "HTTP request latency by route template.",
        labelnames=("method", "route", "status"),
        buckets=HTTP_BUCKETS,
        registry=registry,
    )
    return registry, requests


class RequestTimer:
    """ASGI middleware observing each request's duration under its route template (never
    the raw path, whose ids would make a label per job)."""

    def __init__(self, app: ASGIApp, histogram: Histogram) -> None:
        self.app = app
        self.histogram = histogram

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = _route_template(scope)
            self.histogram.labels(scope["method"], route, str(status)).observe(
                time.perf_counter() - started
            )


def _route_template(scope: Scope) -> str:
    # the router leaves the route it matched in the (shared) scope
    return str(getattr(scope.get("route"), "path", "unmatched"))
