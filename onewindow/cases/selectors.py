"""Reads of cases: who may see which, the inboxes, one case with its clock, the ledger and register."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from django.db.models import (
    BooleanField,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models import Case as Case_
from django.db.models.functions import RowNumber
from django.utils.translation import gettext

from onewindow.catalog.selectors import version_parts
from onewindow.core import store
from onewindow.core.errors import NotFound, PermissionDenied
from onewindow.core.identity import mask_id, mask_name
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Staff
from onewindow.organization.permissions import (
    Action,
    can,
    grant_exists,
    reach_key,
    reaches,
    region_q,
    roles_of,
)
from onewindow.organization.rules import Role
from onewindow.workdays.clock import ClockState
from onewindow.workdays.explain import explain_clock

from . import guards
from .events import EventKind, event_label
from .models import Case, CaseEvent, CaseTask
from .receiving import files_as_agent
from .referral_rules import ReferralState
from .rules import materials_on_record, outstanding_materials
from .states import OPEN, STATUS_LABELS, Status
from .timing import calendar_of, clock_of
from .unit import tasks_query

_CASE_RELATED = ("region", "department", "item", "item_version", "window", "received_region", "handler",
                 "filed_by__region")


def visible_cases(staff: Staff | None) -> QuerySet[Case]:
    """Cases of the regions and departments the staff member's postings reach, plus the cases
    with a stage in one of those departments (co-handlers of a joint case)."""
    if staff is None:
        return Case.objects.none()
    if files_as_agent(staff):  # 村代办: a proxy agent sees only the cases they filed
        return Case.objects.filter(filed_by=staff).select_related(*_CASE_RELATED)
    by_case = region_q(staff, department_field="department")
    by_task = region_q(staff, field="case__region", department_field="department")
    by_receipt = region_q(staff, field="received_region")  # 上报件: the receiving point follows it
    tasks = CaseTask.objects.filter(by_task, case=OuterRef("pk"))
    return Case.objects.filter(by_case | by_receipt | Q(Exists(tasks))).select_related(*_CASE_RELATED)


def can_view_case(staff: Staff | None, case: Case) -> bool:
    if staff is None:
        return False
    if files_as_agent(staff):
        return case.filed_by_id == staff.pk
    if can(staff, Action.CASE_VIEW, region=case.region, department=case.department):
        return True
    if case.received_region is not None and can(staff, Action.CASE_VIEW, region=case.received_region):
        return True
    return any(can(staff, Action.CASE_VIEW, region=case.region, department=t.department)
               for t in case.tasks.select_related("department"))


def case_for(staff: Staff | None, number: str) -> Case:
    """The case with this number if the staff member may see it; the same 404 otherwise, so a
    number from another county reveals nothing."""
    case = Case.objects.select_related(*_CASE_RELATED).filter(number=number.strip()).first()
    if case is None or not can_view_case(staff, case):
        raise NotFound("办件不存在或您无权查看", code="case.not_found", field="number")
    return case


# --- inboxes ------------------------------------------------------------------------------------


@dataclass
class Inbox:
    """What waits for one staff member, section by section (empty sections are left out)."""

    # 待受理: received at my windows and departments, mine to accept, the materials complete (or
    # only deferrable ones owed, 容缺).
    to_accept: list[Case] = field(default_factory=list)
    # Received, mine to accept, but a required material is missing: the one-time notice is due.
    to_notify: list[Case] = field(default_factory=list)
    awaiting_supplement: list[Case] = field(default_factory=list)  # 待补正: the applicant's turn
    # Received here (by me, a proxy agent …) but not mine to accept (no power over the item).
    awaiting_acceptance: list[Case] = field(default_factory=list)
    tasks: list[CaseTask] = field(default_factory=list)  # review stages I may claim or hold
    to_decide: list[Case] = field(default_factory=list)  # every stage done: the decision is due
    extension_requests: list[Case] = field(default_factory=list)
    to_issue: list[Case] = field(default_factory=list)  # granted, certificate due
    to_deliver: list[Case] = field(default_factory=list)
    # 一件事: results issued that wait for their application's one delivery (on its page).
    bundle_to_deliver: list[Case] = field(default_factory=list)
    # 上报件: received here for another region's department, to check and refer (or returned).
    to_refer: list[Case] = field(default_factory=list)
    # … and, at the deciding department, referred to it and waiting to be picked up.
    referrals: list[Case] = field(default_factory=list)

    @property
    def total(self) -> int:
        """The work that waits for this staff member (not what waits for the applicant or others)."""
        return sum(len(v) for v in (self.to_accept, self.to_notify, self.tasks, self.to_decide,
                                    self.extension_requests, self.to_issue, self.to_deliver,
                                    self.bundle_to_deliver, self.to_refer, self.referrals))


# What an inbox row reads beyond the case: the item's name, and what the power check names (region,
# department, item). Fewer joins than a case page's: a clerk's inbox is a dozen such reads, and each
# related table's columns cost compiling and converting on every one (bench/http.py).
_INBOX_RELATED = ("region", "department", "item", "item_version")


def _by_role(staff: Staff, roles: set[Role]) -> QuerySet[Case]:
    return Case.objects.filter(region_q(staff, roles=roles, department_field="department")).select_related(
        *_INBOX_RELATED)


_PENDING_REFERRAL = (ReferralState.HELD, ReferralState.RETURNED)


class _Desk(IntEnum):
    """The sections of a clerk's (or proxy agent's) own cases, read in one statement."""

    REFERRALS = 1  # 上报件 referred to my department, waiting to be picked up
    RECEIVED = 2  # received, to accept (or notify, or for someone with the power)
    SUPPLEMENT = 3  # waiting for the applicant's supplement
    DELIVER = 4  # result issued, to hand over
    BUNDLE_DELIVER = 5  # … handed over with its 一件事 application


def _desk_ranked(mine: QuerySet[Case], *, agent: bool, limit: int) -> QuerySet[Case]:
    """The desk's five sections, each in its own order and cut at ``limit``, as one statement
    (a row number per section, kept up to ``limit``): a clerk's inbox opens many times an hour,
    and five reads cost five compilations of the same joins (bench/http.py).

    A clerk's cases in transit to them are referrals; those held or returned at a receiving
    point are its ``to_refer`` (another read), not theirs to accept. An agent follows their
    filings wherever they are: every submitted one is "received"."""
    submitted = Q(status=Status.SUBMITTED)
    # An agent has no referrals section: nothing of theirs is one.
    referral = Q(pk__in=[]) if agent else submitted & Q(referral_state=ReferralState.IN_TRANSIT)
    whens = [When(referral, then=Value(_Desk.REFERRALS)), When(submitted, then=Value(_Desk.RECEIVED)),
             When(status=Status.AWAITING_SUPPLEMENT, then=Value(_Desk.SUPPLEMENT)),
             When(bundle_application__isnull=True, then=Value(_Desk.DELIVER))]
    section = Case_(*whens, default=Value(_Desk.BUNDLE_DELIVER), output_field=IntegerField())
    scope = Q(status__in=[Status.SUBMITTED, Status.AWAITING_SUPPLEMENT, Status.CERTIFICATE_ISSUED])
    if not agent:
        scope &= ~Q(status=Status.SUBMITTED, referral_state__in=_PENDING_REFERRAL)
    # Each section's order: referrals by their pickup day; the others urgent first (绿色通道),
    # then by the acceptance or certificate due day; then the oldest.
    urgent = Case_(When(referral, then=Value(False)), default=F("is_urgent"), output_field=BooleanField())
    due = Case_(When(referral, then=F("pickup_due")),
                When(status__in=[Status.SUBMITTED, Status.AWAITING_SUPPLEMENT], then=F("acceptance_due")),
                default=F("issuance_due"), output_field=DateField())
    return (mine.filter(scope).annotate(
        desk=section, desk_rank=Window(RowNumber(), partition_by=[section],
                                       order_by=[urgent.desc(), due.asc(), F("submitted_at").asc(), F("id").asc()]))
            .filter(desk_rank__lte=limit).order_by("desk", "desk_rank"))


def _desk_sections(staff: Staff, *, agent: bool, day: date, limit: int) -> dict[_Desk, list[Case]]:
    """:func:`_desk_ranked` for the staff member's own cases, each with whether they hold the
    power to accept it on ``day``, by section. Its statement (a ranking window over a permission
    filter: the dearest of the hall's reads to compile) is compiled once per staff member, reach
    and day — every input it reads (the store's keyed path)."""
    def ranked() -> QuerySet[Case]:
        mine = (Case.objects.filter(filed_by=staff).select_related(*_INBOX_RELATED) if agent
                else _by_role(staff, {Role.CLERK, Role.PROXY_AGENT}))
        granted = grant_exists(staff, Action.CASE_ACCEPT, day, department=OuterRef("department_id"),
                               item=OuterRef("item_id"))
        return _desk_ranked(mine.annotate(accept_granted=granted), agent=agent, limit=limit)

    out: dict[_Desk, list[Case]] = {d: [] for d in _Desk}
    for case in store.fetch_keyed(reach_key("cases.desk", staff, day, agent, limit), ranked):
        out[_Desk(case.desk)].append(case)
    return out


def inbox(staff: Staff, *, limit: int = 200) -> Inbox:
    """The staff member's work, urgent cases (绿色通道) first, then oldest due first. An AB-post backup also sees the tasks held by
    the absent colleagues they stand in for (AB岗)."""
    roles = roles_of(staff)
    box = Inbox()
    if roles & {Role.CLERK, Role.PROXY_AGENT}:
        agent = files_as_agent(staff)
        if Role.CLERK in roles:
            box.to_refer = store.fetch_keyed(reach_key("cases.to_refer", staff, limit), lambda: (
                Case.objects.filter(region_q(staff, field="received_region", roles={Role.CLERK}),
                                    status=Status.SUBMITTED, referral_state__in=_PENDING_REFERRAL)
                .select_related(*_INBOX_RELATED).order_by("forward_due", "submitted_at")[:limit]))
        # Whether the staff member holds the power to accept each case's item comes with the row.
        sections = _desk_sections(staff, agent=agent, day=local_date(), limit=limit)
        box.referrals = sections[_Desk.REFERRALS]
        _sort_received(staff, box, sections[_Desk.RECEIVED])
        box.awaiting_supplement = sections[_Desk.SUPPLEMENT]
        box.to_deliver = sections[_Desk.DELIVER]
        box.bundle_to_deliver = sections[_Desk.BUNDLE_DELIVER]
    if roles & {Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE}:
        box.to_issue = store.fetch_keyed(reach_key("cases.to_issue", staff, limit), lambda: (
            _by_role(staff, {Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE})
            .filter(status=Status.GRANTED).order_by("-is_urgent", "issuance_due")[:limit]))
    if roles & {Role.REVIEWER, Role.CHIEF_REPRESENTATIVE}:
        absent_primaries = list(staff.backing.filter(primary__is_present=False).values_list("primary_id", flat=True))

        def tasks() -> QuerySet[CaseTask]:
            found = (CaseTask.objects.filter(region_q(staff, field="case__region",
                                                     roles={Role.REVIEWER, Role.CHIEF_REPRESENTATIVE},
                                                     department_field="department"),
                                             state=CaseTask.State.OPEN,
                                             case__status__in=[Status.IN_REVIEW, Status.SPECIAL_PROCEDURE])
                     .filter(Q(assignee__isnull=True) | Q(assignee=staff) | Q(assignee_id__in=absent_primaries))
                     .select_related("case", "department")
                     .order_by("-case__is_urgent", "due_on", "case__promised_due"))
            if Role.CHIEF_REPRESENTATIVE not in roles:
                found = found.filter(role__in=sorted(r.value for r in roles))
            return found[:limit]

        box.tasks = store.fetch_keyed(reach_key("cases.inbox_tasks", staff, tuple(absent_primaries), limit), tasks)
        _attach_versions_and_assignees(box.tasks)
    if Role.CHIEF_REPRESENTATIVE in roles:
        chief = _by_role(staff, {Role.CHIEF_REPRESENTATIVE})
        open_tasks = CaseTask.objects.filter(case=OuterRef("pk"), state=CaseTask.State.OPEN)
        box.to_decide = list(chief.filter(status=Status.IN_REVIEW).exclude(Exists(open_tasks))
                             .order_by("-is_urgent", "promised_due")[:limit])
        # A joint case's request is the government head's to decide (行政许可法 第四十二条第二款).
        box.extension_requests = list(chief.filter(status__in=[Status.IN_REVIEW, Status.SPECIAL_PROCEDURE],
                                                   extension_requested_days__isnull=False,
                                                   item_version__is_joint=False)
                                      .order_by("statutory_due")[:limit])
    if Role.GOVERNMENT_HEAD in roles:
        head = _by_role(staff, {Role.GOVERNMENT_HEAD})
        box.extension_requests = list(head.filter(status__in=[Status.IN_REVIEW, Status.SPECIAL_PROCEDURE],
                                                  extension_requested_days__isnull=False,
                                                  item_version__is_joint=True)
                                      .order_by("statutory_due")[:limit])
    return box


def _attach_versions_and_assignees(tasks: list[CaseTask]) -> None:
    """Each task's case's item version (kept per process: immutable) and its assignee (one read).

    Not joined in the tasks' read: on a province's tables PostgreSQL estimates one row where a
    reviewer has a thousand (a department lies in one region: the two filters are not independent)
    and joins the staff table by scanning all of it for each task (``bench/scale.py``: 140 ms)."""
    assignees = Staff.objects.in_bulk({t.assignee_id for t in tasks if t.assignee_id is not None})
    for task in tasks:
        task.case.item_version = version_parts(task.case.item_version_id).version
        task.assignee = assignees.get(task.assignee_id) if task.assignee_id is not None else None


def _sort_received(staff: Staff, box: Inbox, received: list[Case]) -> None:
    """Split received cases: not mine to accept; mine, with a required material missing (行政许可法
    第三十二条: the one-time notice, not acceptance); mine to accept. The materials come from one
    read of the cases' intake and supplement events."""
    mine = [c for c in received if can(staff, Action.CASE_ACCEPT, region=c.region, department=c.department,
                                       item=c.item, granted=c.accept_granted)]
    mine_ids = {c.pk for c in mine}
    box.awaiting_acceptance = [c for c in received if c.pk not in mine_ids]
    history: dict[int, list[CaseEvent]] = {c.pk: [] for c in mine}
    for event in (CaseEvent.objects.filter(case_id__in=list(history), kind__in=[EventKind.SUBMITTED, EventKind.SUPPLEMENTED])
                  .only("case_id", "kind", "payload").order_by("case_id", "seq")):
        history[event.case_id].append(event)
    for case in mine:
        owed = outstanding_materials(version_parts(case.item_version_id).material_terms,
                                     materials_on_record(history[case.pk]))
        if owed.missing:
            box.to_notify.append(case)
        else:
            box.to_accept.append(case)


# --- one case -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseView:
    """A case as of a moment: its events, its clock, and each due date's explanation."""

    case: Case
    events: list[CaseEvent]
    clock: ClockState
    explanations: dict[str, dict[str, Any]]
    tasks: list[CaseTask]
    as_of: datetime
    history: list[CaseEvent] = field(default_factory=list)  # every event, ``as_of`` or not


def _history_with_actors(case_pk: int) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case_id=case_pk).select_related("actor").order_by("seq")


def case_view(case: Case, *, as_of: datetime | None = None) -> CaseView:
    """The case's timeline up to ``as_of`` (default now) and its clock then."""
    as_of = as_of or current_time()
    # One read of the history and one of the calendar serve the timeline, the clock and its
    # explanations (the clock reads the whole history: it stops at ``as_of`` itself). Every case
    # page and progress lookup asks the same two statements: compiled once (the store's path).
    history, tasks = store.fetch_together(("cases.view_history", _history_with_actors, [case.pk]),
                                          ("cases.tasks", tasks_query, [case.pk]))
    for row in (*history, *tasks):
        row._state.fields_cache["case"] = case  # as ``case.events`` would: no query for row.case
    events = [e for e in history if e.at <= as_of]
    calendar = calendar_of(case)
    state = clock_of(case, as_of, events=history, calendar=calendar)
    explanations = {name: x.as_dict() for name, x in explain_clock(state, calendar).items()}
    return CaseView(case=case, events=events, clock=state, explanations=explanations, tasks=tasks, as_of=as_of,
                    history=history)


@dataclass(frozen=True)
class CoHandlerRow:
    """One co-handling department's stage of a joint case, as the lead reads them side by side."""

    task: CaseTask
    opinion: CaseEvent | None  # the stage's completion, with its opinion
    chases: list[CaseEvent]  # 催办, oldest first

    @property
    def against(self) -> bool:
        return self.opinion is not None and self.opinion.payload.get("agree") is False


def co_handler_rows(view: CaseView) -> list[CoHandlerRow]:
    """The co-handling departments' stages of a joint case with their opinions and chases (empty
    for any other case)."""
    rows = []
    for task in view.tasks:
        if not guards.co_handler_stage(view.case, task):
            continue
        mine = [e for e in view.events if e.payload.get("stage") == task.stage_order]
        rows.append(CoHandlerRow(
            task=task, opinion=next((e for e in reversed(mine) if e.kind == EventKind.STAGE_COMPLETED), None),
            chases=[e for e in mine if e.kind == EventKind.STAGE_CHASED]))
    return rows


def materials_of(case: Case, history: list[CaseEvent] | None = None) -> list[dict[str, Any]]:
    """The intake checklist as recorded at submission, updated by supplements (``history``: the
    case's events in order, when the caller holds them)."""
    if history is None:
        history = list(case.events.filter(kind__in=[EventKind.SUBMITTED, EventKind.SUPPLEMENTED]).order_by("seq"))
    first = next((e for e in history if e.kind == EventKind.SUBMITTED), None)
    items = [dict(m) for m in (first.payload.get("materials", []) if first else [])]
    supplied = {name for e in history if e.kind == EventKind.SUPPLEMENTED for name in e.payload.get("materials", [])}
    for m in items:
        if m["name"] in supplied:
            m["state"] = "received"
    return items


# --- the ledger and the intake register -------------------------------------------------------------


@dataclass(frozen=True)
class LedgerLine:
    """One line of the daily ledger (台帐) or the intake register (受理登记册)."""

    number: str
    item: str
    applicant: str  # masked
    applicant_id: str  # masked
    department: str
    window: str
    submitted_at: datetime
    accepted_on: date | None
    promised_limit: str
    promised_due: date | None
    status: str
    actions: str  # what was done that day (ledger) or the handler (register)


def _line(case: Case, actions: str) -> LedgerLine:
    v = case.item_version
    limit = gettext("即办") if v.handling_type == "instant" else gettext("%(n)s个工作日") % {"n": v.promised_limit}
    return LedgerLine(number=case.number, item=v.name, applicant=mask_name(case.applicant_name)
                      if case.applicant_kind == Case.ApplicantKind.PERSON else case.applicant_name,
                      applicant_id=mask_id(case.applicant_id_number), department=case.department.name,
                      window=str(case.window) if case.window else "", submitted_at=case.submitted_at,
                      accepted_on=case.accepted_on, promised_limit=limit, promised_due=case.promised_due,
                      status=gettext(STATUS_LABELS[Status(case.status)]), actions=actions)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI)
    return start, datetime.combine(day, datetime.max.time(), tzinfo=SHANGHAI)


