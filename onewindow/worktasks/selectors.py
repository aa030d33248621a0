"""Reads of work tasks, problems and inspections: a plan's roll-up by unit and by branch of its
tree, and the facts the assessment app counts (late tasks per unit, problems per unit and state,
inspection findings per window). No writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import region_q

from .models import Campaign, CampaignPhase, CampaignReport, Finding, Plan, Problem, Task, TaskUnit
from .permissions import PERM_ROLES, Perm, visible_q
from .rules import PUBLIC_STATE_LABELS, ProblemState, TaskState


def plans_visible(staff: Staff | None) -> QuerySet[Plan]:
    return Plan.objects.filter(visible_q(staff)).select_related("region").order_by("-year", "id")


def tasks_visible(staff: Staff | None) -> QuerySet[Task]:
    """Tasks of the plans of the regions ``staff`` reaches."""
    q = region_q(staff, field="plan__region", roles=PERM_ROLES[Perm.VIEW])
    return Task.objects.filter(q).select_related("plan", "lead").order_by("plan_id", "id")


def problems_visible(staff: Staff | None) -> QuerySet[Problem]:
    return Problem.objects.filter(visible_q(staff)).select_related("department", "responsible").order_by("-id")


def is_late(task: Task, today: date) -> bool:
    """Open past its completion date, or closed after it."""
    if task.state == TaskState.CLOSED:
        return task.closed_on is not None and task.closed_on > task.due_on
    return today > task.due_on


@dataclass
class Rollup:
    """One line of a plan's roll-up: how many tasks, done, late (open past due or done late), and
    the mean progress in percent."""

    label: str
    tasks: int = 0
    closed: int = 0
    late: int = 0
    progress_sum: int = 0

    @property
    def progress(self) -> int:
        return round(self.progress_sum / self.tasks) if self.tasks else 0

    def add(self, progress: int, closed: bool, late: bool) -> None:
        self.tasks += 1
        self.closed += int(closed)
        self.late += int(late)
        self.progress_sum += progress


def rollup_by_unit(plan: Plan, today: date) -> list[Rollup]:
    """Per responsible unit (lead units included): its tasks, with its own reported progress."""
    tasks = {t.pk: t for t in plan.tasks.all()}
    lines: dict[str, Rollup] = {}
    seen: set[tuple[int, int]] = set()
    for unit in TaskUnit.objects.filter(task__plan=plan).select_related("department").order_by("department_id"):
        task = tasks[unit.task_id]
        line = lines.setdefault(unit.department.name, Rollup(unit.department.name))
        progress = 100 if task.state == TaskState.CLOSED else unit.progress
        line.add(progress, task.state == TaskState.CLOSED, is_late(task, today))
        seen.add((task.pk, unit.department_id))
    for task in tasks.values():
        if (task.pk, task.lead_id) not in seen:
            line = lines.setdefault(task.lead.name, Rollup(task.lead.name))
            line.add(task.progress, task.state == TaskState.CLOSED, is_late(task, today))
    return sorted(lines.values(), key=lambda r: (-r.late, r.label))


def rollup_by_branch(plan: Plan, today: date) -> list[Rollup]:
    """Per top-level task (a branch of the tree): every task beneath it, itself included."""
    tasks = list(plan.tasks.all().order_by("id"))
    parent = {t.pk: t.parent_id for t in tasks}

    def root(pk: int) -> int:
        up = parent.get(pk)
        while up is not None:
            pk, up = up, parent.get(up)
        return pk

    by_id = {t.pk: t for t in tasks}
    lines: dict[int, Rollup] = {}
    for t in tasks:
        r = root(t.pk)
        line = lines.setdefault(r, Rollup(f"{by_id[r].code} {by_id[r].title}".strip()))
        line.add(t.progress, t.state == TaskState.CLOSED, is_late(t, today))
    return list(lines.values())


# -- facts for the assessment --------------------------------------------------------------------------


def late_tasks_per_unit(region: Region, today: date) -> dict[int, int]:
    """Department id → how many open tasks it is responsible for (or leads) are past their date."""
    open_late = Task.objects.filter(plan__region__code__startswith=region.prefix, state=TaskState.OPEN,
                                    due_on__lt=today)
    out: dict[int, int] = defaultdict(int)
    pairs = set(TaskUnit.objects.filter(task__in=open_late).values_list("task_id", "department_id"))
    pairs |= set(open_late.values_list("id", "lead_id"))
    for _task, dept in pairs:
        out[dept] += 1
    return dict(out)


def problems_per_unit_and_state(region: Region) -> dict[int | None, dict[str, int]]:
    """Department id (None: not yet assigned) → state → how many problems."""
    out: dict[int | None, dict[str, int]] = defaultdict(dict)
    for row in (Problem.objects.filter(region__code__startswith=region.prefix)
                .values("department_id", "state").annotate(n=Count("id"))):
        out[row["department_id"]][row["state"]] = row["n"]
    return dict(out)


def inspection_findings_per_window(region: Region, first: date, last: date) -> dict[int | None, int]:
    """Window id (None: the hall at large) → findings of inspections and mystery visits in [first, last]."""
    rows = (Finding.objects.filter(inspection__region__code__startswith=region.prefix,
                                   inspection__planned_on__range=(first, last))
            .values("window_id").annotate(n=Count("id")))
    return {row["window_id"]: row["n"] for row in rows}


# -- campaigns ---------------------------------------------------------------------------------------


def campaigns_visible(staff: Staff | None) -> QuerySet[Campaign]:
    return Campaign.objects.filter(visible_q(staff)).select_related("region").order_by("-starts_on", "id")


def report_is_late(report: CampaignReport, today: date) -> bool:
    """Handed in after its day, or still owed past it (shown red)."""
    if report.submitted_at is None:
        return today > report.due_on
    return report.late


def current_phases(campaign: Campaign, today: date) -> list[CampaignPhase]:
    """The phases running today (seed 003's phases overlap)."""
    return [p for p in campaign.phases.order_by("order") if p.starts_on <= today <= p.ends_on]


@dataclass(frozen=True)
class PublicLine:
    """One problem as the public notice shows it: no number, no person, no evidence — the unit, the
    problem in a line, the measures, the status, the deadline and the day it was verified."""

    unit: str
    summary: str
    measures: str
    status: str
    due_on: date | None
    verified_on: date | None


def published_campaigns(today: date) -> QuerySet[Campaign]:
    """Campaigns whose public notice is up (its day reached)."""
    return (Campaign.objects.filter(publish_from__isnull=False, publish_from__lte=today)
            .select_related("region").order_by("-publish_from", "id"))


def public_notice(campaign_id: int, today: date) -> tuple[Campaign, list[PublicLine]] | None:
    """A published campaign and its problems as of now (the page follows every status change);
    None before its publication day, so the campaign is not even known to exist."""
    campaign = published_campaigns(today).filter(pk=campaign_id).first()
    if campaign is None:
        return None
    # Only the columns the notice shows are read: nothing personal can reach the page.
    rows = (Problem.objects.filter(campaign_ref=campaign).order_by("id")
            .values_list("department__name", "title", "measures", "state", "due_on", "closed_on"))
    lines = [PublicLine(unit=unit or "待明确", summary=title, measures=measures, due_on=due_on, verified_on=closed_on,
                        status=PUBLIC_STATE_LABELS[ProblemState(state)])
             for unit, title, measures, state, due_on, closed_on in rows]
    return campaign, lines
