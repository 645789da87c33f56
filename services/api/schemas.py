"""Request and response bodies of the HTTP API (the job resource is `services.jobs.views`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.jobs.views import JobView


class JobSubmission(BaseModel):
    """`POST /v1/jobs` as JSON (also one line of a JSON Lines batch)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The document's text.")
    filename: str | None = Field(None, max_length=500)
    callback_url: str | None = Field(
        None, max_length=2000, description="POSTed the job, HMAC-signed, when it finishes."
    )
    force: bool = Field(False, description="Extract again even if this text was seen before.")


class BatchItem(BaseModel):
    index: int = Field(description="Position of the document in the request, from 0.")
    filename: str | None
    status: int = Field(description="202 new job, 200 existing job, else the error's status.")
    job: JobView | None = None
    error: dict[str, Any] | None = Field(None, description="A problem document.")


class BatchResult(BaseModel):
    accepted: int
    failed: int
    items: list[BatchItem]


class RecordSummaryOut(BaseModel):
    record_id: str
    document_id: str
    version: int
    status: str
    doc_type: str
    format_version: str | None
    agency: str | None
    report_year: int | None
    updated_at: datetime
    url: str


class RecordPageOut(BaseModel):
    items: list[RecordSummaryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
    next: str | None = Field(None, description="The next page's URL.")


class VersionOut(BaseModel):
    version: int
    author: str
    job_id: str | None
    created_at: datetime
    url: str


class Health(BaseModel):
    status: str
    checks: dict[str, str] = Field(default_factory=dict)
