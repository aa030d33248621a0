"""Reads of 网上办事: the applicant's own drafts and cases, the public progress of a case, the
published results (办件公示) and the public statistics per department.

What the public sees never carries a full ID number or a person's full name (DESIGN.md §6), and
a case is found for the public only with its number *and* its query code: a wrong code and an
unknown number get the same answer, after comparable work.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from onewindow.cases.dues import ended_text, shown_dues
from onewindow.cases.events import EventKind
from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.referral_rules import REFERRAL_LABELS, ReferralState
from onewindow.cases.rules import handler_label
from onewindow.cases.selectors import can_view_case, case_view, event_label
from onewindow.cases.states import STATUS_LABELS, Status
from onewindow.cases.timeline import DUE_LABELS, Audience, event_details
from onewindow.catalog.models import ServiceItem, ServiceItemVersion
from onewindow.catalog.rules import (
    DELIVERY_METHOD_LABELS,
    HandlingType,
    MaterialProvision,
    outcome_words,
)
from onewindow.catalog.selectors import version_parts
from onewindow.core import store
from onewindow.core.errors import DomainError, NotFound
from onewindow.core.identity import mask_id, mask_name
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.documents.models import Document
from onewindow.organization.models import Department
from onewindow.organization.permissions import staff_of
from onewindow.organization.rules import Role
from onewindow.supervision.indicators import DEFINITIONS
from onewindow.supervision.selectors import Unit, indicator_set
from onewindow.workdays.clock import PAUSE_LABELS, deadline_moment

from .models import ApplicantProfile, Draft, OnlineUpload
from .rules import Registration, can_apply_online, default_delivery_method

log = logging.getLogger("onewindow.online")

# The one answer to a failed progress lookup, whatever failed (number unknown or code wrong).
PROGRESS_NOT_FOUND = "办件编号或查询码不正确"
_MAX_NUMBER, _MAX_CODE = 32, 16
# Compared against when the number is unknown, so that path does the same work as a wrong code.
# Eight characters like a real code, but of 0 and 1, which query codes never contain.
_UNMATCHABLE_CODE = "01010101"


# --- the account ----------------------------------------------------------------------------------


def profile_of(user: Any) -> ApplicantProfile | None:
    """The applicant profile of a logged-in user, or None (anonymous users, staff)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ApplicantProfile.objects.filter(user_id=user.pk).first()


def registration_of(profile: ApplicantProfile) -> Registration:
    return Registration(kind=profile.kind, real_name=profile.real_name, id_type=profile.id_type,
                        id_number=profile.id_number, phone=profile.phone, company_name=profile.company_name,
                        company_credit_code=profile.company_credit_code,
                        legal_representative=profile.legal_representative)


# --- applying -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnlineItem:
    """An item as the apply page needs it: its current version, its materials, and whether it can
    be applied for online at all."""

    item: ServiceItem
    version: ServiceItemVersion
    materials: list[Any]  # what the applicant hands in (uploads)
    available: bool
    # What the department obtains itself (电子证照库共享获取 …): never asked of the applicant.
    obtained: list[Any] = field(default_factory=list)

    @property
    def delivery_choices(self) -> list[tuple[str, str]]:
        return [(m, DELIVERY_METHOD_LABELS.get(m, m)) for m in (self.version.delivery_methods or [])]

    @property
    def default_delivery(self) -> str:
        return default_delivery_method(self.version.delivery_methods)

    def material_index(self, name: str) -> int | None:
        """The position of the material called ``name`` on the apply form (its field ``material[i]``)."""
        return next((i for i, m in enumerate(self.materials) if m.name == name), None)


def online_item(code: str) -> OnlineItem:
    """The published item with this implementation code, or NotFound."""
    item = (ServiceItem.objects.select_related("current_version", "department", "region")
            .filter(implementation_code=(code or "").strip(), is_active=True).first())
    if item is None or item.current_version is None:
        raise NotFound("事项不存在或未发布", code="item.not_found", field="item_code")
    version = item.current_version
    materials = list(version.materials.order_by("order"))
    return OnlineItem(item=item, version=version, available=can_apply_online(version.online_depth),
                      materials=[m for m in materials if m.provision == MaterialProvision.APPLICANT],
                      obtained=[m for m in materials if m.provision != MaterialProvision.APPLICANT])


