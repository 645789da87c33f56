"""The kind of doubt behind a pending field, read from its review (reason text, candidates,
failed checks, value). A field may have several; the first in KINDS is its main kind, the one
the queue filters and counts by (it names what the reviewer has to settle first).

    ambiguous_split   glued digits that split more than one way (candidates to pick from)
    failed_identity   an identity of the table fails with this cell in it
    disagreement      the rules and the LLM read the text differently
    ungrounded        the value has no (or only approximate) evidence in the text
    fuzzy_label       the row or columns were matched to the template approximately
    missing           no value was found
    low_confidence    anything else under the review threshold
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from schemas.record import Field

ReasonKind = Literal[
    "ambiguous_split",
    "failed_identity",
    "disagreement",
    "ungrounded",
    "fuzzy_label",
    "missing",
    "low_confidence",
]
KINDS: tuple[ReasonKind, ...] = get_args(ReasonKind)

# Phrases the pipeline steps write (services/pipeline/tables, services/llm/merge, score).
_PATTERNS: tuple[tuple[ReasonKind, re.Pattern[str]], ...] = (
    ("ambiguous_split", re.compile(r"ambiguous split|splits fit|glued|padding")),
    ("failed_identity", re.compile(r"check failed:")),
    ("disagreement", re.compile(r"rules say|rules and LLM|LLM did not report|only the LLM")),
    ("ungrounded", re.compile(r"ungrounded|no evidence span")),
    ("fuzzy_label", re.compile(r"approximate match|labels do not clearly show")),
)


def reason_kinds(field: Field) -> list[ReasonKind]:
    """Every kind that applies, in KINDS order; at least `low_confidence`."""
    review = field.review
    reason = review.reason if review is not None else ""
    found: set[ReasonKind] = {kind for kind, pattern in _PATTERNS if pattern.search(reason)}
    if review is not None and review.failed_checks:
        found.add("failed_identity")
    if review is not None and review.candidates and "disagreement" not in found:
        found.add("ambiguous_split")
    if field.value is None:
        found.add("missing")
    kinds = [kind for kind in KINDS if kind in found]
    return kinds or ["low_confidence"]


def main_kind(field: Field) -> ReasonKind:
    return reason_kinds(field)[0]
