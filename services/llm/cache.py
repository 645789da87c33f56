"""Answers already paid for: the same chunk, prompt version, model and schema never cost twice.

The key is the SHA-256 of the text sent (the rendered sections), the prompt version, the model
and the output schema version. Only validated answers are stored, and they are validated again
when read (a row written by an older release, or damaged, is a miss, not a crash).

`SqlLlmCache` keeps answers in the service's database (`llm_cache` table), so they survive
restarts and are shared by every API and worker process; `MemoryLlmCache` lives as long as the
process. A cache that cannot be reached is a miss, logged: the job goes on and pays again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from services.storage.models import LlmCacheEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    response_json: str  # the validated answer (schemas.llm.FreeTextOutput as JSON)
    prompt_version: str
    model: str
    prompt_tokens: int = 0  # what the answer cost when it was first paid for
    completion_tokens: int = 0


class LlmCache(Protocol):
    def get(self, key: str) -> CachedAnswer | None: ...

    def put(self, key: str, answer: CachedAnswer) -> None: ...


def cache_key(sent_text: str, prompt_version: str, model: str, schema_version: str) -> str:
    """SHA-256 (hex, 64 characters) of the four things that decide an answer."""
    material = json.dumps([sent_text, prompt_version, model, schema_version], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class MemoryLlmCache:
    """In-process, bounded (least recently used answers go first), thread-safe."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: OrderedDict[str, CachedAnswer] = OrderedDict()
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedAnswer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, key: str, answer: CachedAnswer) -> None:
        with self._lock:
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class SqlLlmCache:
    """The `llm_cache` table, through a session factory of the service's database."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def get(self, key: str) -> CachedAnswer | None:
        try:
            with self._sessions() as session:
                row = session.get(LlmCacheEntry, key)
                if row is None:
                    return None
                return CachedAnswer(
                    response_json=row.response_json,
                    prompt_version=row.prompt_version,
                    model=row.model,
                    prompt_tokens=row.prompt_tokens,
                    completion_tokens=row.completion_tokens,
                )
        except SQLAlchemyError as err:
            log.warning("LLM cache unreadable, treating %s… as a miss: %s", key[:12], err)
            return None

    def put(self, key: str, answer: CachedAnswer) -> None:
        entry = LlmCacheEntry(
            key=key,
            prompt_version=answer.prompt_version,
            model=answer.model,
            response_json=answer.response_json,
            prompt_tokens=answer.prompt_tokens,
            completion_tokens=answer.completion_tokens,
        )
        try:
            # Insert only, no read first: a read-then-write transaction on SQLite can fail to
            # upgrade its lock; a plain INSERT waits for the write lock instead.
            with self._sessions() as session:
                session.add(entry)
                session.commit()
        except IntegrityError:
            # Another process stored the same key meanwhile: same inputs, so an equivalent
            # answer is there already; the first one stays.
            log.debug("LLM cache entry %s… already stored", key[:12])
        except SQLAlchemyError as err:
            log.warning(
                "LLM cache write failed for %s…; the answer is not cached: %s", key[:12], err
            )
