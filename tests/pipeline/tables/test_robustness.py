"""Any input at all: never an exception, every span inside the text, values of the right kind.

Speed is measured by the bench script, not here: these tests only bound the work (a search
budget), so a slow path shows up as a failure of the bench, never as a flaky test.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from services.pipeline.model import Tables
from services.pipeline.tables import parse_tables
from tests.pipeline.tables.layouts import (
    LAYOUTS,
    printed,
    render,
    request_values,
    requests_items,
    review_items,
    wrap_report,
)

TABLEISH = "0123456789 |\n\t-+.,元件项万()()、:规章行政许可处罚强制总计其他小计一二三四五六七予以公开部分结果维持纠正尚未审结复议诉讼本年新收上年结转无"


def check(text: str, tables: Tables) -> None:
    for grid in (tables.proactive, tables.requests, tables.reviews_litigation):
        for row in grid.values():
            for cell in row.values():
                assert cell.value is None or isinstance(cell.value, int | float)
                assert 0.0 <= cell.confidence <= 1.0
                if cell.span is not None:
                    start, end = cell.span
                    assert 0 <= start <= end <= len(text)
                if cell.candidates is not None:
                    assert cell.value in cell.candidates
                    assert cell.confidence <= 1 / len(cell.candidates) + 1e-9
    assert tables.template in (None, "2019", "2021")


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(max_size=3000))
def test_any_text(text: str) -> None:
    check(text, parse_tables(text, []))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(alphabet=TABLEISH, max_size=4000))
def test_table_like_garbage(text: str) -> None:
    check(text, parse_tables(text, []))


REPORT = wrap_report(
    (
        "三、收到和处理政府信息公开申请情况",
        render(requests_items("2021", printed(request_values("2021"))), "pipe_lines"),
    ),
    (
        "四、政府信息公开行政复议、行政诉讼情况",
        render(review_items(["1"] * 4 + ["4"] + ["0"] * 10), "cell_lines"),
    ),
)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(st.data())
def test_damaged_reports(data: st.DataObject) -> None:
    """A real table with random cuts, insertions and swaps."""
    text = REPORT
    for _ in range(data.draw(st.integers(1, 12))):
        at = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["cut", "insert", "digits"]))
        if op == "cut":
            text = text[:at] + text[at + data.draw(st.integers(1, 200)) :]
        elif op == "insert":
            text = text[:at] + data.draw(st.text(alphabet=TABLEISH, max_size=40)) + text[at:]
        else:
            text = (
                text[:at]
                + data.draw(st.text(alphabet="0123456789", min_size=1, max_size=30))
                + text[at:]
            )
    check(text, parse_tables(text, []))


def test_huge_inputs() -> None:
    rnd = random.Random(4)
    table = wrap_report(
        (
            "三、收到和处理政府信息公开申请情况",
            render(requests_items("2019", printed(request_values("2019"))), "space_rows"),
        )
    )
    inputs = [
        "".join(rnd.choice(TABLEISH) for _ in range(1_000_000)),
        "0\n" * 500_000,
        (table * (1_000_000 // len(table) + 1))[:1_000_000],
        "规章 0 0 0 " * 90_000,
        "行政许可" + "7" * 999_000,
        "|" * 1_000_000,
        "(" * 500_000 + "1\n" * 250_000,
    ]
    for text in inputs:
        check(text, parse_tables(text, []))


def test_every_layout_survives_every_cut() -> None:
    """Truncating a table anywhere (a scrape cut short) never breaks the parser."""
    for layout in LAYOUTS:
        text = render(requests_items("2021", printed(request_values("2021"))), layout)
        for end in range(0, len(text), 97):
            check(text[:end], parse_tables(text[:end], []))
