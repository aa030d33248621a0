"""Pure rules of 网上办事: who an applicant account is, and what it files as. No Django.

Registration reuses the intake rules of the case app (:func:`onewindow.cases.rules.check_applicant`:
GB 11643 ID checksum, GB 32100 credit code checksum), so an account that registers can always
file a case that the case app accepts, and the two never disagree about an ID number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from onewindow.cases.rules import Applicant, ApplicantKind, IdType, check_applicant
from onewindow.core.errors import FieldProblem

# The online service depth from which an item can be applied for online (三级：网上申请).
MIN_ONLINE_DEPTH = 3
OTP_DIGITS = 6


class AccountKind(StrEnum):
    PERSON = "person"
    COMPANY_AGENT = "company_agent"  # a person acting for a company (行政许可法 第二十九条)


# ID types a person may register with: a credit code identifies a company, never a person.
PERSON_ID_TYPES = (IdType.RESIDENT_ID, IdType.PASSPORT, IdType.HK_MACAO_PERMIT, IdType.OTHER)


@dataclass(frozen=True)
class Registration:
    """What an applicant states about themself (and the company they act for)."""

    kind: str
    real_name: str
    id_type: str
    id_number: str
    phone: str
    company_name: str = ""
    company_credit_code: str = ""
    legal_representative: str = ""

    def cleaned(self) -> Registration:
        return Registration(
            kind=self.kind.strip(), real_name=self.real_name.strip(), id_type=self.id_type.strip(),
            id_number=self.id_number.strip().upper(), phone=self.phone.strip(),
            company_name=self.company_name.strip() if self.kind == AccountKind.COMPANY_AGENT else "",
            company_credit_code=(self.company_credit_code.strip().upper()
                                 if self.kind == AccountKind.COMPANY_AGENT else ""),
            legal_representative=(self.legal_representative.strip()
                                  if self.kind == AccountKind.COMPANY_AGENT else ""),
        )


# check_applicant names its fields "applicant.…"; the registration form has its own names.
_PERSON_FIELDS = {"applicant.id_type": "id_type", "applicant.id_number": "id_number", "applicant.phone": "phone",
                  "applicant.name": "real_name", "applicant.kind": "kind"}
_COMPANY_FIELDS = {"applicant.name": "company_name", "applicant.id_number": "company_credit_code",
                   "applicant.legal_representative": "legal_representative",
                   "applicant.agent_id_number": "id_number"}


REGISTRATION_LABELS = {
    "kind": "办理身份", "real_name": "姓名", "id_type": "证件类型", "id_number": "证件号码", "phone": "手机号",
    "company_name": "企业名称", "company_credit_code": "统一社会信用代码", "legal_representative": "法定代表人姓名",
}


def check_registration(r: Registration, *, max_lengths: Mapping[str, int] | None = None) -> list[FieldProblem]:
    """Every problem with a registration, at most one per field, each naming its field.

    ``max_lengths``: the longest each field may be, as the account's columns allow (a passport
    number longer than its column is a field error, not a database error).
    """
    r = r.cleaned()
    problems: list[FieldProblem] = []

    def add(field: str, code: str, message: str) -> None:
        if all(p.field != field for p in problems):
            problems.append(FieldProblem(field, code, message))

    for name, limit in (max_lengths or {}).items():
        if len(getattr(r, name)) > limit:
            add(name, f"applicant.{name}_too_long", f"{REGISTRATION_LABELS[name]}过长（最多{limit}字）")

    if r.kind not in AccountKind.__members__.values():
        add("kind", "applicant.kind_invalid", "请选择以个人身份办理或代理企业办理")
    if not r.real_name:
        add("real_name", "applicant.real_name_required", "请填写真实姓名")
    elif len(r.real_name) > 64:
        add("real_name", "applicant.real_name_too_long", "姓名过长（最多64字）")
    if r.id_type not in PERSON_ID_TYPES:
        add("id_type", "applicant.id_type_invalid", "请选择个人证件类型")
    if r.kind == AccountKind.COMPANY_AGENT and r.id_type != IdType.RESIDENT_ID:
        # The case records the agent's ID and checks it as a resident ID (cases.rules).
        add("id_type", "applicant.agent_needs_resident_id", "代理企业办理的经办人须使用居民身份证登记")
    person = Applicant(kind=ApplicantKind.PERSON, name=r.real_name or "-", id_type=r.id_type,
                       id_number=r.id_number, phone=r.phone)
    for p in check_applicant(person):
        add(_PERSON_FIELDS.get(p.field, p.field), p.code, p.message)
    if r.kind == AccountKind.COMPANY_AGENT:
        if not r.company_name:
            add("company_name", "applicant.company_name_required", "请填写企业名称")
        if not r.company_credit_code:
            add("company_credit_code", "applicant.uscc_required", "请填写企业的统一社会信用代码")
        company = case_applicant(r)
        for p in check_applicant(company):
            if p.field in _COMPANY_FIELDS:
                add(_COMPANY_FIELDS[p.field], p.code, p.message)
        if len(r.company_name) > 100:
            add("company_name", "applicant.company_name_too_long", "企业名称过长（最多100字）")
        if len(r.legal_representative) > 64:
            add("legal_representative", "applicant.legal_representative_too_long", "法定代表人姓名过长（最多64字）")
    return problems


def case_applicant(r: Registration, *, phone: str | None = None) -> Applicant:
    """The applicant a case of this account is filed under: the person, or the company with the
    person as its agent (代理人). ``phone`` is the contact number given on the form."""
    contact = (phone if phone is not None else r.phone).strip()
    if r.kind == AccountKind.COMPANY_AGENT:
        return Applicant(kind=ApplicantKind.COMPANY, name=r.company_name, id_type=IdType.USCC,
                         id_number=r.company_credit_code, phone=contact,
                         legal_representative=r.legal_representative, agent_name=r.real_name,
                         agent_id_number=r.id_number)
    return Applicant(kind=ApplicantKind.PERSON, name=r.real_name, id_type=r.id_type, id_number=r.id_number,
                     phone=contact)


def can_apply_online(online_depth: int | None) -> bool:
    """Depth 3 (网上申请、窗口领取) and 4 (全程网办) accept online applications; 1 and 2 only inform."""
    return (online_depth or 0) >= MIN_ONLINE_DEPTH


def default_delivery_method(methods: Sequence[str] | None) -> str:
    """The way the result is delivered when the applicant has nothing to choose: the item's only
    method. With several methods the choice is the applicant's (none is preselected)."""
    return methods[0] if methods and len(methods) == 1 else ""
