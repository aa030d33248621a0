"""The proactive disclosure catalogue (主动公开目录) as rules: categories, subject classes, the index
number, the legal publishing deadline and what a complete disclosure contains. Pure: no Django.

- 政府信息公开条例 第二十六条: information subject to proactive disclosure is published within
  20 working days of being created or changed (形成或者变更之日起 20 个工作日内);
- 预算法 第十四条: department budgets and final accounts are published by each department within 20
  days (calendar) of the finance department's approval (批复);
- 村民委员会组织法 第三十条: village affairs are published at least every quarter (finances of a
  village with many transactions monthly) — a village's disclosures follow their schedule (the
  quarterly self-scheduling of publications), not the agencies' Art. 26 deadline;
- the index number (索引号) follows the usual pattern 机构代码-类别-年份-流水号: the organization
  code (the 9 characters of the unified social credit code after the registration authority and
  region, 统一社会信用代码第 9—17 位), the category's two digits, the year of publication, a
  five-digit sequence per agency, category and year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from onewindow.workdays.arithmetic import CalendarSnapshot

ART26_WORKDAYS = 20  # 政府信息公开条例 第二十六条
BUDGET_DAYS = 20  # 预算法 第十四条 (calendar days after the approval)


class Category(StrEnum):
    DOCUMENT = "document"  # 政策文件
    NOTICE = "notice"  # 公示公告 (with a comment period)
    BUDGET = "budget"  # 部门预算
    FINAL_ACCOUNTS = "final_accounts"  # 部门决算
    STAFFING = "staffing"  # 机构编制
    VILLAGE_AFFAIRS = "village_affairs"  # 村务公开
    VILLAGE_FINANCE = "village_finance"  # 村级财务公开
    OTHER = "other"


CATEGORY_LABELS: dict[Category, str] = {
    Category.DOCUMENT: "政策文件", Category.NOTICE: "公示公告", Category.BUDGET: "部门预算",
    Category.FINAL_ACCOUNTS: "部门决算", Category.STAFFING: "机构编制", Category.VILLAGE_AFFAIRS: "村务公开",
    Category.VILLAGE_FINANCE: "村级财务公开", Category.OTHER: "其他",
}

CATEGORY_CODES: dict[Category, str] = {
    Category.DOCUMENT: "01", Category.NOTICE: "02", Category.BUDGET: "03", Category.FINAL_ACCOUNTS: "04",
    Category.STAFFING: "05", Category.VILLAGE_AFFAIRS: "06", Category.VILLAGE_FINANCE: "07", Category.OTHER: "99",
}

VILLAGE_CATEGORIES = frozenset({Category.VILLAGE_AFFAIRS, Category.VILLAGE_FINANCE})
BUDGET_CATEGORIES = frozenset({Category.BUDGET, Category.FINAL_ACCOUNTS})
# Only a notice invites objections: the others are published as they are.
COMMENT_CATEGORIES = frozenset({Category.NOTICE, Category.VILLAGE_AFFAIRS, Category.VILLAGE_FINANCE})

# Subject classes (主题分类), after the State Council's document subject vocabulary.
SUBJECTS: dict[str, str] = {
    "general": "综合政务", "finance": "财政、金融、审计", "civil": "民政、扶贫、救灾",
    "agriculture": "农业、林业、水利", "construction": "城乡建设、环境保护", "labour": "劳动、人事、监察",
    "health": "卫生、体育", "education": "科技、教育", "justice": "公安、安全、司法",
    "market": "市场监管、安全生产监管", "land": "国土资源、能源", "transport": "交通",
    "organization": "机构编制", "village": "村务管理",
}

# What a complete disclosure of the kind contains (财预〔2016〕143号 for the budget tables; the
# staffing figures of 机构编制 disclosures): each must be named in the body.
REQUIRED_SECTIONS: dict[Category, tuple[str, ...]] = {
    Category.BUDGET: ("收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算支出表",
                      "一般公共预算基本支出表", "“三公”经费支出表", "政府性基金预算支出表"),
    Category.FINAL_ACCOUNTS: ("收支总表", "收入表", "支出表", "财政拨款收支总表", "一般公共预算财政拨款支出表",
                              "一般公共预算财政拨款基本支出表", "“三公”经费支出表", "政府性基金预算财政拨款收入支出表"),
    Category.STAFFING: ("机构名称", "编制数", "实有人数", "领导职数"),
    Category.VILLAGE_FINANCE: ("收入", "支出", "结余"),
}


def legal_due(category: Category, made_on: date, calendar: CalendarSnapshot) -> date | None:
    """The last day the law allows for publishing information created or changed on ``made_on``
    (None for a village's disclosures: their schedule governs)."""
    if category in VILLAGE_CATEGORIES:
        return None
    if category in BUDGET_CATEGORIES:
        return made_on + timedelta(days=BUDGET_DAYS)
    return calendar.add_workdays(made_on, ART26_WORKDAYS)


def legal_basis(category: Category) -> str:
    """The rule behind the publishing deadline, as pages and warnings say it."""
    if category in VILLAGE_CATEGORIES:
        return "村民委员会组织法 第三十条：村务至少每季度公布一次"
    if category in BUDGET_CATEGORIES:
        return "预算法 第十四条：部门预算、决算经财政部门批复后二十日内向社会公开"
    return "政府信息公开条例 第二十六条：自信息形成或者变更之日起 20 个工作日内公开"


def organization_code(credit_code: str, fallback: str) -> str:
    """The organization code in an index number: characters 9–17 of an 18-character unified social
    credit code, else the department's own code."""
    code = (credit_code or "").strip().upper()
    return code[8:17] if len(code) == 18 else fallback.strip().upper()


def index_number(org_code: str, category: Category, year: int, seq: int) -> str:
    """索引号 ``MB0000019-03-2026-00001``."""
    return f"{org_code}-{CATEGORY_CODES[category]}-{year}-{seq:05d}"


@dataclass(frozen=True)
class Elements:
    """What a publication states, for the completeness check."""

    category: Category
    subject: str
    made_on: date | None
    doc_number: str
    village: bool
    body: str


def missing_elements(e: Elements) -> list[str]:
    """What a disclosure of its kind lacks, in Chinese (empty: complete)."""
    missing: list[str] = []
    if not e.subject:
        missing.append("主题分类")
    if e.made_on is None and e.category not in VILLAGE_CATEGORIES:
        missing.append("形成或变更日期")
    if e.category == Category.DOCUMENT and not e.doc_number:
        missing.append("文号")
    if e.category in VILLAGE_CATEGORIES and not e.village:
        missing.append("所属村（社区）")
    body = _plain(e.body)
    missing += [f"内容：{name}" for name in REQUIRED_SECTIONS.get(e.category, ()) if _plain(name) not in body]
    return missing


def _plain(text: str) -> str:
    """Without quotes and spaces: “三公”经费, "三公"经费 and 三公经费 are the same table."""
    return re.sub(r"[“”\"'‘’\s]", "", text)
