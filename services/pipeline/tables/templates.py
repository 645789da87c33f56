"""The label vocabulary of the three official tables (`shared/spec/ogi-templates.md`).

Labels are matched by meaning, not by exact string: every row has its official text and a few
*cores*, distinctive substrings that survive extra words, wrapped lines and varied numbering.
A cell whose text holds a core names that row; the longer the core found, the stronger the match.
Keys are the record's keys (`schemas/keys.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from schemas.keys import (
    PROACTIVE_2019,
    PROACTIVE_2021,
    REQUEST_COLUMNS,
    REQUEST_ROWS,
    REVIEW_COLUMNS,
)

Role = Literal["row", "group", "rowgroup", "extra", "header"]
TableName = Literal["proactive", "requests", "reviews_litigation"]


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of a table's vocabulary: what a matching cell means."""

    role: Role
    key: str  # row key, group name, or a header/extra name
    label: str  # the official text (numbering dropped)
    cores: tuple[str, ...]  # substrings that identify it; the label itself is always one


def _term(role: Role, key: str, label: str, *cores: str) -> Term:
    return Term(role, key, label, tuple(dict.fromkeys((label, *cores))))


# --- 三、收到和处理政府信息公开申请情况 -------------------------------------------------------

REQUEST_TERMS: tuple[Term, ...] = (
    _term(
        "row", "new_received", "本年新收政府信息公开申请数量", "本年新收", "新收政府信息公开申请"
    ),
    _term(
        "row", "carried_over", "上年结转政府信息公开申请数量", "上年结转", "结转政府信息公开申请"
    ),
    _term("row", "granted", "予以公开"),
    _term("row", "partially_granted", "部分公开"),
    _term("row", "denied_state_secret", "属于国家秘密", "国家秘密"),
    _term(
        "row",
        "denied_prohibited_by_law",
        "其他法律行政法规禁止公开",
        "法律行政法规",
        "法规禁止公开",
        "禁止公开",
    ),
    _term("row", "denied_security_stability", "危及三安全一稳定", "三安全一稳定", "危及"),
    _term("row", "denied_third_party", "保护第三方合法权益", "第三方合法权益", "保护第三方"),
    _term("row", "denied_internal_affairs", "属于三类内部事务信息", "内部事务"),
    _term("row", "denied_process_info", "属于四类过程性信息", "过程性信息", "四类过程"),
    _term("row", "denied_enforcement_files", "属于行政执法案卷", "执法案卷"),
    _term("row", "denied_admin_query", "属于行政查询事项", "行政查询", "查询事项"),
    _term("row", "unavailable_not_held", "本机关不掌握相关政府信息", "不掌握"),
    _term("row", "unavailable_needs_creation", "没有现成信息需要另行制作", "另行制作", "没有现成"),
    _term("row", "unavailable_unclear", "补正后申请内容仍不明确", "仍不明确", "补正后申请"),
    _term("row", "rejected_petition", "信访举报投诉类申请", "信访举报", "举报投诉"),
    _term("row", "rejected_duplicate", "重复申请"),
    _term("row", "rejected_publication", "要求提供公开出版物", "出版物"),
    # 反覆: a mirror's phrase-level script flip writes 反复 as 反覆, which stays 覆 once simplified.
    _term(
        "row",
        "rejected_excessive",
        "无正当理由大量反复申请",
        "大量反复",
        "反复申请",
        "大量反覆",
        "反覆申请",
    ),
    _term(
        "row",
        "rejected_confirm",
        "要求行政机关确认或重新出具已获取信息",
        "确认或重新出具",
        "重新出具",
        "已获取信息",
    ),
    _term(
        "row",
        "other_no_correction",
        "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请",
        "逾期不补正",
        "不补正",
    ),
    _term(
        "row",
        "other_unpaid_fee",
        "申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请",
        "收费通知",
        "缴纳费用",
    ),
    _term("row", "carried_forward", "结转下年度继续办理", "结转下年", "下年度继续办理"),
    # （六）其他处理 is a data row in the 2019 template and a group cell over three rows in 2021.
    _term("rowgroup", "other", "其他处理"),
    _term("group", "results", "本年度办理结果", "办理结果"),
    _term("group", "denied", "不予公开"),
    _term("group", "unavailable", "无法提供"),
    _term("group", "rejected", "不予处理"),
    _term("extra", "subtotal", "小计", "合计"),
    _term("header", "note", "勾稽关系", "本列数据"),
    _term("header", "applicant", "申请人情况", "申请人"),
    _term("header", "natural_person", "自然人"),
    _term("header", "organisations", "法人或其他组织", "其他组织"),
    _term("header", "commercial", "商业企业"),
    _term("header", "research", "科研机构"),
    _term("header", "social_welfare", "社会公益组织"),
    _term("header", "legal_services", "法律服务机构"),
)

