"""Writes of enforcement made public (阳光执法): certified officers registered and revoked, inspections
recorded in the register, major penalties recorded and filed — each in one transaction with its
chained event (and, for a penalty, its filing deadline row), after the permission check.

Who: officers are the center administrator's to keep (``organization.edit``, like the staff
records); inspections and penalties are the department's reviewers' and chief representatives'
(``case.review``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.core.identity import is_valid_id_number, is_valid_uscc
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.organization.models import Department, Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import require

from .enforcement_rules import (
    FILING_DAYS,
    MIN_OFFICERS,
    CertificateKind,
    FilingState,
    InspectionResult,
    OfficerState,
    PartyKind,
    PenaltyKind,
    certificate_valid,
    filing_due,
)
from .models import (
    EnforcementInspection,
    EnforcementOfficer,
    InspectionEvent,
    MajorPenalty,
    OfficerEvent,
    OpennessSequence,
    PenaltyEvent,
)

PENALTY_SUBJECT = "major_penalty"
MAX_FINE = Decimal("1e12")


def filing_days() -> int:
    """The days to file a major penalty: the setting ``MAJOR_PENALTY_FILING_DAYS`` or 15."""
    value = settings.ONEWINDOW.get("MAJOR_PENALTY_FILING_DAYS") or FILING_DAYS
    return int(value)


def _text(value: str | None, field: str, label: str, *, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"enforcement.{field}_required", f"请填写{label}", field=field)
    if len(text) > limit:
        raise DomainError(f"enforcement.{field}_too_long", f"{label}不能超过 {limit} 个字符", field=field)
    return text


def _choice(value: str | None, enum: type, field: str, label: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        raise DomainError(f"enforcement.{field}_invalid", f"{label}“{value or ''}”无效", field=field) from None


def _department(department_id: int) -> Department:
    department = Department.objects.select_related("region").filter(pk=department_id).first()
    if department is None:
        raise NotFound("部门不存在", code="department.not_found", field="department")
    return department


def _party(kind: str, name: str, code: str = "") -> tuple[str, str]:
    party_kind = _choice(kind, PartyKind, "party_kind", "对象类型")
    party_name = _text(name, "party_name", "检查对象或当事人名称", limit=200)
    code = (code or "").strip().upper()
    if code and party_kind == PartyKind.ORGANIZATION and not is_valid_uscc(code):
        raise DomainError("enforcement.party_code_invalid", "统一社会信用代码无效", field="party_code")
    return party_kind.value, party_name


def _number(department: Department, mark: str, year: int) -> str:
    seq = next_value(OpennessSequence, {"scope": f"{mark}:{department.region.code}", "year": year})
    return f"{department.region.prefix}-{mark}{year}-{seq:05d}"


def _chain(model: type, owner_field: str, owner: Any, label: str, kind: str, *, at: datetime, actor: Staff | None,
           note: str = "", payload: dict[str, Any] | None = None) -> None:
    previous = model.objects.filter(**{owner_field: owner}).order_by("-seq").first()
    event_append(model(**{owner_field: owner}, kind=kind, at=at, actor=actor, note=note, payload=payload or {}),
                 subject_label=label, previous=previous)


# -- officers (持证上岗) ---------------------------------------------------------------------------------


def officer_register(*, department_id: int, name: str, id_number: str, certificate_number: str, area: str,
                     issued_on: date, valid_until: date, actor: Staff, certificate_kind: str = "enforcement",
                     at: datetime | None = None) -> EnforcementOfficer:
    """登记执法人员: a certified officer of a department, with their certificate."""
    at = at or current_time()
    today = local_date(at)
    department = _department(department_id)
    require(actor, Perm.ORGANIZATION_EDIT, region=department.region, on=today)
    name = _text(name, "name", "姓名", limit=64)
    id_number = (id_number or "").strip().upper()
    if not is_valid_id_number(id_number):
        raise DomainError("enforcement.id_number_invalid", "身份证号码无效（请检查位数和校验位）", field="id_number")
    kind = _choice(certificate_kind, CertificateKind, "certificate_kind", "证件类型")
    number = _text(certificate_number, "certificate_number", "执法证号", limit=32).upper()
    area = _text(area, "area", "执法类别", limit=100)
    if issued_on > today:
        raise DomainError("enforcement.issued_on_future", "发证日期不能晚于今天", field="issued_on")
    if valid_until < issued_on:
        raise DomainError("enforcement.valid_until_before_issue", "有效期至不能早于发证日期", field="valid_until")
    with transaction.atomic():
        if EnforcementOfficer.objects.filter(certificate_number=number).exists():
            raise DomainError("enforcement.certificate_taken", f"执法证号 {number} 已登记", field="certificate_number")
        officer = EnforcementOfficer.objects.create(
            region=department.region, department=department, name=name, id_number=id_number,
            certificate_kind=kind.value, certificate_number=number, area=area, issued_on=issued_on,
            valid_until=valid_until, state=OfficerState.ACTIVE, created_at=at)
        _chain(OfficerEvent, "officer", officer, number, "registered", at=at, actor=actor,
               payload={"valid_until": valid_until.isoformat(), "department": department.code})
        return officer


def officer_revoke(*, officer_id: int, reason: str, actor: Staff, at: datetime | None = None) -> EnforcementOfficer:
    """注销执法证: the officer leaves enforcement (transferred, retired, certificate withdrawn)."""
    at = at or current_time()
    reason = _text(reason, "reason", "注销原因", limit=200)
    with transaction.atomic():
        officer = (EnforcementOfficer.objects.select_for_update(of=("self",)).select_related("region")
                   .filter(pk=officer_id).first())
        if officer is None:
            raise NotFound("执法人员不存在", code="enforcement.officer_not_found", field="officer")
        require(actor, Perm.ORGANIZATION_EDIT, region=officer.region, on=local_date(at))
        if officer.state == OfficerState.REVOKED:
            raise Conflict("enforcement.officer_revoked", "该执法证已注销", field="officer")
        officer.state, officer.revoked_on, officer.revoked_reason = OfficerState.REVOKED, local_date(at), reason
        officer.save(update_fields=["state", "revoked_on", "revoked_reason"])
        _chain(OfficerEvent, "officer", officer, officer.certificate_number, "revoked", at=at, actor=actor, note=reason)
        return officer


# -- the inspection register -----------------------------------------------------------------------------


def inspection_record(*, department_id: int, inspected_on: date, party_kind: str, party_name: str, place: str,
                      basis: str, matters: str, result: str, officer_ids: list[int], actor: Staff,
                      result_note: str = "", random_draw: bool = False,
                      at: datetime | None = None) -> EnforcementInspection:
    """登记行政检查: at least two officers of the department holding a valid certificate that day
    (行政处罚法 第四十二条)."""
    at = at or current_time()
    today = local_date(at)
    department = _department(department_id)
    require(actor, Perm.CASE_REVIEW, region=department.region, department=department, on=today)
    if inspected_on > today:
        raise DomainError("enforcement.inspected_on_future", "检查日期不能晚于今天", field="inspected_on")
    kind, name = _party(party_kind, party_name)
    place = _text(place, "place", "检查地点", limit=200)
    basis = _text(basis, "basis", "检查依据", limit=2000)
    matters = _text(matters, "matters", "检查事项", limit=2000)
    outcome = _choice(result, InspectionResult, "result", "检查结果")
    result_note = _text(result_note, "result_note", "处理情况", limit=2000,
                        required=outcome != InspectionResult.NO_PROBLEM)
    ids = sorted(set(officer_ids))
    officers = list(EnforcementOfficer.objects.filter(pk__in=ids, department=department))
    usable = [o for o in officers if certificate_valid(o.state, o.valid_until, inspected_on)]
    if len(ids) != len(officers) or len(usable) != len(officers):
        raise DomainError("enforcement.officer_invalid",
                          "执法人员须为本部门持有效执法证的人员（检查当日证件未注销、未过期）", field="officers")
    if len(usable) < MIN_OFFICERS:
        raise DomainError("enforcement.officers_too_few",
                          f"行政检查的执法人员不得少于 {MIN_OFFICERS} 人（行政处罚法 第四十二条）", field="officers")
    with transaction.atomic():
        inspection = EnforcementInspection.objects.create(
            number=_number(department, "JC", inspected_on.year), region=department.region, department=department,
            inspected_on=inspected_on, party_kind=kind, party_name=name, place=place, basis=basis, matters=matters,
            random_draw=random_draw, result=outcome.value, result_note=result_note, created_at=at, created_by=actor)
        inspection.officers.set(usable)
        _chain(InspectionEvent, "inspection", inspection, inspection.number, "recorded", at=at, actor=actor,
               payload={"officers": [o.certificate_number for o in usable], "result": outcome.value,
                        "inspected_on": inspected_on.isoformat()})
        return inspection


# -- major penalties and their filing (重大行政处罚备案) -------------------------------------------------------


def _penalty_specs(penalty: MajorPenalty) -> list[DeadlineSpec]:
    spec = DeadlineSpec(kind=Kind.REPLY, key="filing", due_on=penalty.filing_due, statutory=True,
                        department_id=penalty.department_id, title="备案期限",
                        explanation=f"重大行政处罚决定作出之日起 {filing_days()} 日内报司法行政部门备案")
    return [spec.closed("已备案") if penalty.state == FilingState.FILED else spec]


def penalty_record(*, department_id: int, decision_number: str, party_kind: str, party_name: str, violation: str,
                   penalty_kinds: list[str], decided_on: date, legal_review_on: date, actor: Staff,
                   amount: Decimal | None = None, at: datetime | None = None) -> MajorPenalty:
    """登记重大行政处罚: the decision (after its legal review, 行政处罚法 第五十八条) and the day by which it
    must be filed — a deadline row the supervision sweep watches."""
    at = at or current_time()
    today = local_date(at)
    department = _department(department_id)
    require(actor, Perm.CASE_REVIEW, region=department.region, department=department, on=today)
    number = _text(decision_number, "decision_number", "处罚决定书文号", limit=64)
    kind, name = _party(party_kind, party_name)
    violation = _text(violation, "violation", "违法事实", limit=4000)
    kinds = [_choice(k, PenaltyKind, "penalty_kinds", "处罚种类").value for k in penalty_kinds or []]
    if not kinds:
        raise DomainError("enforcement.penalty_kinds_required", "请选择处罚种类", field="penalty_kinds")
    if amount is not None and (not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2
                               or amount >= MAX_FINE):
        raise DomainError("enforcement.amount_invalid", "罚没金额须为正数，最多两位小数", field="amount")
    if PenaltyKind.LARGE_FINE in kinds and amount is None:
        raise DomainError("enforcement.amount_required", "较大数额罚款须填写金额", field="amount")
    if decided_on > today:
        raise DomainError("enforcement.decided_on_future", "决定日期不能晚于今天", field="decided_on")
    if legal_review_on > decided_on:
        raise DomainError("enforcement.legal_review_after_decision",
                          "重大行政处罚决定须在作出前经法制审核（行政处罚法 第五十八条）", field="legal_review_on")
    with transaction.atomic():
        if MajorPenalty.objects.filter(decision_number=number).exists():
            raise DomainError("enforcement.decision_taken", f"处罚决定书 {number} 已登记", field="decision_number")
        penalty = MajorPenalty.objects.create(
            number=_number(department, "BA", decided_on.year), region=department.region, department=department,
            decision_number=number, party_kind=kind, party_name=name, violation=violation, penalty_kinds=kinds,
            amount=amount, legal_review_on=legal_review_on, decided_on=decided_on,
            filing_due=filing_due(decided_on, filing_days()), state=FilingState.PENDING, created_at=at,
            created_by=actor)
        _chain(PenaltyEvent, "penalty", penalty, penalty.number, "recorded", at=at, actor=actor,
               payload={"decision_number": number, "decided_on": decided_on.isoformat(),
                        "filing_due": penalty.filing_due.isoformat()})
        deadlines_write(subject_type=PENALTY_SUBJECT, subject_id=penalty.pk, region_id=penalty.region_id,
                        specs=_penalty_specs(penalty), at=at)
        return penalty


def penalty_file(*, penalty_id: int, filed_with: str, actor: Staff, filed_on: date | None = None,
                 note: str = "", at: datetime | None = None) -> MajorPenalty:
    """报送备案: the decision was filed with the legal office on ``filed_on``; the deadline row closes
    (a filing after the due day is recorded as late, not refused)."""
    at = at or current_time()
    today = local_date(at)
    filed_with = _text(filed_with, "filed_with", "备案机关", limit=100)
    note = _text(note, "note", "说明", limit=500, required=False)
    with transaction.atomic():
        penalty = (MajorPenalty.objects.select_for_update(of=("self",)).select_related("region", "department")
                   .filter(pk=penalty_id).first())
        if penalty is None:
            raise NotFound("重大行政处罚备案不存在", code="enforcement.penalty_not_found", field="penalty")
        require(actor, Perm.CASE_REVIEW, region=penalty.region, department=penalty.department, on=today)
        if penalty.state == FilingState.FILED:
            raise Conflict("enforcement.already_filed", f"该处罚已于 {penalty.filed_on} 备案", field="action")
        day = filed_on or today
        if day > today:
            raise DomainError("enforcement.filed_on_future", "备案日期不能晚于今天", field="filed_on")
        if day < penalty.decided_on:
            raise DomainError("enforcement.filed_on_before_decision", "备案日期不能早于决定日期", field="filed_on")
        penalty.state, penalty.filed_on, penalty.filed_with = FilingState.FILED, day, filed_with
        penalty.save(update_fields=["state", "filed_on", "filed_with"])
        _chain(PenaltyEvent, "penalty", penalty, penalty.number, "filed", at=at, actor=actor, note=note,
               payload={"filed_on": day.isoformat(), "late": day > penalty.filing_due, "filed_with": filed_with})
        deadlines_write(subject_type=PENALTY_SUBJECT, subject_id=penalty.pk, region_id=penalty.region_id,
                        specs=_penalty_specs(penalty), at=at)
        return penalty
