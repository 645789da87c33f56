"""The Celery app: Redis broker, JSON only, configured from `services.config` on first use.

Run a worker with `ogi-extract worker` (or `celery -A workers.app worker`). Job state lives in
the database, so there is no result backend. A message stays in Redis, unacknowledged, until
its task finishes (`acks_late`); if the worker dies, Redis hands it out again after the
visibility timeout, and a worker process killed under a task puts it back at once
(`reject_on_worker_lost`). Time limits end every task before the visibility timeout, so a task
that is still running is never handed out twice.
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from services.config import Settings, get_settings

RUN_JOB = "ogi.jobs.run"
DELIVER_CALLBACK = "ogi.jobs.deliver_callback"

app = Celery("ogi_extract", include=["workers.tasks"])
# A promise: Celery evaluates it when the configuration is first read, not at import time.
app.add_defaults(lambda: celery_config(get_settings()))


def celery_config(settings: Settings) -> dict[str, Any]:
    return {
        "broker_url": settings.broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {
            "visibility_timeout": settings.broker_visibility_timeout_s,
            "unacked_restore_interval": settings.broker_restore_interval_s,
            "unacked_restore_throttle": 1,  # every interval, not every tenth
            "socket_connect_timeout": 5,
        },
        "task_default_queue": settings.celery_queue,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "result_backend": None,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_acks_on_failure_or_timeout": True,
        "task_soft_time_limit": settings.task_soft_time_limit_s,
        "task_time_limit": settings.task_hard_time_limit_s,
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        "worker_prefetch_multiplier": 1,
        "worker_concurrency": settings.worker_concurrency,
        "worker_send_task_events": False,
        "worker_hijack_root_logger": False,
        "enable_utc": True,
    }
