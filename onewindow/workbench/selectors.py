"""Reads of the staff web that the case and catalog selectors don't already give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet

from onewindow.cases import guards
from onewindow.cases.events import EventKind
from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.cases.receiving import receivable_items
from onewindow.cases.selectors import case_for
from onewindow.cases.states import TERMINAL, Status
from onewindow.catalog.models import Material, ServiceItem
from onewindow.catalog.selectors import published_items, search_items
from onewindow.core import store
from onewindow.core.errors import NotFound
from onewindow.organization.models import BackupPost, Department, Staff, Window
from onewindow.organization.permissions import Action, can, reach_key, reaches, region_q, roles_of
from onewindow.organization.rules import Role
from onewindow.organization.selectors import visible_departments, visible_windows

from .models import CaseScan, IdView

INTAKE_ROLES = frozenset({Role.CLERK, Role.PROXY_AGENT})
# 台帐 and 受理登记册 are kept by the windows and read by the back offices and the center.
LEDGER_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE, Role.CENTER_ADMIN})
# The government head's inbox holds the joint cases' extension requests (行政许可法 第四十二条第二款).
INBOX_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE, Role.PROXY_AGENT,
                         Role.GOVERNMENT_HEAD})


def may_take_in(staff: Staff | None) -> bool:
    """Clerks and proxy agents receive applications."""
    return staff is not None and bool(roles_of(staff) & INTAKE_ROLES)


# --- intake ---------------------------------------------------------------------------------------


def _submit_region_codes(staff: Staff) -> list[str]:
    return list(dict.fromkeys(r.region_code for r in reaches(staff) if r.role in INTAKE_ROLES))


def intake_items(staff: Staff, q: str, *, limit: int = 20) -> list[ServiceItem]:
    """Items matching ``q`` (name, code or pinyin initials) that this staff member may take in.

    Searched per region the intake postings reach, then narrowed by the permission table, so a
    clerk of a market window never sees the civil affairs items of the general window next door.
    """
    found: dict[int, ServiceItem] = {}
    receivable = set(receivable_items(staff))  # 上报件 / 下放: another region's items received here
    codes = _submit_region_codes(staff)
    if receivable:
        codes += [c for c in ServiceItem.objects.filter(pk__in=receivable).values_list("region__code", flat=True)
                  .distinct() if c not in codes]
    for code in codes:
        for item in search_items(q, region_code=code, limit=200):
            if item.id not in found and (item.id in receivable
                                         or can(staff, Action.CASE_SUBMIT, region=item.region, item=item)):
                found[item.id] = item
            if len(found) >= limit:
                return list(found.values())
    return list(found.values())


def intake_item(staff: Staff, code: str) -> ServiceItem | None:
    """The published item with this implementation code, with its materials in order, if this
    staff member may take it in; None otherwise (unknown and forbidden look the same)."""
    code = (code or "").strip()
    if not code:
        return None
    item = (published_items().filter(implementation_code=code)
            .prefetch_related(Prefetch("current_version__materials", queryset=Material.objects.order_by("order")))
            .first())
    if item is None:
        return None
    if not can(staff, Action.CASE_SUBMIT, region=item.region, item=item) and item.id not in receivable_items(staff):
        return None
    return item


def intake_windows(staff: Staff) -> list[Window]:
    """The active windows the staff member is posted to, in number order."""
    windows = {p.window for p in staff.postings.select_related("window", "window__region")
               if p.window is not None and p.window.is_active}
    return sorted(windows, key=lambda w: (w.region.code, w.number))


# --- one case -------------------------------------------------------------------------------------


def scans_of(case: Case) -> list[CaseScan]:
    return list(CaseScan.objects.filter(case=case).select_related("uploaded_by").order_by("id"))


def scan_for(staff: Staff | None, number: str, scan_id: int) -> CaseScan:
    """A scan of a case the staff member may see; the same 404 for anything else."""
    case = case_for(staff, number)
    scan = CaseScan.objects.filter(case=case, pk=scan_id).first()
    if scan is None:
        raise NotFound("扫描件不存在", code="scan.not_found", field="scan")
    return scan


def is_backup_of(staff: Staff, primary: Staff | None) -> bool:
    """``staff`` stands in for ``primary`` right now (AB岗: the A post is absent)."""
    if primary is None or primary.is_present:
        return False
    return BackupPost.objects.filter(primary=primary, backup=staff).exists()


def reassign_candidates(case: Case, task: CaseTask) -> list[Staff]:
    """Staff who could take a stage: posted to its department with its role (or as chief
    representative) and allowed to review there."""
    roles = {task.role, Role.CHIEF_REPRESENTATIVE.value}
    people = (Staff.objects.filter(postings__role__in=roles, postings__department=task.department)
              .distinct().order_by("name"))
    return [p for p in people if can(p, Action.CASE_REVIEW, region=case.region, department=task.department)]


@dataclass(frozen=True)
class Signature:
    """The first signature of a two-signature stage (行政许可法 第三十四条)."""

    stage: int
    staff_id: int | None
    name: str
    at: datetime


def first_signatures(case: Case, history: list[CaseEvent] | None = None) -> dict[int, Signature]:
    """Stage order → its first signature, for stages signed once and not yet completed
    (``history``: the case's events in order, when the caller holds them)."""
    if history is None:
        history = list(CaseEvent.objects.filter(case=case, kind__in=[EventKind.STAGE_SIGNED, EventKind.STAGE_COMPLETED])
                       .order_by("seq"))
    return {stage: Signature(stage=stage, staff_id=e.actor_id, name=e.actor_label, at=e.at)
            for stage, e in guards.first_signatures(history).items()}


# --- ledger filters --------------------------------------------------------------------------------


def ledger_windows(staff: Staff) -> list[Window]:
    """The windows the member may filter the ledger by (their labels only: no departments).

    Every ledger and register page lists them and the departments: both are compiled once per
    member and reach (the ORM took longer to build the permission filter than the database to
    answer it)."""
    return store.fetch_keyed(reach_key("workbench.ledger_windows", staff),
                             lambda: visible_windows(staff).prefetch_related(None))


def ledger_departments(staff: Staff) -> list[Department]:
    """The departments the member may filter the ledger by."""
    return store.fetch_keyed(reach_key("workbench.ledger_departments", staff), lambda: visible_departments(staff))


# --- full-value views (个人信息查看记录) --------------------------------------------------------

# Who reads the log of full ID and phone views: supervisors (they check it) and the center's
# administrators, for their region and below.
ID_VIEW_ROLES = frozenset({Role.SUPERVISOR, Role.CENTER_ADMIN})


@dataclass(frozen=True)
class IdViewSummary:
    """The log's figures first: how many views, by what and why, and who looked most."""

    total: int
    by_field: list[tuple[str, int]]
    by_reason: list[tuple[str, int]]
    top_staff: list[tuple[str, int]]


def id_views_for(staff: Staff | None, *, number: str = "", staff_name: str = "",
                 since: datetime | None = None, until: datetime | None = None) -> QuerySet[IdView]:
    """The recorded views of full numbers in the regions the supervisor or administrator reaches,
    newest first; filtered by case number, staff name and time."""
    views = IdView.objects.filter(region_q(staff, field="case__region", roles=ID_VIEW_ROLES) if staff
                                  else Q(pk__in=[]))
    if number:
        views = views.filter(case__number=number.strip())
    if staff_name:
        views = views.filter(staff__name__contains=staff_name.strip())
    if since is not None:
        views = views.filter(viewed_at__gte=since)
    if until is not None:
        views = views.filter(viewed_at__lt=until)
    return views.select_related("staff", "case").order_by("-viewed_at", "-id")


def id_view_summary(views: QuerySet[IdView]) -> IdViewSummary:
    """The figures of a filtered log (:func:`id_views_for`)."""
    fields = dict(IdView.Field.choices)
    reasons = dict(IdView.Reason.choices)
    by_field = [(str(fields.get(r["field"], r["field"])), r["n"])
                for r in views.order_by().values("field").annotate(n=Count("id")).order_by("-n")]
    by_reason = [(str(reasons.get(r["reason"], "未记录")), r["n"])
                 for r in views.order_by().values("reason").annotate(n=Count("id")).order_by("-n")]
    top = [(r["staff__name"], r["n"])
           for r in views.order_by().values("staff__name").annotate(n=Count("id")).order_by("-n")[:5]]
    return IdViewSummary(total=views.count(), by_field=by_field, by_reason=by_reason, top_staff=top)


# --- 村代办: the agent's day ------------------------------------------------------------------------


@dataclass
class AgentDay:
    """A proxy agent's filings as their daily work reads them: what they owe first."""

    paper_owed: list[Case]  # paper materials to bring to the township center (by their date)
    to_hand_over: list[Case]  # results issued: take them to the villager
    in_progress: list[Case]  # at the township, on the way, or with the department
    concluded: list[Case]  # the last thirty days' concluded filings

    @property
    def counts(self) -> dict[str, int]:
        return {"paper_owed": len(self.paper_owed), "to_hand_over": len(self.to_hand_over),
                "in_progress": len(self.in_progress), "concluded": len(self.concluded)}


def agent_day(staff: Staff, today: date, *, limit: int = 200) -> AgentDay:
    """What waits for a proxy agent (村代办员) today, from the cases they filed only."""
    mine = Case.objects.filter(filed_by=staff).select_related("item_version", "region", "received_region")
    open_statuses = [s for s in Status if s not in TERMINAL]
    since = today - timedelta(days=30)
    return AgentDay(
        paper_owed=list(mine.filter(paper_received_on__isnull=True, status__in=open_statuses)
                        .order_by("paper_due", "submitted_at")[:limit]),
        to_hand_over=list(mine.filter(status=Status.CERTIFICATE_ISSUED).order_by("issuance_due")[:limit]),
        in_progress=list(mine.filter(status__in=[s for s in open_statuses if s != Status.CERTIFICATE_ISSUED])
                         .exclude(paper_received_on__isnull=True).order_by("submitted_at")[:limit]),
        concluded=list(mine.filter(status__in=list(TERMINAL), concluded_at__date__gte=since)
                       .order_by("-concluded_at")[:limit]),
    )
