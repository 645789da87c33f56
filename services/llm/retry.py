"""Which failed calls are worth repeating, and how long to wait before the next try.

Transient, by exception class: timeouts, connection errors, 429 and 5xx. Anything else (401,
404, a 400 about the request itself) fails at once: repeating the same request cannot help.
The wait honours the server's `Retry-After` (or `retry-after-ms`), capped by a setting; without
one it is an exponential backoff with full jitter, so that many workers that failed together do
not come back together.
"""

from __future__ import annotations

import email.utils
import math
import re
import time

import openai
from tenacity import RetryCallState
from tenacity.stop import stop_base
from tenacity.wait import wait_base, wait_random_exponential

_OPENAI_PREFIX = re.compile(r"^Error code: \d+ - ")

TRANSIENT: tuple[type[Exception], ...] = (
    openai.APITimeoutError,
    openai.APIConnectionError,
    openai.RateLimitError,
    openai.InternalServerError,
)


def is_transient(error: BaseException) -> bool:
    return isinstance(error, TRANSIENT)


class RetryAfterOrBackoff(wait_base):
    """Wait what the server asked for, else an exponential backoff with full jitter."""

    def __init__(self, *, initial_s: float, max_s: float, retry_after_max_s: float) -> None:
        self._backoff = wait_random_exponential(multiplier=initial_s, max=max_s)
        self._retry_after_max_s = retry_after_max_s

    def __call__(self, retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        asked = retry_after_s(error) if error is not None else None
        if asked is not None:
            return min(asked, self._retry_after_max_s)
        return float(self._backoff(retry_state))


class StopAtDeadline(stop_base):
    """Stop when the next attempt would only start after `deadline` (`time.monotonic()`)."""

    def __init__(self, deadline: float) -> None:
        self._deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        return time.monotonic() + retry_state.upcoming_sleep >= self._deadline


def retry_after_s(error: BaseException) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms`, `Retry-After`), if it did."""
    if not isinstance(error, openai.APIStatusError):
        return None
    headers = error.response.headers
    millis = _number(headers.get("retry-after-ms"))
    if millis is not None:
        return max(millis / 1000, 0.0)
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return max(seconds, 0.0)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # neither seconds nor an HTTP date: ignore the header, use the backoff
    return max(moment.timestamp() - time.time(), 0.0)


def describe(error: BaseException) -> str:
    """One line for the attempt log."""
    if isinstance(error, openai.APITimeoutError):
        return "timed out"
    if isinstance(error, openai.APIConnectionError):
        cause = error.__cause__ or error
        return f"connection error: {type(cause).__name__}: {cause}"
    if isinstance(error, openai.APIStatusError):
        message = _OPENAI_PREFIX.sub("", error.message)  # "Error code: 429 - ..." says it twice
        line = f"HTTP {error.status_code}: {_short(message)}"
        asked = retry_after_s(error)
        return line if asked is None else f"{line} (Retry-After {asked:g} s)"
    return f"{type(error).__name__}: {_short(str(error))}"


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
