"""Review items follow the record's versions, in the same transaction as each version."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from services.config import Settings
from services.jobs import service
from services.jobs.service import NewDocument
from services.storage.models import ReviewItem
from services.storage.session import read_session
from tests.review.documents import EXPECTED_KINDS, make_record, report


def _items(record_id: str) -> dict[str, ReviewItem]:
    with read_session() as session:
        rows = session.scalars(select(ReviewItem).where(ReviewItem.record_id == record_id)).all()
    return {row.path: row for row in rows}


def test_a_job_materialises_one_row_per_pending_field(settings: Settings) -> None:
    record_id = make_record(report())
    rows = _items(record_id)
    assert len(rows) == sum(EXPECTED_KINDS.values())
    assert {row.state for row in rows.values()} == {"pending"}
    row = rows["reviews_litigation.review.total"]
    assert (row.table_name, row.reason_kind, row.agency, row.report_year) == (
        "reviews_litigation",
        "failed_identity",
        "某市水务局",
        2020,
    )
    assert row.record_version == 1 and row.since_lock_version == 1
    assert row.snippet_start + row.snippet.index("1 | 0 | 0 | 1 | 3") <= 500


def test_a_forced_re_extraction_keeps_the_items_and_their_ids(settings: Settings) -> None:
    text = report()
    record_id = make_record(text)
    before = _items(record_id)
    again = service.submit(NewDocument(text.encode(), force=True), principal="tests")
    service.process_job(again.job.id, token="again", last_try=True)
    after = _items(record_id)
    assert {p: r.id for p, r in after.items()} == {p: r.id for p, r in before.items()}
    assert {r.record_version for r in after.values()} == {2}
    # the same fields as before: no change the reviewer has not seen
    assert {r.since_lock_version for r in after.values()} == {1}
    with read_session() as session:
        assert session.scalar(select(func.count()).select_from(ReviewItem)) == len(before)


def test_a_document_without_doubts_has_no_items(settings: Settings, seeds_dir: Path) -> None:
    record_id = make_record((seeds_dir / "001_357bcb75ecbbd974.txt").read_text(encoding="utf-8"))
    assert _items(record_id) == {}