@dataclass(frozen=True)
class LedgerDay:
    """A day's ledger before its case rows are read: what was done that day to each case of the
    staff member's reach, the cases in the order they were first handled that day."""

    done: dict[int, list[str]]  # case id → the labels of what was done, in order

    def summary(self) -> list[tuple[str, int]]:
        """How many of the day's cases had each kind of thing done, in the order first seen."""
        counts: dict[str, int] = {}
        for labels in self.done.values():
            for label in labels:
                counts[label] = counts.get(label, 0) + 1
        return list(counts.items())


def ledger_day(staff: Staff, day: date, *, window_id: int | None = None,
               department_id: int | None = None) -> LedgerDay:
    """台帐's index: the cases handled on ``day`` (any event that day) in the staff member's reach,
    optionally for one window or department, read from the day's events alone — a page of lines
    then reads its own case rows (:func:`ledger_lines`), so the page costs what the day holds, not
    what the province does."""
    start, end = _day_bounds(day)
    cases = visible_cases(staff)
    if window_id is not None:
        cases = cases.filter(window_id=window_id)
    if department_id is not None:
        cases = cases.filter(department_id=department_id)
    of_day = (CaseEvent.objects.filter(at__gte=start, at__lte=end)
              .exclude(kind__in=[EventKind.TASK_CLAIMED, EventKind.TASK_RELEASED, EventKind.TASK_REASSIGNED])
              .order_by())
    columns = ("at", "case_id", "seq", "kind")
    if files_as_agent(staff):  # their own filings, wherever they are decided: a short list
        events = of_day.filter(case__in=cases).values_list(*columns)
    else:
        # A case one sees lies in a region one reaches (its department's, or a co-handling
        # stage's), or was received in one (上报件). The first are the events of those regions'
        # day — a range of the (region, at) index, however large the province — the second the
        # day's events of the few cases received here for another region.
        here = of_day.filter(region_q(staff, field="region"))
        if window_id is not None or department_id is not None or any(r.department_ids is not None
                                                                      for r in reaches(staff)):
            # Narrower than the regions (a filter, or a posting bound to departments): ask each
            # event's case. Otherwise every case of those regions is one the staff member sees,
            # and the events answer alone (no read of a case row per event).
            here = here.filter(case__in=cases)
        received = of_day.filter(case__in=cases.filter(region_q(staff, field="received_region")))
        events = here.values_list(*columns).union(received.values_list(*columns))
    done: dict[int, list[str]] = {}
    for _, case_id, _, kind in sorted(events):
        labels = done.setdefault(case_id, [])
        label = event_label(kind)
        if label not in labels:
            labels.append(label)
    return LedgerDay(done)


