"""One typed settings object, read from the environment once, overridable in tests.

Use `get_settings()` everywhere; tests call `override_settings(...)` (or set env vars and call
`get_settings.cache_clear()`). Nothing reads configuration at import time.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # --- extraction -------------------------------------------------------------------------
    review_threshold: float = Field(
        0.8, ge=0, le=1, description="Fields below this confidence wait for a person."
    )
    max_document_bytes: int = Field(5_000_000, description="Larger submissions are refused (413).")

    # --- LLM step (free-text sections) ----------------------------------------------------
    llm_backend: Literal["auto", "openai", "none"] = Field(
        "auto", description="auto: openai when LLM_BASE_URL is set, else none (rules only)."
    )
    llm_base_url: str | None = None
    llm_api_key: SecretStr = SecretStr("not-needed")
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = 60.0
    llm_max_attempts: int = Field(4, ge=1, description="Transport retries (429, 5xx, timeouts).")
    llm_max_reasks: int = Field(2, ge=0, description="Re-asks after invalid output.")
    llm_concurrency: int = Field(4, ge=1)
    llm_structured_output: Literal["auto", "json_schema", "json_object"] = Field(
        "auto", description="auto: try strict json_schema, fall back to JSON mode if rejected."
    )
    llm_chunk_chars: int = Field(
        1500,
        ge=200,
        description="Longest section text sent at once. The answer copies each item twice "
        "(text and quote): keep it under half of llm_max_output_tokens.",
    )
    llm_prompt_version: str = Field("v1", description="Version of prompts/free_text/ to use.")
    llm_max_output_tokens: int = Field(4096, ge=64, description="Cap on one answer's length.")
    llm_backoff_initial_s: float = Field(0.5, ge=0, description="First retry delay; doubles.")
    llm_backoff_max_s: float = Field(20.0, ge=0, description="Longest delay between retries.")
    llm_retry_after_max_s: float = Field(
        60.0, ge=0, description="Longest Retry-After honoured; a longer one is cut to this."
    )
    llm_skip_numbered_sections: bool = Field(
        True,
        description="Plans/measures sections the rules split at 一是/(一)/1. markers are not sent.",
    )
    llm_deadline_s: float = Field(
        150.0,
        gt=0,
        description="All LLM calls for one document end within this (keep it below the task "
        "time limit); whatever is unanswered by then keeps the rules' items.",
    )

    # --- storage and queue ------------------------------------------------------------------
    database_url: str = "sqlite:///./ogi-extract.db"
    database_pool_size: int = Field(10, ge=1, description="PostgreSQL connections kept open.")
    redis_url: str | None = Field(
        None, description="Broker. Unset: redis://127.0.0.1:<redis_port>/0 (serve starts one)."
    )
    redis_port: int = Field(6379, description="Port `serve` checks, and starts Redis on.")
    celery_queue: str = "ogi-extract"
    task_soft_time_limit_s: int = 240
    task_hard_time_limit_s: int = 300
    broker_visibility_timeout_s: int = 600
    broker_restore_interval_s: int = Field(
        10, ge=1, description="How often a worker re-queues messages of workers that died."
    )
    task_max_retries: int = Field(3, ge=0, description="Retries of a job after transient errors.")
    task_retry_backoff_s: float = Field(2.0, ge=0, description="First retry delay; doubles.")
    worker_concurrency: int = Field(1, ge=1, description="Processes per `ogi-extract worker`.")
    progress_flush_s: float = Field(
        0.25, gt=0, description="A running job's stage is written at most this often."
    )

    # --- API ----------------------------------------------------------------------------------
    auth_enabled: bool = Field(True, description="Turn off only explicitly, for local work.")
    auth_cache_s: float = Field(
        10.0, ge=0, description="A verified API key is trusted this long (0: check each request)."
    )
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    max_batch_items: int = Field(500, ge=1, description="Documents in one batch request.")
    max_batch_bytes: int = Field(50_000_000, ge=1, description="Larger batch bodies get 413.")
    job_retry_after_s: int = Field(1, ge=1, description="Retry-After while a job is unfinished.")
    ready_worker_timeout_s: float = Field(1.0, gt=0, description="/readyz waits this for a ping.")

    # --- result callbacks ------------------------------------------------------------------
    callback_secret: SecretStr = SecretStr("change-me")
    callback_timeout_s: float = Field(10.0, gt=0)
    callback_max_attempts: int = Field(6, ge=1, description="POSTs before a callback gives up.")
    callback_backoff_s: float = Field(2.0, ge=0, description="First retry delay; doubles.")

    @model_validator(mode="after")
    def _time_limits_below_visibility(self) -> Settings:
        # Redis redelivers an unacknowledged job after the visibility timeout; a job still
        # running by then would run twice, so every time limit must end before it.
        if not self.task_soft_time_limit_s < self.task_hard_time_limit_s:
            raise ValueError("task_soft_time_limit_s must be below task_hard_time_limit_s")
        if not self.task_hard_time_limit_s < self.broker_visibility_timeout_s:
            raise ValueError("task_hard_time_limit_s must be below broker_visibility_timeout_s")
        # The LLM step gives up at its deadline and falls back to the rules; that must happen
        # before the task's soft limit interrupts the whole job.
        if not self.llm_deadline_s < self.task_soft_time_limit_s:
            raise ValueError("llm_deadline_s must be below task_soft_time_limit_s")
        return self

    @property
    def broker_url(self) -> str:
        return self.redis_url or f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def llm_enabled(self) -> bool:
        if self.llm_backend == "none":
            return False
        return self.llm_backend == "openai" or bool(self.llm_base_url)


_settings: Settings | None = None


def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    global _settings
    if _settings is None:
        _settings = Settings()
    return _settings


def override_settings(**values: Any) -> Settings:
    """Replace the process's settings (tests, CLI flags); unnamed values come from the env."""
    global _settings
    _settings = Settings(**values)
    return _settings


def reset_settings() -> None:
    """Forget the current settings; the next `get_settings()` reads the environment again."""
    global _settings
    _settings = None
