"""Confidence bands against review outcomes (pure)."""

from __future__ import annotations

import pytest

from services.review.calibration import (
    Reviewed,
    calibrate,
    format_table,
    suggest_threshold,
    validate_edges,
)


def _reviewed(points: list[tuple[float, bool]]) -> list[Reviewed]:
    return [Reviewed(confidence, right) for confidence, right in points]


def test_bands_count_right_and_wrong_and_average_the_stated_confidence() -> None:
    points = [(0.1, False), (0.15, True), (0.45, True), (0.5, False), (0.55, True), (1.0, True)]
    bands = calibrate(_reviewed(points), (0.0, 0.2, 0.4, 0.6, 1.0))
    assert [(b.low, b.high, b.count, b.right) for b in bands] == [
        (0.0, 0.2, 2, 1),
        (0.2, 0.4, 0, 0),
        (0.4, 0.6, 3, 2),
        (0.6, 1.0, 1, 1),  # the top edge belongs to the last band
    ]
    assert bands[0].accuracy == 0.5 and bands[1].accuracy is None
    assert bands[2].mean_confidence == pytest.approx(0.5)
    assert bands[2].wrong == 1


def test_a_band_edge_belongs_to_the_band_above_it() -> None:
    bands = calibrate(_reviewed([(0.2, True), (0.4, False)]), (0.0, 0.2, 0.4, 0.6))
    assert [b.count for b in bands] == [0, 1, 1]


def test_the_suggested_threshold_is_where_every_band_up_is_accurate_enough() -> None:
    points = [(0.3, False), (0.35, True), (0.5, True), (0.55, True), (0.7, True), (0.75, True)]
    bands = calibrate(_reviewed(points), (0.0, 0.2, 0.4, 0.6, 0.8, 1.0))
    assert suggest_threshold(bands, 0.95) == 0.4
    assert suggest_threshold(bands, 0.4) == 0.2
    worse = calibrate(_reviewed([(0.7, False), (0.5, True)]), (0.0, 0.6, 1.0))
    assert suggest_threshold(worse, 0.9) is None
    assert suggest_threshold(calibrate([], (0.0, 1.0)), 0.9) is None


def test_the_table_prints_every_band_and_a_total() -> None:
    table = format_table(calibrate(_reviewed([(0.1, False), (0.9, True)]), (0.0, 0.5, 1.0)))
    lines = table.splitlines()
    assert lines[0].split() == ["band", "count", "right", "wrong", "accuracy", "mean", "conf"]
    assert lines[2].split() == ["0.00–0.50", "1", "0", "1", "0.00", "0.10"]
    assert lines[3].split() == ["0.50–1.00", "1", "1", "0", "1.00", "0.90"]
    assert lines[-1].split() == ["all", "2", "1", "1", "0.50"]


@pytest.mark.parametrize("edges", [(0.5,), (0.0, 0.5, 0.5), (0.2, 0.1), (-0.1, 0.5), (0.0, 1.5)])
def test_bad_edges_are_refused(edges: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="band edges"):
        validate_edges(edges)
