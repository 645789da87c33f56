"""The fake LLM server others reuse: started as a subprocess it answers as its mode says."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.fake_llm import EMPTY_ANSWER, count_tokens, echo_rules

SCRIPT = Path(__file__).resolve().parents[1] / "support" / "fake_llm.py"
DOCUMENT = (
    "<document>\n【五、存在的主要问题及改进情况】\n"
    "一是信息更新不够及时;二是解读形式单一。\n我局将继续加强培训。\n"
    "【六、下一步工作打算】\n(一)加强队伍建设。\n(二)拓展公开渠道。\n</document>"
)


def _start(*args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--port", "0", *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        found = re.search(r"(http://\S+/v1)", proc.stdout.readline())
        assert found, "the server did not print its address"
        yield found.group(1), proc
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0  # SIGTERM is a clean stop
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.fixture
def echo_server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    yield from _start("--mode", "echo-rules", "--delay", "0.2")


@pytest.fixture
def empty_server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    yield from _start("--mode", "zero-latency", "--reject-json-schema")


def _chat(url: str, **extra: object) -> httpx.Response:
    body = {"model": "m", "messages": [{"role": "user", "content": DOCUMENT}], **extra}
    return httpx.post(f"{url}/chat/completions", json=body, timeout=5)


def test_echo_rules_as_a_subprocess_answers_late_with_grounded_items(
    echo_server: tuple[str, subprocess.Popen[str]],
) -> None:
    url, _ = echo_server
    started = time.monotonic()
    reply = _chat(url)
    assert time.monotonic() - started >= 0.2
    assert reply.status_code == 200
    answer = json.loads(reply.json()["choices"][0]["message"]["content"])
    assert answer == {
        "problems": [
            {"text": "信息更新不够及时", "quote": "一是信息更新不够及时;"},
            {"text": "解读形式单一", "quote": "二是解读形式单一。"},
        ],
        "measures": [{"text": "我局将继续加强培训", "quote": "我局将继续加强培训。"}],
        "plans": [
            {"text": "加强队伍建设", "quote": "(一)加强队伍建设。"},
            {"text": "拓展公开渠道", "quote": "(二)拓展公开渠道。"},
        ],
    }
    usage = reply.json()["usage"]
    assert usage["prompt_tokens"] == 4 + count_tokens(DOCUMENT)
    assert usage["completion_tokens"] > 0


def test_zero_latency_answers_at_once_and_can_refuse_json_schema(
    empty_server: tuple[str, subprocess.Popen[str]],
) -> None:
    url, _ = empty_server
    refused = _chat(url, response_format={"type": "json_schema", "json_schema": {"name": "x"}})
    assert refused.status_code == 400 and "json_schema" in refused.text
    reply = _chat(url, response_format={"type": "json_object"})
    assert reply.json()["choices"][0]["message"]["content"] == EMPTY_ANSWER
    assert httpx.get(f"{url}/models", timeout=5).json()["data"][0]["id"] == "fake-llm"


def test_the_token_count_is_one_per_character_or_four_letters() -> None:
    assert count_tokens("信息公开") == 4
    assert count_tokens("abcdefgh, 12") == 4  # abcd efgh → 2, "," → 1, "12" → 1
    assert echo_rules("no document here") == {"problems": [], "measures": [], "plans": []}
