"""Fuzzing `extract`: whatever comes in, a record or an `InputError`, with spans inside the input.

Arbitrary text (CJK, digits, `|`, newlines, control characters), arbitrary bytes, truncated and
spliced seeds, random mutations of generated reports, and generated reports in the encodings
the decoder supports.
"""

from __future__ import annotations

from hypothesis import given, note
from hypothesis import strategies as st

from schemas.record import Record
from services.errors import InputError
from services.pipeline import extract
from tests.generators import property_settings
from tests.generators.oracle import span_failures, value_differences
from tests.generators.report import Report, reports
from tests.generators.seeds import seed_names, seed_text

# Characters these documents are made of, plus the ones that break parsers.
_TABLE_CHARS = "0123456789|| \t\n\r-+.,，。、：:（）()一二三四五六七八九十总计规章元万件年月日第项"
fuzz_chars = st.one_of(
    st.sampled_from(_TABLE_CHARS),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]),
    st.characters(codec="utf-8"),
)
fuzz_text = st.text(fuzz_chars, max_size=600)


def _extract_or_input_error(data: bytes | str, text: str | None, limit: int) -> Record | None:
    """`extract(data)`; an `InputError` is an answer, any other exception fails the test."""
    try:
        record = extract(data)
    except InputError as err:
        assert str(err), "an InputError must say what was wrong"
        return None
    failures = span_failures(record, text, limit)
    assert not failures, "\n".join(failures)
    return record


@property_settings(80)
@given(fuzz_text)
def test_arbitrary_text(text: str) -> None:
    _extract_or_input_error(text, text, len(text))


@property_settings(60)
@given(st.binary(max_size=800))
def test_arbitrary_bytes(data: bytes) -> None:
    # Decoded text never has more characters than the bytes it came from.
    _extract_or_input_error(data, None, len(data))


@property_settings(40)
@given(
    st.sampled_from(seed_names()),
    st.sampled_from(seed_names()),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_truncated_and_spliced_seeds(first: str, second: str, cut: float, resume: float) -> None:
    a, b = seed_text(first), seed_text(second)
    text = a[: int(len(a) * cut)] + b[int(len(b) * resume) :]
    _extract_or_input_error(text, text, len(text))


@property_settings(30)
@given(st.sampled_from(seed_names()), st.floats(0, 1))
def test_seed_bytes_cut_mid_character(name: str, cut: float) -> None:
    data = seed_text(name).encode("utf-8")
    data = data[: int(len(data) * cut)]
    _extract_or_input_error(data, None, len(data))


_mutation = st.tuples(
    st.sampled_from(["delete", "duplicate", "insert", "swap_lines", "replace"]),
    st.floats(0, 1),
    st.floats(0, 1),
    fuzz_text,
)


def _mutate(text: str, op: str, x: float, y: float, noise: str) -> str:
    a, b = sorted((int(len(text) * x), int(len(text) * y)))
    if op == "delete":
        return text[:a] + text[b:]
    if op == "duplicate":
        return text[:b] + text[a:b] + text[b:]
    if op == "insert":
        return text[:a] + noise + text[a:]
    if op == "replace":
        return text[:a] + noise + text[a + len(noise) :]
    lines = text.split("\n")
    i, j = int(len(lines) * x) % len(lines), int(len(lines) * y) % len(lines)
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


@property_settings(40)
@given(reports(), st.lists(_mutation, min_size=1, max_size=6))
def test_mutated_generated_reports(
    report: Report, mutations: list[tuple[str, float, float, str]]
) -> None:
    text = report.text
    for op, x, y, noise in mutations:
        text = _mutate(text, op, x, y, noise)
    note(text)
    _extract_or_input_error(text, text, len(text))


@property_settings(20)
@given(reports(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_encoded_generated_reports_give_the_text_record(report: Report, encoding: str) -> None:
    """Bytes in a supported encoding decode to the same text, so to the same record."""
    text = report.text
    record = _extract_or_input_error(text.encode(encoding), text, len(text))
    assert record is not None
    differences = value_differences(extract(text), record)
    assert not differences, "\n".join(differences)
