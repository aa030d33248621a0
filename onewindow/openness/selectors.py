"""Reads of on-request disclosure: staff lists, one request with its clock and deadline history, the
applicant's own view (number + query code), and the annual report's request tables."""

from __future__ import annotations

import hmac
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from onewindow.core.errors import NotFound
from onewindow.core.identity import mask_id, mask_phone
from onewindow.core.timesource import local_date
from onewindow.lifecycle.services import deadlines_of
from onewindow.organization.models import Department, Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import can, region_q
from onewindow.organization.rules import Role
from onewindow.workdays.clock import FEE_PAYMENT, THIRD_PARTY_CONSULTATION, ClockState
from onewindow.workdays.selectors import snapshot_for

from . import clock as ck
from .fee_rules import FEE_STATE_LABELS, METHOD_LABELS, FeeState, Method
from .models import DisclosureFee, DisclosureReply, DisclosureRequest, DisclosureRequestEvent
from .rules import (
    ANSWER_LABELS,
    APPLICANT_KIND_LABELS,
    CHANNEL_LABELS,
    TABLE,
    Action,
    Answer,
    ApplicantKind,
    Channel,
    State,
)
from .services import stored_events

# A village proxy agent files cases for villagers; the government's information requests (with
# the requester's identity) are the agencies' business, not theirs.
REQUEST_ROLES = frozenset(Role) - {Role.PROXY_AGENT}


def requests_for(staff: Staff | None) -> QuerySet[DisclosureRequest]:
    """The requests of the regions (and departments) the staff member's postings reach, as
    agency staff (not as a proxy agent)."""
    return (DisclosureRequest.objects.filter(region_q(staff, department_field="department", roles=REQUEST_ROLES))
            .select_related("department", "region"))


def filtered(qs: QuerySet[DisclosureRequest], *, state: str = "", q: str = "") -> QuerySet[DisclosureRequest]:
    if state in {s.value for s in State}:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(applicant_name__icontains=q) | Q(description__icontains=q))
    return qs


def summary(qs: QuerySet[DisclosureRequest]) -> dict[str, int]:
    counts = Counter(qs.values_list("state", flat=True))
    return {s.value: counts.get(s.value, 0) for s in State}


def request_for(staff: Staff | None, number: str) -> DisclosureRequest:
    """One request the staff member may see, or 404 (never 403: its existence is not revealed)."""
    req = requests_for(staff).filter(number=number).first()
    if req is None or not can(staff, Perm.CASE_VIEW, region=req.region, department=req.department):
        raise NotFound("政府信息公开申请不存在", code="disclosure.not_found", field="number")
    return req


def request_for_applicant(number: str, code: str) -> DisclosureRequest:
    """The applicant's own request: a wrong code and an unknown number answer the same 404."""
    req = DisclosureRequest.objects.select_related("department", "region").filter(number=number.strip()).first()
    if req is None or not hmac.compare_digest(req.query_code.encode(), code.strip().upper().encode()):
        raise NotFound("申请编号或查询码不正确", code="disclosure.not_found", field="code")
    return req


@dataclass(frozen=True)
class RequestView:
    request: DisclosureRequest
    clock: ClockState
    history: list[ck.HistoryLine]
    events: list[DisclosureRequestEvent]
    reply: DisclosureReply | None
    deadlines: list[Any] = field(default_factory=list)
    fee: DisclosureFee | None = None

    @property
    def consultation_due(self) -> date | None:
        """The third party's answer date of the latest consultation."""
        return ck.pause_due(self.clock, THIRD_PARTY_CONSULTATION)

    @property
    def fee_due(self) -> date | None:
        return ck.pause_due(self.clock, FEE_PAYMENT) if self.fee is not None else None

    @property
    def fee_labels(self) -> dict[str, str]:
        if self.fee is None:
            return {}
        return {"method": METHOD_LABELS[Method(self.fee.method)], "state": FEE_STATE_LABELS[FeeState(self.fee.state)]}


def request_view(req: DisclosureRequest, *, today: date | None = None) -> RequestView:
    """The request, its clock today (the working-day engine), its deadline history and reply."""
    events = list(DisclosureRequestEvent.objects.filter(request=req).order_by("seq"))
    stored = stored_events(req)
    calendar = snapshot_for(req.region.code)
    state = ck.state_of(stored, calendar, today or local_date())
    return RequestView(req, state, ck.deadline_history(stored, calendar), events,
                       DisclosureReply.objects.filter(request=req).first(), deadlines_of(ck.SUBJECT, req.pk),
                       DisclosureFee.objects.filter(request=req).first())


def lawful_actions(staff: Staff | None, req: DisclosureRequest) -> list[Action]:
    """What this staff member may do to the request now (the table and the roles)."""
    def permitted(permission: str | None) -> bool:
        return permission is not None and can(staff, Perm(permission), region=req.region, department=req.department)

    found = [a for a in TABLE.actions_from(State(req.state)) if permitted(TABLE.move(a).permission)]
    if req.clarification_requested and Action.REQUEST_CLARIFICATION in found:
        found.remove(Action.REQUEST_CLARIFICATION)
    if Action.FEE_NOTICE in found and DisclosureFee.objects.filter(request=req).exists():
        found.remove(Action.FEE_NOTICE)  # one fee per request
    return found