def ledger_lines(day: LedgerDay, case_ids: list[int]) -> list[LedgerLine]:
    """The ledger's lines of ``case_ids`` (some of ``day``'s cases), in their order. Every one of
    them was found through the staff member's reach: the rows are read by id, without asking again."""
    by_id = {c.id: c for c in Case.objects.select_related(*_CASE_RELATED).filter(id__in=case_ids)}
    return [_line(by_id[i], "、".join(day.done[i])) for i in case_ids if i in by_id]


def daily_ledger(staff: Staff, day: date, *, window_id: int | None = None,
                 department_id: int | None = None) -> list[LedgerLine]:
    """台帐 whole (the export): one line per case handled on ``day``, in the order first handled,
    masked applicant data."""
    of_day = ledger_day(staff, day, window_id=window_id, department_id=department_id)
    return ledger_lines(of_day, list(of_day.done))


def intake_register(staff: Staff, first: date, last: date, *, window_id: int | None = None,
                    department_id: int | None = None) -> list[LedgerLine]:
    """受理登记册: every case received in [first, last] in the staff member's reach."""
    start, _ = _day_bounds(first)
    _, end = _day_bounds(last)
    cases = visible_cases(staff).filter(submitted_at__gte=start, submitted_at__lte=end)
    if window_id is not None:
        cases = cases.filter(window_id=window_id)
    if department_id is not None:
        cases = cases.filter(department_id=department_id)
    clerks = dict(CaseEvent.objects.filter(case__in=cases, kind=EventKind.SUBMITTED).values_list("case_id", "actor_label"))
    return [_line(c, clerks.get(c.id, "")) for c in cases.order_by("submitted_at")]


