"""`/v1/jobs`: submit documents, follow their jobs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from services.api import intake
from services.api.auth import Reader, Writer
from services.api.problems import problem_for
from services.api.schemas import BatchItem, BatchResult, JobSubmission
from services.config import get_settings
from services.errors import InvalidSubmissionError, OgiError
from services.jobs import service
from services.jobs.views import JobView, Links

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Repeat a request with the same key to get the same job back, never a "
        "second one (for 24 h at least; keys are kept until deleted).",
    ),
]
Force = Annotated[bool, Query(description="Extract again even if this content was seen.")]

_SUBMIT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": JobSubmission.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "filename": {"type": "string"},
                        "callback_url": {"type": "string"},
                    },
                }
            },
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}

_BATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "callback_url": {"type": "string"},
                    },
                }
            },
            "application/x-ndjson": {
                "schema": {"type": "string", "description": "One JSON submission per line."}
            },
        },
    }
}


@router.post(
    "",
    status_code=202,
    response_model=JobView,
    openapi_extra=_SUBMIT_BODY,
    summary="Submit one document",
    responses={200: {"model": JobView, "description": "The same content already has a job."}},
)
async def submit_job(
    request: Request,
    response: Response,
    principal: Writer,
    force: Force = False,
    filename: Annotated[str | None, Query(max_length=500)] = None,
    idempotency_key: IdempotencyKey = None,
) -> JobView:
    new = await intake.single(request, force=force, filename=filename)
    submitted = await run_in_threadpool(
        service.submit, new, principal=principal.key_id, idempotency_key=idempotency_key
    )
    job = absolute(request, submitted.job)
    response.status_code = 202 if submitted.created else 200
    response.headers["Location"] = job.links.self
    if submitted.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return job


@router.post(
    "/batch",
    status_code=207,
    response_model=BatchResult,
    openapi_extra=_BATCH_BODY,
    summary="Submit many documents, one job each",
)
async def submit_batch(
    request: Request,
    principal: Writer,
    force: Force = False,
    idempotency_key: IdempotencyKey = None,
) -> BatchResult:
    items = await intake.batch(request, force=force, max_items=get_settings().max_batch_items)
    results = [
        await run_in_threadpool(
            _submit_item, request, index, item, principal.key_id, idempotency_key
        )
        for index, item in enumerate(items)
    ]
    accepted = sum(1 for r in results if r.job is not None)
    return BatchResult(accepted=accepted, failed=len(results) - accepted, items=results)


def _submit_item(
    request: Request, index: int, item: intake.Item, principal: str, key: str | None
) -> BatchItem:
    """One document of a batch; its error is reported in its place, not raised."""
    try:
        if item.document is None:
            raise item.error or InvalidSubmissionError("empty item", where=f"item {index}")
        # each item has its own key, so a retried batch replays item by item
        submitted = service.submit(
            item.document, principal=principal, idempotency_key=f"{key}#{index}" if key else None
        )
    except OgiError as err:
        error = problem_for(err)
        return BatchItem(index=index, filename=item.filename, status=err.status, error=error)
    status = 202 if submitted.created else 200
    return BatchItem(
        index=index, filename=item.filename, status=status, job=absolute(request, submitted.job)
    )


@router.get("/{job_id}", response_model=JobView, summary="A job's state, progress and result")
def get_job(job_id: str, request: Request, response: Response, _: Reader) -> JobView:
    job = service.get_job(job_id)
    response.headers["Cache-Control"] = "no-store"
    if not job.finished:
        response.headers["Retry-After"] = str(get_settings().job_retry_after_s)
    return absolute(request, job)


def absolute(request: Request, job: JobView) -> JobView:
    """The job with absolute links, built from the URL the caller used."""
    base = str(request.base_url).rstrip("/")
    record = f"{base}{job.links.record}" if job.links.record else None
    return job.model_copy(update={"links": Links(self=f"{base}{job.links.self}", record=record)})
