"""Test documents for the review workflow, and records made from them by the real job
service (submit, then run the job in this process, as a worker would)."""

from __future__ import annotations

from services.jobs import service
from services.jobs.service import NewDocument

# A 2019-template report with three kinds of doubt the pipeline sends to review:
# - 行政许可3960181: glued cells that split several ways (ambiguous_split, with candidates);
# - 行政复议 1 + 0 + 0 + 1 ≠ 3: the review group's identity fails (failed_identity, 5 cells);
# - section 五 in unnumbered prose: one problem and one measure (low_confidence items).
REPORT_2019 = """{agency}{year}年政府信息公开工作年度报告
发布日期：{published}
一、总体情况
{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息120条。
二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年新制作数量 本年新公开数量 对外公开总数量
规章 0 0 3
规范性文件 8 8 77
第二十条第（五）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政许可3960181
其他对外管理服务事项 52 +1036 0
第二十条第（六）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政处罚 17 -8 1203
行政强制 4 0 2
第二十条第（八）项
信息内容 上一年项目数量 本年增/减
行政事业性收费 6 -1
第二十条第（九）项
信息内容 采购项目数量 采购总金额
政府集中采购 3 251000元
四、政府信息公开行政复议、行政诉讼情况
行政复议 | 行政诉讼
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉
1 | 0 | 0 | 1 | 3 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0
五、存在的主要问题及改进情况
我局政府信息公开工作还存在一些不足，主要是公开内容还不够全面，信息更新还不够及时。下一步，我局将加强培训，提高工作人员业务水平，及时更新公开内容。
六、其他需要报告的事项
本年度未收取信息处理费。另外，政务新媒体建设仍需加强，信息发布渠道较为单一。
"""

REVIEW_GROUP = ("upheld", "corrected", "other", "pending", "total")
LICENSING = ("prior_items", "change", "decisions")
# the pending fields of REPORT_2019, by main reason kind
EXPECTED_KINDS = {
    "ambiguous_split": 3,
    "failed_identity": 5,
    "low_confidence": 2,
}
MISSED_PROBLEM = "政务新媒体建设仍需加强"  # in section 六: the extraction does not list it


def report(agency: str = "某市水务局", year: int = 2020, published: str = "2021-01-20") -> str:
    return REPORT_2019.format(agency=agency, year=year, published=published)


def make_record(text: str, filename: str = "report.txt") -> str:
    """Submit and process one document; returns its record id."""
    submitted = service.submit(NewDocument(text.encode("utf-8"), filename), principal="tests")
    service.process_job(submitted.job.id, token=f"test-{submitted.job.id}", last_try=True)
    job = service.get_job(submitted.job.id)
    assert job.record_id is not None, job
    return job.record_id
