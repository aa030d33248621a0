"""Reads of major projects: what a staff member may see, a project's lines with their cases'
status and clock (read through the case engine's selectors), the self-checks, the candidate cases
of a line, and the quarterly progress view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet

from onewindow.cases.models import Case
from onewindow.cases.selectors import case_view
from onewindow.cases.states import OPEN as CASE_OPEN
from onewindow.cases.states import STATUS_LABELS, Status
from onewindow.core.errors import NotFound
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import reaches

from . import permissions as perms
from .models import PlanLine, Project, SelfCheck
from .rules import LINE_STATUS_LABELS, LineStatus, Quarter, line_status


def projects_visible(staff: Staff | None) -> QuerySet[Project]:
    """Every project ``staff`` may read, newest first."""
    return (Project.objects.filter(perms.visible_q(staff)).select_related("region", "proxy")
            .order_by("-created_at", "-id"))


def project_for(staff: Staff | None, pk: int) -> Project:
    """The project ``pk`` if ``staff`` may read it; else 404 (a project one may not see does not exist)."""
    project = projects_visible(staff).filter(pk=pk).first()
    if project is None:
        raise NotFound("重点项目不存在", code="project.not_found")
    return project


def counties_of(staff: Staff | None) -> list[Region]:
    """The regions with a center the staff member's postings reach (the county filter's choices)."""
    if staff is None:
        return []
    codes = {r.region_code for r in reaches(staff)}
    q = Q(code__in=codes)
    for r in reaches(staff):
        if r.subtree:
            q |= Q(code__startswith=Region(code=r.region_code).prefix)
    return list(Region.objects.filter(q, has_center=True).order_by("code"))


@dataclass(frozen=True)
class LineRow:
    """One plan line as the project page shows it: its status against the planned date, and its
    case's status and clock when it runs as a case."""

    line: PlanLine
    status: LineStatus
    case_status: str = ""
    promised_due: date | None = None
    remaining_workdays: int | None = None
    paused: bool = False

    @property
    def status_label(self) -> str:
        return LINE_STATUS_LABELS[self.status]

    @property
    def late(self) -> bool:
        return self.status in (LineStatus.LATE, LineStatus.DONE_LATE)


def line_rows(project: Project, *, as_of: datetime | None = None) -> list[LineRow]:
    """The project's plan lines in order, each with its case's status and clock."""
    as_of = as_of or current_time()
    today = local_date(as_of)
    rows = []
    for line in project.lines.select_related("department", "case", "case__item_version", "case__region", "case__department",
                                                 "case__item").order_by("order"):
        status = line_status(line.planned_on, line.done_on, today)
        if line.case is None:
            rows.append(LineRow(line, status))
            continue
        clock = case_view(line.case, as_of=as_of).clock
        rows.append(LineRow(line, status, STATUS_LABELS[Status(line.case.status)], clock.promised_due,
                            clock.remaining_workdays, clock.paused))
    return rows


def candidate_cases(project: Project) -> list[Case]:
    """The investor's open joint or bundle cases in the project's region not yet linked to a line."""
    return list(Case.objects.filter(region__code__startswith=project.region.prefix, applicant_name=project.investor,
                                    status__in=[s.value for s in CASE_OPEN])
                .filter(Q(item_version__is_joint=True) | Q(bundle_application__isnull=False))
                .filter(project_line__isnull=True).select_related("item_version").order_by("-submitted_at")[:50])


def self_checks(project: Project) -> list[SelfCheck]:
    return list(project.self_checks.select_related("department", "submitted_by").order_by("-month"))


# -- the quarterly progress view ---------------------------------------------------------------------------


@dataclass
class QuarterRow:
    """One project in a quarter: its lines planned in the quarter, done, done on time, late; its
    self-checks of the quarter's months filed and owed."""

    project: Project
    planned: int = 0
    done: int = 0
    on_time: int = 0
    late: int = 0
    checks_filed: int = 0
    checks_owed: int = 0


@dataclass
class QuarterView:
    quarter: Quarter
    rows: list[QuarterRow]
    totals: QuarterRow = field(init=False)

    def __post_init__(self) -> None:
        t = QuarterRow(project=Project())
        for row in self.rows:
            t.planned += row.planned
            t.done += row.done
            t.on_time += row.on_time
            t.late += row.late
            t.checks_filed += row.checks_filed
            t.checks_owed += row.checks_owed
        self.totals = t


def filtered(staff: Staff | None, *, county: str = "", level: str = "", state: str = "") -> QuerySet[Project]:
    """Visible projects narrowed by county code, level and state (empty: any)."""
    rows = projects_visible(staff)
    if county:
        rows = rows.filter(region__code=county)
    if level:
        rows = rows.filter(level=level)
    if state:
        rows = rows.filter(state=state)
    return rows


def quarter_view(projects: QuerySet[Project], quarter: Quarter, *, today: date | None = None) -> QuarterView:
    """Each project running during ``quarter`` with its lines planned in the quarter counted as of
    the quarter's end (or ``today`` while it runs), most late lines first."""
    today = today or local_date()
    as_of = min(today, quarter.last)
    projects = projects.filter(created_at__date__lte=quarter.last).exclude(done_on__lt=quarter.first)
    by_id = {p.pk: QuarterRow(project=p) for p in projects}
    for line in PlanLine.objects.filter(project_id__in=list(by_id), planned_on__gte=quarter.first,
                                        planned_on__lte=quarter.last):
        row = by_id[line.project_id]
        row.planned += 1
        done_on = line.done_on if line.done_on is not None and line.done_on <= as_of else None
        status = line_status(line.planned_on, done_on, as_of)
        row.done += done_on is not None
        row.on_time += status == LineStatus.DONE_ON_TIME
        row.late += status in (LineStatus.LATE, LineStatus.DONE_LATE)
    for check in SelfCheck.objects.filter(project_id__in=list(by_id), month__gte=quarter.first,
                                          month__lte=quarter.last):
        row = by_id[check.project_id]
        if check.submitted_at is not None:
            row.checks_filed += 1
        elif check.due_on < today:
            row.checks_owed += 1
    rows = sorted(by_id.values(), key=lambda r: (-r.late, r.project.number))
    return QuarterView(quarter, rows)
