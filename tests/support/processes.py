"""Real server processes for tests: Celery workers and uvicorn, on loopback, with their own
environment. Each is started in its own process group so a test can SIGKILL it whole."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(values: Mapping[str, str]) -> dict[str, str]:
    """The environment of a child process: ours, plus the given settings, importable repo."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "DATABASE_", "REDIS_"))}
    env.update(values)
    env["PYTHONPATH"] = str(REPO)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class ChildProcess:
    """A subprocess whose output goes to a log file, readable when a test fails."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.log_path = log_dir / f"{name}-{secrets.token_hex(3)}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill_hard(self) -> None:
        """SIGKILL the whole process group: the worker and its pool children, at once."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, timeout_s: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill_hard()

    def wait_for_log(self, text: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if text in self.log():
                return
            if not self.alive():
                raise RuntimeError(f"{self.name} exited:\n{self.log()[-3000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"{self.name}: no {text!r} within {timeout_s} s:\n{self.log()[-3000:]}")


class CeleryWorker(ChildProcess):
    def __init__(self, env: dict[str, str], log_dir: Path, *, queue: str, concurrency: int = 1):
        self.hostname = f"ogi-test-{secrets.token_hex(3)}@127.0.0.1"
        command = [
            sys.executable,
            "-m",
            "celery",
            "--app=workers.app",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            f"--queues={queue}",
            f"--hostname={self.hostname}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        super().__init__("worker", command, env, log_dir)

    def start_and_wait(self, timeout_s: float = 60.0) -> CeleryWorker:
        self.start()
        self.wait_for_log(" ready.", timeout_s)
        return self

    def pool_pids(self) -> list[int]:
        """The prefork children (they run the tasks)."""
        assert self.process is not None
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in out.stdout.split()]


class UvicornServer(ChildProcess):
    def __init__(self, env: dict[str, str], log_dir: Path, *, processes: int = 1) -> None:
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "services.api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            *(["--workers", str(processes)] if processes > 1 else []),
        ]
        super().__init__("api", command, env, log_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_and_wait(self, timeout_s: float = 30.0) -> UvicornServer:
        self.start()
        wait_for_http(f"{self.url}/healthz", timeout_s, self)
        return self


def wait_for_http(url: str, timeout_s: float, process: ChildProcess) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass  # not listening yet
        if not process.alive():
            raise RuntimeError(f"{process.name} exited:\n{process.log()[-3000:]}")
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout_s} s:\n{process.log()[-3000:]}")
