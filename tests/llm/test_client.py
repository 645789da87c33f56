"""One chat completion through the real `openai` client against the fake server: structured
output and its fallback, retries per failure class, and the attempt log of a give-up."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from schemas.llm import SCHEMA_NAME, output_json_schema
from services.config import Settings
from services.errors import LlmError
from services.llm.client import ChatRequest, LlmClient
from services.llm.usage import AttemptLog, UsageMeter
from tests.llm.conftest import configure
from tests.support.fake_llm import FakeLlm, Reply

VALID = '{"problems":[],"measures":[],"plans":[]}'
REQUEST = ChatRequest(
    messages=[
        {"role": "system", "content": "List the points."},
        {"role": "user", "content": "<document>\n【五、问题】\n一是更新不及时。\n</document>"},
    ],
    schema=output_json_schema(),
    schema_name=SCHEMA_NAME,
    schema_hint="The JSON object must validate against this JSON Schema: {...}",
)


@pytest.fixture
def make_client(fake_llm: FakeLlm) -> Iterator[type[LlmClient]]:
    built: list[LlmClient] = []

    class Tracked(LlmClient):
        def __init__(self, settings: Settings) -> None:
            super().__init__(settings)
            built.append(self)

    yield Tracked
    for client in built:
        client.close()


def _ask(client: LlmClient) -> tuple[str, AttemptLog, UsageMeter]:
    attempts, usage = AttemptLog(), UsageMeter()
    completion = client.complete(REQUEST, attempts=attempts, usage=usage)
    return completion.content, attempts, usage


def test_a_strict_json_schema_is_asked_for_first(
    fake_llm: FakeLlm, make_client: type[LlmClient]
) -> None:
    fake_llm.script(Reply.answer(VALID, usage=(120, 9)))
    client = make_client(configure(fake_llm))
    content, attempts, usage = _ask(client)
    assert content == VALID
    sent = fake_llm.requests[0].body
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["strict"] is True
    assert sent["response_format"]["json_schema"]["schema"] == output_json_schema()
    assert sent["model"] == "fake-model" and sent["temperature"] == 0
    assert "JSON Schema" not in sent["messages"][0]["content"]  # the server enforces it
    assert (usage.prompt_tokens, usage.completion_tokens, usage.calls) == (120, 9, 1)
    assert len(attempts.lines) == 1 and "answered" in attempts.lines[0]


def test_a_server_rejecting_json_schema_gets_json_mode_with_the_schema_in_the_prompt(
    fake_llm: FakeLlm, make_client: type[LlmClient]
) -> None:
    fake_llm.reject_json_schema = True
    client = make_client(configure(fake_llm))
    content, attempts, usage = _ask(client)
    assert json.loads(content) == {"problems": [], "measures": [], "plans": []} or content
    formats = [r.response_format for r in fake_llm.requests]
    assert formats == ["json_schema", "json_object"]
    retried = fake_llm.requests[1].body["messages"][0]["content"]
    assert retried.endswith(REQUEST.schema_hint)
    assert [r.status for r in fake_llm.requests] == [400, 200]
    assert "rejected response_format json_schema" in " ".join(attempts.lines)
    assert usage.calls == 1  # the rejection cost nothing
    # Remembered: the next request goes straight to JSON mode.
    _ask(client)
    assert [r.response_format for r in fake_llm.requests] == [
        "json_schema",
        "json_object",
        "json_object",
    ]


def test_without_json_mode_either_the_schema_travels_in_the_prompt_alone(
    fake_llm: FakeLlm, make_client: type[LlmClient]
) -> None:
    fake_llm.script(
        Reply.error(400, "response_format json_schema is not supported"),
        Reply.error(400, "Unsupported response_format type: json_object"),
        Reply.answer(VALID),
    )
    client = make_client(configure(fake_llm))
    assert _ask(client)[0] == VALID
    assert [r.response_format for r in fake_llm.requests] == ["json_schema", "json_object", None]


def test_an_explicit_json_schema_setting_never_steps_down(
    fake_llm: FakeLlm, make_client: type[LlmClient]
) -> None:
    fake_llm.reject_json_schema = True
    client = make_client(configure(fake_llm, llm_structured_output="json_schema"))
    with pytest.raises(LlmError, match="refused the request: HTTP 400") as caught:
        _ask(client)
    assert len(fake_llm.requests) == 1
    assert "json_schema: HTTP 400" in caught.value.attempts[0]


def test_a_429_waits_as_long_as_retry_after_says(
    fake_llm: FakeLlm, make_client: type[LlmClient]
) -> None:
    fake_llm.script(Reply.rate_limited(0.3), Reply.answer(VALID, usage=(100, 10)))
    client = make_client(configure(fake_llm))  # backoff alone would wait 1-10 ms
    content, attempts, usage = _ask(client)
    assert content == VALID
    first, second = fake_llm.requests
    assert second.at - first.at >= 0.3
    assert (usage.prompt_tokens, usage.completion_tokens) == (100, 10)
    assert "HTTP 429" in attempts.lines[0] and "Retry-After 0.3 s" in attempts.lines[0]


def test_retry_after_is_capped_by_the_setting(
    fake_llm: FakeLlm, make_client: type[LlmClient]
) -> None:
    fake_llm.script(Reply.rate_limited(30), Reply.answer(VALID))
    client = make_client(configure(fake_llm, llm_retry_after_max_s=0.05))
    started = time.monotonic()
    assert _ask(client)[0] == VALID
    assert time.monotonic() - started < 5


def test_a_500_is_retried(fake_llm: FakeLlm, make_client: type[LlmClient]) -> None:
    fake_llm.script(Reply.error(500, "upstream exploded"), Reply.answer(VALID, usage=(90, 5)))
    content, attempts, usage = _ask(make_client(configure(fake_llm)))
    assert content == VALID
    assert [r.status for r in fake_llm.requests] == [500, 200]
    assert "HTTP 500: upstream exploded" in attempts.lines[0]
    assert (usage.prompt_tokens, usage.calls) == (90, 1)


def test_a_timeout_is_retried(fake_llm: FakeLlm, make_client: type[LlmClient]) -> None:
    fake_llm.script(Reply.slow(2.0, VALID), Reply.answer(VALID, usage=(70, 4)))
    content, attempts, usage = _ask(make_client(configure(fake_llm, llm_timeout_s=0.3)))
    assert content == VALID
    assert len(fake_llm.requests) == 2
    assert "timed out" in attempts.lines[0]
    assert (usage.prompt_tokens, usage.completion_tokens) == (70, 4)  # the slow one never arrived


def test_giving_up_raises_llm_error_with_every_attempt(
    fake_llm: FakeLlm, make_client: type[LlmClient]
) -> None:
    fake_llm.script(*[Reply.error(503, "overloaded")] * 3)
    with pytest.raises(LlmError, match="gave up after 3 attempt") as caught:
        _ask(make_client(configure(fake_llm, llm_max_attempts=3)))
    assert len(fake_llm.requests) == 3
    assert len(caught.value.attempts) == 3
    assert all("HTTP 503: overloaded" in line for line in caught.value.attempts)
    assert caught.value.status == 502


def test_a_client_error_is_not_retried(fake_llm: FakeLlm, make_client: type[LlmClient]) -> None:
    fake_llm.script(Reply.error(401, "bad key"))
    with pytest.raises(LlmError, match="HTTP 401: bad key"):
        _ask(make_client(configure(fake_llm)))
    assert len(fake_llm.requests) == 1


def test_an_unreachable_server_is_a_connection_error_after_every_attempt(
    fake_llm: FakeLlm, make_client: type[LlmClient]
) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = configure(fake_llm, llm_base_url=f"http://127.0.0.1:{port}/v1")
    with pytest.raises(LlmError, match="gave up after 3") as caught:
        _ask(make_client(settings))
    assert len(caught.value.attempts) == 3
    assert all("connection error" in line for line in caught.value.attempts)


def test_a_server_without_usage_counts_as_zero_and_says_so(
    fake_llm: FakeLlm, make_client: type[LlmClient]
) -> None:
    fake_llm.script(Reply.answer(VALID, report_usage=False))
    _, attempts, usage = _ask(make_client(configure(fake_llm)))
    assert (usage.prompt_tokens, usage.completion_tokens, usage.calls) == (0, 0, 1)
    assert "no usage reported" in attempts.lines[0]


def test_llama_cpp_pythons_500_for_json_schema_is_a_rejection_not_an_outage(
    fake_llm: FakeLlm, make_client: type[LlmClient]
) -> None:
    # What llama-cpp-python's server (0.3.x) answers to response_format json_schema.
    fake_llm.script(
        Reply.error(
            500,
            "1 validation error: body.response_format.type: Input should be 'text' or "
            "'json_object'",
        ),
        Reply.answer(VALID),
    )
    content, attempts, _ = _ask(make_client(configure(fake_llm)))
    assert content == VALID
    assert [r.response_format for r in fake_llm.requests] == ["json_schema", "json_object"]
    assert "rejected response_format json_schema" in attempts.lines[1]
