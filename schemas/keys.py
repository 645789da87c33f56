"""The fixed key vocabulary of the record (`shared/spec/record.md`, section "Keys").

Kept apart from the models so the parser, the checks and the exporter share one list.
"""

from typing import Literal

REQUEST_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_services",
    "other_org",
    "total",
)

REQUEST_ROWS = (
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_files",
    "denied_admin_query",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "rejected_petition",
    "rejected_duplicate",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirm",
    "other",
    "other_no_correction",
    "other_unpaid_fee",
    "other_other",
    "total_processed",
    "carried_forward",
)

# （六）其他处理 split into three rows (2021 template).
REQUEST_OTHER_SPLIT = ("other_no_correction", "other_unpaid_fee", "other_other")

# Rows whose sum is （七）总计. `other` and the `other_*` rows are alternatives (one row in the
# 2019 template, three in 2021); a document carries one form or the other.
REQUEST_RESULT_ROWS = tuple(
    r
    for r in REQUEST_ROWS
    if r not in ("new_received", "carried_over", "total_processed", "carried_forward")
)

REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

PROACTIVE_2021: dict[str, tuple[str, ...]] = {
    "rules": ("issued", "repealed", "in_force"),
    "normative_docs": ("issued", "repealed", "in_force"),
    "licensing": ("decisions",),
    "penalty": ("decisions",),
    "coercion": ("decisions",),
    "fees": ("amount",),
}

PROACTIVE_2019: dict[str, tuple[str, ...]] = {
    "rules": ("made", "published", "total_published"),
    "normative_docs": ("made", "published", "total_published"),
    "licensing": ("prior_items", "change", "decisions"),
    "other_services": ("prior_items", "change", "decisions"),
    "penalty": ("prior_items", "change", "decisions"),
    "coercion": ("prior_items", "change", "decisions"),
    "fees": ("prior_items", "change"),
    "procurement": ("items", "amount"),
}

PROACTIVE_ROWS = tuple(dict.fromkeys([*PROACTIVE_2021, *PROACTIVE_2019]))
PROACTIVE_COLUMNS = tuple(
    dict.fromkeys(c for cols in (*PROACTIVE_2021.values(), *PROACTIVE_2019.values()) for c in cols)
)

# Numbers stated in prose. The spec names the first six; the rest are ours (README documents them).
NARRATIVE_KEYS = (
    "proactive_total",
    "requests_received",
    "requests_answered",
    "reviews",
    "lawsuits",
    "fees_collected",
    "requests_carried_over",
    "requests_granted",
    "staff_total",
    "staff_full_time",
    "staff_part_time",
)

DocType = Literal["annual_report", "work_plan", "other"]
FormatVersion = Literal["2021", "2019", "pre2019"]
Script = Literal["simplified", "traditional"]
Method = Literal["table", "rule", "llm", "review"]
ReviewStatus = Literal["pending", "accepted", "corrected", "rejected"]
RecordStatus = Literal["complete", "needs_review"]
