"""The prompt registry and the free-text prompt's files, examples included."""

from __future__ import annotations

import json

import pytest

from prompts import Prompt, SectionText, available_versions, load_prompt
from schemas.llm import FreeTextOutput
from services.errors import OgiError
from services.llm.grounding import SourceIndex, fold, trim_span


@pytest.fixture(scope="module")
def prompt() -> Prompt:
    return load_prompt("free_text", "v1")


def test_the_newest_version_is_the_default_and_the_id_names_it() -> None:
    versions = available_versions("free_text")
    assert versions[0] == "v1"
    newest = load_prompt("free_text")
    assert newest.version == versions[-1]
    assert newest.id == f"free_text/{versions[-1]}"


def test_an_unknown_prompt_or_version_is_a_clear_error() -> None:
    with pytest.raises(OgiError, match="no prompt named 'nope'"):
        load_prompt("nope")
    with pytest.raises(OgiError, match=r"has no version 'v999' \(available: v1"):
        load_prompt("free_text", "v999")


def test_every_part_has_text(prompt: Prompt) -> None:
    assert "problems" in prompt.system and "quote" in prompt.system
    assert prompt.examples, "the prompt ships at least one few-shot example"


def test_every_example_answer_is_valid_and_quotes_its_own_text(prompt: Prompt) -> None:
    for example in prompt.examples:
        answer = FreeTextOutput.model_validate(example.output)
        bodies = [s.body for s in example.sections]
        items = [(c, i) for c in ("problems", "measures", "plans") for i in getattr(answer, c)]
        assert items, f"example {example.name!r} has no items"
        for category, item in items:
            where = f"example {example.name!r}, {category}: {item.quote!r}"
            assert any(item.quote in body for body in bodies), f"{where} is not in its text"
            body = next(b for b in bodies if item.quote in b)
            start = body.index(item.quote)
            s, e = trim_span(body, start, start + len(item.quote))
            assert body[s:e] == item.text, f"{where}: text is not the trimmed quote"


def test_example_quotes_are_found_by_the_grounding_too(prompt: Prompt) -> None:
    for example in prompt.examples:
        text = "\n".join(s.body for s in example.sections)
        index = SourceIndex(text, [(0, len(text))])
        for category in ("problems", "measures", "plans"):
            for item in example.output[category]:
                found = index.align(item["quote"])
                assert found is not None and found.score == 1.0, item
                assert fold(text[found.start : found.end]) == fold(item["quote"])


def test_messages_are_system_then_examples_then_the_document(prompt: Prompt) -> None:
    document = prompt.render([SectionText("五、存在的主要问题", "一是更新不及时。")])
    messages = prompt.messages(document)
    roles = [m["role"] for m in messages]
    assert roles == ["system"] + ["user", "assistant"] * len(prompt.examples) + ["user"]
    assert messages[-1]["content"] == document
    answer = json.loads(messages[2]["content"])
    assert answer == prompt.examples[0].output
    assert "JSON Schema" not in messages[0]["content"]
    with_schema = prompt.messages(document, schema='{"type":"object"}')
    assert with_schema[0]["content"].endswith('{"type":"object"}')


def test_rendering_keeps_headings_bodies_and_dollar_signs(prompt: Prompt) -> None:
    rendered = prompt.render(
        [SectionText("五、问题", "费用$100未公开"), SectionText("六、打算", "(一)加强。")]
    )
    assert rendered.startswith("<document>") and rendered.endswith("</document>")
    assert "【五、问题】\n费用$100未公开" in rendered
    assert rendered.index("【五、问题】") < rendered.index("【六、打算】")


def test_a_reask_names_the_error(prompt: Prompt) -> None:
    message = prompt.reask_message("not valid JSON (Expecting value at line 1 column 1)")
    assert message["role"] == "user"
    assert "not valid JSON (Expecting value at line 1 column 1)" in message["content"]