def open_draft(account: Any, item: ServiceItem) -> Draft | None:
    return Draft.objects.filter(account=account, item=item, case__isnull=True).first()


def draft_uploads(draft: Draft | None) -> dict[str, list[OnlineUpload]]:
    """The draft's uploads by material name."""
    out: dict[str, list[OnlineUpload]] = {}
    if draft is not None:
        for u in draft.uploads.order_by("uploaded_at", "id"):
            out.setdefault(u.material, []).append(u)
    return out


# --- my cases ---------------------------------------------------------------------------------------


def my_cases(account: Any) -> QuerySet[Case]:
    """The applicant's own cases (filed online with this login), newest first."""
    return (Case.objects.filter(applicant_account=account).select_related("item_version", "department")
            .order_by("-submitted_at", "-id"))


def my_drafts(account: Any) -> QuerySet[Draft]:
    return (Draft.objects.filter(account=account, case__isnull=True)
            .select_related("item__current_version").order_by("-updated_at"))


def my_case(account: Any, number: str) -> Case:
    """The applicant's own case with this number; the same 404 for anyone else's, so a number
    reveals nothing."""
    number = (number or "").strip()
    case = None
    if account is not None and 0 < len(number) <= _MAX_NUMBER:
        case = (Case.objects.select_related("region", "department", "item", "item_version", "window")
                .filter(number=number, applicant_account_id=account.pk).first())
    if case is None:
        raise NotFound("办件不存在或不是您的办件", code="case.not_found", field="number")
    return case


def requested_materials(case: Case) -> list[str]:
    """What the latest supplement notice (补正告知) lists: what the applicant must bring."""
    event = case.events.filter(kind=EventKind.SUPPLEMENT_REQUESTED).order_by("-seq").first()
    return list(event.payload.get("materials", [])) if event else []


def supplement_note(case: Case) -> str:
    event = case.events.filter(kind=EventKind.SUPPLEMENT_REQUESTED).order_by("-seq").first()
    return str(event.payload.get("note", "")) if event else ""


def case_uploads(case: Case) -> list[OnlineUpload]:
    """The files the applicant uploaded for a case: with the application, then with supplements."""
    return list(OnlineUpload.objects.filter(case=case).order_by("uploaded_at", "id"))


def online_form_of(case: Case) -> dict[str, Any]:
    """What the applicant filled in on the online form besides the applicant data (delivery
    method, address, remarks), for the staff who handle the case."""
    draft = Draft.objects.filter(case=case).first()
    return dict(draft.data) if draft is not None else {}


def case_notices(case: Case) -> QuerySet[Document]:
    """The case's numbered documents (notices, decisions, certificates), in the order issued."""
    return Document.objects.filter(case=case).order_by("event_seq", "id")


def my_document(account: Any, number: str, document_number: str) -> Document:
    """A document of the applicant's own case, or NotFound (the same for anyone else's)."""
    case = my_case(account, number)
    document = Document.objects.filter(case=case, number=(document_number or "").strip()).first()
    if document is None:
        raise NotFound("文书不存在", code="document.not_found", field="document")
    return document


def upload_for(user: Any, upload_id: int) -> OnlineUpload | None:
    """The upload if ``user`` may open it: the applicant who uploaded it, or a staff member who
    may view its case (never a draft's file: a draft is nobody's business but the applicant's).
    None otherwise, whether or not it exists."""
    if not getattr(user, "is_authenticated", False):
        return None
    upload = OnlineUpload.objects.select_related("case__region", "case__department").filter(pk=upload_id).first()
    if upload is None:
        return None
    if upload.account_id == user.pk:
        return upload
    staff = staff_of(user)
    if staff is not None and upload.case is not None and can_view_case(staff, upload.case):
        # Applicants' files carry personal data: every staff view is recorded (DESIGN.md §6).
        log.info("online upload %s of case %s viewed by staff %s", upload.pk, upload.case.number, staff.pk)
        return upload
    return None


