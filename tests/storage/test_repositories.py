"""Repositories against real SQLite and PostgreSQL: claims, versions, locking, paging."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from services.config import Settings
from services.storage.models import Document, Job, RecordVersion, StoredRecord
from services.storage.repositories import documents, jobs, records
from services.storage.repositories.records import RecordFilter
from services.storage.session import read_session, write_session
from tests.support.databases import create_sqlite_database
from tests.support.service_fixtures import IDLE_QUEUE, base_values, configured

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    if request.param == "sqlite":
        url = create_sqlite_database(tmp_path)
    else:
        url = request.getfixturevalue("pg_url")
    with configured(base_values(url, queue=IDLE_QUEUE)) as settings:
        yield settings


def _document(n: int = 1) -> Document:
    return Document(
        id=f"doc_{n:024d}",
        sha256=f"{n:064d}",
        filename=None,
        size_bytes=3,
        content=b"abc",
        text="abc",
        created_at=NOW,
    )


def _job(job_id: str, document_id: str, state: str = "queued") -> Job:
    return Job(
        id=job_id,
        document_id=document_id,
        state=state,
        force=False,
        stages_done=0,
        stage_total=10,
        attempts=0,
        llm_prompt_tokens=0,
        llm_completion_tokens=0,
        callback_attempts=0,
        created_at=NOW,
    )


def _claim(job_id: str, token: str, now: datetime) -> bool:
    with write_session() as session:
        return jobs.claim(
            session,
            job_id,
            token=token,
            now=now,
            lease_until=now + timedelta(seconds=60),
            first_stage="decode",
            stage_total=10,
        )


def _seed_job(job_id: str = "job_1") -> None:
    with write_session() as session:
        documents.add_if_absent(session, _document())
        jobs.add(session, _job(job_id, _document().id))


def test_add_if_absent_keeps_the_first_stored_document(db: Settings) -> None:
    first = _document()
    with write_session() as session:
        documents.add_if_absent(session, first)
    second = _document()
    second.filename = "another-name.txt"
    with write_session() as session:
        documents.add_if_absent(session, second)  # same id: no error, nothing overwritten
    with read_session() as session:
        stored = documents.get(session, first.id)
        assert stored is not None and stored.filename == first.filename


def test_a_claim_is_exclusive_until_its_lease_runs_out(db: Settings) -> None:
    _seed_job()
    assert _claim("job_1", "delivery-a", NOW)
    assert not _claim("job_1", "delivery-b", NOW + timedelta(seconds=30))  # a live duplicate
    assert _claim("job_1", "delivery-a", NOW + timedelta(seconds=31))  # same delivery, retried
    assert _claim("job_1", "delivery-b", NOW + timedelta(seconds=200))  # the lease ran out
    with read_session() as session:
        job = jobs.get(session, "job_1")
        assert job is not None
        assert (job.state, job.attempts, job.claim_token) == ("running", 3, "delivery-b")


def test_only_the_claim_holder_finishes_a_job(db: Settings) -> None:
    _seed_job()
    assert _claim("job_1", "delivery-a", NOW)
    with write_session() as session:
        assert not jobs.finish(session, "job_1", token="delivery-b", values={"state": "failed"})
    with write_session() as session:
        assert jobs.finish(session, "job_1", token="delivery-a", values={"state": "succeeded"})
    assert not _claim("job_1", "delivery-a", NOW + timedelta(days=1))  # terminal stays terminal
    with read_session() as session:
        job = jobs.get(session, "job_1")
        assert job is not None and job.state == "succeeded"


def test_stale_finds_unqueued_and_abandoned_jobs(db: Settings) -> None:
    _seed_job("job_fresh")
    with write_session() as session:
        jobs.add(session, _job("job_lost", _document().id))
        jobs.set_enqueued(session, "job_fresh", NOW)
    _seed_job("job_running")
    assert _claim("job_running", "t", NOW)
    with read_session() as session:
        early = set(
            jobs.stale(session, now=NOW, enqueued_before=NOW - timedelta(minutes=1), limit=10)
        )
        late = set(
            jobs.stale(
                session,
                now=NOW + timedelta(hours=1),
                enqueued_before=NOW + timedelta(minutes=1),
                limit=10,
            )
        )
    assert early == {"job_lost"}
    assert late == {"job_lost", "job_fresh", "job_running"}


def _record(n: int, **columns: object) -> StoredRecord:
    values: dict[str, object] = {
        "agency": "某市统计局",
        "report_year": 2020,
        "doc_type": "annual_report",
        "format_version": "2019",
        "status": "complete",
        "script": "simplified",
    }
    values.update(columns)
    return StoredRecord(
        id=f"rec_{n}",
        document_id=f"doc_{n:024d}",
        current_version=1,
        created_at=NOW,
        updated_at=NOW,
        **values,
    )


def _seed_records(count: int) -> None:
    with write_session() as session:
        for n in range(1, count + 1):
            documents.add_if_absent(session, _document(n))
            records.add(session, _record(n, report_year=2019 + n % 2))
            session.flush()
            records.add_version(
                session,
                RecordVersion(
                    record_id=f"rec_{n}", version=1, author="pipeline", body="{}", created_at=NOW
                ),
            )


def test_a_job_writes_at_most_one_version(db: Settings) -> None:
    _seed_records(1)
    _seed_job("job_1")
    with write_session() as session:
        records.add_version(
            session,
            RecordVersion(
                record_id="rec_1",
                version=2,
                job_id="job_1",
                author="pipeline",
                body="{}",
                created_at=NOW,
            ),
        )
    with pytest.raises(IntegrityError), write_session() as session:
        records.add_version(
            session,
            RecordVersion(
                record_id="rec_1",
                version=3,
                job_id="job_1",
                author="pipeline",
                body="{}",
                created_at=NOW,
            ),
        )
    with read_session() as session:
        assert [v.version for v in records.versions(session, "rec_1")] == [1, 2]


def test_a_stale_record_update_is_refused(db: Settings) -> None:
    _seed_records(1)
    with read_session() as session:
        stale = records.get(session, "rec_1")
    assert stale is not None and stale.lock_version == 1
    with write_session() as session:
        fresh = records.get(session, "rec_1")
        assert fresh is not None
        fresh.current_version = 2
    with pytest.raises(StaleDataError), write_session() as session:
        stale = session.merge(stale, load=False)
        stale.current_version = 3


def test_pages_follow_the_cursor_newest_first(db: Settings) -> None:
    _seed_records(7)
    seen: list[str] = []
    before: int | None = None
    while True:
        with read_session() as session:
            rows = records.page(session, RecordFilter(), before_pk=before, limit=3)
        if not rows:
            break
        seen += [r.id for r in rows]
        before = rows[-1].pk
    assert seen == [f"rec_{n}" for n in range(7, 0, -1)]
    with read_session() as session:
        odd_years = records.page(session, RecordFilter(report_year=2020), before_pk=None, limit=10)
    assert [r.id for r in odd_years] == ["rec_7", "rec_5", "rec_3", "rec_1"]


def test_export_stream_joins_the_current_version(db: Settings) -> None:
    _seed_records(3)
    with read_session() as session:
        rows = [(s.id, body) for s, body in records.iter_current_bodies(session, RecordFilter())]
    assert rows == [("rec_1", "{}"), ("rec_2", "{}"), ("rec_3", "{}")]
