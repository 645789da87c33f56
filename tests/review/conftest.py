"""Fixtures of the review tests: settings on the session's PostgreSQL, an in-process API client,
and a real uvicorn server of their own (for concurrent HTTP and the browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.api.app import create_app
from services.config import Settings
from tests.support.processes import UvicornServer
from tests.support.service_fixtures import IDLE_QUEUE, as_env, base_values, configured


def review_values(pg_url: str) -> dict[str, Any]:
    """The session's settings with the idle queue (no worker: jobs run in this process)."""
    return base_values(pg_url, queue=IDLE_QUEUE)


@pytest.fixture
def settings(pg_url: str) -> Iterator[Settings]:
    with configured(review_values(pg_url)) as s:
        yield s


@pytest.fixture
def client(settings: Settings, api_key: str) -> Iterator[TestClient]:
    with TestClient(create_app(), headers={"Authorization": f"Bearer {api_key}"}) as c:
        yield c


@pytest.fixture(scope="session")
def review_server(pg_url: str, log_dir: Path) -> Iterator[UvicornServer]:
    """A real API server on the session's database (started once)."""
    server = UvicornServer(as_env(review_values(pg_url)), log_dir).start_and_wait()
    try:
        yield server
    finally:
        server.stop()