# --- progress (public and the applicant's own) ------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One stage of the case as the applicant follows it: done, current or still to come."""

    label: str
    state: str  # done | current | pending
    on: date | None = None


@dataclass(frozen=True)
class DueLine:
    name: str
    label: str
    day: date
    deadline: datetime
    lines: list[str]
    provisional: bool = False
    ended: str = ""  # how and when the date ended (a decided or closed case); empty while it runs


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    kind: str
    label: str
    at: datetime
    details: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SpecialProcedureLine:
    procedure: str
    label: str
    reason: str
    started_on: date
    announced_workdays: int | None
    expected_end: date | None
    ended_on: date | None
    result: str


@dataclass(frozen=True)
class ExtensionLine:
    workdays: int
    reason: str
    granted_on: date


@dataclass(frozen=True)
class Progress:
    """A case as its applicant may follow it, with nothing a stranger with the code should not see:
    no full ID, a person's name masked, no internal opinions, no staff names but the 全程承办人's
    (named and numbered as the hall's public identity board names them)."""

    number: str
    item_name: str
    department: str
    status: str
    status_label: str
    applicant: str  # masked for a person
    applicant_kind: str
    channel: str
    handler: str  # 全程承办人, once named
    received_at: str  # 上报件: the receiving point and where the referral stands
    submitted_at: datetime
    accepted_on: date | None
    concluded_at: datetime | None
    steps: list[Step]
    dues: list[DueLine]
    timeline: list[TimelineEntry]
    special_procedures: list[SpecialProcedureLine]
    extension: ExtensionLine | None
    paused: bool
    remaining_workdays: int | None
    provisional: bool
    as_of: datetime


# The events an applicant is told about; claims, reassignments, signatures and internal requests
# are the center's own business.
PUBLIC_EVENTS = frozenset({
    EventKind.SUBMITTED, EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENTED, EventKind.ACCEPTED, EventKind.DEEMED_ACCEPTED, EventKind.REFUSED,
    EventKind.STAGE_COMPLETED, EventKind.SPECIAL_PROCEDURE_STARTED, EventKind.SPECIAL_PROCEDURE_ENDED, EventKind.EXTENSION_GRANTED, EventKind.DECIDED,
    EventKind.CERTIFICATE_ISSUED, EventKind.DELIVERED, EventKind.CONCLUDED, EventKind.WITHDRAWN, EventKind.CALENDAR_RETIMED,
    # 上报件 and 村代办: where the application is on its way; 全程承办人: who answers for it.
    EventKind.REFERRED, EventKind.REFERRAL_ACCEPTED, EventKind.REFERRAL_RETURNED, EventKind.PAPER_RECEIVED,
    EventKind.HANDLER_ASSIGNED, EventKind.REVIEW_MEETING_SCHEDULED, EventKind.REVIEW_MEETING_HELD,
    EventKind.CERTIFICATE_REVOKED,
})