def open_cases_count(staff: Staff) -> int:
    return visible_cases(staff).filter(status__in=[str(s) for s in OPEN]).count()


def require_view(staff: Staff | None, case: Case) -> None:
    if not can_view_case(staff, case):
        raise PermissionDenied("您无权查看该办件", code="forbidden.case.view")


@dataclass(frozen=True)
class Retimed:
    """One open case whose due dates a calendar change moved (a ``calendar_retimed`` event)."""

    case: Case
    at: datetime
    change: int | None
    calendar_version: int
    moved: dict[str, dict[str, str | None]]


def retimed_cases(staff: Staff, *, change: int | None = None, limit: int = 500) -> list[Retimed]:
    """The re-timings of the cases the staff member may see, newest first (one change, or all)."""
    events = (CaseEvent.objects.filter(kind=EventKind.CALENDAR_RETIMED, case__in=visible_cases(staff))
              .select_related("case", "case__item_version", "case__department").order_by("-at", "-id"))
    if change is not None:
        events = events.filter(payload__change=change)
    return [Retimed(case=e.case, at=e.at, change=e.payload.get("change"),
                    calendar_version=int(e.payload.get("calendar_version") or 0), moved=e.payload.get("moved", {}))
            for e in events[:limit]]


_HANDLER_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE})


def handler_candidates(case: Case) -> list[Staff]:
    """Who may answer for a case end to end: the window and back-office staff of its department."""
    people = (Staff.objects.filter(postings__role__in=[r.value for r in _HANDLER_ROLES], postings__region=case.region)
              .filter(Q(postings__department=case.department) | Q(postings__department__isnull=True,
                                                                   postings__window__departments=case.department))
              .distinct().order_by("name"))
    return [p for p in people if can(p, Action.CASE_VIEW, region=case.region, department=case.department)]
