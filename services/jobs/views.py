"""What a job looks like to callers: the API's job resource and the callback's body."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from services.jobs.states import JobState, as_state, is_terminal
from services.storage.models import Job


class Progress(BaseModel):
    stage: str | None = Field(description="The stage now running (null when not running).")
    stages_done: int
    stage_total: int
    fraction: float = Field(ge=0, le=1)


class JobError(BaseModel):
    type: str = Field(description="Machine code, e.g. empty_document, timeout, internal.")
    title: str
    status: int = Field(description="The HTTP status this error maps to.")
    detail: str
    where: str | None = None


class LlmUsage(BaseModel):
    status: str | None = Field(description="not_configured | ok | cached | failed")
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Callback(BaseModel):
    url: str
    state: str | None
    attempts: int
    error: str | None = None


class Links(BaseModel):
    self: str
    record: str | None = None


class JobView(BaseModel):
    id: str
    state: JobState
    document_id: str
    filename: str | None
    attempts: int
    progress: Progress
    timings: dict[str, float] = Field(description="Seconds per pipeline stage, in stage order.")
    llm_usage: LlmUsage
    error: JobError | None
    record_id: str | None
    record_version: int | None
    callback: Callback | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    links: Links

    @property
    def finished(self) -> bool:
        return is_terminal(self.state)


def job_view(job: Job, timings: list[tuple[str, float]]) -> JobView:
    done, total = job.stages_done, job.stage_total
    return JobView(
        id=job.id,
        state=as_state(job.state),
        document_id=job.document_id,
        filename=job.filename,
        attempts=job.attempts,
        progress=Progress(
            stage=job.stage if job.state == "running" else None,
            stages_done=done,
            stage_total=total,
            fraction=round(done / total, 4) if total else 0.0,
        ),
        timings={stage: round(seconds, 6) for stage, seconds in timings},
        llm_usage=LlmUsage(
            status=job.llm_status,
            prompt_tokens=job.llm_prompt_tokens,
            completion_tokens=job.llm_completion_tokens,
        ),
        error=JobError.model_validate_json(job.error_json) if job.error_json else None,
        record_id=job.record_id,
        record_version=job.record_version,
        callback=_callback(job),
        created_at=as_utc(job.created_at),
        started_at=as_utc(job.started_at) if job.started_at else None,
        finished_at=as_utc(job.finished_at) if job.finished_at else None,
        links=Links(
            self=f"/v1/jobs/{job.id}",
            record=f"/v1/records/{job.record_id}" if job.record_id else None,
        ),
    )


def _callback(job: Job) -> Callback | None:
    if job.callback_url is None:
        return None
    return Callback(
        url=job.callback_url,
        state=job.callback_state,
        attempts=job.callback_attempts,
        error=job.callback_error,
    )


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def error_json(error: JobError) -> str:
    return json.dumps(error.model_dump(), ensure_ascii=False)
