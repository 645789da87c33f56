"""Checking answers and re-asking with the error; tokens of every answer count."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from prompts import Prompt, SectionText, load_prompt
from schemas.llm import FreeTextOutput, output_json_schema
from services.config import Settings
from services.errors import LlmError
from services.llm.ask import InvalidAnswer, ask_items, parse_answer
from services.llm.client import LlmClient
from services.llm.usage import AttemptLog, UsageMeter
from tests.support.fake_llm import FakeLlm, Reply

GOOD = {
    "problems": [{"text": "更新不及时", "quote": "一是更新不及时。"}],
    "measures": [],
    "plans": [],
}


@pytest.fixture
def client(llm_settings: Settings) -> Iterator[LlmClient]:
    built = LlmClient(llm_settings)
    yield built
    built.close()


@pytest.fixture(scope="module")
def prompt() -> Prompt:
    return load_prompt("free_text", "v1")


def _ask(
    client: LlmClient, prompt: Prompt, max_reasks: int = 2
) -> tuple[FreeTextOutput, AttemptLog, UsageMeter]:
    attempts, usage = AttemptLog(), UsageMeter()
    document = prompt.render([SectionText("五、存在问题", "一是更新不及时。")])
    answer = ask_items(
        client,
        prompt,
        document,
        schema=output_json_schema(),
        max_reasks=max_reasks,
        attempts=attempts,
        usage=usage,
    )
    return answer, attempts, usage


def test_invalid_json_is_shown_back_with_the_error_and_both_answers_are_paid(
    fake_llm: FakeLlm, client: LlmClient, prompt: Prompt
) -> None:
    fake_llm.script(
        Reply.answer('{"problems": [{"text": "更新不及时", ', usage=(500, 20)),
        Reply.answer(GOOD, usage=(560, 30)),
    )
    answer, attempts, usage = _ask(client, prompt)
    assert answer.model_dump() == GOOD
    assert (usage.prompt_tokens, usage.completion_tokens, usage.calls) == (1060, 50, 2)
    reask = fake_llm.requests[1].body["messages"]
    assert reask[-2] == {"role": "assistant", "content": '{"problems": [{"text": "更新不及时", '}
    assert reask[-1]["role"] == "user" and "not valid JSON" in reask[-1]["content"]
    assert reask[:-2] == fake_llm.requests[0].body["messages"]
    assert "answer 1 invalid: not valid JSON" in " ".join(attempts.lines)


def test_json_off_the_schema_is_shown_back_with_what_is_missing(
    fake_llm: FakeLlm, client: LlmClient, prompt: Prompt
) -> None:
    fake_llm.script(
        Reply.answer({"problems": [{"text": "更新不及时"}]}, usage=(500, 10)),
        Reply.answer(GOOD, usage=(540, 25)),
    )
    _, _, usage = _ask(client, prompt)
    assert (usage.prompt_tokens, usage.completion_tokens) == (1040, 35)
    complaint = fake_llm.requests[1].body["messages"][-1]["content"]
    assert "problems.0.quote: Field required" in complaint


def test_still_invalid_after_the_reasks_is_an_llm_error_and_every_answer_was_counted(
    fake_llm: FakeLlm, client: LlmClient, prompt: Prompt
) -> None:
    fake_llm.script(*[Reply.answer("I cannot help with that.", usage=(400, 8))] * 3)
    usage = UsageMeter()
    attempts = AttemptLog()
    with pytest.raises(LlmError, match="still invalid after 2 re-ask"):
        ask_items(
            client,
            prompt,
            "<document>\n【五、问题】\nx\n</document>",
            schema=output_json_schema(),
            max_reasks=2,
            attempts=attempts,
            usage=usage,
        )
    assert len(fake_llm.requests) == 3
    assert (usage.prompt_tokens, usage.completion_tokens, usage.calls) == (1200, 24, 3)
    assert sum("invalid" in line for line in attempts.lines) == 3


@pytest.mark.parametrize(
    "content",
    [
        '```json\n{"problems": [], "measures": [], "plans": []}\n```',
        '```\n{"problems": [], "measures": [], "plans": []}\n```',
        '  {"problems": [], "measures": [], "plans": []}\n',
    ],
)
def test_a_fenced_or_padded_answer_is_accepted(content: str) -> None:
    assert parse_answer(content).problems == []


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("", "empty"),
        ("[1, 2]", "(root)"),
        ('{"problems": [{"text": "a", "quote": "a"}], "remarks": "x"}', "remarks: Extra inputs"),
    ],
)
def test_invalid_answers_say_what_is_wrong(content: str, complaint: str) -> None:
    with pytest.raises(InvalidAnswer, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        parse_answer(content)


def test_an_answer_cut_at_the_token_limit_is_not_reasked(
    fake_llm: FakeLlm, client: LlmClient, prompt: Prompt
) -> None:
    fake_llm.script(
        Reply.answer(
            '{"problems": [{"text": "更新不及时", "quo', finish_reason="length", usage=(500, 4096)
        )
    )
    with pytest.raises(
        LlmError, match="cut off at LLM_MAX_OUTPUT_TOKENS; lower LLM_CHUNK_CHARS"
    ) as caught:
        _ask(client, prompt)
    assert len(fake_llm.requests) == 1
    assert "cut off at the output token limit" in caught.value.attempts[-1]
