"""Hands job ids to the Celery queue and asks it how it is doing. Never passes objects:
a message carries a job id and nothing else; the worker loads the rest from the database."""

from __future__ import annotations

import redis
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from services.config import get_settings
from services.errors import QueueUnavailableError
from workers.app import DELIVER_CALLBACK, RUN_JOB, app


def enqueue_job(job_id: str) -> None:
    _send(RUN_JOB, job_id)


def enqueue_callback(job_id: str) -> None:
    _send(DELIVER_CALLBACK, job_id)


def _send(task_name: str, job_id: str) -> None:
    try:
        app.send_task(task_name, args=[job_id], queue=get_settings().celery_queue)
    except (KombuError, RedisError, OSError) as err:
        raise QueueUnavailableError(
            f"job {job_id} is stored but the queue did not accept it ({type(err).__name__}: "
            f"{err}); it is queued again when the same request is retried",
            where="broker",
        ) from err


def queue_depth() -> int:
    """Messages waiting in the job queue (not counting those a worker already holds)."""
    settings = get_settings()
    client = redis.Redis.from_url(settings.broker_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return int(client.llen(settings.celery_queue))
    finally:
        client.close()


def live_workers(timeout_s: float) -> int:
    """How many workers answered a ping within `timeout_s` (0 when none, or no broker)."""
    replies = app.control.ping(timeout=timeout_s, limit=1)
    return len(replies or [])
