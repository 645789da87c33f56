"""Label texts of the official tables (`shared/spec/ogi-templates.md`) and how reports vary them.

Every label is a tuple: the official text first, then variants seen in real reports (extra words,
half-width brackets, `1、` for `1.`). Strategies draw an index, so shrinking lands on the
official text.
"""

from __future__ import annotations

# --- 三、收到和处理政府信息公开申请情况 ------------------------------------------------------

REQUEST_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
REQUEST_APPLICANT = "申请人情况"
REQUEST_TOP_HEADERS = ("自然人", "法人或其他组织", "总计")
REQUEST_ORG_HEADERS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")

# Group cells that carry no numbers, printed in front of the first row of their group.
REQUEST_GROUPS: dict[str, tuple[str, ...]] = {
    "granted": ("三、本年度办理结果",),
    "denied_state_secret": ("（三）不予公开", "(三)不予公开"),
    "unavailable_not_held": ("（四）无法提供", "(四)无法提供"),
    "rejected_petition": ("（五）不予处理", "(五)不予处理"),
    "other_no_correction": ("（六）其他处理", "(六)其他处理"),
}

# The group a subtotal row (小计) sums, by the first row of the group.
SUBTOTAL_GROUPS: dict[str, tuple[str, ...]] = {
    "denied_state_secret": (
        "denied_state_secret",
        "denied_prohibited_by_law",
        "denied_security_stability",
        "denied_third_party",
        "denied_internal_affairs",
        "denied_process_info",
        "denied_enforcement_files",
        "denied_admin_query",
    ),
    "unavailable_not_held": (
        "unavailable_not_held",
        "unavailable_needs_creation",
        "unavailable_unclear",
    ),
    "rejected_petition": (
        "rejected_petition",
        "rejected_duplicate",
        "rejected_publication",
        "rejected_excessive",
        "rejected_confirm",
    ),
    "other_no_correction": ("other_no_correction", "other_unpaid_fee", "other_other"),
}

