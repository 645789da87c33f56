"""Ask for the items of one chunk, check the answer, and re-ask with the error when it is invalid.

An answer is valid when it parses as JSON (a ```json fence around it is tolerated) and
validates against `schemas.llm.FreeTextOutput`. An invalid answer is shown back to the model with
what was wrong, up to `llm_max_reasks` times; every answer's tokens count, valid or not.
"""

from __future__ import annotations

import json
import re

from pydantic import ValidationError

from prompts import Prompt
from schemas.llm import SCHEMA_NAME, FreeTextOutput
from services.errors import LlmError
from services.llm.client import ChatRequest, LlmClient
from services.llm.usage import AttemptLog, UsageMeter

_FENCE = re.compile(r"^\s*```(?:json)?\s*\n?(.*?)\n?\s*```\s*$", re.S | re.I)
# How much of an invalid answer is echoed back in a re-ask (a runaway answer can be long).
_ECHO_LIMIT = 4000


class InvalidAnswer(ValueError):
    """The model's answer is not JSON, or not the JSON the schema asks for."""


def ask_items(
    client: LlmClient,
    prompt: Prompt,
    document: str,
    *,
    schema: dict[str, object],
    max_reasks: int,
    attempts: AttemptLog,
    usage: UsageMeter,
    deadline: float | None = None,
) -> FreeTextOutput:
    compact_schema = json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
    messages = prompt.messages(document)
    hint = prompt.schema_hint.substitute(schema=compact_schema).strip()
    for asked in range(max_reasks + 1):
        request = ChatRequest(messages, schema, SCHEMA_NAME, hint)
        completion = client.complete(request, attempts=attempts, usage=usage, deadline=deadline)
        if completion.finish_reason == "length":
            # Asking again would be cut at the same place: say which settings to change.
            attempts.add(f"answer {asked + 1} cut off at the output token limit")
            raise LlmError(
                "the LLM's answer was cut off at LLM_MAX_OUTPUT_TOKENS; lower LLM_CHUNK_CHARS "
                "or raise the limit",
                attempts=attempts.lines,
            )
        try:
            return parse_answer(completion.content)
        except InvalidAnswer as err:
            attempts.add(f"answer {asked + 1} invalid: {err}")
            messages = [
                *messages,
                {"role": "assistant", "content": completion.content[:_ECHO_LIMIT]},
                prompt.reask_message(str(err)),
            ]
    raise LlmError(
        f"the LLM's answer was still invalid after {max_reasks} re-ask(s)",
        attempts=attempts.lines,
    )


def parse_answer(content: str) -> FreeTextOutput:
    """The validated answer, or `InvalidAnswer` saying what is wrong in a line or two."""
    fenced = _FENCE.match(content)
    raw = fenced.group(1) if fenced else content
    if not raw.strip():
        raise InvalidAnswer("the answer is empty; a JSON object was expected")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise InvalidAnswer(
            f"not valid JSON ({err.msg} at line {err.lineno} column {err.colno})"
        ) from err
    try:
        return FreeTextOutput.model_validate(data)
    except ValidationError as err:
        raise InvalidAnswer(_summary(err)) from err


def _summary(err: ValidationError, limit: int = 5) -> str:
    problems = [
        f"{'.'.join(str(part) for part in e['loc']) or '(root)'}: {e['msg']}"
        for e in err.errors()[:limit]
    ]
    more = err.error_count() - limit
    suffix = f" (and {more} more)" if more > 0 else ""
    return "does not match the schema: " + "; ".join(problems) + suffix
