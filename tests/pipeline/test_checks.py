from __future__ import annotations

from datetime import date

from schemas.keys import REQUEST_COLUMNS
from services.pipeline.checks import FAILED_CAP, run_checks
from services.pipeline.model import Extracted, Tables


def _cell(value: int | None) -> Extracted:
    return Extracted(value, (0, 1), 0.97)


def _meta(year: int | None = 2021, published: str | None = "2022-01-20") -> dict[str, Extracted]:
    return {
        "report_year": Extracted(year, (0, 4), 0.97, "rule"),
        "publish_date": Extracted(published, (0, 10), 0.95, "rule"),
    }


def _requests(new: int, carried: int, granted: int, forward: int, processed: int) -> Tables:
    rows = {
        "new_received": new,
        "carried_over": carried,
        "granted": granted,
        "total_processed": processed,
        "carried_forward": forward,
    }
    tables = Tables()
    for row, value in rows.items():
        tables.requests[row] = {
            col: _cell(value if col == "natural_person" else 0) for col in REQUEST_COLUMNS[:-1]
        }
        tables.requests[row]["total"] = _cell(value)
    return tables


def test_balanced_table_passes_every_identity() -> None:
    tables = _requests(new=5, carried=1, granted=4, forward=2, processed=4)
    checks = run_checks(tables, _meta(), today=date(2026, 1, 1))
    assert checks and all(c.passed for c in checks), [c for c in checks if not c.passed]
    assert all(cell.confidence == 0.97 for row in tables.requests.values() for cell in row.values())


def test_broken_balance_flags_the_four_cells_of_the_column() -> None:
    tables = _requests(new=5, carried=1, granted=4, forward=1, processed=4)
    checks = run_checks(tables, _meta(), today=date(2026, 1, 1))
    failed = {c.name for c in checks if not c.passed}
    assert failed == {"requests.balance.natural_person", "requests.balance.total"}
    cell = tables.requests["carried_forward"]["total"]
    assert cell.confidence == FAILED_CAP and "balance" in cell.reasons[0]
    assert tables.requests["granted"]["research"].confidence == 0.97  # not involved


def test_blank_cells_skip_the_identity_instead_of_counting_zero() -> None:
    tables = _requests(new=5, carried=1, granted=4, forward=2, processed=4)
    tables.requests["granted"]["total"] = _cell(None)
    checks = run_checks(tables, _meta(), today=date(2026, 1, 1))
    row = next(c for c in checks if c.name == "requests.row_total.granted")
    assert row.passed and row.detail.startswith("skipped")


def test_review_groups_total() -> None:
    tables = Tables()
    tables.reviews_litigation["review"] = {
        "upheld": _cell(1),
        "corrected": _cell(0),
        "other": _cell(0),
        "pending": _cell(1),
        "total": _cell(3),
    }
    checks = run_checks(tables, _meta(), today=date(2026, 1, 1))
    failed = [c for c in checks if not c.passed]
    assert [c.name for c in failed] == ["reviews_litigation.review.total"]
    assert "2 ≠ 3" in failed[0].detail


def test_report_year_must_be_plausible_and_before_publication() -> None:
    assert not run_checks(Tables(), _meta(2030, None), today=date(2026, 1, 1))[-1].passed
    assert not run_checks(Tables(), _meta(2023, "2022-05-01"), today=date(2026, 1, 1))[-1].passed
    assert run_checks(Tables(), _meta(2021, "2022-01-20"), today=date(2026, 1, 1))[-1].passed
