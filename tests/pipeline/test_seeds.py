"""The five seed documents against our own annotation (tests/pipeline/expected/seeds.json).

Every table cell and every metadata field is checked, with its evidence span; classification,
the narrative numbers and the free-text items (by their opening words) too.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from schemas.record import Field, Record
from services.pipeline import extract
from services.pipeline.normalise import normalise

EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "expected" / "seeds.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def seed(request: pytest.FixtureRequest, seeds_dir: Path) -> tuple[str, Record, dict[str, Any]]:
    name: str = request.param
    text = (seeds_dir / name).read_text(encoding="utf-8")
    return text, extract(text), EXPECTED[name]


def test_classification(seed: tuple[str, Record, dict[str, Any]]) -> None:
    _, record, expected = seed
    assert record.doc_type == expected["doc_type"]
    assert record.format_version == expected["format_version"]
    assert record.script == expected["script"]
    assert record.classification.doc_type.value == record.doc_type


def test_metadata(seed: tuple[str, Record, dict[str, Any]]) -> None:
    text, record, expected = seed
    for key, value in expected["metadata"].items():
        field: Field = getattr(record.metadata, key)
        assert field.value == value, key
        if value is None:
            continue
        assert field.source is not None, key
        evidence = normalise(text[field.source.start : field.source.end]).text
        assert normalise(str(value)).text.split("-")[0] in evidence, (key, evidence)


def test_every_table_cell(seed: tuple[str, Record, dict[str, Any]]) -> None:
    text, record, expected = seed
    for table, rows in expected["tables"].items():
        got = getattr(record, table)
        assert sorted(got) == sorted(rows), table
        for row, cols in rows.items():
            assert sorted(got[row]) == sorted(cols), f"{table}.{row}"
            for col, value in cols.items():
                field = got[row][col]
                path = f"{table}.{row}.{col}"
                assert field.value == value, path
                assert field.method == "table", path
                assert field.confidence >= 0.8 and field.review is None, (path, field)
                assert field.source is not None, path
                evidence = unicodedata.normalize(
                    "NFKC", text[field.source.start : field.source.end]
                )
                assert str(value) in evidence, (path, evidence)


def test_table_checks_pass(seed: tuple[str, Record, dict[str, Any]]) -> None:
    _, record, expected = seed
    failed = [c.name for c in record.checks if not c.passed and c.name != "metadata.report_year"]
    assert failed == []
    if expected["tables"]["requests"]:
        assert any(c.name.startswith("requests.balance") and c.passed for c in record.checks)


def test_narrative(seed: tuple[str, Record, dict[str, Any]]) -> None:
    text, record, expected = seed
    for key, value in expected["narrative"].items():
        field = record.narrative.get(key)
        assert field is not None, key
        assert field.value == value, key
        assert field.source is not None
        evidence = text[field.source.start : field.source.end]
        assert value == 0 or str(value) in evidence, (key, evidence)


def test_free_text_items(seed: tuple[str, Record, dict[str, Any]]) -> None:
    _, record, expected = seed
    for category, openings in expected["items"].items():
        items = getattr(record, category)
        if not openings:
            assert items == [], category
            continue
        values = [str(item.value) for item in items]
        for opening in openings:
            hits = [v for v in values if v.startswith(opening)]
            assert len(hits) == 1, (category, opening, values)
        for item in items:
            assert item.source is not None
            assert item.source.end - item.source.start >= len(str(item.value)) * 0.9


def test_status_follows_reviews(seed: tuple[str, Record, dict[str, Any]]) -> None:
    _, record, _ = seed
    pending = [p for p, f in record.iter_fields() if f.review and f.review.status == "pending"]
    assert (record.status == "needs_review") == bool(pending)
