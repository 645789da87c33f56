"""Telling the 2019 and 2021 templates apart by the tables' own wording."""

from __future__ import annotations

from services.pipeline.tables import parse_tables
from services.pipeline.tables.template import add_votes, decide, request_votes
from tests.pipeline.tables.layouts import (
    PROACTIVE_2021_LAYOUT,
    Item,
    Row,
    printed,
    render,
    request_values,
    requests_items,
    wrap_report,
)


def test_decide() -> None:
    assert decide({"2019": 0.0, "2021": 0.0}) == (None, 0.0)
    assert decide({"2019": 3.0, "2021": 0.0}) == ("2019", 0.97)
    assert decide({"2019": 0.0, "2021": 1.0}) == ("2021", 0.9)
    assert decide({"2019": 0.4, "2021": 0.0}) == ("2019", 0.7)
    template, confidence = decide({"2019": 1.0, "2021": 3.0})
    assert template == "2021" and 0.5 < confidence < 0.8
    assert decide({"2019": 2.0, "2021": 2.0}) == (None, 0.0)


def test_votes_add_up() -> None:
    assert add_votes({"2019": 1.0}, {"2019": 0.5, "2021": 1.0}) == {"2019": 1.5, "2021": 1.0}
    assert request_votes({"other_other", "granted"}) == {"2019": 0.0, "2021": 1.0}
    assert request_votes({"other"}) == {"2019": 0.4, "2021": 0.0}


def test_a_2021_report_printing_other_as_one_row_stays_2021() -> None:
    proactive: list[Item] = []
    for banner, headers, rows in PROACTIVE_2021_LAYOUT:
        proactive += [banner, "信息内容 " + " ".join(headers)]
        proactive += [Row([label], ["1"] * len(headers)) for _, label in rows]
    values = printed(request_values("2019"))  # 23 rows: （六）其他处理 as one row
    text = wrap_report(
        ("二、主动公开政府信息情况", render(proactive, "space_rows")),
        (
            "三、收到和处理政府信息公开申请情况",
            render(requests_items("2019", values), "space_rows"),
        ),
    )
    tables = parse_tables(text, [])
    assert tables.template == "2021" and tables.template_confidence >= 0.9
    assert "other" in tables.requests and "other_other" not in tables.requests
    assert set(tables.proactive["rules"]) == {"issued", "repealed", "in_force"}


def test_the_sub_rows_of_other_alone_mean_2021() -> None:
    values = printed(request_values("2021"))
    text = wrap_report(
        ("三、收到和处理政府信息公开申请情况", render(requests_items("2021", values), "cell_lines"))
    )
    tables = parse_tables(text, [])
    assert (tables.template, tables.template_confidence) == ("2021", 0.9)


def test_the_ninth_item_alone_means_2019() -> None:
    text = wrap_report(
        (
            "二、主动公开政府信息情况",
            "第二十条第(九)项\n信息内容\n政府集中采购 3 251000元\n规章 0 0 0\n",
        )
    )
    tables = parse_tables(text, [])
    assert tables.template == "2019" and tables.template_confidence >= 0.9
    assert tables.proactive["procurement"]["amount"].value == 251000


def test_no_tables_no_template() -> None:
    tables = parse_tables(
        wrap_report(("二、主动公开政府信息情况", "本年度主动公开政府信息120条。\n")), []
    )
    assert (tables.template, tables.template_confidence) == (None, 0.0)
