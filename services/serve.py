"""`ogi-extract serve`: everything for local use in one command, without Docker.

1. migrates the database (SQLite `./ogi-extract.db` unless DATABASE_URL says otherwise)
2. when REDIS_URL is unset and nothing answers on 127.0.0.1:REDIS_PORT, starts
   `redis-server` from PATH there (in-memory, no persistence: job state is in the database,
   and a starting worker re-queues jobs whose messages were lost)
3. starts `ogi-extract worker` as a child process
4. serves the API with uvicorn until Ctrl-C / SIGTERM, then stops the children
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from services.config import Settings, get_settings, override_settings
from services.errors import ServeError
from services.storage import migrate

log = logging.getLogger(__name__)


class _StopRequestedError(Exception):
    """SIGTERM arrived: unwind so that the worker and Redis are stopped too."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _StopRequestedError(signum)


def serve(*, host: str, port: int, with_worker: bool = True) -> int:
    settings = get_settings()
    migrate.upgrade()
    # uvicorn shuts down gracefully on SIGTERM/SIGINT, then raises the signal again with the
    # handler it found: with this one (and Python's SIGINT one) the children below are stopped
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        with _redis(settings) as broker_url:
            env = {**os.environ, "REDIS_URL": broker_url}
            with _worker(settings, env, enabled=with_worker):
                from services.api.app import create_app

                # the API must publish to the broker chosen above
                override_settings(redis_url=broker_url)
                uvicorn.run(create_app(), host=host, port=port, log_level="info")
    except (_StopRequestedError, KeyboardInterrupt):
        log.info("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def worker_command(settings: Settings, *, concurrency: int | None = None) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "--app=workers.app",
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency or settings.worker_concurrency}",
        f"--queues={settings.celery_queue}",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
    ]


@contextmanager
def _redis(settings: Settings) -> Iterator[str]:
    if settings.redis_url is not None:
        yield settings.redis_url
        return
    if port_open("127.0.0.1", settings.redis_port):
        yield settings.broker_url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServeError(
            f"nothing answers on 127.0.0.1:{settings.redis_port} and `redis-server` is not on "
            "PATH: install it (apt-get install redis-server) or set REDIS_URL"
        )
    process = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(settings.redis_port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C must not stop Redis before the worker
    )
    try:
        _wait_for_port(settings.redis_port, process)
        log.info("started redis-server on 127.0.0.1:%d", settings.redis_port)
        yield settings.broker_url
    finally:
        stop(process)


@contextmanager
def _worker(settings: Settings, env: dict[str, str], *, enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    process = subprocess.Popen(worker_command(settings), env=env, start_new_session=True)
    try:
        yield
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], timeout_s: float = 15.0) -> None:
    """SIGTERM (a Celery worker finishes its task first), then SIGKILL if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if port_open("127.0.0.1", port):
            return
        if process.poll() is not None:
            raise ServeError(f"redis-server exited with status {process.returncode}")
        time.sleep(0.05)
    raise ServeError(f"redis-server did not open port {port} within {timeout_s:.0f} s")
