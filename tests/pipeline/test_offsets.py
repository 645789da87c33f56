from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.pipeline.offsets import Edit, OffsetMap, apply_edits


def test_apply_edits_replaces_and_maps_back() -> None:
    text = "ab(x)cd"
    out, stage = apply_edits(text, [Edit(2, 5, ""), Edit(6, 7, "DD")])
    assert out == "abcDD"
    assert stage is not None
    offsets = OffsetMap(len(text))
    offsets.push(stage)
    assert offsets.span(0, 3) == (0, 6)  # "abc" spans over the deleted "(x)"
    assert offsets.span(3, 5) == (6, 7)  # the replacement maps to what it replaced
    assert offsets.span(2, 3) == (5, 6)


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abcdef", [Edit(1, 4), Edit(3, 5)])


@given(
    st.text(alphabet="ab(x)  \n中文", min_size=1, max_size=60),
    st.lists(st.tuples(st.integers(0, 59), st.integers(0, 3), st.text("yz", max_size=3))),
)
def test_spans_stay_inside_and_in_order(text: str, raw: list[tuple[int, int, str]]) -> None:
    edits: list[Edit] = []
    cursor = 0
    for start, length, repl in sorted(raw):
        if start < cursor or start > len(text):
            continue
        end = min(len(text), start + length)
        edits.append(Edit(start, end, repl))
        cursor = end
    out, stage = apply_edits(text, edits)
    offsets = OffsetMap(len(text))
    offsets.push(stage)
    for a in range(len(out) + 1):
        for b in range(a, len(out) + 1):
            s, e = offsets.span(a, b)
            assert 0 <= s <= e <= len(text)
