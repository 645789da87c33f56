"""SQLAlchemy 2 ORM models. Every table of the service is declared here (Alembic reads `Base`).

Tables:
    documents           submitted bytes and decoded text, keyed by the hash of the text
    jobs                one extraction of one document; its state lives here, not in Celery
    job_stage_timings   seconds per pipeline stage of a job (API and /metrics read them)
    records             one row per document: current version and the columns lists filter on
    record_versions     immutable record bodies; a correction adds a version, never edits one
    api_keys            hashed API keys
    idempotency_keys    the result of a request made with an Idempotency-Key header
    llm_cache           LLM answers (owned by services.llm)
    review_items        the fields waiting for a person, one row per record and field, rebuilt
                        from each record version (owned by services.review)
    review_decisions    every reviewer decision: who, when, the field before and after

Any change here needs a migration in `services/storage/migrations/versions/`
(`tests/storage/test_migrations.py` fails when models and migrations disagree).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments an `INTEGER PRIMARY KEY`; PostgreSQL gets a BIGINT identity.
AutoIncrement = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


def _created_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # doc_ + 24 hex of sha256
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # of the decoded text, UTF-8
    filename: Mapped[str | None] = mapped_column(String(500))
    size_bytes: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)  # the bytes as first submitted
    text: Mapped[str] = mapped_column(Text)  # what every span of the record indexes
    created_at: Mapped[datetime] = _created_at()


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_document_created", "document_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    state: Mapped[str] = mapped_column(String(16), index=True)
    filename: Mapped[str | None] = mapped_column(String(500))
    force: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_by: Mapped[str | None] = mapped_column(String(40))

    # progress of a running job: the stage now running, and how many of `stage_total` are done
    stage: Mapped[str | None] = mapped_column(String(32))
    stages_done: Mapped[int] = mapped_column(Integer, default=0)
    stage_total: Mapped[int] = mapped_column(Integer, default=0)

    # claiming: which delivery runs the job, and until when that claim is certainly alive
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    error_json: Mapped[str | None] = mapped_column(Text)
    record_id: Mapped[str | None] = mapped_column(String(40))
    record_version: Mapped[int | None] = mapped_column(Integer)

    llm_status: Mapped[str | None] = mapped_column(String(32))
    llm_prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    llm_completion_tokens: Mapped[int] = mapped_column(Integer, default=0)

    callback_url: Mapped[str | None] = mapped_column(String(2000))
    callback_state: Mapped[str | None] = mapped_column(String(16))  # pending|delivered|failed
    callback_attempts: Mapped[int] = mapped_column(Integer, default=0)
    callback_error: Mapped[str | None] = mapped_column(Text)

    created_at: Mapped[datetime] = _created_at()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class JobStageTiming(Base):
    __tablename__ = "job_stage_timings"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)


class StoredRecord(Base):
    """The current state of one document's record, plus the columns lists filter on."""

    __tablename__ = "records"

    pk: Mapped[int] = mapped_column(AutoIncrement, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), unique=True)
    current_version: Mapped[int] = mapped_column(Integer)
    # optimistic locking: every update must name the lock_version it read (SQLAlchemy checks)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)

    agency: Mapped[str | None] = mapped_column(String(300), index=True)
    report_year: Mapped[int | None] = mapped_column(Integer, index=True)
    doc_type: Mapped[str] = mapped_column(String(20), index=True)
    format_version: Mapped[str | None] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    script: Mapped[str] = mapped_column(String(20))

    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 (SQLAlchemy reads it)


class RecordVersion(Base):
    """One immutable body of a record (the JSON of `schemas.record.Record`)."""

    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("record_id", "version", name="uq_record_versions_version"),)

    id: Mapped[int] = mapped_column(AutoIncrement, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"))
    version: Mapped[int] = mapped_column(Integer)
    # the job that wrote it; unique, so a redelivered job can never add a second version
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id"), unique=True)
    author: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the secret
    scopes: Mapped[str] = mapped_column(String(100))  # comma-separated: read,write
    created_at: Mapped[datetime] = _created_at()
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"

    principal: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    result_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()


class LlmCacheEntry(Base):
    """One LLM answer, keyed by hash(section text, prompt version, model, schema version)."""

    __tablename__ = "llm_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    prompt_version: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(200))
    response_json: Mapped[str] = mapped_column(Text)
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ReviewItem(Base):
    """One field of a record that waits (or waited) for a person.

    Materialised from every record version (`services.review.sync`): a field pending in the
    current version has a `pending` row; one decided since keeps its row, `resolved`, so a late
    decision on it is answered with what happened. `item_key` names the field across versions
    (a list item by its text, so removing another item does not change its identity);
    `since_lock_version` is the record's lock_version when this snapshot last changed, which
    tells whether a decision made on an older lock_version saw the same item.
    """

    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("record_id", "item_key", name="uq_review_items_key"),
        Index("ix_review_items_queue", "state", "queued_at", "id"),
    )

    id: Mapped[int] = mapped_column(AutoIncrement, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16))  # pending | resolved

    # filter columns, copied from the record and the field at each sync
    agency: Mapped[str | None] = mapped_column(String(300), index=True)
    report_year: Mapped[int | None] = mapped_column(Integer, index=True)
    table_name: Mapped[str] = mapped_column(String(40), index=True)
    reason_kind: Mapped[str] = mapped_column(String(32), index=True)
    reason_kinds: Mapped[str] = mapped_column(String(200))  # every kind, comma-separated

    field_json: Mapped[str] = mapped_column(Text)  # the field as the record version has it
    confidence: Mapped[float] = mapped_column(Float)
    snippet: Mapped[str] = mapped_column(Text)  # document text around the evidence
    snippet_start: Mapped[int] = mapped_column(Integer)  # offset of `snippet` in the text

    record_version: Mapped[int] = mapped_column(Integer)
    since_lock_version: Mapped[int] = mapped_column(Integer)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReviewDecision(Base):
    """One decision of a reviewer; never updated. `before`/`after` are field JSON (null before
    an added item, null after a rejected one)."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(AutoIncrement, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"), index=True)
    path: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))  # accept | correct | reject | add
    reviewer: Mapped[str] = mapped_column(String(200))  # the API key's name
    reviewer_key_id: Mapped[str] = mapped_column(String(40))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    from_version: Mapped[int] = mapped_column(Integer)
    to_version: Mapped[int] = mapped_column(Integer)
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    # the pipeline's confidence of an undecided field (calibration); null for added items and
    # for fields a person had already decided
    confidence_before: Mapped[float | None] = mapped_column(Float)
    reason_kind: Mapped[str | None] = mapped_column(String(32))
    value_changed: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