def departments_for_filing() -> QuerySet[Department]:
    """The agencies a request can be addressed to (the online form's choice)."""
    return Department.objects.select_related("region").filter(region__has_center=True).order_by("region__code",
                                                                                                  "order", "id")


def masked_applicant(req: DisclosureRequest) -> dict[str, str]:
    """The applicant as pages and answers show them: ID and phone masked."""
    return {"kind": req.applicant_kind, "kind_label": APPLICANT_KIND_LABELS[ApplicantKind(req.applicant_kind)],
            "name": req.applicant_name, "id_number": mask_id(req.applicant_id_number),
            "phone": mask_phone(req.applicant_phone)}


# -- the annual report (政府信息公开工作年度报告, 表三: 收到和处理政府信息公开申请情况) ---------------


@dataclass(frozen=True)
class ReportRow:
    label: str
    counts: dict[str, int]  # by applicant kind, plus "total"


@dataclass(frozen=True)
class AnnualReport:
    year: int
    rows: list[ReportRow]
    by_channel: list[ReportRow]
    on_time: int
    late: int
    fees_paid: int = 0
    fees_amount: Decimal = Decimal("0")
    fees_waived: int = 0


def _split(reqs: list[DisclosureRequest]) -> dict[str, int]:
    counts = Counter(r.applicant_kind for r in reqs)
    out = {k.value: counts.get(k.value, 0) for k in ApplicantKind}
    out["total"] = len(reqs)
    return out


def annual_report(qs: QuerySet[DisclosureRequest], year: int) -> AnnualReport:
    """The request tables of the annual OGI report, computed from the requests themselves.

    New this year: received in the year. Carried over from last year: received before the year and
    not closed before it started. Results: closed in the year, by answer (withdrawn requests under
    其他处理). Carried over to next year: received by the year's end and not closed by then.
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    reqs = list(qs.filter(received_on__lte=end).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start)))
    new = [r for r in reqs if r.received_on >= start]
    carried_in = [r for r in reqs if r.received_on < start]
    closed = [r for r in reqs if r.closed_on is not None and start <= r.closed_on <= end]
    carried_out = [r for r in reqs if r.closed_on is None or r.closed_on > end]
    rows = [ReportRow("一、本年新收政府信息公开申请数量", _split(new)),
            ReportRow("二、上年结转政府信息公开申请数量", _split(carried_in))]
    for answer in Answer:
        rows.append(ReportRow(f"三、本年度办理结果：{ANSWER_LABELS[answer]}",
                              _split([r for r in closed if r.answer == answer.value])))
    withdrawn = [r for r in closed if r.state == State.WITHDRAWN]
    rows.append(ReportRow("三、本年度办理结果：其他处理（撤回、逾期未补正视为放弃）", _split(withdrawn)))
    # The report form's three kinds of 其他处理: no clarification, the fee not paid, the rest.
    fees = {f.request_id: f for f in DisclosureFee.objects.filter(request__in=[r.pk for r in reqs])}
    deemed = set(DisclosureRequestEvent.objects.filter(request__in=[r.pk for r in withdrawn], kind="withdrawn",
                                                       payload__deemed=True).values_list("request_id", flat=True))
    unpaid = [r for r in withdrawn if r.pk in fees and fees[r.pk].state == FeeState.LAPSED]
    unclarified = [r for r in withdrawn if r.pk in deemed and r not in unpaid]
    rows.append(ReportRow("　其中：申请人无正当理由逾期不补正，不再处理", _split(unclarified)))
    rows.append(ReportRow("　其中：申请人逾期未按收费通知要求缴纳费用，不再处理", _split(unpaid)))
    rows.append(ReportRow("　其中：其他（申请人撤回等）",
                          _split([r for r in withdrawn if r not in unpaid and r not in unclarified])))
    rows.append(ReportRow("三、本年度办理结果：总计", _split(closed)))
    rows.append(ReportRow("四、结转下年度继续办理", _split(carried_out)))
    by_channel = [ReportRow(CHANNEL_LABELS[c], _split([r for r in new if r.channel == c.value])) for c in Channel]
    replied = [r for r in closed if r.replied_on is not None]
    late = sum(1 for r in replied if r.reply_due is not None and r.replied_on > r.reply_due)
    settled = [f for f in DisclosureFee.objects.filter(request__in=qs, settled_on__gte=start, settled_on__lte=end)]
    paid = [f for f in settled if f.state == FeeState.PAID]
    return AnnualReport(year, rows, by_channel, len(replied) - late, late, fees_paid=len(paid),
                        fees_amount=sum((f.amount for f in paid), Decimal("0")),
                        fees_waived=sum(1 for f in settled if f.state == FeeState.WAIVED))
