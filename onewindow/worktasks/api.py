"""Work tasks, problems and inspections API under /api/v1: ``/work-tasks``, ``/problems``,
``/inspections``. Staff only (a bearer token or the workbench session); writes accept an
``Idempotency-Key``. Every refusal is a documented 4xx with an English code and a Chinese message."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.idempotency import run_idempotent
from onewindow.api.schemas import ErrorOut, RegionCode
from onewindow.core.bounds import DbInt
from onewindow.core.errors import NotFound
from onewindow.core.timesource import local_date
from onewindow.organization.models import Region

from . import listing
from . import services as svc
from .models import Inspection, Problem, Task
from .permissions import Perm, can
from .rules import INSPECTION_KINDS, ProblemState, Source, TaskState
from .selectors import is_late, problems_visible, tasks_visible

router = Router(tags=["worktasks"], auth=staff_auth)

_WRITE = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
_READ = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _region(code: str | None, staff: Any) -> Region:
    region = Region.objects.filter(code=code).first() if code else getattr(staff, "region", None)
    if region is None:
        raise NotFound("区划不存在", code="region.not_found", field="region")
    return region


# -- work tasks ---------------------------------------------------------------------------------------


class WorktasksUnitIn(Schema):
    department: DbInt
    owner_name: str = Field("", max_length=64)
    owner: DbInt | None = None


class WorktasksTaskIn(Schema):
    plan: DbInt
    title: str = Field(..., max_length=300)
    lead: DbInt | None = Field(None, description="牵头单位（部门 id），必填")
    units: list[WorktasksUnitIn] = Field(default_factory=list, description="责任单位及其责任人")
    starts_on: date
    due_workdays: int | None = Field(None, ge=1, le=1000, description="时限（工作日）；或填 due_on")
    due_on: date | None = None
    parent: DbInt | None = None
    code: str = Field("", max_length=20)
    deliverable: str = Field("", max_length=4000)
    standard: str = Field("", max_length=4000)
    measures: str = Field("", max_length=4000)


class WorktasksTaskOut(Schema):
    id: int
    number: str
    code: str
    title: str
    plan: int
    lead: str
    units: list[dict[str, Any]]
    state: str
    due_on: date
    yellow_from: date | None
    late: bool
    progress: int
    urged_count: int
    row_version: int


def task_out(task: Task) -> dict[str, Any]:
    return {"id": task.pk, "number": task.number, "code": task.code, "title": task.title, "plan": task.plan_id,
            "lead": task.lead.name, "state": task.state, "due_on": task.due_on, "yellow_from": task.yellow_from,
            "units": [{"department": u.department_id, "name": u.department.name, "owner": u.owner_name,
                       "progress": u.progress} for u in task.units.select_related("department")],
            "late": is_late(task, local_date()), "progress": task.progress, "urged_count": task.urged_count,
            "row_version": task.row_version}


class WorktasksTaskListOut(Schema):
    items: list[WorktasksTaskOut]
    next_cursor: str | None = Field(description="下一页的游标；为 null 表示没有更多")


@router.get("/work-tasks", response={200: WorktasksTaskListOut, **_READ},
            summary="Work tasks the caller may see, filtered, with cursor paging")
def task_list(request: HttpRequest, plan: DbInt | None = None, state: str | None = None, lead: DbInt | None = None,
              unit: DbInt | None = None, late: bool | None = None, due_from: date | None = None,
              due_to: date | None = None, cursor: str | None = None, limit: int = listing.DEFAULT_LIMIT) -> Any:
    """The tasks of the plans of the regions your postings reach, oldest first. Filters: ``plan``
    (id), ``state`` (open, closed), ``lead`` (department id of the lead unit), ``unit`` (department
    id of a responsible unit), ``late`` (open past the date, or done after it), ``due_from`` /
    ``due_to`` (completion date, inclusive). Page with ``cursor`` = the previous ``next_cursor``;
    ``limit`` 1 … 200 (default 50)."""
    staff = request_staff(request)
    tasks = tasks_visible(staff).prefetch_related("units__department")
    if plan is not None:
        tasks = tasks.filter(plan_id=plan)
    if state:
        tasks = tasks.filter(state=listing.choice(state, {s.value for s in TaskState}, "state"))
    if lead is not None:
        tasks = tasks.filter(lead_id=lead)
    if unit is not None:
        tasks = tasks.filter(units__department_id=unit)
    if due_from is not None:
        tasks = tasks.filter(due_on__gte=due_from)
    if due_to is not None:
        tasks = tasks.filter(due_on__lte=due_to)
    if late is not None:
        tasks = tasks.filter(listing.late_q(local_date()) if late else ~listing.late_q(local_date()))
    rows, next_cursor = listing.page(tasks.order_by("id").distinct(), cursor=cursor, limit=limit)
    return {"items": [task_out(t) for t in rows], "next_cursor": next_cursor}


@router.post("/work-tasks", response={201: WorktasksTaskOut, **_WRITE}, summary="Create a work task of a plan")
def task_create(request: HttpRequest, body: WorktasksTaskIn) -> Any:
    """Refused: no lead unit (``worktasks.lead_required``), a unit outside the plan's region
    (``worktasks.unit_outside_region``), a unit without an owner, no deadline."""
    staff = request_staff(request)

    def work() -> tuple[int, Any]:
        task = svc.task_create(
            actor=staff, plan_id=body.plan, title=body.title, lead_id=body.lead,
            units=[svc.UnitInput(u.department, u.owner_name, u.owner) for u in body.units],
            starts_on=body.starts_on, due_workdays=body.due_workdays, due_on=body.due_on, parent_id=body.parent,
            code=body.code, deliverable=body.deliverable, standard=body.standard, measures=body.measures)
        return 201, task_out(Task.objects.select_related("lead").get(pk=task.pk))

    return run_idempotent(request, work)


class WorktasksReportIn(Schema):
    department: DbInt
    text: str = Field(..., max_length=4000)
    progress: int = Field(..., ge=0, le=100)


@router.post("/work-tasks/{task_id}/reports", response={201: WorktasksTaskOut, **_WRITE},
             summary="A responsible unit reports progress")
def task_report(request: HttpRequest, task_id: DbInt, body: WorktasksReportIn) -> Any:
    """Refused on a closed task (``work_task.transition_refused.report``) and for a unit that is
    not responsible for the task."""
    staff = request_staff(request)
    task = Task.objects.select_related("plan__region").filter(pk=task_id).first()
    if task is None or not can(staff, Perm.VIEW, region=task.plan.region):
        raise NotFound("工作任务不存在", code="task.not_found", field="task")

    def work() -> tuple[int, Any]:
        svc.task_report(actor=staff, task_id=task.pk, department_id=body.department, text=body.text,
                        progress=body.progress)
        return 201, task_out(Task.objects.select_related("lead").get(pk=task.pk))

    return run_idempotent(request, work)


# -- problems -----------------------------------------------------------------------------------------


class WorktasksProblemIn(Schema):
    region: RegionCode | None = None
    title: str = Field(..., max_length=300)
    source: str = Field(..., description="self_inspection, inspection, complaint, bad_rating, supervision, audit")
    evidence: str = Field(..., max_length=4000)
    campaign: str = Field("", max_length=200, description="专项行动名称（无专项行动记录时）")
    campaign_id: DbInt | None = Field(None, description="专项行动 id：问题列入其公示")


class WorktasksProblemOut(Schema):
    id: int
    number: str
    title: str
    source: str
    state: str
    department: int | None
    responsible: int | None
    measures: str
    due_on: date | None
    campaign: int | None
    closed_on: date | None
    recheck_on: date | None
    reopened_count: int
    row_version: int


def problem_out(p: Problem) -> dict[str, Any]:
    return {"id": p.pk, "number": p.number, "title": p.title, "source": p.source, "state": p.state,
            "department": p.department_id, "responsible": p.responsible_id, "measures": p.measures,
            "due_on": p.due_on, "campaign": p.campaign_ref_id, "closed_on": p.closed_on, "recheck_on": p.recheck_on, "reopened_count": p.reopened_count,
            "row_version": p.row_version}


class WorktasksProblemListOut(Schema):
    items: list[WorktasksProblemOut]
    next_cursor: str | None = Field(description="下一页的游标；为 null 表示没有更多")


@router.get("/problems", response={200: WorktasksProblemListOut, **_READ},
            summary="Problems the caller may see, filtered, with cursor paging")
def problem_list(request: HttpRequest, state: str | None = None, source: str | None = None,
                 department: DbInt | None = None, campaign: DbInt | None = None, region: RegionCode | None = None,
                 cursor: str | None = None, limit: int = listing.DEFAULT_LIMIT) -> Any:
    """The problems of the regions your postings reach, oldest first. Filters: ``state``
    (comma-separated: recorded, assigned, rectifying, submitted, closed, confirmed), ``source``,
    ``department`` (responsible unit id), ``campaign`` (id), ``region`` (12-digit code: that region
    and below). Page with ``cursor``; ``limit`` 1 … 200 (default 50)."""
    problems = problems_visible(request_staff(request))
    if state:
        states = [listing.choice(x.strip(), {s.value for s in ProblemState}, "state") for x in state.split(",") if x.strip()]
        problems = problems.filter(state__in=states)
    if source:
        problems = problems.filter(source=listing.choice(source, {s.value for s in Source}, "source"))
    if department is not None:
        problems = problems.filter(department_id=department)
    if campaign is not None:
        problems = problems.filter(campaign_ref_id=campaign)
    if region:
        problems = problems.filter(region__code__startswith=listing.prefix(region))
    rows, next_cursor = listing.page(problems.order_by("id"), cursor=cursor, limit=limit)
    return {"items": [problem_out(p) for p in rows], "next_cursor": next_cursor}


@router.post("/problems", response={201: WorktasksProblemOut, **_WRITE}, summary="Record a problem (问题清单)")
def problem_create(request: HttpRequest, body: WorktasksProblemIn) -> Any:
    staff = request_staff(request)

    def work() -> tuple[int, Any]:
        p = svc.problem_record(actor=staff, region_id=_region(body.region, staff).pk, title=body.title,
                               source=body.source, evidence=body.evidence, campaign=body.campaign,
                               campaign_id=body.campaign_id)
        return 201, problem_out(p)

    return run_idempotent(request, work)


class WorktasksProblemActionIn(Schema):
    note: str = Field("", max_length=4000)
    department: DbInt | None = None
    responsible: DbInt | None = None
    measures: str = Field("", max_length=4000)
    due_workdays: int | None = Field(None, ge=1, le=1000)
    due_on: date | None = None
    recheck_months: int = Field(3, ge=1, le=24)
    row_version: int | None = None


@router.post("/problems/{problem_id}/actions/{action}", response={200: WorktasksProblemOut, **_WRITE},
             summary="Act on a problem")
def problem_action(request: HttpRequest, problem_id: DbInt, action: str, body: WorktasksProblemActionIn) -> Any:
    """``action``: assign (department, responsible), plan (measures, due_workdays or due_on),
    progress (note), submit (note), verify (note: the evidence; by ANOTHER unit, else 400
    ``worktasks.self_verification``), reject (note), recheck_pass (note), reopen (note, deadline).
    A stale ``row_version`` answers 409 ``record.stale``."""
    staff = request_staff(request)
    p = Problem.objects.select_related("region").filter(pk=problem_id).first()
    if p is None or not can(staff, Perm.VIEW, region=p.region):
        raise NotFound("问题不存在", code="problem.not_found", field="problem")

    def work() -> tuple[int, Any]:
        done = svc.problem_act(actor=staff, problem_id=p.pk, action=action, note=body.note,
                               department_id=body.department, responsible_id=body.responsible,
                               measures=body.measures, due_workdays=body.due_workdays, due_on=body.due_on,
                               recheck_months=body.recheck_months, row_version=body.row_version)
        return 200, problem_out(done)

    return run_idempotent(request, work)


# -- inspections --------------------------------------------------------------------------------------


class WorktasksInspectionIn(Schema):
    region: RegionCode | None = None
    kind: str = Field("inspection", description="inspection（明察）、mystery（暗访）或 experience（专项行动的体验）")
    title: str = Field(..., max_length=200)
    planned_on: date
    windows: list[DbInt]
    criteria: list[str] = Field(default_factory=list, description="presence, dress, conduct, queue, signage, system")
    wait_minutes: int | None = Field(None, ge=0, le=1440)
    answers: str = Field("", max_length=4000)
    visits_needed: int | None = Field(None, ge=1, le=50)
    campaign: DbInt | None = Field(None, description="专项行动 id；体验（experience）必填")
    applied_for: str = Field("", max_length=200, description="体验办理的事项（experience 必填）")


class WorktasksInspectionOut(Schema):
    id: int
    kind: str
    campaign: int | None
    applied_for: str
    wait_minutes: int | None
    visits_needed: int | None
    title: str
    planned_on: date
    windows: list[int]
    criteria: list[str]
    findings: int


def inspection_out(i: Inspection) -> dict[str, Any]:
    return {"id": i.pk, "kind": i.kind, "campaign": i.campaign_id, "applied_for": i.applied_for,
            "wait_minutes": i.wait_minutes, "visits_needed": i.visits_needed, "title": i.title,
            "planned_on": i.planned_on,
            "windows": sorted(i.windows.values_list("id", flat=True)), "criteria": i.criteria,
            "findings": i.findings.count()}


class WorktasksInspectionListOut(Schema):
    items: list[WorktasksInspectionOut]
    next_cursor: str | None = Field(description="下一页的游标；为 null 表示没有更多")


@router.get("/inspections", response={200: WorktasksInspectionListOut, **_READ},
            summary="Inspections, mystery and experience visits, filtered, with cursor paging")
def inspection_list(request: HttpRequest, kind: str | None = None, campaign: DbInt | None = None,
                    planned_from: date | None = None, planned_to: date | None = None, cursor: str | None = None,
                    limit: int = listing.DEFAULT_LIMIT) -> Any:
    """Inspections (明察), mystery visits (暗访) and experience visits (体验) of the regions your
    postings reach, oldest first. Filters: ``kind`` (inspection, mystery, experience),
    ``campaign`` (id), ``planned_from`` / ``planned_to`` (inclusive). Page with ``cursor``;
    ``limit`` 1 … 200 (default 50)."""
    from .permissions import visible_q

    rows = Inspection.objects.filter(visible_q(request_staff(request)))
    if kind:
        rows = rows.filter(kind=listing.choice(kind, set(INSPECTION_KINDS), "kind"))
    if campaign is not None:
        rows = rows.filter(campaign_id=campaign)
    if planned_from is not None:
        rows = rows.filter(planned_on__gte=planned_from)
    if planned_to is not None:
        rows = rows.filter(planned_on__lte=planned_to)
    page, next_cursor = listing.page(rows.order_by("id"), cursor=cursor, limit=limit)
    return {"items": [inspection_out(i) for i in page], "next_cursor": next_cursor}


@router.post("/inspections", response={201: WorktasksInspectionOut, **_WRITE},
             summary="Plan an inspection or record a mystery visit")
def inspection_create(request: HttpRequest, body: WorktasksInspectionIn) -> Any:
    staff = request_staff(request)

    def work() -> tuple[int, Any]:
        i = svc.inspection_create(actor=staff, region_id=_region(body.region, staff).pk, kind=body.kind,
                                  title=body.title, planned_on=body.planned_on, window_ids=body.windows,
                                  criteria=body.criteria or None, wait_minutes=body.wait_minutes,
                                  answers=body.answers, visits_needed=body.visits_needed,
                                  campaign_id=body.campaign, applied_for=body.applied_for)
        return 201, inspection_out(i)

    return run_idempotent(request, work)
