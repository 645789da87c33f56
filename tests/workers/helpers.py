"""Polling helpers for tests that talk to real servers."""

from __future__ import annotations

import time
from typing import Any

import httpx

TERMINAL = ("succeeded", "needs_review", "failed")


def wait_for_job(client: httpx.Client, job_id: str, timeout_s: float = 60.0) -> dict[str, Any]:
    """Poll like a client would (honouring Retry-After, capped) until the job finishes."""
    deadline = time.monotonic() + timeout_s
    while True:
        response = client.get(f"/v1/jobs/{job_id}")
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        if job["state"] in TERMINAL:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job['state']} after {timeout_s} s: {job}")
        assert "Retry-After" in response.headers
        time.sleep(min(float(response.headers["Retry-After"]), 0.1))


def wait_until(predicate: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)
