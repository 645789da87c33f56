"""The job service: submit a document, run one job, deliver its callback, requeue lost jobs.

Transactions are opened here, at the edge of each use case, and messages are sent only after
the transaction that created the job has committed: a worker never receives the id of a job
it cannot yet read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from schemas.record import Record
from services.config import Settings, get_settings
from services.errors import (
    DocumentTooLargeError,
    IdempotencyKeyInProgressError,
    IdempotencyKeyMismatchError,
    LlmError,
    NotFoundError,
    OgiError,
    QueueUnavailableError,
    TransientJobError,
    error_code,
)
from services.jobs import callbacks, queue
from services.jobs.progress import ProgressReporter
from services.jobs.states import is_terminal, state_for_record
from services.jobs.views import JobError, JobView, error_json, job_view
from services.pipeline import STAGES, extract
from services.pipeline.decode import decode
from services.pipeline.refine import FreeTextRefiner
from services.pipeline.run import content_id
from services.review.sync import sync_review_items
from services.storage.models import Document, IdempotencyKey, Job, RecordVersion, StoredRecord
from services.storage.repositories import documents as document_rows
from services.storage.repositories import idempotency as idempotency_rows
from services.storage.repositories import jobs as job_rows
from services.storage.repositories import records as record_rows
from services.storage.session import read_session, session_factory, write_session

log = logging.getLogger(__name__)

# Failures that say nothing about the document: the same job may well succeed later.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    IntegrityError,  # a concurrent writer won a race (e.g. two jobs creating one record)
    StaleDataError,  # optimistic lock: the record changed under us
    RedisError,
    LlmError,
)

# A claim outlives the hard time limit by this much, so it never expires under a live task.
LEASE_MARGIN_S = 5


@dataclass(frozen=True, slots=True)
class NewDocument:
    content: bytes
    filename: str | None = None
    callback_url: str | None = None
    force: bool = False


@dataclass(frozen=True, slots=True)
class Submitted:
    job: JobView
    created: bool  # a new job was made; False: an existing job (same content) is returned
    replayed: bool = False  # answered from a stored Idempotency-Key


# --- submit --------------------------------------------------------------------------------


def submit(new: NewDocument, *, principal: str, idempotency_key: str | None = None) -> Submitted:
    """Store the document and queue a job for it, or return the job that already covers it.

    Raises InputError subclasses for documents the pipeline cannot use (empty, binary, too
    large), IdempotencyKeyMismatchError when the key was used for another request, and
    QueueUnavailableError when the job is stored but the broker is down.
    """
    settings = get_settings()
    if len(new.content) > settings.max_document_bytes:
        raise DocumentTooLargeError(
            f"the document is {len(new.content)} bytes; the limit is "
            f"{settings.max_document_bytes} bytes",
            where=new.filename or "document",
        )
    text = decode(new.content)
    if new.callback_url is not None:
        callbacks.validate_callback_url(new.callback_url)
    document_id = content_id(text)
    fingerprint = _fingerprint(document_id, new)

    with write_session() as session:
        if idempotency_key is not None:
            replayed = _replay(session, principal, idempotency_key, fingerprint)
            if replayed is not None:
                return Submitted(replayed, created=False, replayed=True)
        job, created = _find_or_create_job(session, new, text, document_id, principal)
        if idempotency_key is not None:
            _remember(session, principal, idempotency_key, fingerprint, job.id)
        # a job whose first enqueue failed is enqueued again when the request is retried
        must_enqueue = created or (job.state == "queued" and job.enqueued_at is None)
        if must_enqueue and not created:
            job_rows.set_enqueued(session, job.id, _now())
        view = job_view(job, [] if created else job_rows.stage_timings(session, job.id))
    if must_enqueue:
        _enqueue_or_release(job.id)
    return Submitted(view, created=created)


def _find_or_create_job(
    session: Session, new: NewDocument, text: str, document_id: str, principal: str
) -> tuple[Job, bool]:
    document_rows.add_if_absent(
        session,
        Document(
            id=document_id,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            filename=new.filename,
            size_bytes=len(new.content),
            content=new.content,
            text=text,
            created_at=_now(),
        ),
    )
    document_rows.lock(session, document_id)
    if not new.force:
        existing = job_rows.latest_reusable_for_document(session, document_id)
        if existing is not None:
            return existing, False
    now = _now()
    job = Job(
        id=f"job_{uuid.uuid4().hex}",
        document_id=document_id,
        state="queued",
        filename=new.filename,
        force=new.force,
        submitted_by=principal,
        stage=None,
        stages_done=0,
        stage_total=len(STAGES),
        attempts=0,
        enqueued_at=now,
        llm_prompt_tokens=0,
        llm_completion_tokens=0,
        callback_url=new.callback_url,
        callback_attempts=0,
        created_at=now,
    )
    job_rows.add(session, job)
    return job, True


def _fingerprint(document_id: str, new: NewDocument) -> str:
    request = [document_id, new.filename, new.callback_url, new.force]
    return hashlib.sha256(json.dumps(request).encode()).hexdigest()


def _replay(session: Session, principal: str, key: str, fingerprint: str) -> JobView | None:
    stored = idempotency_rows.get(session, principal, key)
    if stored is None:
        return None
    if stored.request_hash != fingerprint:
        raise IdempotencyKeyMismatchError(
            f"Idempotency-Key {key!r} was already used for a different request; "
            "use a new key for a new request",
            where="Idempotency-Key",
        )
    job_id = str(json.loads(stored.result_json)["job_id"])
    job = job_rows.get(session, job_id)
    if job is None:
        raise NotFoundError(f"job {job_id} (remembered for Idempotency-Key {key!r}) is gone")
    return job_view(job, job_rows.stage_timings(session, job_id))


def _remember(session: Session, principal: str, key: str, fingerprint: str, job_id: str) -> None:
    entry = IdempotencyKey(
        principal=principal,
        key=key,
        request_hash=fingerprint,
        result_json=json.dumps({"job_id": job_id}),
        created_at=_now(),
    )
    if idempotency_rows.add_if_absent(session, entry) is not entry:
        raise IdempotencyKeyInProgressError(
            f"another request with Idempotency-Key {key!r} is being processed; retry it",
            where="Idempotency-Key",
        )


def _enqueue_or_release(job_id: str) -> None:
    try:
        queue.enqueue_job(job_id)
    except QueueUnavailableError:
        with write_session() as session:
            job_rows.set_enqueued(session, job_id, None)
        raise


# --- read ----------------------------------------------------------------------------------


def get_job(job_id: str) -> JobView:
    with read_session() as session:
        job = job_rows.get(session, job_id)
        if job is None:
            raise NotFoundError(f"no job with id {job_id!r}", where="job_id")
        return job_view(job, job_rows.stage_timings(session, job_id))


# --- run -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Claimed:
    document_id: str
    text: str
    has_callback: bool


def process_job(
    job_id: str,
    *,
    token: str,
    last_try: bool,
    deadline_errors: tuple[type[BaseException], ...] = (),
) -> str:
    """Run the pipeline for one job and store its outcome; what the Celery task calls.

    `token` identifies the delivery (the Celery task id); only the delivery holding the claim
    writes a result, so a redelivered or duplicated message never writes a second record.
    Returns what happened (for logs). Raises TransientJobError when a retry may succeed and
    `last_try` is false; on the last try the job fails instead.
    """
    settings = get_settings()
    claimed = _claim(job_id, token, settings)
    if isinstance(claimed, str):
        return claimed
    reporter = ProgressReporter(job_id, token, STAGES, settings.progress_flush_s)
    outcome: Record | JobError
    try:
        record = extract(
            claimed.text,
            document_id=claimed.document_id,
            record_id=record_id_for(claimed.document_id),
            refiner=_refiner(settings),
            on_stage=reporter.on_stage,
        )
    except TRANSIENT_ERRORS as exc:
        if not last_try:
            raise TransientJobError(f"job {job_id}: {type(exc).__name__}: {exc}") from exc
        outcome = _failure(exc, "retries_exhausted")
    except deadline_errors as exc:
        outcome = _failure(exc, "timeout")
    except OgiError as exc:
        outcome = _failure(exc)
    except Exception as exc:
        log.exception("job %s: the pipeline raised", job_id)
        outcome = _failure(exc, "internal")
    else:
        outcome = record
    finally:
        reporter.close()
    return _save_outcome(job_id, token, outcome, reporter.timings, claimed.has_callback)


def _claim(job_id: str, token: str, settings: Settings) -> _Claimed | str:
    now = _now()
    lease = now + timedelta(seconds=settings.task_hard_time_limit_s + LEASE_MARGIN_S)
    with write_session() as session:
        won = job_rows.claim(
            session,
            job_id,
            token=token,
            now=now,
            lease_until=lease,
            first_stage=STAGES[0],
            stage_total=len(STAGES),
        )
        job = job_rows.get(session, job_id)
        if job is None:
            log.warning("job %s: no such job; message dropped", job_id)
            return "missing"
        if not won:
            outcome = "already_finished" if is_terminal(job.state) else "claimed_elsewhere"
            log.info("job %s: %s (state %s); message dropped", job_id, outcome, job.state)
            return outcome
        document = document_rows.get(session, job.document_id)
        if document is None:  # the foreign key makes this impossible; say so if it happens
            raise NotFoundError(f"job {job_id}: its document {job.document_id} is missing")
        return _Claimed(document.id, document.text, job.callback_url is not None)


def _failure(exc: BaseException, code: str | None = None) -> JobError:
    if isinstance(exc, OgiError) and code is None:
        return JobError(
            type=error_code(exc),
            title=exc.title,
            status=exc.status,
            detail=exc.message,
            where=exc.where,
        )
    titles = {
        "timeout": ("Time limit exceeded", 504),
        "retries_exhausted": ("Temporary failure persisted", 503),
        "internal": ("Internal error", 500),
    }
    title, status = titles[code or "internal"]
    return JobError(
        type=code or "internal", title=title, status=status, detail=f"{type(exc).__name__}: {exc}"
    )


def _save_outcome(
    job_id: str,
    token: str,
    outcome: Record | JobError,
    timings: list[tuple[str, float]],
    has_callback: bool,
) -> str:
    now = _now()
    values: dict[str, object] = {
        "stage": None,
        "lease_expires_at": None,
        "finished_at": now,
        "callback_state": "pending" if has_callback else None,
    }
    try:
        with write_session() as session:
            if isinstance(outcome, Record):
                values.update(_record_values(session, outcome, job_id, now))
            else:
                values.update(state="failed", error_json=error_json(outcome))
            if not job_rows.finish(session, job_id, token=token, values=values):
                raise _LostClaimError
            job_rows.replace_stage_timings(session, job_id, timings)
    except _LostClaimError:
        log.warning("job %s: lost its claim while running; result discarded", job_id)
        return "lost_claim"
    except TRANSIENT_ERRORS as exc:
        raise TransientJobError(f"job {job_id}: saving the result: {exc}") from exc
    if has_callback:
        _enqueue_callback_logged(job_id)
    return str(values["state"])


class _LostClaimError(Exception):
    """Internal: another delivery took the job over; roll back and write nothing."""


def _record_values(
    session: Session, record: Record, job_id: str, now: datetime
) -> dict[str, object]:
    """Write the record's next version; return the job columns that point at it."""
    version = _write_record(session, record, job_id, now)
    usage = record.provenance.llm_usage
    return {
        "state": state_for_record(record.status),
        "stages_done": len(STAGES),
        "record_id": record.record_id,
        "record_version": version,
        "llm_status": record.provenance.llm_status,
        "llm_prompt_tokens": usage.prompt_tokens,
        "llm_completion_tokens": usage.completion_tokens,
        "error_json": None,
    }


