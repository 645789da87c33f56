"""How often reviewed fields were right, per confidence band (pure).

A field's confidence should mean what it says: of the fields at 0.7, about 70 % right. The
reviewed fields tell: a field accepted as it was (or "corrected" to the same value) was right;
one corrected to another value, or a rejected list item, was wrong. Per band: how many, how
many right, the observed accuracy and the mean stated confidence beside it. `suggest_threshold`
reads off the lowest band edge from which every band up is at least as accurate as a target:
fields from there on could skip review.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

DEFAULT_EDGES: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 1.0)


@dataclass(frozen=True, slots=True)
class Reviewed:
    confidence: float  # the pipeline's, when the person decided
    right: bool  # accepted as it was


@dataclass(frozen=True, slots=True)
class Band:
    low: float
    high: float
    count: int
    right: int
    mean_confidence: float | None

    @property
    def wrong(self) -> int:
        return self.count - self.right

    @property
    def accuracy(self) -> float | None:
        return self.right / self.count if self.count else None


def validate_edges(edges: Sequence[float]) -> tuple[float, ...]:
    ordered = tuple(edges)
    if len(ordered) < 2 or any(b <= a for a, b in pairwise(ordered)):
        raise ValueError(f"band edges must be at least two, increasing; got {list(edges)}")
    if ordered[0] < 0 or ordered[-1] > 1:
        raise ValueError(f"band edges must lie in 0..1; got {list(edges)}")
    return ordered


def calibrate(reviewed: Iterable[Reviewed], edges: Sequence[float] = DEFAULT_EDGES) -> list[Band]:
    """One band per pair of edges, [low, high); the last band includes its upper edge.
    Confidences outside the edges are not counted."""
    bounds = validate_edges(edges)
    counts = [0] * (len(bounds) - 1)
    rights = [0] * (len(bounds) - 1)
    sums = [0.0] * (len(bounds) - 1)
    for item in reviewed:
        index = _band_index(item.confidence, bounds)
        if index is None:
            continue
        counts[index] += 1
        rights[index] += item.right
        sums[index] += item.confidence
    return [
        Band(low, high, n, r, s / n if n else None)
        for low, high, n, r, s in zip(bounds, bounds[1:], counts, rights, sums, strict=False)
    ]


def suggest_threshold(bands: Sequence[Band], target: float, min_count: int = 1) -> float | None:
    """The lowest `low` from which every band with at least `min_count` fields reaches
    `target` accuracy (and at least one such band exists); None when no band up does."""
    suggestion: float | None = None
    for band in reversed(bands):
        if band.count < min_count:
            continue
        accuracy = band.accuracy
        if accuracy is None or accuracy < target:
            break
        suggestion = band.low
    return suggestion


def format_table(bands: Sequence[Band]) -> str:
    header = (
        f"{'band':<11} {'count':>6} {'right':>6} {'wrong':>6} {'accuracy':>9} {'mean conf':>10}"
    )
    lines = [header, "-" * len(header)]
    for band in bands:
        accuracy = "-" if band.accuracy is None else f"{band.accuracy:.2f}"
        mean = "-" if band.mean_confidence is None else f"{band.mean_confidence:.2f}"
        label = f"{band.low:.2f}–{band.high:.2f}"
        lines.append(
            f"{label:<11} {band.count:>6} {band.right:>6} {band.wrong:>6} {accuracy:>9} {mean:>10}"
        )
    total = sum(b.count for b in bands)
    right = sum(b.right for b in bands)
    overall = f"{right / total:.2f}" if total else "-"
    lines.append("-" * len(header))
    lines.append(f"{'all':<11} {total:>6} {right:>6} {total - right:>6} {overall:>9} {'':>10}")
    return "\n".join(lines)


def _band_index(confidence: float, bounds: Sequence[float]) -> int | None:
    if confidence < bounds[0] or confidence > bounds[-1]:
        return None
    for i in range(len(bounds) - 1):
        if confidence < bounds[i + 1]:
            return i
    return len(bounds) - 2  # exactly the top edge
