"""Every write of accountability records (问责): propose, the person's statement, decide, withdraw.
One function per action, one transaction, permission first, an event on the record's chain."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date, now
from onewindow.documents.models import DocumentNumberSequence
from onewindow.documents.numbering import issuer_short_name
from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.lifecycle.transitions import Refused
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import Action, can, require
from onewindow.workdays.selectors import snapshot_for

from .accountability_rules import (
    MEASURE_LABELS,
    STATE_LABELS,
    STATEMENT_WORKDAYS,
    TABLE,
    AccAction,
    AccState,
    Measure,
    text_problem,
)
from .accountability_selectors import ACCOUNTABILITY_SUBJECT
from .models import Accountability, AccountabilityEvent

NUMBER_MARK = "问"


def _text(value: str, field: str, label: str) -> str:
    problem = text_problem(value, label)
    if problem:
        raise DomainError(f"{field}_invalid", problem, field=field)
    return value.strip()


def _move(record: Accountability | None, action: AccAction) -> AccState:
    try:
        return TABLE.next_state(action, AccState(record.state) if record is not None else None)
    except Refused as exc:
        raise Conflict(exc.code, exc.message, field="state") from None


def _record(record: Accountability, kind: str, by: Staff, note: str, payload: dict,
            previous: AccountabilityEvent | None | bool = True) -> None:
    if previous is True:
        previous = record.events.order_by("-seq").first()
    event_append(AccountabilityEvent(record=record, kind=kind, at=now(), actor=by, actor_label=by.name, note=note,
                                     payload=payload),
                 subject_label=record.number, previous=previous or None)


def _statement_deadline(record: Accountability) -> DeadlineSpec:
    spec = DeadlineSpec(kind=Kind.REPLY, due_on=record.statement_due, key="statement", title="问责陈述期限",
                        responsible_id=record.staff_id, department_id=record.department_id)
    if record.state != AccState.PROPOSED or record.stated_at is not None:
        return spec.closed("本人已陈述" if record.stated_at is not None else f"问责记录{STATE_LABELS[AccState(record.state)]}")
    return spec


@transaction.atomic
def accountability_propose(*, by: Staff, region: Region, staff_id: int, measure: str, facts: str, basis: str,
                           efficiency_warning_id: int | None = None, complaint_id: int | None = None,
                           at: datetime | None = None) -> Accountability:
    """A supervisor proposes a measure for one person, on the ground of an efficiency warning to
    them or a complaint about them found true, with the facts and the basis; the person may state
    their side within :data:`STATEMENT_WORKDAYS` working days (a kernel deadline row)."""
    from onewindow.feedback.models import WorkOrder
    from onewindow.feedback.rules import OrderKind
    from onewindow.supervision.models import EfficiencyWarning

    require(by, Action.SUPERVISION_ORDER, region=region)
    _move(None, AccAction.PROPOSE)
    try:
        measure = Measure(measure)
    except ValueError:
        raise DomainError("measure_invalid", "请选择问责方式（谈话提醒、通报批评、效能告诫、调离窗口、书面检查）",
                          field="measure") from None
    person = Staff.objects.filter(pk=staff_id).first()
    if person is None or not person.postings.filter(region__code__startswith=region.prefix).exists():
        raise DomainError("staff_unknown", "被问责人不在本区划", field="staff")
    if person.pk == by.pk:
        raise DomainError("accountability_self", "不能对本人提出问责", field="staff")
    facts, basis = _text(facts, "facts", "问责事实"), _text(basis, "basis", "问责依据")
    if (efficiency_warning_id is None) == (complaint_id is None):
        raise DomainError("accountability_ground_missing", "问责须以一份效能告诫或一件属实投诉为由（二选一）",
                          field="ground")
    warning = complaint = None
    if efficiency_warning_id is not None:
        warning = EfficiencyWarning.objects.filter(pk=efficiency_warning_id, region__code__startswith=region.prefix,
                                                   staff=person).first()
        if warning is None:
            raise DomainError("efficiency_warning_unknown", "未找到对被问责人的该份效能告诫", field="ground")
    else:
        complaint = WorkOrder.objects.filter(pk=complaint_id, region__code__startswith=region.prefix,
                                             kind=OrderKind.COMPLAINT, about_staff=person).first()
        if complaint is None:
            raise DomainError("complaint_unknown", "未找到针对被问责人的该件投诉", field="ground")
        if not complaint.substantiated:
            raise DomainError("complaint_not_substantiated", "该投诉未经核实属实，不能据此问责", field="ground")
    moment = at or now()
    year = local_date(moment).year
    short = issuer_short_name(region.name, region.level)
    seq = next_value(DocumentNumberSequence, {"scope": f"doc:{short}{NUMBER_MARK}", "year": year})
    record = Accountability.objects.create(
        number=f"{short}{NUMBER_MARK}〔{year}〕{seq:04d}号", region=region, staff=person,
        department_id=person.department_id, measure=measure, efficiency_warning=warning, complaint=complaint,
        facts=facts, basis=basis, state=AccState.PROPOSED, proposed_by=by, proposed_at=moment,
        statement_due=snapshot_for(region.code).add_workdays(local_date(moment), STATEMENT_WORKDAYS))
    ground = warning.number if warning is not None else complaint.number if complaint is not None else ""
    _record(record, "proposed", by, f"拟{MEASURE_LABELS[measure]}：{facts[:60]}",
            {"measure": measure.value, "ground": ground, "basis": basis, "staff": person.employee_number,
             "statement_due": record.statement_due.isoformat()}, previous=None)
    deadlines_write(subject_type=ACCOUNTABILITY_SUBJECT, subject_id=record.pk, region_id=region.pk,
                    specs=[_statement_deadline(record)], at=moment)
    return record


def _locked(record_id: int) -> Accountability:
    record = Accountability.objects.select_for_update().select_related("region", "staff").filter(pk=record_id).first()
    if record is None:
        raise NotFound("问责记录不存在", code="accountability_not_found", field="record")
    return record


@transaction.atomic
def accountability_state(*, by: Staff, record_id: int, statement: str, at: datetime | None = None) -> Accountability:
    """The person concerned states their side (陈述、申辩), once, before the decision."""
    record = _locked(record_id)
    if record.staff_id != by.pk:
        raise PermissionDenied("只有被问责人本人可以陈述", code="forbidden.accountability.state")
    _move(record, AccAction.STATE)
    if record.stated_at is not None:
        raise Conflict("statement_given", "本人已陈述，不能重复提交", field="statement")
    record.statement = _text(statement, "statement", "陈述内容")
    record.stated_at = at or now()
    record.save(update_fields=["statement", "stated_at"])
    _record(record, "stated", by, record.statement[:60], {"statement": record.statement})
    deadlines_write(subject_type=ACCOUNTABILITY_SUBJECT, subject_id=record.pk, region_id=record.region_id,
                    specs=[_statement_deadline(record)], at=record.stated_at)
    return record


@transaction.atomic
def accountability_decide(*, by: Staff, record_id: int, note: str, at: datetime | None = None) -> Accountability:
    """A center administrator who is neither the proposer nor the person approves the measure,
    once the person has stated their side or the statement period is over."""
    record = _locked(record_id)
    require(by, Action.ASSESSMENT_RUN, region=record.region)
    target = _move(record, AccAction.DECIDE)
    if by.pk in (record.proposed_by_id, record.staff_id):
        raise PermissionDenied("问责决定须由提出人和被问责人以外的人批准", code="approver_not_independent")
    moment = at or now()
    if record.stated_at is None and local_date(moment) <= record.statement_due:
        raise Conflict("statement_period_open", f"被问责人可在 {record.statement_due} 前陈述，期满或本人陈述后方可决定",
                       field="state")
    record.decision_note = _text(note, "note", "决定意见")
    record.state, record.approver, record.decided_at = target, by, moment
    record.save(update_fields=["state", "approver", "decided_at", "decision_note"])
    _record(record, "decided", by, f"决定{MEASURE_LABELS[Measure(record.measure)]}：{record.decision_note[:60]}",
            {"measure": record.measure, "note": record.decision_note, "stated": record.stated_at is not None})
    deadlines_write(subject_type=ACCOUNTABILITY_SUBJECT, subject_id=record.pk, region_id=record.region_id,
                    specs=[_statement_deadline(record)], at=moment)
    return record


@transaction.atomic
def accountability_withdraw(*, by: Staff, record_id: int, reason: str, at: datetime | None = None) -> Accountability:
    """The proposer, or a center administrator, withdraws a proposal before it is decided."""
    record = _locked(record_id)
    if by.pk != record.proposed_by_id and not can(by, Action.ASSESSMENT_RUN, region=record.region):
        raise PermissionDenied("只有提出人或中心管理员可以撤回问责", code="forbidden.accountability.withdraw")
    target = _move(record, AccAction.WITHDRAW)
    reason = _text(reason, "reason", "撤回理由")
    record.state, record.decision_note = target, reason
    record.save(update_fields=["state", "decision_note"])
    _record(record, "withdrawn", by, reason[:60], {"reason": reason})
    deadlines_write(subject_type=ACCOUNTABILITY_SUBJECT, subject_id=record.pk, region_id=record.region_id,
                    specs=[_statement_deadline(record)], at=at)
    return record
