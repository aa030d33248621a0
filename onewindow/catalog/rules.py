"""Pure rules of the catalog: enumerations and their labels. No Django imports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ItemType(StrEnum):
    LICENSING = "licensing"  # 行政许可
    BENEFIT = "benefit"  # 行政给付
    CONFIRMATION = "confirmation"  # 行政确认
    LEVY = "levy"  # 行政征收
    REWARD = "reward"  # 行政奖励
    ADJUDICATION = "adjudication"  # 行政裁决
    OTHER_POWER = "other_power"  # 其他行政权力
    PUBLIC_SERVICE = "public_service"  # 公共服务


ITEM_TYPE_LABELS = {
    ItemType.LICENSING: "行政许可",
    ItemType.BENEFIT: "行政给付",
    ItemType.CONFIRMATION: "行政确认",
    ItemType.LEVY: "行政征收",
    ItemType.REWARD: "行政奖励",
    ItemType.ADJUDICATION: "行政裁决",
    ItemType.OTHER_POWER: "其他行政权力",
    ItemType.PUBLIC_SERVICE: "公共服务",
}


class HandlingType(StrEnum):
    INSTANT = "instant"  # 即办件
    COMMITTED = "committed"  # 承诺件


HANDLING_TYPE_LABELS = {HandlingType.INSTANT: "即办件", HandlingType.COMMITTED: "承诺件"}


class LimitUnit(StrEnum):
    WORKDAY = "workday"
    NATURAL_DAY = "natural_day"


LIMIT_UNIT_LABELS = {LimitUnit.WORKDAY: "工作日", LimitUnit.NATURAL_DAY: "自然日"}


class SpecialProcedure(StrEnum):
    """Art. 45 of the Administrative Licensing Law: time these take is not counted."""

    HEARING = "hearing"
    TENDERING = "tendering"
    AUCTION = "auction"
    INSPECTION = "inspection"
    TESTING = "testing"
    QUARANTINE = "quarantine"
    APPRAISAL = "appraisal"
    EXPERT_REVIEW = "expert_review"


SPECIAL_PROCEDURE_LABELS = {
    SpecialProcedure.HEARING: "听证",
    SpecialProcedure.TENDERING: "招标",
    SpecialProcedure.AUCTION: "拍卖",
    SpecialProcedure.INSPECTION: "检验",
    SpecialProcedure.TESTING: "检测",
    SpecialProcedure.QUARANTINE: "检疫",
    SpecialProcedure.APPRAISAL: "鉴定",
    SpecialProcedure.EXPERT_REVIEW: "专家评审",
}


class MaterialForm(StrEnum):
    PAPER = "paper"
    ELECTRONIC = "electronic"
    BOTH = "both"


MATERIAL_FORM_LABELS = {MaterialForm.PAPER: "纸质", MaterialForm.ELECTRONIC: "电子", MaterialForm.BOTH: "纸质或电子"}


class MaterialSource(StrEnum):
    APPLICANT = "applicant"  # 申请人自备
    GOVERNMENT = "government"  # 政府部门核发 (shared, need not be brought)
    INTERMEDIARY = "intermediary"  # 中介机构
    OTHER = "other"


MATERIAL_SOURCE_LABELS = {
    MaterialSource.APPLICANT: "申请人自备",
    MaterialSource.GOVERNMENT: "政府部门核发",
    MaterialSource.INTERMEDIARY: "中介机构出具",
    MaterialSource.OTHER: "其他",
}


class MaterialProvision(StrEnum):
    """Who puts a material in the file (获取方式): the applicant, or the government itself.

    Apart from the implementation list's 来源渠道 (``source``: who issued the paper), this says
    whether the applicant must hand it in: a licence the department fetches from the e-licence
    library (电子证照库共享获取), or a paper the department produces itself, is never asked of
    the applicant and never missing at acceptance.
    """

    APPLICANT = "applicant"  # 申请人提交
    SHARED = "shared"  # 电子证照库共享获取，申请人无需提交
    DEPARTMENT = "department"  # 部门自行产生或调取，申请人无需提交


MATERIAL_PROVISION_LABELS = {
    MaterialProvision.APPLICANT: "申请人提交",
    MaterialProvision.SHARED: "电子证照库共享获取",
    MaterialProvision.DEPARTMENT: "部门自行获取",
}


@dataclass(frozen=True)
class MaterialTerms:
    """What a case needs to know of one material of its item version."""

    name: str
    required: bool = True
    provision: str = MaterialProvision.APPLICANT.value
    deferrable: bool = False  # 容缺: the case may be accepted while it is owed

    @property
    def from_applicant(self) -> bool:
        """The applicant hands it in (else the department obtains it: never asked, never missing)."""
        return self.provision == MaterialProvision.APPLICANT


class ResultType(StrEnum):
    CERTIFICATE = "certificate"  # 证照
    APPROVAL_DOCUMENT = "approval_document"  # 批文
    OTHER = "other"
    NONE = "none"


RESULT_TYPE_LABELS = {
    ResultType.CERTIFICATE: "证照",
    ResultType.APPROVAL_DOCUMENT: "批文",
    ResultType.OTHER: "其他",
    ResultType.NONE: "无",
}


class DeliveryMethod(StrEnum):
    WINDOW = "window"
    POST = "post"
    ELECTRONIC = "electronic"
    AGENT = "agent"  # 村代办: the agent who filed hands the result to the villager


DELIVERY_METHOD_LABELS = {
    DeliveryMethod.WINDOW: "窗口领取",
    DeliveryMethod.POST: "邮寄送达",
    DeliveryMethod.ELECTRONIC: "电子证照",
    DeliveryMethod.AGENT: "代办员送达",
}

# Online service depth (网上办理深度), national grading 1..4.
ONLINE_DEPTH_LABELS = {
    1: "一级：网上咨询/查询",
    2: "二级：网上预约/下载表格",
    3: "三级：网上申请、窗口领取",
    4: "四级：全程网办",
}

# Joint handling (联合办理) has its own statutory limit and extension cap (Art. 42).
JOINT_STATUTORY_LIMIT = 45
JOINT_EXTENSION_CAP = 15
EXTENSION_CAP = 10


def critical_path_workdays(stages: list[tuple[int, int | None]]) -> int:
    """Working days the process needs at least: ``stages`` are ``(budget_workdays, parallel_group)``.

    Stages without a group run one after another; stages sharing a group number run side by side
    (并联审批), so a group counts once, with its largest budget.
    """
    sequential = sum(budget for budget, group in stages if group is None)
    groups: dict[int, int] = {}
    for budget, group in stages:
        if group is not None:
            groups[group] = max(groups.get(group, 0), budget)
    return sequential + sum(groups.values())


# --- what a decision is called, by item type ---------------------------------------------------


@dataclass(frozen=True)
class OutcomeWords:
    """How the result of an item of one type is worded: a marriage registration is 予以确认d,
    a subsistence allowance 予以给付, neither is 准予许可 (only a 行政许可 is)."""

    grant: str  # the result, as the public list and the messages say it
    deny: str
    grant_decision: str  # what "本机关决定……" says
    deny_decision: str
    grant_document: str  # the written decision's title
    deny_document: str
    grant_action: str  # the chief's button
    deny_action: str
    subject: str = "办理事项"  # what a certificate calls the item it was issued for


_LICENSING_WORDS = OutcomeWords("准予许可", "不予许可", "准予行政许可", "不予行政许可",
                                "准予行政许可决定书", "不予行政许可决定书", "作出准予许可决定", "作出不予许可决定", "许可事项")
_SERVICE_WORDS = OutcomeWords("已办结", "不予办理", "予以办理", "不予办理",
                              "办理结果告知书", "不予办理告知书", "作出予以办理决定", "作出不予办理决定")

OUTCOME_WORDS: dict[ItemType, OutcomeWords] = {
    ItemType.LICENSING: _LICENSING_WORDS,
    ItemType.CONFIRMATION: OutcomeWords("予以确认", "不予确认", "予以确认", "不予确认",
                                        "予以确认决定书", "不予确认决定书", "作出予以确认决定", "作出不予确认决定", "确认事项"),
    ItemType.BENEFIT: OutcomeWords("予以给付", "不予给付", "予以给付", "不予给付",
                                   "予以给付决定书", "不予给付决定书", "作出予以给付决定", "作出不予给付决定", "给付事项"),
    ItemType.REWARD: OutcomeWords("予以奖励", "不予奖励", "予以奖励", "不予奖励",
                                  "予以奖励决定书", "不予奖励决定书", "作出予以奖励决定", "作出不予奖励决定", "奖励事项"),
    ItemType.ADJUDICATION: OutcomeWords("已裁决", "不予裁决", "作出裁决", "不予裁决",
                                        "行政裁决书", "不予裁决决定书", "作出裁决", "作出不予裁决决定", "裁决事项"),
    ItemType.LEVY: _SERVICE_WORDS,
    ItemType.OTHER_POWER: OutcomeWords("予以办理", "不予办理", "予以办理", "不予办理",
                                       "办理决定书", "不予办理决定书", "作出予以办理决定", "作出不予办理决定"),
    ItemType.PUBLIC_SERVICE: _SERVICE_WORDS,
}


def outcome_words(item_type: str) -> OutcomeWords:
    """The wording of a decision on an item of ``item_type`` (licensing wording for an unknown type,
    which is what every case had before the types were told apart)."""
    try:
        return OUTCOME_WORDS[ItemType(item_type)]
    except ValueError:
        return _LICENSING_WORDS


# --- publicity of results (办件公示) ----------------------------------------------------------------

# Who got social assistance, who married or divorced, who adopted whom: personal matters the public
# list must not carry (个人信息保护法 第二十八条: sensitive personal information). Matched in the
# item's name, since the implementation lists give these items no code of their own.
_SOCIAL_ASSISTANCE_WORDS = ("救助", "最低生活保障", "低保", "特困", "供养", "残疾人", "生活补贴")
_CIVIL_STATUS_WORDS = ("婚", "收养", "监护")


def results_public_by_default(item_type: str, name: str) -> bool:
    """Whether an item's results are listed in 办件公示 unless the center decides otherwise:
    not for social assistance (a 行政给付 of 救助, 低保 …) nor for civil status (婚姻登记, 收养登记)."""
    if item_type == ItemType.BENEFIT and any(word in name for word in _SOCIAL_ASSISTANCE_WORDS):
        return False
    return not any(word in name for word in _CIVIL_STATUS_WORDS)
