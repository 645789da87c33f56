"""Merge the rules' items with the LLM's grounded items.

Inside the text the LLM read, rule items and LLM items that overlap form groups; each group is
decided on its own:

    rules and LLM agree (one item each, same span, same category)   rule item, confidence 0.95
    they disagree (category, or how the passage splits)             the better-grounded side,
                                                                    0.7, reason, and the other
                                                                    side as candidates
    only the rules have an item there                               rule item, 0.7, reason
    only the LLM has one (grounded)                                 LLM item, 0.7, reason
    only the LLM has one, its quote matches only approximately      LLM item, 0.5, "ungrounded"
    an LLM item whose quote is not in the text (see grounding)      dropped, noted

"Better grounded": a rule item is exact by construction, so the LLM's reading wins a
disagreement only when every one of its quotes is found exactly (after folding) and together
they cover most of the rules' text (a split that leaves half the passage out loses); such a
tie goes to the LLM, since sorting and splitting prose is what it is asked for. Text the LLM did
not read keeps the rules' items: unchanged when the section was skipped on purpose, lowered to
0.6 when the LLM failed. Confidences stay below the review threshold wherever a person should
look.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from services.llm.grounding import Alignment, NormSpan
from services.pipeline.model import Extracted, Value
from services.pipeline.refine import CATEGORIES, Category

AGREED = 0.95
DISPUTED = 0.7
ONE_SIDED = 0.7
WEAKLY_GROUNDED = 0.5
LLM_UNAVAILABLE = 0.6

GROUNDED_SCORE = 0.9  # an approximate alignment at least this good still counts as found
_SAME_ITEM_IOU = 0.8
_LINKED_OVERLAP = 0.3  # share of the shorter span two items must share to be compared
_MIN_COVERAGE = 0.6  # an LLM split must account for this much of the rules' text to win

UNAVAILABLE_REASON = "LLM unavailable; rule split only"


@dataclass(slots=True)
class LlmCandidate:
    """One LLM item, placed in the normalised text (or not)."""

    category: Category
    text: str  # as the model wrote it
    alignment: Alignment | None  # trimmed span and grounding score; None: not in the text


@dataclass(slots=True)
class Merged:
    items: dict[Category, list[Extracted]]
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Rule:
    category: Category
    item: Extracted
    span: NormSpan


@dataclass(slots=True)
class _Placed:
    """An LLM item found in the text."""

    category: Category
    text: str
    alignment: Alignment

    @property
    def span(self) -> NormSpan:
        return self.alignment.span

    @property
    def exact(self) -> bool:
        return self.alignment.score >= 1.0


@dataclass(slots=True)
class _Group:
    rules: list[_Rule] = field(default_factory=list)
    llm: list[_Placed] = field(default_factory=list)


def merge(
    text: str,
    rule_items: dict[Category, list[Extracted]],
    *,
    read: list[NormSpan],
    failed: list[NormSpan],
    candidates: list[LlmCandidate],
) -> Merged:
    """Rules and LLM merged. `read`: text the LLM answered for; `failed`: text it could not."""
    out = Merged({c: [] for c in CATEGORIES})
    compared: list[_Rule] = []
    for category in CATEGORIES:
        for item in rule_items.get(category, []):
            if item.span is not None and _inside(item.span, read):
                compared.append(_Rule(category, item, item.span))
            elif _inside(item.span, failed):
                lowered = _copy(item)
                lowered.doubt(UNAVAILABLE_REASON, LLM_UNAVAILABLE)
                out.items[category].append(lowered)
            else:
                out.items[category].append(item)
    placed = _placed(candidates, out.notes)
    for group in _groups(compared, placed):
        for category, item in _decide(text, group):
            out.items[category].append(item)
    for category in CATEGORIES:
        out.items[category].sort(key=lambda i: i.span[0] if i.span else -1)
    return out


def _placed(candidates: list[LlmCandidate], notes: list[str]) -> list[_Placed]:
    """Candidates found in the text, best-grounded first wins a duplicate; the rest are noted."""
    kept: list[_Placed] = []
    for c in sorted(candidates, key=lambda c: -(c.alignment.score if c.alignment else 0)):
        if c.alignment is None:
            notes.append(f"dropped {c.category} item not found in the text: {c.text[:60]}")
        elif any(_iou(c.alignment.span, k.span) >= _SAME_ITEM_IOU for k in kept):
            notes.append(f"dropped duplicate {c.category} item: {c.text[:60]}")
        else:
            kept.append(_Placed(c.category, c.text, c.alignment))
    return sorted(kept, key=lambda p: p.alignment.start)


def _groups(rules: list[_Rule], llm: list[_Placed]) -> list[_Group]:
    """Connected groups of overlapping items (union-find over rule and LLM items)."""
    parent = list(range(len(rules) + len(llm)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r, rule in enumerate(rules):
        for c, cand in enumerate(llm):
            if _linked(rule.span, cand.span):
                parent[root(len(rules) + c)] = root(r)
    groups: dict[int, _Group] = {}
    for r, rule in enumerate(rules):
        groups.setdefault(root(r), _Group()).rules.append(rule)
    for c, cand in enumerate(llm):
        groups.setdefault(root(len(rules) + c), _Group()).llm.append(cand)
    return list(groups.values())


def _decide(text: str, group: _Group) -> list[tuple[Category, Extracted]]:
    if not group.llm:
        return [_rule_only(r) for r in group.rules]
    if not group.rules:
        return [_llm_only(text, c) for c in group.llm]
    if _agree(group):
        rule = group.rules[0]
        return [(rule.category, replace(rule.item, confidence=AGREED, reasons=[]))]
    return _disputed(text, group)


def _agree(group: _Group) -> bool:
    if len(group.rules) != 1 or len(group.llm) != 1:
        return False
    rule, cand = group.rules[0], group.llm[0]
    return (
        rule.category == cand.category
        and cand.alignment.score >= GROUNDED_SCORE
        and _iou(rule.span, cand.span) >= _SAME_ITEM_IOU
    )


def _disputed(text: str, group: _Group) -> list[tuple[Category, Extracted]]:
    why_not = _why_rules_win(group)
    rule_values = [str(r.item.value) for r in group.rules]
    llm_values = [_llm_value(text, c) for c in group.llm]
    reason = _dispute_reason(group, why_not)
    if why_not is None:
        others = rule_values if rule_values != llm_values else None
        return [(c.category, _llm_item(text, c, DISPUTED, reason, others)) for c in group.llm]
    out: list[tuple[Category, Extracted]] = []
    for r in group.rules:
        item = _copy(r.item)
        item.doubt(reason, DISPUTED)
        item.candidates = list[Value](llm_values) if llm_values != rule_values else None
        out.append((r.category, item))
    return out


def _why_rules_win(group: _Group) -> str | None:
    """None when the LLM's reading is at least as well grounded as the rules'."""
    if not all(c.exact for c in group.llm):
        return "the LLM's quotes are not exact"
    covered = _covered(group)
    if covered < _MIN_COVERAGE:
        return f"the LLM's items cover only {covered:.0%} of the rules' text"
    return None


def _covered(group: _Group) -> float:
    """Share of the rule items' characters that some LLM item covers."""
    total = hit = 0
    for rule in group.rules:
        for pos in range(*rule.span):
            total += 1
            hit += any(c.span[0] <= pos < c.span[1] for c in group.llm)
    return hit / total if total else 1.0