REQUEST_LABELS: dict[str, tuple[str, ...]] = {
    "new_received": ("一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量（件）"),
    "carried_over": ("二、上年结转政府信息公开申请数量", "二、上年结转政府信息公开申请数量（件）"),
    "granted": ("（一）予以公开", "(一)予以公开"),
    "partially_granted": (
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（二）部分公开",
        "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    ),
    "denied_state_secret": ("1.属于国家秘密", "1、属于国家秘密"),
    "denied_prohibited_by_law": ("2.其他法律行政法规禁止公开", "2、其他法律行政法规禁止公开"),
    "denied_security_stability": (
        "3.危及“三安全一稳定”",
        '3.危及"三安全一稳定"',
        "3、危及“三安全一稳定”",
    ),
    "denied_third_party": ("4.保护第三方合法权益", "4、保护第三方合法权益"),
    "denied_internal_affairs": ("5.属于三类内部事务信息", "5、属于三类内部事务信息"),
    "denied_process_info": ("6.属于四类过程性信息", "6、属于四类过程性信息"),
    "denied_enforcement_files": ("7.属于行政执法案卷", "7、属于行政执法案卷"),
    "denied_admin_query": ("8.属于行政查询事项", "8、属于行政查询事项"),
    "unavailable_not_held": ("1.本机关不掌握相关政府信息", "1、本机关不掌握相关政府信息"),
    "unavailable_needs_creation": ("2.没有现成信息需要另行制作", "2、没有现成信息需要另行制作"),
    "unavailable_unclear": ("3.补正后申请内容仍不明确", "3、补正后申请内容仍不明确"),
    "rejected_petition": ("1.信访举报投诉类申请", "1、信访举报投诉类申请"),
    "rejected_duplicate": ("2.重复申请", "2、重复申请"),
    "rejected_publication": ("3.要求提供公开出版物", "3、要求提供公开出版物"),
    "rejected_excessive": ("4.无正当理由大量反复申请", "4、无正当理由大量反复申请"),
    "rejected_confirm": (
        "5.要求行政机关确认或重新出具已获取信息",
        "5、要求行政机关确认或重新出具已获取信息",
    ),
    "other": ("（六）其他处理", "(六)其他处理"),
    "other_no_correction": (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    "other_unpaid_fee": (
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    "other_other": ("3.其他", "3、其他"),
    "total_processed": ("（七）总计", "(七)总计"),
    "carried_forward": ("四、结转下年度继续办理", "四、结转下年度继续办理（件）"),
}

SUBTOTAL_LABELS = ("小计", "（小计）")

# --- 四、行政复议、行政诉讼 ------------------------------------------------------------------

REVIEW_TOP_HEADERS = ("行政复议", "行政诉讼")
REVIEW_LITIGATION_HEADERS = ("未经复议直接起诉", "复议后起诉")
REVIEW_COLUMN_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

# --- 二、主动公开 ----------------------------------------------------------------------------

PROACTIVE_ITEM_HEADER = "信息内容"
PROACTIVE_EXTRA_ROW = ("其他主动公开文件",)

PROACTIVE_ROW_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        "rules": ("规章", "规章（设区的市、自治州人民政府应提供相关数据）"),
        "normative_docs": ("行政规范性文件", "行政规范性文件（件）"),
        "licensing": ("行政许可", "行政许可（件）"),
        "penalty": ("行政处罚", "行政处罚（件）"),
        "coercion": ("行政强制", "行政强制（件）"),
        "fees": ("行政事业性收费",),
    },
    "2019": {
        "rules": ("规章", "规章（设区的市、自治州人民政府应提供相关数据）"),
        "normative_docs": ("规范性文件",),
        "licensing": ("行政许可",),
        "other_services": ("其他对外管理服务事项",),
        "penalty": ("行政处罚",),
        "coercion": ("行政强制",),
        "fees": ("行政事业性收费",),
        "procurement": ("政府集中采购",),
    },
}


def change_header(year: int) -> tuple[str, ...]:
    """本年增/减, officially bare; reports add the template's own footnote (digits and all)."""
    return ("本年增/减", f"本年增/减（指{year}年增加或减少的事项数，减用负值表示，如-8）")


def proactive_column_labels(template: str, year: int) -> dict[str, tuple[str, ...]]:
    if template == "2021":
        return {
            "issued": ("本年制发件数",),
            "repealed": ("本年废止件数",),
            "in_force": ("现行有效件数",),
            "decisions": ("本年处理决定数量",),
            "amount": ("本年收费金额（单位：万元）", "本年收费金额（万元）"),
        }
    return {
        "made": ("本年新制作数量",),
        "published": ("本年新公开数量",),
        "total_published": ("对外公开总数量",),
        "prior_items": ("上一年项目数量",),
        "change": change_header(year),
        "decisions": ("处理决定数量",),
        "items": ("采购项目数量",),
        "amount": ("采购总金额", "采购总金额（元）"),
    }


# Blocks of the 主动公开 table: banner, then the rows of the block.
PROACTIVE_BLOCKS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2021": (
        ("第二十条第（一）项", ("rules", "normative_docs")),
        ("第二十条第（五）项", ("licensing",)),
        ("第二十条第（六）项", ("penalty", "coercion")),
        ("第二十条第（八）项", ("fees",)),
    ),
    "2019": (
        ("第二十条第（一）项", ("rules", "normative_docs")),
        ("第二十条第（五）项", ("licensing", "other_services")),
        ("第二十条第（六）项", ("penalty", "coercion")),
        ("第二十条第（八）项", ("fees",)),
        ("第二十条第（九）项", ("procurement",)),
    ),
}

# --- section headings -----------------------------------------------------------------------

SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "overview": ("一、总体情况",),
    "proactive": ("二、主动公开政府信息情况",),
    "requests": ("三、收到和处理政府信息公开申请情况",),
    "reviews": ("四、政府信息公开行政复议、行政诉讼情况",),
    "problems": (
        "五、存在的主要问题及改进情况",
        "五、政府信息公开工作存在的主要问题及改进情况",
        "五、存在问题及改进情况",
    ),
    "other": ("六、其他需要报告的事项",),
}