def _cn(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"




def _first(events: list[CaseEvent], kind: str) -> CaseEvent | None:
    return next((e for e in events if e.kind == kind), None)


def _steps(case: Case, events: list[CaseEvent], tasks: list[Any]) -> list[Step]:
    """The stages of the case, from the application to its conclusion."""
    status = Status(case.status)
    version = case.item_version
    steps = [Step("提交申请", "done", local_date(case.submitted_at))]
    refused, withdrawn = _first(events, EventKind.REFUSED), _first(events, EventKind.WITHDRAWN)
    if refused is not None:
        return [*steps, Step("不予受理", "done", local_date(refused.at))]
    if case.accepted_on is not None:
        steps.append(Step("受理", "done", case.accepted_on))
    else:
        label = "受理（待补正材料）" if status == Status.AWAITING_SUPPLEMENT else "受理"
        steps.append(Step(label, "pending" if withdrawn else "current"))
    handling = status in (Status.IN_REVIEW, Status.SPECIAL_PROCEDURE)
    if version.handling_type != HandlingType.INSTANT:
        if tasks:
            for t in tasks:
                done = t.state == "done"
                steps.append(Step(t.stage_name, "done" if done else ("current" if handling else "pending"),
                                  local_date(t.done_at) if done and t.done_at else None))
        else:
            # Not accepted yet: the stages the item's process will run.
            for s in version_parts(version.pk).stages:  # a published version's stages never change
                if s.role not in (Role.CLERK, Role.CHIEF_REPRESENTATIVE):
                    steps.append(Step(s.name, "pending"))
        decided = _first(events, EventKind.DECIDED)
        all_done = all(t.state == "done" for t in tasks)
        steps.append(Step("作出决定", "done" if decided else ("current" if handling and all_done else "pending"),
                          local_date(decided.at) if decided else None))
        if version.result_type != "none" and not (decided and decided.payload.get("outcome") == "deny"):
            issued, delivered = _first(events, EventKind.CERTIFICATE_ISSUED), _first(events, EventKind.DELIVERED)
            steps.append(Step("制证", "done" if issued else ("current" if status == Status.GRANTED else "pending"),
                              local_date(issued.at) if issued else None))
            steps.append(Step("送达", "done" if delivered else (
                "current" if status == Status.CERTIFICATE_ISSUED else "pending"),
                local_date(delivered.at) if delivered else None))
    if withdrawn is not None:
        # Withdrawn: what was done stays, what was still to come will not happen.
        return [s for s in steps if s.state == "done"] + [Step("已撤回", "done", local_date(withdrawn.at))]
    concluded = case.concluded_at if status == Status.CONCLUDED else None
    steps.append(Step("办结", "done" if concluded else "pending", local_date(concluded) if concluded else None))
    return steps


def progress_of(case: Case, *, as_of: datetime | None = None) -> Progress:
    """The applicant's view of a case: stages, due dates explained in Chinese, special procedures,
    the extension, the public events. The caller has decided the reader may see it."""
    view = case_view(case, as_of=as_of)
    events = view.events
    clock = view.clock
    # Only the dates that still run (the acceptance dates while the acceptance decision is awaited,
    # the handling dates while the case is handled …); a closed case shows its dates as they ended.
    closed_on = local_date(case.concluded_at) if case.concluded_at else None
    dues = []
    for due in shown_dues(clock, instant=case.item_version.handling_type == HandlingType.INSTANT,
                          closed_on=closed_on):
        explanation = view.explanations.get(due.name, {})
        dues.append(DueLine(name=due.name, label=DUE_LABELS[due.name], day=due.day, deadline=deadline_moment(due.day),
                            lines=list(explanation.get("text", {}).get("zh", [])),
                            provisional=bool(explanation.get("provisional", False)) and due.running,
                            ended=ended_text(due, _cn(due.ended_on)) if not due.running else ""))
    pauses = {p.start: p for p in clock.pauses}
    procedures: list[SpecialProcedureLine] = []
    for e in events:
        if e.kind == EventKind.SPECIAL_PROCEDURE_STARTED:
            started_on = local_date(e.at)
            pause = pauses.get(started_on)
            procedures.append(SpecialProcedureLine(
                procedure=e.payload.get("procedure", ""),
                label=PAUSE_LABELS.get(e.payload.get("procedure"), e.payload.get("procedure", "")),
                reason=e.payload.get("reason", ""), started_on=started_on,
                announced_workdays=e.payload.get("announced_workdays"),
                expected_end=pause.expected_end if pause else None, ended_on=None, result=""))
        elif e.kind == EventKind.SPECIAL_PROCEDURE_ENDED and procedures and procedures[-1].ended_on is None:
            last = procedures[-1]
            procedures[-1] = SpecialProcedureLine(**{**last.__dict__, "ended_on": local_date(e.at),
                                                     "result": e.payload.get("result", "")})
    granted = _first(events, EventKind.EXTENSION_GRANTED)
    extension = (ExtensionLine(workdays=int(granted.payload.get("workdays", 0)), reason=granted.payload.get("reason", ""),
                               granted_on=local_date(granted.at)) if granted else None)
    person = case.applicant_kind == Case.ApplicantKind.PERSON
    return Progress(
        number=case.number, item_name=case.item_version.name, department=case.department.name,
        status=case.status, status_label=gettext(STATUS_LABELS[Status(case.status)]),
        applicant=mask_name(case.applicant_name) if person else case.applicant_name,
        applicant_kind=case.applicant_kind, channel=case.channel, submitted_at=case.submitted_at,
        handler=handler_label(case.handler) if case.handler_id else "",
        received_at=(f"{case.received_region.name}（{REFERRAL_LABELS[ReferralState(case.referral_state)]}）"
                     if case.received_region_id else ""),
        accepted_on=case.accepted_on, concluded_at=case.concluded_at,
        steps=_steps(case, events, view.tasks), dues=dues,
        timeline=[TimelineEntry(seq=e.seq, kind=e.kind, label=event_label(e.kind), at=e.at,
                                details=event_details(e, case.item_version.item_type, audience=Audience.APPLICANT))
                  for e in events if e.kind in PUBLIC_EVENTS],
        special_procedures=procedures, extension=extension, paused=clock.paused,
        remaining_workdays=clock.remaining_workdays if Status(case.status) not in (
            Status.CONCLUDED, Status.REFUSED, Status.WITHDRAWN) else None,
        provisional=clock.provisional, as_of=view.as_of,
    )


def _case_by_number(number: str) -> QuerySet[Case]:
    # A citizen's lookup is among the hall's commonest requests: compiled once (the store's path).
    return Case.objects.select_related("region", "department", "item", "item_version").filter(number=number)


def progress_lookup(number: str, code: str, *, as_of: datetime | None = None) -> Progress:
    """查询办件进度 without logging in: the case with this number *and* query code.

    An unknown number and a wrong code raise the same NotFound, and both compare a code with
    ``hmac.compare_digest`` after one indexed lookup, so neither the answer nor its timing tells
    whether a number exists.
    """
    number = (number or "").strip()
    code = (code or "").strip().upper()
    if not number or not code:
        raise DomainError("progress.input_required", "请填写办件编号和查询码",
                          field="number" if not number else "code")
    case = None
    if len(number) <= _MAX_NUMBER and len(code) <= _MAX_CODE:
        found = store.fetch("online.progress_case", _case_by_number, number)
        case = found[0] if found else None
    expected = case.query_code if case is not None else _UNMATCHABLE_CODE
    matches = hmac.compare_digest(expected.encode(), code.encode())
    if case is None or not matches:
        raise NotFound(PROGRESS_NOT_FOUND, code="progress.not_found")
    return progress_of(case, as_of=as_of)


# --- published results (办件公示) ----------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    number: str
    item: str
    department: str
    applicant: str  # a person's name masked; a company's name is public
    applicant_id: str  # masked
    accepted_on: date | None
    concluded_on: date | None
    outcome: str


def parse_period(first: str | None, last: str | None) -> tuple[date | None, date | None]:
    """``from`` and ``to`` of a query (YYYY-MM-DD, either may be blank), or a DomainError."""
    out: list[date | None] = []
    for name, text in (("from", first), ("to", last)):
        text = (text or "").strip()
        if not text:
            out.append(None)
            continue
        try:
            out.append(date.fromisoformat(text))
        except ValueError:
            raise DomainError("period.invalid", "日期格式应为 YYYY-MM-DD，例如 2026-09-01", field=name) from None
    if out[0] and out[1] and out[0] > out[1]:
        raise DomainError("period.reversed", "开始日期不能晚于结束日期", field="from")
    return out[0], out[1]


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=SHANGHAI)