# Rows told apart only by context: `3.其他` under （六）, `（七）总计` after the result rows.
OTHER_OTHER_WORDS = frozenset({"其他", "其它"})
TOTAL_WORDS = frozenset({"总计", "合计总数"})

REQUEST_ROW_ORDER = REQUEST_ROWS  # the template's order, which the schema keeps
REQUEST_NCOLS = len(REQUEST_COLUMNS)

# --- 二、主动公开政府信息情况 ------------------------------------------------------------------

PROACTIVE_TERMS: tuple[Term, ...] = (
    _term("row", "rules", "规章"),
    _term("row", "normative_docs", "规范性文件"),
    _term("row", "licensing", "行政许可"),
    _term("row", "other_services", "其他对外管理服务事项", "对外管理服务", "管理服务事项"),
    _term("row", "penalty", "行政处罚"),
    _term("row", "coercion", "行政强制"),
    _term("row", "fees", "行政事业性收费", "事业性收费"),
    _term("row", "procurement", "政府集中采购", "集中采购"),
    _term("extra", "other_documents", "其他主动公开文件", "主动公开文件"),
    _term("extra", "subtotal", "小计", "合计", "总计"),
    _term("header", "banner", "第二十条", "二十条"),
    _term("header", "item", "信息内容"),
    _term("header", "issued", "本年制发件数", "制发件数"),
    _term("header", "repealed", "本年废止件数", "废止件数"),
    _term("header", "in_force", "现行有效件数", "有效件数"),
    _term("header", "decisions", "处理决定数量", "决定数量"),
    _term("header", "amount", "本年收费金额", "收费金额", "采购总金额", "总金额"),
    _term("header", "made", "本年新制作数量", "新制作数量", "本年新"),
    _term("header", "published", "本年新公开数量", "新公开数量"),
    _term("header", "total_published", "对外公开总数量", "公开总数量"),
    _term("header", "prior_items", "上一年项目数量", "项目数量"),
    _term("header", "change", "本年增/减", "增/减", "增减"),
    _term("header", "unit", "单位"),
)

PROACTIVE_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": PROACTIVE_2021,
    "2019": PROACTIVE_2019,
}
# Columns whose numbers may carry decimals (万元, 元); every other proactive column counts.
AMOUNT_COLUMNS = frozenset({"amount"})

# --- 四、政府信息公开行政复议、行政诉讼情况 ------------------------------------------------------

REVIEW_PHRASES: tuple[str, ...] = (
    "行政复议",
    "行政诉讼",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
    "未经复议直接起诉",
    "复议后起诉",
)
# Phrases that only the 复议/诉讼 header has (总计 and 行政复议 appear elsewhere too).
REVIEW_STRONG = ("结果维持", "结果纠正", "尚未审结", "未经复议", "复议后起诉", "其他结果")
# Header text printed vertically comes one character per line or per cell.
REVIEW_HEADER_CHARS = frozenset("".join(REVIEW_PHRASES))
REVIEW_NCOLS = len(REVIEW_COLUMNS)

# --- telling the templates apart -------------------------------------------------------------

# (pattern over a cell's compact text, template, weight): weight 1 marks only one template's
# official wording; 0.4 is a hint that real reports of the other template also show.
TEMPLATE_MARKERS: tuple[tuple[re.Pattern[str], str, float], ...] = (
    (re.compile(r"本年制发件数|制发件数"), "2021", 1.0),
    (re.compile(r"本年废止件数"), "2021", 1.0),
    (re.compile(r"现行有效件数"), "2021", 1.0),
    (re.compile(r"本年收费金额"), "2021", 1.0),
    (re.compile(r"本年处理决定数量"), "2021", 0.4),
    (re.compile(r"本年新制作数量|新制作数量"), "2019", 1.0),
    (re.compile(r"本年新公开数量"), "2019", 1.0),
    (re.compile(r"对外公开总数量"), "2019", 1.0),
    (re.compile(r"上一年项目数量"), "2019", 1.0),
    (re.compile(r"本年增/?减"), "2019", 1.0),
    (re.compile(r"第二十条第\(?九\)?项"), "2019", 1.0),
    (re.compile(r"采购项目数量|采购总金额"), "2019", 1.0),
)
