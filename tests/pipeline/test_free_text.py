from __future__ import annotations

from services.pipeline.classify import classify
from services.pipeline.free_text import extract_items
from services.pipeline.normalise import normalise
from services.pipeline.refine import Category
from services.pipeline.segment import segment


def _items(text: str) -> dict[Category, list[str]]:
    doc = normalise(text)
    sections = segment(doc.text)
    found = extract_items(doc.text, sections, classify(doc, sections))
    return {cat: [str(i.value) for i in items] for cat, items in found.items()}


HEAD = "某局2021年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开政府信息。\n"


def test_numbered_points_in_one_paragraph_are_split_and_trimmed() -> None:
    items = _items(
        HEAD + "五、存在的主要问题及改进情况\n主要表现在:一是公开意识不够强;二是信息质量不高。\n"
    )
    assert items["problems"] == ["公开意识不够强", "信息质量不高"]


def test_subsections_give_each_category() -> None:
    text = HEAD + (
        "五、存在的主要问题及改进情况\n(一)存在问题\n1.栏目更新不及时。\n2.解读形式单一。\n"
        "(二)改进措施\n1.建立更新机制。\n2.丰富解读形式。\n六、其他需要报告的事项\n无。\n"
    )
    items = _items(text)
    assert items["problems"] == ["栏目更新不及时", "解读形式单一"]
    assert items["measures"] == ["建立更新机制", "丰富解读形式"]


def test_mixed_paragraph_yields_a_problem_and_a_remedy() -> None:
    text = HEAD + (
        "五、存在的主要问题及改进情况\n我局政务公开工作还存在不足,信息发布不够及时。"
        "下一步,我局将加强培训,提升发布时效。\n"
    )
    items = _items(text)
    assert items["problems"] == ["我局政务公开工作还存在不足,信息发布不够及时"]
    assert items["measures"] == ["下一步,我局将加强培训,提升发布时效"]


def test_plans_section_and_sign_off_lines() -> None:
    text = (
        HEAD
        + "六、下一步工作打算\n(一)完善机制。建立制度。\n(二)加强培训。\n\n某局\n2022年1月20日\n"
    )
    assert _items(text)["plans"] == ["完善机制。建立制度", "加强培训"]


def test_work_plan_items_are_plans() -> None:
    text = (
        "2023年政务公开工作要点\n一、深化公开\n(一)深化数据公开。及时发布。(牵头股室:综合股)\n"
        "(二)深化执法公开。(牵头股室:法规股)\n二、强化保障\n(一)强化组织保障。(责任股室:办公室)\n"
    )
    items = _items(text)
    assert [v[:6] for v in items["plans"]] == ["深化数据公开", "深化执法公开", "强化组织保障"]
    assert items["problems"] == [] and items["measures"] == []
