"""Messy variants of the seeds and of generated reports give what the clean text gives.

The oracle is the record of the clean text: the messy record must carry the same classes, year,
table cells and narrative numbers, and each of its spans, with the injected noise removed, must
cover the same evidence as the clean record's span.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from schemas.record import Record
from services.pipeline import extract
from tests.generators import property_settings
from tests.generators.messy import TRANSFORMS, Tracked, messy
from tests.generators.oracle import span_differences, value_differences
from tests.generators.report import reports
from tests.generators.seeds import seed_names, seed_text


@cache
def _clean_seed_record(name: str) -> Record:
    return extract(seed_text(name))


def _compare(clean: Record, tracked: Tracked) -> None:
    note(f"variant {'+'.join(tracked.applied)}:\n{tracked.text}")
    record = extract(tracked.text)
    values = value_differences(clean, record)
    spans = span_differences(clean, record, tracked)
    failures = [f"value  {f}" for f in values] + [f"span   {f}" for f in spans]
    shown = "\n  ".join(failures[:25])
    assert not failures, f"{'+'.join(tracked.applied)}: {len(failures)} difference(s)\n  {shown}"


@pytest.mark.parametrize("kind", list(TRANSFORMS))
@pytest.mark.parametrize("seed", seed_names())
@property_settings(3)
@given(data=st.data())
def test_seed_variant_gives_the_clean_record(seed: str, kind: str, data: st.DataObject) -> None:
    tracked = data.draw(messy(seed_text(seed), (kind,)))
    _compare(_clean_seed_record(seed), tracked)


@pytest.mark.parametrize("seed", seed_names())
@property_settings(6)
@given(data=st.data())
def test_seed_with_mixed_noise_gives_the_clean_record(seed: str, data: st.DataObject) -> None:
    tracked = data.draw(messy(seed_text(seed)))
    _compare(_clean_seed_record(seed), tracked)


@pytest.mark.parametrize("kind", list(TRANSFORMS))
@property_settings(8)
@given(data=st.data())
def test_generated_report_variant_gives_the_clean_record(kind: str, data: st.DataObject) -> None:
    report = data.draw(reports())
    note(report.describe())
    tracked = data.draw(messy(report.text, (kind,)))
    _compare(extract(report.text), tracked)


@property_settings(20)
@given(data=st.data())
def test_generated_report_with_mixed_noise_gives_the_clean_record(data: st.DataObject) -> None:
    report = data.draw(reports())
    note(report.describe())
    tracked = data.draw(messy(report.text))
    _compare(extract(report.text), tracked)
