"""`ogi-extract serve`: one command starts Redis (none answering, REDIS_URL unset), a worker
and the API on SQLite; submit → poll → fetch works; stopping it stops everything."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from services.serve import port_open
from tests.support.processes import ChildProcess, free_port, service_env, wait_for_http
from tests.workers.helpers import wait_for_job


def _cli(args: list[str], env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "services.cli_service", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_serve_runs_everything_locally(tmp_path: Path, seeds_dir: Path) -> None:
    redis_port, api_port = free_port(), free_port()
    env = service_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'local.db'}",
            "REDIS_PORT": str(redis_port),
            "LLM_BACKEND": "none",
        }
    )
    assert not port_open("127.0.0.1", redis_port)
    _cli(["migrate"], env, tmp_path)
    key = _cli(["apikey", "create", "--name", "local"], env, tmp_path).strip()

    serve = ChildProcess(
        "serve",
        [sys.executable, "-m", "services.cli_service", "serve", "--port", str(api_port)],
        env,
        tmp_path,
    )
    serve.start()
    try:
        wait_for_http(f"http://127.0.0.1:{api_port}/healthz", 60, serve)
        assert port_open("127.0.0.1", redis_port)  # it started its own Redis
        with httpx.Client(
            base_url=f"http://127.0.0.1:{api_port}",
            timeout=30,
            headers={"Authorization": f"Bearer {key}"},
        ) as client:
            report = (seeds_dir / "001_357bcb75ecbbd974.txt").read_bytes()
            files = {"file": ("001.txt", report, "text/plain")}
            job = wait_for_job(client, client.post("/v1/jobs", files=files).json()["id"])
            assert job["state"] in ("succeeded", "needs_review"), job
            record = client.get(f"/v1/records/{job['record_id']}").json()
            assert record["document_id"] == job["document_id"]
            ready = client.get("/readyz").json()
            assert ready["checks"] == {"database": "ok", "redis": "ok", "workers": "ok"}
    finally:
        serve.stop(timeout_s=30)
    assert serve.process is not None and serve.process.returncode == 0, serve.log()[-3000:]
    deadline = time.monotonic() + 10
    while port_open("127.0.0.1", redis_port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not port_open("127.0.0.1", redis_port)