def _write_record(session: Session, record: Record, job_id: str, now: datetime) -> int:
    columns = filter_columns(record)
    stored = record_rows.get(session, record.record_id)
    if stored is None:
        stored = StoredRecord(
            id=record.record_id,
            document_id=record.document_id,
            current_version=1,
            created_at=now,
            updated_at=now,
            **columns,
        )
        record_rows.add(session, stored)
        session.flush()  # no ORM relationship orders the inserts: the version needs its record
    else:
        stored.current_version += 1  # flushed with a lock_version check (optimistic lock)
        stored.updated_at = now
        for name, value in columns.items():
            setattr(stored, name, value)
    record_rows.add_version(
        session,
        RecordVersion(
            record_id=record.record_id,
            version=stored.current_version,
            job_id=job_id,
            author="pipeline",
            body=record.model_dump_json(),
            created_at=now,
        ),
    )
    session.flush()
    sync_review_items(session, stored, record, now)  # the review queue follows every version
    return stored.current_version


def filter_columns(record: Record) -> dict[str, object]:
    """The `records` columns lists filter on (also set by review decisions)."""
    agency = record.metadata.agency.value
    year = record.metadata.report_year.value
    return {
        "agency": str(agency)[:300] if agency is not None else None,
        "report_year": _as_year(year),
        "doc_type": record.doc_type,
        "format_version": record.format_version,
        "status": record.status,
        "script": record.script,
    }