def _day_end(d: date) -> datetime:
    return datetime.combine(d, time.max, tzinfo=SHANGHAI)


def published_results(*, department_id: int | None = None, item: str = "", first: date | None = None,
                      last: date | None = None) -> QuerySet[Case]:
    """Accepted cases (and the concluded ones among them) of the items whose results are published
    (not social assistance nor civil status, ``ServiceItem.results_public``), optionally of one
    department, of an item matched by name or code, and accepted or concluded within [first, last];
    newest first."""
    cases = (Case.objects.filter(accepted_on__isnull=False, item__results_public=True)
             .select_related("department", "item", "item_version"))
    if department_id is not None:
        cases = cases.filter(department_id=department_id)
    item = (item or "").strip()
    if item:
        cases = cases.filter(Q(item_version__name__icontains=item) | Q(item__implementation_code=item))
    if first is not None or last is not None:
        accepted, concluded = Q(), Q(concluded_at__isnull=False)
        if first is not None:
            accepted &= Q(accepted_on__gte=first)
            concluded &= Q(concluded_at__gte=_day_start(first))
        if last is not None:
            accepted &= Q(accepted_on__lte=last)
            concluded &= Q(concluded_at__lte=_day_end(last))
        cases = cases.filter(accepted | concluded)
    return cases.order_by("-accepted_on", "-id")


