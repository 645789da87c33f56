"""Celery tasks. Each is thin: take a job id, call ONE service function, retry if it asks.

Messages carry a job id only (JSON); the job's state and result live in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready

from services.config import get_settings
from services.errors import QueueUnavailableError, TransientJobError
from services.jobs import service
from services.jobs.service import CallbackRetryError
from workers.app import DELIVER_CALLBACK, RUN_JOB, app

log = logging.getLogger(__name__)

_F = TypeVar("_F", bound=Callable[..., Any])


def _task(name: str) -> Callable[[_F], _F]:
    """`app.task` with the options every task here needs (Celery itself is untyped)."""
    decorator = app.task(name=name, bind=True, acks_late=True, reject_on_worker_lost=True)
    return cast(Callable[[_F], _F], decorator)


def backoff_s(base_s: float, retries_so_far: int) -> float:
    """Delay before the next try: base, 2×base, 4×base, ..."""
    return float(base_s * 2**retries_so_far)


@_task(RUN_JOB)
def run_job(self: Task, job_id: str) -> str:
    settings = get_settings()
    retries = int(self.request.retries)
    try:
        return service.process_job(
            job_id,
            token=str(self.request.id),
            last_try=retries >= settings.task_max_retries,
            deadline_errors=(SoftTimeLimitExceeded,),
        )
    except TransientJobError as exc:
        log.warning("job %s: %s; retry %d", job_id, exc, retries + 1)
        raise self.retry(
            exc=exc,
            countdown=backoff_s(settings.task_retry_backoff_s, retries),
            max_retries=settings.task_max_retries,
        ) from exc


@_task(DELIVER_CALLBACK)
def deliver_callback(self: Task, job_id: str) -> str:
    settings = get_settings()
    retries = int(self.request.retries)
    try:
        return service.deliver_callback(
            job_id, attempt=retries + 1, last_try=retries + 1 >= settings.callback_max_attempts
        )
    except CallbackRetryError as exc:
        raise self.retry(
            exc=exc,
            countdown=backoff_s(settings.callback_backoff_s, retries),
            max_retries=settings.callback_max_attempts - 1,
        ) from exc


def _requeue_stale_jobs(**_: Any) -> None:
    """A starting worker re-sends jobs whose messages were lost (e.g. Redis restarted)."""
    try:
        requeued = service.requeue_stale_jobs()
    except QueueUnavailableError:
        log.exception("could not requeue stale jobs at startup")
        return
    if requeued:
        log.warning("requeued %d stale job(s): %s", len(requeued), ", ".join(requeued[:10]))


worker_ready.connect(_requeue_stale_jobs)