def _as_year(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


def record_id_for(document_id: str) -> str:
    """One record per document; a re-extraction or a correction adds a version to it."""
    return "rec_" + document_id.removeprefix("doc_")


# --- the LLM step ----------------------------------------------------------------------------

# (pid, id(settings)) -> refiner: one client per worker process, rebuilt if settings change.
_refiners: dict[tuple[int, int], FreeTextRefiner | None] = {}


def _refiner(settings: Settings) -> FreeTextRefiner | None:
    """The free-text refiner when an LLM is configured. The only place the service meets
    `services.llm`."""
    if not settings.llm_enabled:
        return None
    key = (os.getpid(), id(settings))
    if key not in _refiners:
        from services.llm import build_refiner
        from services.llm.cache import SqlLlmCache

        _refiners.clear()
        _refiners[key] = build_refiner(settings, SqlLlmCache(session_factory()))
    return _refiners[key]


# --- callbacks -----------------------------------------------------------------------------


class CallbackRetryError(TransientJobError):
    title = "Callback not delivered yet"


def deliver_callback(job_id: str, *, attempt: int, last_try: bool) -> str:
    """POST the finished job to its callback URL. Raises CallbackRetryError to be retried."""
    settings = get_settings()
    with read_session() as session:
        job = job_rows.get(session, job_id)
        if job is None or job.callback_url is None or job.callback_state != "pending":
            return "nothing_to_deliver"
        url = job.callback_url
        body = job_view(job, job_rows.stage_timings(session, job_id)).model_dump_json()
    result = callbacks.deliver(
        url,
        job_id,
        body.encode("utf-8"),
        secret=settings.callback_secret.get_secret_value().encode("utf-8"),
        timeout_s=settings.callback_timeout_s,
    )
    retry = not result.delivered and result.retryable and not last_try
    state = "delivered" if result.delivered else "pending" if retry else "failed"
    with write_session() as session:
        job_rows.set_callback_state(
            session,
            job_id,
            state=state,
            attempts=attempt,
            error=None if result.delivered else result.detail,
        )
    if retry:
        raise CallbackRetryError(f"callback for job {job_id}: {result.detail}")
    if state == "failed":
        log.warning("job %s: callback to %s failed: %s", job_id, url, result.detail)
    return state


def _enqueue_callback_logged(job_id: str) -> None:
    try:
        queue.enqueue_callback(job_id)
    except QueueUnavailableError:
        # the job's result is stored; its callback stays "pending" and visible in the job
        log.exception("job %s: could not queue its callback", job_id)


# --- recovery ------------------------------------------------------------------------------


def requeue_stale_jobs(limit: int = 500) -> list[str]:
    """Enqueue again the jobs whose message may be lost: queued ones never (or long ago)
    handed to the broker, and running ones whose worker died without the broker noticing
    (a hard time limit, or a Redis restart). Duplicates are harmless: claims are exclusive."""
    settings = get_settings()
    now = _now()
    with read_session() as session:
        job_ids = job_rows.stale(
            session,
            now=now,
            enqueued_before=now - timedelta(seconds=settings.broker_visibility_timeout_s),
            limit=limit,
        )
    for job_id in job_ids:
        queue.enqueue_job(job_id)
        with write_session() as session:
            job_rows.set_enqueued(session, job_id, now)
    return list(job_ids)


def _now() -> datetime:
    return datetime.now(UTC)
