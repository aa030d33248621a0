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


DELIVERY_METHOD_LABELS = {
    DeliveryMethod.WINDOW: "窗口领取",
    DeliveryMethod.POST: "邮寄送达",
    DeliveryMethod.ELECTRONIC: "电子证照",
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
