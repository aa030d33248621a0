"""Pure rules of intake: the applicant's identity and the material checklist. No Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum

from onewindow.core.errors import FieldProblem
from onewindow.core.identity import is_valid_id_number, is_valid_uscc


class ApplicantKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


class IdType(StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证 (GB 11643)
    USCC = "uscc"  # 统一社会信用代码 (GB 32100)
    PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"
    OTHER = "other"


ID_TYPE_LABELS = {
    IdType.RESIDENT_ID: "居民身份证",
    IdType.USCC: "统一社会信用代码",
    IdType.PASSPORT: "护照",
    IdType.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    IdType.OTHER: "其他证件",
}


class MaterialState(StrEnum):
    RECEIVED = "received"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    id_type: str
    id_number: str
    phone: str = ""
    legal_representative: str = ""
    agent_name: str = ""
    agent_id_number: str = ""


@dataclass(frozen=True)
class MaterialCheck:
    name: str
    state: str
    note: str = ""


@dataclass
class IntakeProblems:
    problems: list[FieldProblem] = field(default_factory=list)

    def add(self, field_name: str, code: str, message: str) -> None:
        self.problems.append(FieldProblem(field_name, code, message))


APPLICANT_LABELS = {
    "kind": "申请人类型", "name": "申请人名称", "id_type": "证件类型", "id_number": "证件号码", "phone": "联系电话",
    "legal_representative": "法定代表人", "agent_name": "代理人", "agent_id_number": "代理人证件号码",
}


def check_applicant(a: Applicant, *, max_lengths: Mapping[str, int] | None = None) -> list[FieldProblem]:
    """Every problem with the applicant's data, each naming its field.

    ``max_lengths``: the longest each field may be (``{"agent_name": 64, …}``), as the columns that
    store it allow; the name is at most 100 characters in any case.
    """
    p = IntakeProblems()
    limits = {"name": 100, **(max_lengths or {})}
    for f in fields(Applicant):
        limit = limits.get(f.name)
        if limit is not None and len(getattr(a, f.name)) > limit:
            p.add(f"applicant.{f.name}", f"applicant.{f.name}_too_long",
                  f"{APPLICANT_LABELS[f.name]}过长（最多{limit}字）")
    if a.kind not in ApplicantKind.__members__.values():
        p.add("applicant.kind", "applicant.kind_invalid", "申请人类型须为自然人或法人")
    if not a.name.strip():
        p.add("applicant.name", "applicant.name_required", "请填写申请人名称")
    if a.id_type not in IdType.__members__.values():
        p.add("applicant.id_type", "applicant.id_type_invalid", "证件类型无效")
    number = a.id_number.strip().upper()
    if not number:
        p.add("applicant.id_number", "applicant.id_number_required", "请填写证件号码")
    elif a.id_type == IdType.RESIDENT_ID and not is_valid_id_number(number):
        p.add("applicant.id_number", "applicant.id_number_invalid",
              "居民身份证号码校验不通过（GB 11643：18位，出生日期与校验码须正确）")
    elif a.id_type == IdType.USCC and not is_valid_uscc(number):
        p.add("applicant.id_number", "applicant.uscc_invalid",
              "统一社会信用代码校验不通过（GB 32100：18位，校验码须正确）")
    if a.kind == ApplicantKind.COMPANY:
        if a.id_type != IdType.USCC:
            p.add("applicant.id_type", "applicant.company_needs_uscc", "法人申请须使用统一社会信用代码")
        if not a.legal_representative.strip():
            p.add("applicant.legal_representative", "applicant.legal_representative_required",
                  "法人申请须填写法定代表人")
    if a.kind == ApplicantKind.PERSON and a.id_type == IdType.USCC:
        p.add("applicant.id_type", "applicant.person_uscc", "自然人不能使用统一社会信用代码")
    if a.phone and not (a.phone.isdigit() and 7 <= len(a.phone) <= 15):
        p.add("applicant.phone", "applicant.phone_invalid", "联系电话应为7至15位数字")
    if a.agent_name.strip() and a.agent_id_number and not is_valid_id_number(a.agent_id_number.strip().upper()):
        p.add("applicant.agent_id_number", "applicant.agent_id_invalid", "代理人身份证号码校验不通过")
    return p.problems


def check_materials(checklist: list[MaterialCheck], required: list[str], known: list[str]) -> list[FieldProblem]:
    """The checklist names only the item's materials, each once, with a valid state."""
    p = IntakeProblems()
    seen: set[str] = set()
    for i, m in enumerate(checklist):
        where = f"materials[{i}]"
        if m.name not in known:
            p.add(f"{where}.name", "material.unknown", f"“{m.name}”不是本事项的申请材料")
        if m.name in seen:
            p.add(f"{where}.name", "material.duplicate", f"材料“{m.name}”重复")
        seen.add(m.name)
        if m.state not in MaterialState.__members__.values():
            p.add(f"{where}.state", "material.state_invalid", "材料状态须为已收、缺少或不适用")
        if m.state == MaterialState.NOT_APPLICABLE and m.name in required:
            p.add(f"{where}.state", "material.required", f"“{m.name}”是必要材料，不能标为不适用")
    return p.problems


def missing_materials(checklist: list[MaterialCheck], required: list[str]) -> list[str]:
    """Required materials not marked received, in the item's order (for the one-time notice)."""
    received = {m.name for m in checklist if m.state == MaterialState.RECEIVED}
    return [name for name in required if name not in received]


# The ``result`` a ``concluded`` event carries when the services conclude a case themselves (a
# denial, a grant with nothing to issue, a delivery); anything else is what the clerk wrote when
# concluding an instant case on the spot, and belongs in the history the applicant reads.
CONCLUSION_CODES = frozenset({"granted", "denied", "delivered"})
