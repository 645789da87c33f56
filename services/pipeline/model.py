"""Internal types passed between pipeline steps.

Spans here are `(start, end)` offsets into the *normalised* text (`NormalisedText.text`); the
final `score` step maps them to the submitted text. A step never builds record `Field`s itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from schemas.keys import Method

Value = int | float | str | None
NormSpan = tuple[int, int]

SectionKey = Literal[
    "preamble",  # title, metadata header and opening paragraph before the first heading
    "overview",  # 一、总体情况 / 概述
    "proactive",  # 二、主动公开政府信息情况
    "requests",  # 三、收到和处理政府信息公开申请情况 / 依申请公开
    "reviews_litigation",  # 四、行政复议、行政诉讼情况
    "problems",  # 五、存在的主要问题 ... (may also hold the remedies)
    "measures",  # 改进措施 / 改进情况 (a sub-section of 五, or its own heading)
    "plans",  # 下一步工作打算 / 20XX年工作安排 / a work plan's body
    "fees",  # 信息处理费 / 收费 sub-section
    "other",  # 六、其他需要报告的事项 and anything unrecognised
]


@dataclass(frozen=True, slots=True)
class Section:
    key: SectionKey
    heading: str
    start: int  # where the heading line starts
    body_start: int  # first character after the heading line
    end: int  # exclusive; the next heading of the same or a higher level, or the text's end

    @property
    def body(self) -> NormSpan:
        return (self.body_start, self.end)


@dataclass(slots=True)
class Extracted:
    """One value a step found, with its evidence and its doubts."""

    value: Value
    span: NormSpan | None
    confidence: float
    method: Method = "table"
    reasons: list[str] = field(default_factory=list)  # why a person should look; [] if none
    candidates: list[Value] | None = None  # other readings that fit as well (ambiguous splits)
    failed_checks: list[str] = field(default_factory=list)  # names of failed identities
    confidence_before_checks: float | None = None  # what a later re-check may restore

    def doubt(self, reason: str, cap: float) -> None:
        """Record a reason for review and cap the confidence."""
        if reason not in self.reasons:
            self.reasons.append(reason)
        self.confidence = min(self.confidence, cap)

    def fail_check(self, check: str, reason: str, cap: float) -> None:
        """A failed identity involves this cell: remember which, and what it was worth before."""
        if self.confidence_before_checks is None:
            self.confidence_before_checks = self.confidence
        if check not in self.failed_checks:
            self.failed_checks.append(check)
        self.doubt(reason, cap)


# table name → row key → column key → value
Grid = dict[str, dict[str, Extracted]]


@dataclass(slots=True)
class Tables:
    proactive: Grid = field(default_factory=dict)
    requests: Grid = field(default_factory=dict)
    reviews_litigation: Grid = field(default_factory=dict)
    # Which template the tables' own labels point to ("2021", "2019") and how strongly (0..1).
    template: str | None = None
    template_confidence: float = 0.0
    notes: list[str] = field(default_factory=list)  # layout observations, for debugging
