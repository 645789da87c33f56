"""Does a table cell's confidence mean what it says? Measured on generated reports.

    .venv/bin/python bench/bench_calibration.py [--reports 300]

Renders random valid reports with the test generator (`tests/generators`: every layout, both
templates, glued cells, blanks, page numbers, extra rows …), extracts each, and compares every
expected table cell with the record. Prints, per confidence band: how many cells, how many were
right, the observed accuracy, and how many were sent to review. A missing cell counts as wrong.
Fields at confidence c should be right about c of the time; above the review threshold (0.8)
nothing should be wrong.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from services.pipeline import extract  # noqa: E402
from tests.generators.report import Report, reports  # noqa: E402

BANDS = [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.01)]


def _draw(count: int) -> list[Report]:
    drawn: list[Report] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,  # the same reports every run
    )
    @given(st.data())
    def collect(data: st.DataObject) -> None:
        if len(drawn) < count:
            drawn.append(data.draw(reports()))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        collect()
    return drawn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=300)
    args = parser.parse_args()

    counts = {band: [0, 0, 0] for band in BANDS}  # cells, right, sent to review
    for report in _draw(args.reports):
        record = extract(report.text)
        for (table, row, col), value in report.expected_cells():
            field = getattr(record, table).get(row, {}).get(col)
            confidence = field.confidence if field is not None else 0.0
            right = field is not None and field.value == value
            band = next(b for b in BANDS if b[0] <= confidence < b[1])
            counts[band][0] += 1
            counts[band][1] += right
            counts[band][2] += field is not None and field.review is not None
    total = sum(c[0] for c in counts.values())
    print(f"{args.reports} generated reports, {total} expected table cells\n")
    print(f"{'confidence':<14}{'cells':>8}{'right':>8}{'accuracy':>10}{'to review':>11}")
    for (low, high), (cells, right, review) in counts.items():
        if cells:
            label = f"{low:.2f}-{min(high, 1.0):.2f}"
            print(f"{label:<14}{cells:>8}{right:>8}{right / cells:>10.1%}{review:>11}")


if __name__ == "__main__":
    main()
