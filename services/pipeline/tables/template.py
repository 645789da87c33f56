"""Which official template the tables follow, and how sure the labels make us.

本年制发件数, 本年收费金额 or the three （六） sub-rows point to 2021; 本年新制作数量, 上一年项目数量,
第二十条第（九）项 (and the 2019-only rows) to 2019. Each marker counts once, weighted by how
exclusive it is (`templates.TEMPLATE_MARKERS`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def add_votes(*votes: Mapping[str, float]) -> dict[str, float]:
    total: dict[str, float] = {"2019": 0.0, "2021": 0.0}
    for vote in votes:
        for template, weight in vote.items():
            total[template] = total.get(template, 0.0) + weight
    return total


def request_votes(rows: Iterable[str]) -> dict[str, float]:
    """The （六） sub-rows exist only in 2021; （六） as one row is 2019's, but 2021 reports do it too."""
    present = set(rows)
    votes = {"2019": 0.0, "2021": 0.0}
    if present & {"other_no_correction", "other_unpaid_fee", "other_other"}:
        votes["2021"] += 1.0
    if "other" in present:
        votes["2019"] += 0.4
    return votes


def decide(votes: Mapping[str, float]) -> tuple[str | None, float]:
    """(template, confidence): a clear winner scores high; contradicting labels score low."""
    v19, v21 = votes.get("2019", 0.0), votes.get("2021", 0.0)
    if v19 == v21:
        return None, 0.0
    winner, high, low = ("2019", v19, v21) if v19 > v21 else ("2021", v21, v19)
    if low == 0:
        if high >= 2:
            return winner, 0.97
        return winner, 0.9 if high >= 1 else 0.7
    if low < 1:  # only a hint against (（六） as one row happens in 2021 reports too)
        if high >= 2:
            return winner, 0.95
        return winner, 0.85 if high >= 1 else 0.6
    return winner, round(0.5 + 0.3 * (high - low) / (high + low), 3)  # labels contradict
