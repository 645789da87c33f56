"""Splitting glued digit runs: every valid split found, bounded search, plausibility order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.pipeline.tables.glued import Budget, SumRule, most_plausible, splits
from services.pipeline.tables.tokens import Token, tokenise

ROW = (SumRule((0, 1, 2, 3, 4, 5), 6),)
GROUPS = tuple(SumRule(tuple(range(g * 5, g * 5 + 4)), g * 5 + 4) for g in range(3))


def cells(text: str) -> list[Token]:
    return [t for t in tokenise(text) if t.kind != "text"]


def values(text: str, ncols: int, rules: tuple[SumRule, ...] = ()) -> list[list[object]]:
    search = splits(cells(text), ncols, rules, Budget(1_000_000))
    assert search.complete
    return [[p.value for p in split] for split in search.splits]


def test_row_total_splits_713000074_one_way() -> None:
    assert values("713000074", 7, ROW) == [[71, 3, 0, 0, 0, 0, 74]]


def test_without_an_identity_3960181_has_many_splits() -> None:
    options = values("3960181", 3)
    assert len(options) == 11
    assert [396, 0, 181] in options and [3, 9, 60181] in options
    search = splits(cells("3960181"), 3, (), Budget(10_000))
    assert [p.value for p in most_plausible(search.splits)] == [396, 0, 181]


def test_leading_zeros_are_never_a_cell() -> None:
    assert values("00", 2) == [[0, 0]]
    assert values("000000000000000", 15, GROUPS) == [[0] * 15]
    assert values("105", 2) == [[10, 5]]


def test_spans_of_pieces_point_at_their_digits() -> None:
    text = "行政许可 +3960181件"
    (split,) = [s for s in splits(cells(text), 3, (), Budget(10_000)).splits if s[1].value == 0]
    assert [text[p.start : p.end] for p in split] == ["+396", "0", "181件"]
    assert split[0].value == 396


def test_separate_tokens_are_never_merged() -> None:
    assert values("71 3 0 0 0 0 74", 7, ROW) == [[71, 3, 0, 0, 0, 0, 74]]
    assert values("7 13", 2) == [[7, 13]]
    assert values("7 13", 3) == [[7, 1, 3]]


def test_blank_parts_leave_the_total_unchecked() -> None:
    row = [t for t in tokenise("1 | | 0 | 0 | 0 | 0 | 5 |") if t.kind != "text"]
    search = splits(row, 7, ROW, Budget(10_000))
    assert [[p.value for p in s] for s in search.splits] == [[1, None, 0, 0, 0, 0, 5]]


def test_the_budget_bounds_the_search() -> None:
    budget = Budget(50)
    search = splits(cells("1" * 49), 7, (), budget)
    assert not search.complete
    assert budget.nodes < 0


def test_the_solution_cap_bounds_the_answer() -> None:
    search = splits(cells("123456789123"), 4, (), Budget(1_000_000), max_solutions=5)
    assert len(search.splits) == 5 and not search.complete


def _cuts(digits: str, parts: int) -> list[list[int]]:
    """Every cut of `digits` into `parts` printed numbers (no leading zeros, ≤ 7 digits)."""
    if parts == 1:
        ok = 0 < len(digits) <= 7 and (digits == "0" or digits[0] != "0")
        return [[int(digits)]] if ok else []
    out: list[list[int]] = []
    for i in range(1, min(7, len(digits) - parts + 1) + 1):
        head = digits[:i]
        if head == "0" or head[0] != "0":
            out += [[int(head), *tail] for tail in _cuts(digits[i:], parts - 1)]
    return out


def _brute(digits: str, groups: int, size: int) -> list[list[int]]:
    """Splits into `groups` blocks of `size` numbers, each block ending in its sum."""
    if groups == 0:
        return [[]] if not digits else []
    out: list[list[int]] = []
    for end in range(size, len(digits) + 1):
        for block in _cuts(digits[:end], size):
            if sum(block[:-1]) == block[-1]:
                out += [[*block, *rest] for rest in _brute(digits[end:], groups - 1, size)]
    return out


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 40), min_size=6, max_size=6).map(lambda p: [*p, sum(p)]))
def test_matches_brute_force_on_row_totals(row: list[int]) -> None:
    digits = "".join(map(str, row))
    got = values(digits, 7, ROW)
    assert row in got
    assert sorted(got) == sorted(_brute(digits, 1, 7))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 12), min_size=12, max_size=12))
def test_matches_brute_force_on_group_totals(parts: list[int]) -> None:
    row = [v for g in range(3) for v in (*parts[g * 4 : g * 4 + 4], sum(parts[g * 4 : g * 4 + 4]))]
    digits = "".join(map(str, row))
    got = values(digits, 15, GROUPS)
    assert row in got
    assert sorted(got) == sorted(_brute(digits, 3, 5))
