"""Pure rules of intake: the applicant's identity and the material checklist. No Django."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Protocol

from onewindow.catalog.rules import MaterialTerms
from onewindow.core.errors import FieldProblem
from onewindow.core.identity import is_valid_id_number, is_valid_uscc

from .events import EventKind


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
    # Obtained by the department (shared from the e-licence library, or its own paper): never
    # asked of the applicant, present for acceptance.
    FETCHED = "fetched"


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


def check_materials(checklist: list[MaterialCheck], required: list[str], known: list[str],
                    obtained: Collection[str] = ()) -> list[FieldProblem]:
    """The checklist names only the item's materials, each once, with a valid state; only the
    materials the department obtains itself (``obtained``) may be marked fetched."""
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
            p.add(f"{where}.state", "material.state_invalid", "材料状态须为已收、缺少、不适用或部门获取")
        if m.state == MaterialState.NOT_APPLICABLE and m.name in required:
            p.add(f"{where}.state", "material.required", f"“{m.name}”是必要材料，不能标为不适用")
        if m.state == MaterialState.FETCHED and m.name in known and m.name not in obtained:
            p.add(f"{where}.state", "material.not_obtained", f"“{m.name}”须由申请人提交，不能标为部门获取")
    return p.problems


def with_obtained_materials(checklist: list[MaterialCheck], terms: Sequence[MaterialTerms]) -> list[MaterialCheck]:
    """The checklist with every material the department obtains itself marked ``fetched``, in the
    item's order, whatever the form said: such a material is never the applicant's to bring
    (电子证照库共享获取，申请人无需提交), so it is never recorded as missing."""
    obtained = {t.name for t in terms if not t.from_applicant}
    if not obtained:
        return checklist
    given = {m.name: m for m in checklist}
    out = [m for m in checklist if m.name not in obtained]
    for t in terms:
        if t.name in obtained:
            note = given[t.name].note if t.name in given else ""
            out.append(MaterialCheck(t.name, MaterialState.FETCHED, note))
    order = {t.name: i for i, t in enumerate(terms)}
    return sorted(out, key=lambda m: order.get(m.name, len(order)))


@dataclass(frozen=True)
class MaterialsOnRecord:
    """What the history says was handed in: the intake checklist and every supplement since."""

    checklist: tuple[MaterialCheck, ...]
    supplied: frozenset[str]

    @property
    def received(self) -> frozenset[str]:
        """Names received or obtained by the department, at intake or since."""
        present = {m.name for m in self.checklist if m.state in (MaterialState.RECEIVED, MaterialState.FETCHED)}
        return frozenset(present | self.supplied)


class HistoryEvent(Protocol):
    kind: str
    payload: dict[str, Any]


def materials_on_record(events: Iterable[HistoryEvent]) -> MaterialsOnRecord:
    """Read the intake checklist (the ``submitted`` event's materials with their checks) and the
    materials every ``supplemented`` event brought."""
    checklist: tuple[MaterialCheck, ...] = ()
    supplied: set[str] = set()
    for event in events:
        payload = event.payload or {}
        if event.kind == EventKind.SUBMITTED:
            checklist = tuple(MaterialCheck(**m) for m in payload.get("materials", []))
        elif event.kind == EventKind.SUPPLEMENTED:
            supplied.update(str(name) for name in payload.get("materials", []))
    return MaterialsOnRecord(checklist, frozenset(supplied))


@dataclass(frozen=True)
class Outstanding:
    """The required materials still owed by the applicant, in the item's order."""

    missing: tuple[str, ...] = ()  # acceptance must wait for these (一次性告知补正)
    deferred: tuple[str, ...] = ()  # owed, but the item allows accepting without them (容缺)
    owed: tuple[str, ...] = ()  # both, in the item's order

    @property
    def blocks_acceptance(self) -> bool:
        return bool(self.missing)


def outstanding_materials(terms: Sequence[MaterialTerms], record: MaterialsOnRecord) -> Outstanding:
    """行政许可法 第三十二条: a case is accepted only when its required materials are complete.

    A required material the applicant must hand in and has not (neither at intake nor by a
    supplement) is missing, unless the item version marks it deferrable (容缺受理), in which case it
    is owed but does not stop acceptance. Materials the department obtains itself are never owed.
    """
    received = record.received
    owed = [t for t in terms if t.required and t.from_applicant and t.name not in received]
    return Outstanding(missing=tuple(t.name for t in owed if not t.deferrable),
                       deferred=tuple(t.name for t in owed if t.deferrable), owed=tuple(t.name for t in owed))


def visit_overrun(*, visits: int, max_visits: int) -> str:
    """The warning to show before an action that brings the applicant to the center once more
    (an application or a supplement at the window) when that trip passes the item's promised
    maximum (到现场次数, 最多跑一次); empty when it does not.

    Only the trips to apply and to supplement count: collecting a result is not one, since the
    applicant may have it posted or take the electronic licence instead.
    """
    trip = visits + 1
    return f"本次将是第 {trip} 次到现场，超过承诺的最多 {max_visits} 次" if trip > max_visits else ""


# The ``result`` a ``concluded`` event carries when the services conclude a case themselves (a
# denial, a grant with nothing to issue, a delivery); anything else is what the clerk wrote when
# concluding an instant case on the spot, and belongs in the history the applicant reads.
CONCLUSION_CODES = frozenset({"granted", "denied", "delivered"})


def handler_label(staff: Any) -> str:
    """How a 全程承办人 is named to the applicant: name and employee number, as the hall's public
    identity board (岗位公示) shows them."""
    return f"{staff.name}（工号 {staff.employee_number}）"