def _outcome(case: Case) -> str:
    """The result as the public reads it, in the words of the item's type (予以确认, 予以给付 …)."""
    status = Status(case.status)
    if status == Status.WITHDRAWN:
        return "已撤回"
    if status == Status.CONCLUDED:
        words = outcome_words(case.item_version.item_type)
        return words.deny if case.outcome == "deny" else words.grant if case.outcome == "grant" else "已办结"
    return "办理中"


def result_row(case: Case) -> ResultRow:
    person = case.applicant_kind == Case.ApplicantKind.PERSON
    return ResultRow(
        number=case.number, item=case.item_version.name, department=case.department.name,
        applicant=mask_name(case.applicant_name) if person else case.applicant_name,
        applicant_id=mask_id(case.applicant_id_number), accepted_on=case.accepted_on,
        concluded_on=local_date(case.concluded_at) if case.concluded_at else None, outcome=_outcome(case),
    )


def result_departments() -> list[tuple[int, str]]:
    """Departments that have accepted cases, for the filter (region name first when there are several)."""
    # One probe of (department, accepted_on) per department, not a scan of every case.
    accepted = Case.objects.filter(department=OuterRef("pk"), accepted_on__isnull=False, item__results_public=True)
    departments = Department.objects.filter(Exists(accepted)).select_related("region").order_by(
        "region__code", "order", "code")
    return [(d.pk, d.name) for d in departments]


# --- public statistics ------------------------------------------------------------------------------

# The figures the public page shows, in this order, from electronic supervision's indicator set
# (onewindow.supervision.indicators), so the public and the supervisors read the same numbers
# with the same definitions: finishing day = the decision day (行政许可法 第四十二条 times the
# decision), working days on the case region's calendar, the acceptance day not counted.
PUBLIC_INDICATORS = ("accepted", "concluded", "on_time_rate", "avg_workdays")


@dataclass(frozen=True)
class DepartmentStatistics:
    department_id: int
    department: str
    region: str
    figures: list[Any]  # supervision.indicators.Indicator, in PUBLIC_INDICATORS order

    def figure(self, code: str) -> Any:
        return next(f for f in self.figures if f.code == code)


def statistics_definitions() -> list[tuple[str, str, str]]:
    """(code, name, definition) of each public figure, in Chinese, shown beside the numbers."""
    return [(code, DEFINITIONS[code][0], DEFINITIONS[code][1]) for code in PUBLIC_INDICATORS]


def department_statistics(*, first: date, last: date) -> list[DepartmentStatistics]:
    """Per department with cases accepted or concluded in [first, last]: cases accepted, concluded,
    the on-time rate and the average handling time in working days — as of the supervision
    sweep's last run, which keeps the statistics rows these are counted from."""
    active = (Case.objects.filter(Q(accepted_on__gte=first, accepted_on__lte=last)
                                  | Q(status=Status.CONCLUDED, concluded_at__gte=_day_start(first),
                                      concluded_at__lte=_day_end(last)))
              .values_list("department_id", flat=True).distinct())
    departments = (Department.objects.filter(pk__in=list(active)).select_related("region")
                   .order_by("region__code", "order", "code"))
    out = []
    for d in departments:
        figures = indicator_set(Unit("department", d), first, last)
        out.append(DepartmentStatistics(department_id=d.pk, department=d.name, region=d.region.name,
                                        figures=[figures[code] for code in PUBLIC_INDICATORS]))
    return out
