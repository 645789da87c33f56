"""What one document's LLM calls cost and what happened on each attempt.

Both are plain accumulators, filled as calls happen, so that a call sequence that ends in an
`LlmError` still leaves behind the tokens it spent and the story of its attempts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(slots=True)
class UsageMeter:
    """Token usage summed over every answer received (invalid ones and re-asks included)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, prompt_tokens: int, completion_tokens: int) -> None:
        with self._lock:
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens
            self.calls += 1


@dataclass(slots=True)
class AttemptLog:
    """One line per HTTP attempt or answer check, in order: what `LlmError.attempts` carries."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(f"{len(self.lines) + 1}. {line}")
