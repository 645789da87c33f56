"""One chat completion against any OpenAI-compatible endpoint, with retries and format fallback.

Structured output is asked for in the strongest form the server accepts:

    json_schema   `response_format` json_schema, strict: the server enforces the schema
    json_object   `response_format` json_object (JSON mode), the schema spelled out in the prompt
    prompt        no `response_format` at all, the schema in the prompt (servers without JSON mode)

With `LLM_STRUCTURED_OUTPUT=auto` the client starts at json_schema and steps down when the server
rejects the format (llama.cpp, vLLM, Ollama and hosted APIs differ here); it remembers the step
for the rest of its life. An explicit setting never steps down.

Transient failures (timeouts, connection errors, 429, 5xx) are retried with tenacity; the
`openai` client's own retries are off so that there is one retry policy, not two. When the
attempts run out, or the server refuses the request outright, `LlmError` carries the attempt log.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal, cast

import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from openai.types.chat.completion_create_params import ResponseFormat
from tenacity import Retrying, retry_if_exception, stop_after_attempt
from tenacity.stop import stop_base

from prompts import Message
from services.config import Settings
from services.errors import LlmError
from services.llm.retry import RetryAfterOrBackoff, StopAtDeadline, describe, is_transient
from services.llm.usage import AttemptLog, UsageMeter

log = logging.getLogger(__name__)

OutputMode = Literal["json_schema", "json_object", "prompt"]

_FALLBACKS: dict[str, tuple[OutputMode, ...]] = {
    "auto": ("json_schema", "json_object", "prompt"),
    "json_schema": ("json_schema",),
    "json_object": ("json_object",),
}
# How servers say "I do not support that response_format": a 4xx/5xx naming the feature.
_REJECTION_STATUS = frozenset({400, 422, 500, 501})
_REJECTION_WORDS = re.compile(r"response_format|json_schema|json_object|schema|grammar", re.I)


@dataclass(frozen=True, slots=True)
class ChatRequest:
    messages: list[Message]
    schema: dict[str, Any]
    schema_name: str
    # Added to the system message when the server does not enforce the schema itself.
    schema_hint: str


@dataclass(frozen=True, slots=True)
class _Call:
    """One `complete()` call: what is asked, where its story and cost go, and its deadline."""

    request: ChatRequest
    attempts: AttemptLog
    usage: UsageMeter
    deadline: float | None

    def seconds_left(self) -> float | None:
        return None if self.deadline is None else max(self.deadline - time.monotonic(), 0.0)

    def timeout(self, limit_s: float) -> float:
        """Seconds the next request may take: the setting, or less near the deadline."""
        left = self.seconds_left()
        if left is None:
            return limit_s
        if left <= 0:
            raise LlmError(
                "the LLM step ran out of time for this document", attempts=self.attempts.lines
            )
        return min(limit_s, left)


@dataclass(frozen=True, slots=True)
class Completion:
    content: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str | None
    mode: OutputMode


class LlmClient:
    """Thread-safe; at most `llm_concurrency` requests in flight across all threads."""

    def __init__(self, settings: Settings) -> None:
        self.model = settings.llm_model
        self._openai = openai.OpenAI(
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key.get_secret_value(),
            timeout=settings.llm_timeout_s,
            max_retries=0,
        )
        self._modes = list(_FALLBACKS[settings.llm_structured_output])
        self._modes_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(settings.llm_concurrency)
        self._max_attempts = settings.llm_max_attempts
        self._timeout_s = settings.llm_timeout_s
        self._max_output_tokens = settings.llm_max_output_tokens
        self._wait = RetryAfterOrBackoff(
            initial_s=settings.llm_backoff_initial_s,
            max_s=settings.llm_backoff_max_s,
            retry_after_max_s=settings.llm_retry_after_max_s,
        )

    @property
    def mode(self) -> OutputMode:
        """The structured-output form the next request uses."""
        with self._modes_lock:
            return self._modes[0]

    def close(self) -> None:
        self._openai.close()

    def complete(
        self,
        request: ChatRequest,
        *,
        attempts: AttemptLog,
        usage: UsageMeter,
        deadline: float | None = None,
    ) -> Completion:
        """One answer, whatever it says (validating it is the caller's job).

        `deadline` (a `time.monotonic()` instant) bounds every attempt and wait: no request
        outlives it and no retry starts that would sleep past it.
        """
        call = _Call(request, attempts, usage, deadline)
        while True:
            mode = self.mode
            try:
                return self._with_retries(mode, call)
            except openai.APIStatusError as err:
                if not self._can_step_down(mode, err):
                    raise LlmError(
                        f"the LLM server refused the request: {describe(err)}",
                        attempts=attempts.lines,
                    ) from err
                self._step_down(mode)
                attempts.add(f"server rejected response_format {mode}; trying {self.mode}")
            except openai.OpenAIError as err:
                raise LlmError(
                    f"the LLM call failed: {describe(err)}", attempts=attempts.lines
                ) from err

    def _with_retries(self, mode: OutputMode, call: _Call) -> Completion:
        stop: stop_base = stop_after_attempt(self._max_attempts)
        if call.deadline is not None:
            stop = stop | StopAtDeadline(call.deadline)
        retrying = Retrying(
            stop=stop,
            wait=self._wait,
            retry=retry_if_exception(
                lambda err: is_transient(err) and not self._can_step_down(mode, err)
            ),
            reraise=True,
        )
        try:
            return retrying(self._call, mode, call)
        except openai.OpenAIError as err:
            if not is_transient(err) or self._can_step_down(mode, err):
                raise
            made = retrying.statistics.get("attempt_number", self._max_attempts)
            raise LlmError(
                f"the LLM call gave up after {made} attempt(s): {describe(err)}",
                attempts=call.attempts.lines,
            ) from err

    def _call(self, mode: OutputMode, call: _Call) -> Completion:
        arguments = self._arguments(mode, call.request)
        if not self._slots.acquire(timeout=call.seconds_left()):
            raise LlmError(
                "no LLM request slot came free before the deadline", attempts=call.attempts.lines
            )
        try:
            # Waiting for the slot may have used up time: what is left is measured after it.
            arguments["timeout"] = call.timeout(self._timeout_s)
            response = self._openai.chat.completions.create(**arguments)
        except openai.OpenAIError as err:
            call.attempts.add(f"{mode}: {describe(err)}")
            raise
        finally:
            self._slots.release()
        return self._completion(response, mode, call.attempts, call.usage)

    def _arguments(self, mode: OutputMode, request: ChatRequest) -> dict[str, Any]:
        messages = request.messages
        if mode != "json_schema":
            system, *rest = messages
            content = system["content"] + "\n\n" + request.schema_hint
            messages = [{**system, "content": content}, *rest]
        arguments: dict[str, Any] = {
            "model": self.model,
            "messages": cast("list[ChatCompletionMessageParam]", messages),
            "temperature": 0,
            "max_tokens": self._max_output_tokens,
        }
        response_format = _response_format(mode, request)
        if response_format is not None:
            arguments["response_format"] = response_format
        return arguments

    def _completion(
        self, response: ChatCompletion, mode: OutputMode, attempts: AttemptLog, usage: UsageMeter
    ) -> Completion:
        prompt_tokens = response.usage.prompt_tokens if response.usage else 0
        completion_tokens = response.usage.completion_tokens if response.usage else 0
        usage.add(prompt_tokens, completion_tokens)
        choice = response.choices[0] if response.choices else None
        content = (choice.message.content or "") if choice else ""
        finish = choice.finish_reason if choice else None
        attempts.add(
            f"{mode}: answered ({prompt_tokens} prompt + {completion_tokens} completion tokens"
            f"{'' if response.usage else ', no usage reported'}, finish {finish})"
        )
        return Completion(content, prompt_tokens, completion_tokens, finish, mode)

    def _can_step_down(self, mode: OutputMode, err: BaseException) -> bool:
        if not isinstance(err, openai.APIStatusError) or err.status_code not in _REJECTION_STATUS:
            return False
        if not _REJECTION_WORDS.search(f"{err.message} {err.body}"):
            return False
        with self._modes_lock:
            if mode not in self._modes:
                return True  # another thread has stepped down already: just ask again
            return mode != self._modes[-1]

    def _step_down(self, mode: OutputMode) -> None:
        with self._modes_lock:
            if self._modes[0] == mode and len(self._modes) > 1:
                self._modes.pop(0)
                log.warning("LLM server rejects response_format %s; using %s", mode, self._modes[0])


def _response_format(mode: OutputMode, request: ChatRequest) -> ResponseFormat | None:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": request.schema_name, "strict": True, "schema": request.schema},
        }
    if mode == "json_object":
        return {"type": "json_object"}
    return None
