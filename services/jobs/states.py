"""The job state machine.

    queued ──claim──▶ running ──▶ succeeded      record complete
                        │   ╰───▶ needs_review   record has fields waiting for a person
                        │   ╰───▶ failed         unusable input, retries used up, time limit
                        ╰─claim─▶ running        redelivered after its worker died, or retried

Only a delivery that holds the job's claim (its Celery task id) can move a running job on,
so a second delivery of the same job can never write a second result.
"""

from __future__ import annotations

from typing import Literal

JobState = Literal["queued", "running", "succeeded", "needs_review", "failed"]

JOB_STATES: tuple[JobState, ...] = ("queued", "running", "succeeded", "needs_review", "failed")
TERMINAL: frozenset[str] = frozenset({"succeeded", "needs_review", "failed"})

CallbackState = Literal["pending", "delivered", "failed"]


def is_terminal(state: str) -> bool:
    return state in TERMINAL


def state_for_record(record_status: str) -> JobState:
    """A finished extraction's job state follows its record's status."""
    return "needs_review" if record_status == "needs_review" else "succeeded"


def as_state(value: str) -> JobState:
    """Narrow a stored state string (the column holds nothing else)."""
    if value not in JOB_STATES:
        raise ValueError(f"unknown job state {value!r}")
    return value
