"""Seed 004 (a 2019-template report, `|`-separated cells): every cell of its three tables."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from schemas.keys import PROACTIVE_2019, REQUEST_COLUMNS, REVIEW_COLUMNS, REVIEW_GROUPS
from services.pipeline.model import Grid, Tables
from services.pipeline.normalise import normalise
from services.pipeline.segment import segment
from services.pipeline.tables import parse_tables

SEED = "004_6bdcad6606f9a5c6.txt"
REQUEST_ROWS_2019 = [
    "new_received", "carried_over", "granted", "partially_granted", "denied_state_secret",
    "denied_prohibited_by_law", "denied_security_stability", "denied_third_party",
    "denied_internal_affairs", "denied_process_info", "denied_enforcement_files",
    "denied_admin_query", "unavailable_not_held", "unavailable_needs_creation",
    "unavailable_unclear", "rejected_petition", "rejected_duplicate", "rejected_publication",
    "rejected_excessive", "rejected_confirm", "other", "total_processed", "carried_forward",
]  # fmt: skip


@pytest.fixture(scope="module")
def seed_text(seeds_dir: Path) -> str:
    return normalise((seeds_dir / SEED).read_text(encoding="utf-8")).text


@pytest.fixture(scope="module", params=["no sections", "segmented"])
def tables(request: pytest.FixtureRequest, seed_text: str) -> Tables:
    sections = segment(seed_text) if request.param == "segmented" else []
    return parse_tables(seed_text, sections)


def _all_zero(text: str, grid: Grid, rows: Mapping[str, tuple[str, ...]]) -> None:
    assert list(grid) == list(rows)
    for row, columns in rows.items():
        assert tuple(grid[row]) == columns, row
        for col in columns:
            cell = grid[row][col]
            assert cell.value == 0, f"{row}.{col}"
            assert cell.confidence >= 0.95, f"{row}.{col}"
            assert cell.span is not None, f"{row}.{col}"
            assert text[cell.span[0] : cell.span[1]] == "0", f"{row}.{col}"


def test_template(tables: Tables) -> None:
    assert tables.template == "2019"
    assert tables.template_confidence >= 0.9


def test_proactive(seed_text: str, tables: Tables) -> None:
    _all_zero(seed_text, tables.proactive, PROACTIVE_2019)


def test_requests_23_rows_with_other_as_one_row(seed_text: str, tables: Tables) -> None:
    rows = {row: REQUEST_COLUMNS for row in REQUEST_ROWS_2019}
    _all_zero(seed_text, tables.requests, rows)


def test_reviews(seed_text: str, tables: Tables) -> None:
    rows = {group: REVIEW_COLUMNS for group in REVIEW_GROUPS}
    _all_zero(seed_text, tables.reviews_litigation, rows)


def test_the_other_seeds_have_no_tables(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        if path.name == SEED:
            continue
        text = normalise(path.read_text(encoding="utf-8")).text
        tables = parse_tables(text, segment(text))
        assert (tables.proactive, tables.requests, tables.reviews_litigation) == ({}, {}, {})
