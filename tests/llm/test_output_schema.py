"""schemas/llm.py: the answer model and the strict JSON Schema sent as response_format."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from schemas.llm import FreeTextOutput, output_json_schema

STRICT_KEYWORDS = {"type", "properties", "required", "additionalProperties", "items", "description"}


def _objects(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append(node)
        for key, value in node.items():
            if key == "properties":
                for prop in value.values():
                    found.extend(_objects(prop))
            else:
                found.extend(_objects(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_objects(value))
    return found


def _keywords(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_keywords(v) for v in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    out = set(node) - {"properties"}
    for key, value in node.items():
        if key == "properties":
            for prop in value.values():
                out |= _keywords(prop)
        elif isinstance(value, dict | list):
            out |= _keywords(value)
    return out


def test_every_object_is_closed_and_requires_all_its_properties() -> None:
    schema = output_json_schema()
    objects = _objects(schema)
    assert len(objects) >= 4  # the answer and the item schema under each of three categories
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert obj["required"] == list(obj["properties"])


def test_the_schema_is_self_contained_and_uses_strict_keywords_only() -> None:
    schema = output_json_schema()
    text = json.dumps(schema)
    assert "$ref" not in text and "$defs" not in text
    assert _keywords(schema) <= STRICT_KEYWORDS
    assert schema["required"] == ["problems", "measures", "plans"]
    item = schema["properties"]["problems"]["items"]
    assert item["required"] == ["text", "quote"]


def test_a_valid_answer_parses() -> None:
    answer = FreeTextOutput.model_validate(
        {
            "problems": [{"text": "更新不及时", "quote": "一是更新不及时;"}],
            "measures": [],
            "plans": [],
        }
    )
    assert answer.problems[0].quote == "一是更新不及时;"


def test_a_category_left_out_is_empty() -> None:
    assert FreeTextOutput.model_validate({"problems": []}).plans == []


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ({"problems": [{"text": "更新不及时"}]}, "quote"),
        ({"problems": [{"text": "", "quote": "x"}]}, "at least 1 character"),
        ({"problems": [{"text": "a", "quote": "a", "why": "b"}]}, "Extra inputs"),
        ({"issues": []}, "Extra inputs"),
        ({"problems": "更新不及时"}, "valid list"),
    ],
)
def test_answers_off_the_schema_are_refused(data: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        FreeTextOutput.model_validate(data)
