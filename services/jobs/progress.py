"""Reports a running job's stage to the database without slowing fast jobs down.

The pipeline calls `on_stage` after every stage. Most documents finish all ten stages in a
few milliseconds, so writing each one would cost more than the work; but the LLM stage can
take seconds, and a caller polling the job should see it. So the latest progress is written
by a timer, at most once per `flush_s`, and a job that finishes first writes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from services.storage.repositories import jobs as job_rows
from services.storage.session import write_session

log = logging.getLogger(__name__)


class ProgressReporter:
    def __init__(self, job_id: str, token: str, stages: Sequence[str], flush_s: float) -> None:
        self._job_id = job_id
        self._token = token
        self._stages = tuple(stages)
        self._flush_s = flush_s
        self._lock = threading.Lock()
        self._latest: tuple[str | None, int, int] | None = None
        self._timer: threading.Timer | None = None
        self._closed = False
        self.timings: list[tuple[str, float]] = []

    def on_stage(self, stage: str, index: int, total: int, seconds: float) -> None:
        """The pipeline's `on_stage` callback: `stage` (number `index` of `total`) is done."""
        self.timings.append((stage, seconds))
        running_next = self._stages[index] if index < len(self._stages) else None
        with self._lock:
            self._latest = (running_next, index, total)
            if self._timer is None and not self._closed:
                self._timer = threading.Timer(self._flush_s, self._flush)
                self._timer.daemon = True
                self._timer.start()

    def close(self) -> None:
        """Stop writing; waits for a write in flight so it cannot land after the result."""
        with self._lock:
            self._closed = True
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            timer.join()

    def _flush(self) -> None:
        with self._lock:
            latest = self._latest
            if self._closed or latest is None:
                return
        stage, done, total = latest
        try:
            with write_session() as session:
                job_rows.save_progress(
                    session, self._job_id, token=self._token, stage=stage, done=done, total=total
                )
        except Exception:  # progress is advisory: the job's result is written either way
            log.warning("job %s: could not save progress", self._job_id, exc_info=True)
        finally:
            with self._lock:
                self._timer = None
