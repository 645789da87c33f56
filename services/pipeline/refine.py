"""The seam between the rules and an optional free-text refiner (the LLM step).

The pipeline's "extract free text" step first splits the problems / measures / plans sections by
rules, then hands the result to a `FreeTextRefiner` when one is configured. The refiner returns
the items to keep (rules and LLM merged) and what it spent. It never touches table values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from services.pipeline.model import Extracted, Section
from services.pipeline.normalise import NormalisedText

Category = Literal["problems", "measures", "plans"]
CATEGORIES: tuple[Category, ...] = ("problems", "measures", "plans")


@dataclass(slots=True)
class FreeTextResult:
    items: dict[Category, list[Extracted]]
    prompt_version: str | None = None
    model: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    status: str = "not_configured"  # not_configured | ok | cached | failed
    notes: list[str] = field(default_factory=list)


class FreeTextRefiner(Protocol):
    def refine(
        self,
        doc: NormalisedText,
        sections: list[Section],
        rule_items: dict[Category, list[Extracted]],
    ) -> FreeTextResult: ...
