"""A corrected value, checked against the type of the field it replaces.

    table cells, counts in prose       a whole number ≥ 0, or null (a blank cell; `-` too)
    本年增/减 (`proactive.*.change`)    a whole number, signed
    amounts (收费金额, 采购总金额, fees)  a number ≥ 0, or null
    metadata.report_year               a year, 1900..2200
    metadata.publish_date              an ISO date, YYYY-MM-DD, or null
    metadata.agency / title            text, or null
    classification.*                   one of the record's allowed values
    problems / measures / plans items  text (located in the document by `align`)

Strings are accepted for numbers (a form field sends text): full-width digits, `+`, and
thousands separators are understood; anything else is refused with what was expected.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import NoReturn, get_args

from schemas.keys import DocType, FormatVersion, Script
from schemas.record import Value
from services.errors import InvalidDecisionError
from services.review.paths import list_name_of, table_of

_AMOUNTS = frozenset({"proactive.fees.amount", "proactive.procurement.amount"})
_SIGNED_SUFFIX = ".change"
_MONEY_NARRATIVE = frozenset({"narrative.fees_collected"})
_CHOICES: dict[str, tuple[str, ...]] = {
    "classification.doc_type": get_args(DocType),
    "classification.format_version": get_args(FormatVersion),
    "classification.script": get_args(Script),
}
_NULLABLE_CHOICES = frozenset({"classification.format_version"})
_INT = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BLANK_MARKS = ("-", "—", "－")


def parse_value(path: str, raw: object) -> Value:
    """The value to store at `path`; InvalidDecisionError (where="value") if it does not fit."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | type(None)):
        _refuse(path, raw)
    if path in _CHOICES:
        return _choice(path, raw)
    if path == "metadata.report_year":
        return _year(path, raw)
    if path == "metadata.publish_date":
        return _date(path, raw)
    if path in ("metadata.agency", "metadata.title") or list_name_of(path) is not None:
        return _text(path, raw, nullable=list_name_of(path) is None)
    if table_of(path) in ("proactive", "requests", "reviews_litigation", "narrative"):
        return _number(path, raw)
    _refuse(path, raw, "no correction is defined for this field")


def _expected(path: str) -> str:
    if path in _CHOICES:
        options = " | ".join(_CHOICES[path])
        return f"one of {options}" + (" or null" if path in _NULLABLE_CHOICES else "")
    if path == "metadata.report_year":
        return "a year between 1900 and 2200"
    if path == "metadata.publish_date":
        return "an ISO date YYYY-MM-DD, or null"
    if path in ("metadata.agency", "metadata.title"):
        return "non-empty text, or null"
    if list_name_of(path) is not None:
        return "the item's text as the document prints it"
    if path in _AMOUNTS or path in _MONEY_NARRATIVE:
        return "a number ≥ 0, or null for a blank cell"
    if path.endswith(_SIGNED_SUFFIX):
        return "a whole number (negative for a decrease), or null for a blank cell"
    return "a whole number ≥ 0, or null for a blank cell"


def _refuse(path: str, raw: object, expected: str | None = None) -> NoReturn:
    expected = expected or _expected(path)
    raise InvalidDecisionError(f"{path} takes {expected}; got {raw!r}", where="value")


def _choice(path: str, raw: object) -> Value:
    if raw is None and path in _NULLABLE_CHOICES:
        return None
    text = raw.strip() if isinstance(raw, str) else raw
    if isinstance(text, str) and text in _CHOICES[path]:
        return text
    _refuse(path, raw)


def _year(path: str, raw: object) -> Value:
    number = _as_number(raw)
    if isinstance(number, int) and 1900 <= number <= 2200:
        return number
    _refuse(path, raw)


def _date(path: str, raw: object) -> Value:
    if raw is None:
        return None
    if isinstance(raw, str) and _ISO_DATE.fullmatch(raw.strip()):
        try:
            return date.fromisoformat(raw.strip()).isoformat()
        except ValueError:
            pass
    _refuse(path, raw)


def _text(path: str, raw: object, *, nullable: bool) -> Value:
    if raw is None and nullable:
        return None
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    _refuse(path, raw)


def _number(path: str, raw: object) -> Value:
    if raw is None or (isinstance(raw, str) and raw.strip() in _BLANK_MARKS):
        return None
    number = _as_number(raw)
    money = path in _AMOUNTS or path in _MONEY_NARRATIVE
    signed = path.endswith(_SIGNED_SUFFIX)
    fits = number is not None and (money or isinstance(number, int)) and (signed or number >= 0)
    if not fits:
        _refuse(path, raw)
    return number


def _as_number(raw: object) -> int | float | None:
    """An int when the value is whole, a float otherwise; None when it is no number."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else raw
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFKC", raw).strip().replace(",", "")
    if _INT.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(text):
        value = float(text)
        return int(value) if value.is_integer() else value
    return None
