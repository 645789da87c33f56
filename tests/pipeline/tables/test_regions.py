"""Finding each table by its own anchors; section hints only break ties."""

from __future__ import annotations

from services.pipeline.model import Section
from services.pipeline.tables import parse_tables
from services.pipeline.tables.regions import AnchorSet
from services.pipeline.tables.requests import ANCHORS
from tests.pipeline.tables.layouts import (
    printed,
    render,
    request_values,
    requests_items,
    wrap_report,
)

HEADING = "三、收到和处理政府信息公开申请情况"


def _table(seed: int) -> str:
    return render(requests_items("2019", printed(request_values("2019", seed=seed))), "cell_lines")


def test_anchors_in_prose_do_not_make_a_table() -> None:
    prose = (
        "本年度新收政府信息公开申请30件,上年结转政府信息公开申请2件,其中予以公开20件,部分公开5件,"
        "因属于国家秘密不予公开1件,本机关不掌握相关政府信息2件,结转下年度继续办理3件。\n"
    )
    (window,) = AnchorSet((ANCHORS,)).windows(prose * 3, [])
    assert window is None


def test_the_table_is_found_without_hints_and_despite_wrong_ones() -> None:
    text = wrap_report((HEADING, _table(1)))
    wrong = [Section("requests", "一、总体情况", 0, 10, 40)]
    for sections in ([], wrong):
        tables = parse_tables(text, sections)
        assert len(tables.requests) == 23
        assert tables.requests["granted"]["total"].value == sum(
            request_values("2019", seed=1)["granted"][:6]
        )


def test_a_hint_picks_between_two_copies() -> None:
    gap = "本栏目信息由办公室负责维护。" * 300 + "\n"
    first, second = _table(1), _table(2)
    text = wrap_report((HEADING, first + gap + second))
    at = text.index(second)
    hint = [Section("requests", HEADING, at - 1, at, len(text))]
    want_first = request_values("2019", seed=1)["granted"][6]
    want_second = request_values("2019", seed=2)["granted"][6]
    assert want_first != want_second
    assert parse_tables(text, []).requests["granted"]["total"].value == want_first
    assert parse_tables(text, hint).requests["granted"]["total"].value == want_second
