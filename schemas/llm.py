"""What the LLM must answer for the free-text sections, as a pydantic model and a strict schema.

The answer lists items per category; each item carries its text and the exact passage of the
source it came from (`quote`), so that the service can find it in the document (grounding)
instead of trusting the model's wording.

`output_json_schema()` is the schema sent as `response_format` (OpenAI "strict" structured
output): every object closes its properties, every property is required, no `$ref`, and only
the keywords strict mode accepts. Pydantic still validates the answer against the full model.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# Part of every cache key: bump it whenever the answer's shape changes.
LLM_SCHEMA_VERSION = "1"

SCHEMA_NAME = "free_text_items"

# Keywords that OpenAI's strict mode accepts and that local servers (llama.cpp grammars, vLLM
# guided decoding, Ollama) understand alike; anything else is dropped from the sent schema.
_KEPT_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "description"}
)


class LlmItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        min_length=1,
        max_length=2000,
        description="The item, copied from the source: no leading 一是/(一)/1. marker, "
        "no trailing punctuation.",
    )
    quote: str = Field(
        min_length=1,
        max_length=4000,
        description="The exact passage of the source the item comes from, character for character.",
    )


class FreeTextOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Defaults: a model that leaves out an empty category has still answered correctly.
    problems: list[LlmItem] = Field(
        default_factory=list, description="Shortcomings the report admits (存在的问题, 不足)."
    )
    measures: list[LlmItem] = Field(
        default_factory=list, description="What the agency does or will do to remedy them."
    )
    plans: list[LlmItem] = Field(
        default_factory=list, description="Forward work items not tied to a stated problem."
    )


def output_json_schema() -> dict[str, Any]:
    """The strict JSON Schema of `FreeTextOutput` (self-contained, no `$ref`)."""
    schema = FreeTextOutput.model_json_schema()
    definitions = schema.pop("$defs", {})
    strict = _strictify(_inline(schema, definitions))
    if not isinstance(strict, dict):  # the root of a model's schema is always an object
        raise TypeError("the output schema's root is not an object")
    return strict


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            return _inline(definitions[ref.rsplit("/", 1)[-1]], definitions)
        return {key: _inline(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(value, definitions) for value in node]
    return node


def _strictify(node: Any) -> Any:
    if isinstance(node, list):
        return [_strictify(value) for value in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _strictify(prop) for name, prop in value.items()}
        elif key in _KEPT_KEYWORDS:
            out[key] = _strictify(value)
    if out.get("type") == "object":
        out["required"] = list(out.get("properties", {}))
        out["additionalProperties"] = False
    return out
