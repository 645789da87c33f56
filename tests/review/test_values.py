"""Corrected values are checked against their field's type."""

from __future__ import annotations

import pytest

from services.errors import InvalidDecisionError
from services.review.values import parse_value


@pytest.mark.parametrize(
    ("path", "raw", "want"),
    [
        ("requests.granted.total", 34, 34),
        ("requests.granted.total", "34", 34),
        ("requests.granted.total", " ３４ ", 34),  # full-width digits from a form
        ("requests.granted.total", "1,234", 1234),
        ("requests.granted.total", 5.0, 5),
        ("requests.granted.total", None, None),  # a blank cell
        ("requests.granted.total", "-", None),
        ("reviews_litigation.review.upheld", "0", 0),
        ("proactive.licensing.change", "+1036", 1036),
        ("proactive.licensing.change", "-8", -8),
        ("proactive.fees.amount", "25.5", 25.5),
        ("proactive.procurement.amount", 251000, 251000),
        ("narrative.fees_collected", "12.5", 12.5),
        ("narrative.proactive_total", "254", 254),
        ("metadata.report_year", "2020", 2020),
        ("metadata.publish_date", "2021-01-20", "2021-01-20"),
        ("metadata.publish_date", None, None),
        ("metadata.agency", "  桦甸市统计局 ", "桦甸市统计局"),
        ("metadata.title", None, None),
        ("classification.doc_type", "work_plan", "work_plan"),
        ("classification.format_version", None, None),
        ("classification.script", "traditional", "traditional"),
        ("problems.0", " 公开内容还不够全面 ", "公开内容还不够全面"),
    ],
)
def test_values_that_fit(path: str, raw: object, want: object) -> None:
    value = parse_value(path, raw)
    assert value == want and type(value) is type(want)


@pytest.mark.parametrize(
    ("path", "raw", "expected"),
    [
        ("requests.granted.total", "3.5", "a whole number ≥ 0"),
        ("requests.granted.total", -1, "a whole number ≥ 0"),
        ("requests.granted.total", True, "a whole number ≥ 0"),
        ("requests.granted.total", "", "a whole number ≥ 0"),
        ("requests.granted.total", "12件", "a whole number ≥ 0"),
        ("requests.granted.total", [1], "a whole number ≥ 0"),
        ("proactive.licensing.change", "1.5", "a whole number (negative"),
        ("proactive.fees.amount", "-3", "a number ≥ 0"),
        ("metadata.report_year", "二〇二〇", "a year"),
        ("metadata.report_year", 1800, "a year"),
        ("metadata.publish_date", "2021/01/20", "YYYY-MM-DD"),
        ("metadata.publish_date", "2021-02-30", "YYYY-MM-DD"),
        ("metadata.agency", "   ", "non-empty text"),
        ("classification.doc_type", "report", "annual_report | work_plan | other"),
        ("classification.doc_type", None, "annual_report"),
        ("problems.0", None, "the item's text"),
        ("checks.0", 1, "no correction is defined"),
    ],
)
def test_values_that_do_not_fit_say_what_was_expected(
    path: str, raw: object, expected: str
) -> None:
    with pytest.raises(InvalidDecisionError) as caught:
        parse_value(path, raw)
    assert caught.value.where == "value"
    assert path in caught.value.message and expected in caught.value.message
    assert repr(raw) in caught.value.message