def _dispute_reason(group: _Group, why_rules_win: str | None) -> str:
    kept = (
        "the LLM's (its quotes are exact)"
        if why_rules_win is None
        else f"the rules' ({why_rules_win})"
    )
    if len(group.rules) == 1 and len(group.llm) == 1:
        rule, cand = group.rules[0], group.llm[0]
        if _iou(rule.span, cand.span) >= _SAME_ITEM_IOU:
            return f"rules say {rule.category}, the LLM says {cand.category}; kept {kept}"
    return (
        f"rules and LLM split this passage differently ({len(group.rules)} rule item(s), "
        f"{len(group.llm)} LLM item(s)); kept {kept}"
    )


def _rule_only(rule: _Rule) -> tuple[Category, Extracted]:
    item = _copy(rule.item)
    item.doubt("the LLM did not report this item", ONE_SIDED)
    return rule.category, item


def _llm_only(text: str, cand: _Placed) -> tuple[Category, Extracted]:
    if cand.alignment.score >= GROUNDED_SCORE:
        reason = "only the LLM reported this item"
        return cand.category, _llm_item(text, cand, ONE_SIDED, reason)
    reason = (
        f"ungrounded: the LLM's quote matches the text only approximately "
        f"(score {cand.alignment.score:.2f})"
    )
    return cand.category, _llm_item(text, cand, WEAKLY_GROUNDED, reason)


def _llm_item(
    text: str, cand: _Placed, confidence: float, reason: str, others: list[str] | None = None
) -> Extracted:
    candidates = list[Value](others) if others else None
    return Extracted(_llm_value(text, cand), cand.span, confidence, "llm", [reason], candidates)


def _llm_value(text: str, cand: _Placed) -> str:
    """The source's own words at the aligned span: the record copies text, never the model's."""
    return text[cand.alignment.start : cand.alignment.end]


def _copy(item: Extracted) -> Extracted:
    return replace(item, reasons=list(item.reasons))


def _inside(span: NormSpan | None, ranges: Iterable[NormSpan]) -> bool:
    return span is not None and any(start <= span[0] < end for start, end in ranges)


def _linked(a: NormSpan, b: NormSpan) -> bool:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return shared > 0 and shared >= _LINKED_OVERLAP * max(shorter, 1)


def _iou(a: NormSpan, b: NormSpan) -> float:
    shared = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return shared / union if union else 0.0
