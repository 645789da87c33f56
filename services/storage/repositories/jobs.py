"""Queries on `jobs` and `job_stage_timings`.

State changes of a running job are compare-and-set updates: they name the claim token that
the worker holds, so a delivery that lost its claim cannot overwrite anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from services.storage.models import Job, JobStageTiming
from services.storage.repositories._rows import execute_dml

TERMINAL_STATES = ("succeeded", "needs_review", "failed")


def add(session: Session, job: Job) -> None:
    session.add(job)


def get(session: Session, job_id: str) -> Job | None:
    return session.get(Job, job_id)


def get_many(session: Session, job_ids: Sequence[str]) -> dict[str, Job]:
    jobs = session.scalars(select(Job).where(Job.id.in_(job_ids))).all()
    return {job.id: job for job in jobs}


def latest_reusable_for_document(session: Session, document_id: str) -> Job | None:
    """The newest job of a document that did not fail (failed ones are worth re-running)."""
    return session.scalars(
        select(Job)
        .where(Job.document_id == document_id, Job.state != "failed")
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(1)
    ).first()


def set_enqueued(session: Session, job_id: str, when: datetime | None) -> None:
    execute_dml(session, update(Job).where(Job.id == job_id).values(enqueued_at=when))


def claim(
    session: Session,
    job_id: str,
    *,
    token: str,
    now: datetime,
    lease_until: datetime,
    first_stage: str,
    stage_total: int,
) -> bool:
    """Make `token` the job's runner. Succeeds for a queued job, for the same delivery again
    (a Celery retry or a redelivery keeps its task id), or once the previous lease ran out."""
    matched = execute_dml(
        session,
        update(Job)
        .where(
            Job.id == job_id,
            or_(
                Job.state == "queued",
                and_(
                    Job.state == "running",
                    or_(Job.claim_token == token, Job.lease_expires_at < now),
                ),
            ),
        )
        .values(
            state="running",
            attempts=Job.attempts + 1,
            claim_token=token,
            lease_expires_at=lease_until,
            started_at=func.coalesce(Job.started_at, now),
            stage=first_stage,
            stages_done=0,
            stage_total=stage_total,
        ),
    )
    return matched == 1


def save_progress(
    session: Session, job_id: str, *, token: str, stage: str | None, done: int, total: int
) -> bool:
    matched = execute_dml(
        session,
        update(Job)
        .where(Job.id == job_id, Job.state == "running", Job.claim_token == token)
        .values(stage=stage, stages_done=done, stage_total=total),
    )
    return matched == 1


def finish(session: Session, job_id: str, *, token: str, values: Mapping[str, Any]) -> bool:
    """Move a running job to a terminal state, only if `token` still holds its claim."""
    matched = execute_dml(
        session,
        update(Job)
        .where(Job.id == job_id, Job.state == "running", Job.claim_token == token)
        .values(**values),
    )
    return matched == 1


def replace_stage_timings(
    session: Session, job_id: str, timings: Sequence[tuple[str, float]]
) -> None:
    execute_dml(session, delete(JobStageTiming).where(JobStageTiming.job_id == job_id))
    session.add_all(
        JobStageTiming(job_id=job_id, stage=stage, position=i, seconds=seconds)
        for i, (stage, seconds) in enumerate(timings)
    )


def stage_timings(session: Session, job_id: str) -> list[tuple[str, float]]:
    rows = session.execute(
        select(JobStageTiming.stage, JobStageTiming.seconds)
        .where(JobStageTiming.job_id == job_id)
        .order_by(JobStageTiming.position)
    ).all()
    return [(stage, seconds) for stage, seconds in rows]


def set_callback_state(
    session: Session, job_id: str, *, state: str, attempts: int, error: str | None
) -> None:
    execute_dml(
        session,
        update(Job)
        .where(Job.id == job_id)
        .values(callback_state=state, callback_attempts=attempts, callback_error=error),
    )


def stale(
    session: Session, *, now: datetime, enqueued_before: datetime, limit: int
) -> Sequence[str]:
    """Jobs whose message may be gone: queued but not (recently) enqueued, or running on a
    lease that ran out (its worker died and the broker will not redeliver)."""
    return session.scalars(
        select(Job.id)
        .where(
            or_(
                and_(
                    Job.state == "queued",
                    or_(Job.enqueued_at.is_(None), Job.enqueued_at < enqueued_before),
                ),
                and_(Job.state == "running", Job.lease_expires_at < now),
            )
        )
        .order_by(Job.created_at)
        .limit(limit)
    ).all()


# --- aggregates for /metrics -------------------------------------------------------------------


def count_by_state(session: Session) -> dict[str, int]:
    rows = session.execute(select(Job.state, func.count()).group_by(Job.state)).all()
    return {state: count for state, count in rows}


def llm_token_totals(session: Session) -> tuple[int, int]:
    prompt, completion = session.execute(
        select(
            func.coalesce(func.sum(Job.llm_prompt_tokens), 0),
            func.coalesce(func.sum(Job.llm_completion_tokens), 0),
        )
    ).one()
    return int(prompt), int(completion)


def stage_histograms(
    session: Session, bounds: Sequence[float]
) -> dict[str, tuple[list[int], int, float]]:
    """Per stage: cumulative counts at each bound, total count, and sum of seconds."""
    columns = [func.sum(case((JobStageTiming.seconds <= bound, 1), else_=0)) for bound in bounds]
    rows = session.execute(
        select(
            JobStageTiming.stage,
            func.count(),
            func.coalesce(func.sum(JobStageTiming.seconds), 0.0),
            *columns,
        ).group_by(JobStageTiming.stage)
    ).all()
    out: dict[str, tuple[list[int], int, float]] = {}
    for stage, count, total, *cumulative in rows:
        out[stage] = ([int(c or 0) for c in cumulative], int(count), float(total))
    return out
