"""Flat rows and cursors, on records the real pipeline produced from the seed documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.record import Record
from services.errors import InvalidRequestError
from services.pipeline import extract
from services.records import cursor
from services.records.flatten import COLUMNS, FIELD_PATHS, flatten


@pytest.fixture(scope="module")
def records(seeds_dir: Path) -> list[Record]:
    return [extract(p.read_bytes()) for p in sorted(seeds_dir.glob("*.txt"))]


def test_every_field_of_a_record_lands_in_its_row(records: list[Record]) -> None:
    for record in records:
        row = flatten(record, version=3)
        assert set(row) == set(COLUMNS)
        assert (row["record_id"], row["version"], row["status"]) == (
            record.record_id,
            3,
            record.status,
        )
        for path, field in record.iter_fields():
            if path in FIELD_PATHS:
                assert row[path] == field.value
                assert row[f"{path}.confidence"] == field.confidence
        assert row["other_fields"] is None  # nothing outside the documented columns
        assert row["plans.count"] == len(record.plans)


def test_columns_have_confidence_companions() -> None:
    assert "requests.new_received.total" in COLUMNS
    assert "requests.new_received.total.confidence" in COLUMNS
    assert "proactive.licensing.decisions.confidence" in COLUMNS
    assert len(COLUMNS) == len(set(COLUMNS))


def test_a_cursor_round_trips_and_garbage_is_refused() -> None:
    assert cursor.decode(cursor.encode(41)) == 41
    for bad in ("", "abc", cursor.encode(41)[:-2] + "!!", "eyJ2IjoyLCJiZWZvcmUiOjF9"):
        with pytest.raises(InvalidRequestError, match="cursor"):
            cursor.decode(bad)
