"""Staff pages of work tasks, problems and inspections: the plans and a plan's roll-up (by unit,
by branch, its tasks, summary first), its Excel export and import, a task's page and actions, the
problem list and a problem's page, and the inspector's phone-width checklist.

Thin: read the form, call a selector or a service, render. A refused action comes back to its
page as a message naming the reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import local_date
from onewindow.organization.models import Staff, Window
from onewindow.organization.staff_views import staff_view

from . import rules as r
from . import selectors as sel
from . import services as svc
from . import workbook
from .models import Inspection, Plan, Problem, Task
from .permissions import Perm, can, visible_q

_BASE = "workbench:worktasks"


_staff_view = staff_view("worktasks/forbidden.html")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _plan(staff: Staff, pk: int) -> Plan:
    plan = sel.plans_visible(staff).filter(pk=pk).first()
    if plan is None:
        raise NotFound("工作计划不存在", code="plan.not_found")
    return plan


@_staff_view
def home(request: HttpRequest, staff: Staff) -> HttpResponse:
    plans = list(sel.plans_visible(staff))
    inspections = Inspection.objects.filter(visible_q(staff)).order_by("-planned_on")[:20]
    region = staff.region
    return render(request, "worktasks/home.html", {
        "plans": plans, "inspections": inspections, "year": local_date().year,
        "can_plan": can(staff, Perm.PLAN_MANAGE, region=region), "can_inspect": can(staff, Perm.INSPECT, region=region),
        "windows": Window.objects.filter(region__code__startswith=region.prefix).order_by("number"),
        "criteria": list(r.CRITERIA.items())})


@_staff_view
def plan_page(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    plan = _plan(staff, pk)
    today = local_date()
    tasks = plan.tasks.select_related("lead", "parent").order_by("id")
    late_only = request.GET.get("late") == "1"
    rows = [(t, sel.is_late(t, today)) for t in tasks]
    if late_only:
        rows = [(t, late) for t, late in rows if late]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "worktasks/plan.html", {
        "plan": plan, "by_unit": sel.rollup_by_unit(plan, today), "by_branch": sel.rollup_by_branch(plan, today),
        "page": page, "late_only": late_only, "total": len(rows),
        "can_manage": can(staff, Perm.PLAN_MANAGE, region=plan.region)})


@_staff_view
def plan_export(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    plan = _plan(staff, pk)
    response = HttpResponse(workbook.plan_export(plan, local_date()),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}.xlsx"'
    return response


@require_POST
@_staff_view
def plan_import(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    plan = _plan(staff, pk)
    upload = request.FILES.get("file")
    errors: list[workbook.RowError] = []
    if upload is None:
        messages.error(request, "请选择要导入的 Excel 文件")
    elif upload.size > 5 * 1024 * 1024:
        messages.error(request, "文件不能超过 5 MB")
    else:
        try:
            result = workbook.plan_import(actor=staff, plan_id=plan.pk, content=upload.read(),
                                          starts_on=local_date())
            messages.success(request, f"已导入 {len(result.created)} 项任务")
        except workbook.ImportRefused as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
    if errors:
        return render(request, "worktasks/import_errors.html", {"plan": plan, "errors": errors}, status=400)
    return redirect(f"{_BASE}:plan", pk=plan.pk)


def _task(staff: Staff, pk: int) -> Task:
    task = sel.tasks_visible(staff).filter(pk=pk).first()
    if task is None:
        raise NotFound("工作任务不存在", code="task.not_found")
    return task


@_staff_view
def task_page(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    task = _task(staff, pk)
    region = task.plan.region
    units = list(task.units.select_related("department"))
    return render(request, "worktasks/task.html", {
        "task": task, "units": units, "late": sel.is_late(task, local_date()),
        "milestones": task.milestones.order_by("due_on"), "events": task.events.order_by("seq"),
        "children": task.children.order_by("id"),
        "my_units": [u for u in units if can(staff, Perm.TASK_REPORT, region=region, department=u.department_id)],
        "can_consolidate": can(staff, Perm.TASK_REPORT, region=region, department=task.lead_id),
        "can_urge": can(staff, Perm.TASK_URGE, region=region),
        "can_close": can(staff, Perm.PLAN_MANAGE, region=region)})


@require_POST
@_staff_view
def task_act(request: HttpRequest, staff: Staff, pk: int, action: str) -> HttpResponse:
    task = _task(staff, pk)
    post = request.POST
    try:
        if action == "report":
            svc.task_report(actor=staff, task_id=task.pk, department_id=_int(post.get("department")) or 0,
                            text=post.get("text", ""), progress=post.get("progress", ""),
                            attachment=request.FILES.get("attachment"))
        elif action == "consolidate":
            svc.task_consolidate(actor=staff, task_id=task.pk, summary=post.get("summary", ""),
                                 row_version=_int(post.get("row_version")))
        elif action == "urge":
            svc.task_urge(actor=staff, task_id=task.pk, note=post.get("note", ""))
        elif action == "close":
            svc.task_close(actor=staff, task_id=task.pk, note=post.get("note", ""))
        else:
            raise NotFound("没有这种操作", code="task.action_unknown")
        messages.success(request, "已保存")
    except (DomainError, PermissionDenied) as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    return redirect(f"{_BASE}:task", pk=task.pk)


@_staff_view
def problems(request: HttpRequest, staff: Staff) -> HttpResponse:
    rows = sel.problems_visible(staff)
    counts = {s: 0 for s in r.ProblemState}
    for state in rows.values_list("state", flat=True):
        counts[r.ProblemState(state)] += 1
    state = request.GET.get("state", "")
    if state:
        rows = rows.filter(state=state)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "worktasks/problems.html", {
        "page": page, "state": state, "summary": [(r.PROBLEM_STATE_LABELS[s], n) for s, n in counts.items()],
        "states": list(r.PROBLEM_STATE_LABELS.items()), "sources": list(r.SOURCE_LABELS.items()),
        "campaigns": sel.campaigns_visible(staff),
        "can_record": can(staff, Perm.PROBLEM_MANAGE, region=staff.region)})


def _problem(staff: Staff, pk: int) -> Problem:
    problem = sel.problems_visible(staff).filter(pk=pk).first()
    if problem is None:
        raise NotFound("问题不存在", code="problem.not_found")
    return problem


@_staff_view
def problem_page(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    from onewindow.organization.models import Department

    problem = _problem(staff, pk)
    actions = [(a.value, r.PROBLEM_TABLE.move(a).label)
               for a in r.PROBLEM_TABLE.actions_from(r.ProblemState(problem.state))]
    return render(request, "worktasks/problem.html", {
        "problem": problem, "actions": actions, "events": problem.events.order_by("seq"),
        "photos": problem.finding.photos.order_by("id") if problem.finding_id else [],
        "state_label": r.PROBLEM_STATE_LABELS[r.ProblemState(problem.state)],
        "source_label": r.SOURCE_LABELS[r.Source(problem.source)],
        "departments": Department.objects.filter(region__code__startswith=problem.region.prefix).order_by("name"),
        "staff_list": Staff.objects.filter(region=problem.region).order_by("name")[:200]})


@require_POST
@_staff_view
def problem_act(request: HttpRequest, staff: Staff, pk: int, action: str) -> HttpResponse:
    problem = _problem(staff, pk)
    post = request.POST
    try:
        svc.problem_act(actor=staff, problem_id=problem.pk, action=action, note=post.get("note", ""),
                        department_id=_int(post.get("department")), responsible_id=_int(post.get("responsible")),
                        measures=post.get("measures", ""), due_workdays=_int(post.get("due_workdays")),
                        row_version=_int(post.get("row_version")))
        messages.success(request, "已保存")
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{_BASE}:problem", pk=problem.pk)


@_staff_view
def checklist(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """The inspector's checklist, one window and one criterion a line, on a phone-width page; a
    line ticked 不合格 with a note becomes a finding and a problem."""
    inspection = Inspection.objects.filter(visible_q(staff), pk=pk).select_related("region").first()
    if inspection is None:
        raise NotFound("检查不存在", code="inspection.not_found")
    windows = list(inspection.windows.order_by("number"))
    if request.method == "POST":
        lines = [svc.ChecklistLine(w.pk, c, request.POST.get(f"note-{w.pk}-{c}", "").strip(),
                                   request.FILES.getlist(f"photo-{w.pk}-{c}"))
                 for w in windows for c in inspection.criteria
                 if request.POST.get(f"fail-{w.pk}-{c}") and request.POST.get(f"note-{w.pk}-{c}", "").strip()]
        try:
            made = svc.checklist_record(actor=staff, inspection_id=inspection.pk, lines=lines)
            messages.success(request, f"已记录 {len(made)} 项问题，已进入问题清单")
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, f"未记录任何问题：{exc.message}")
        return redirect(f"{_BASE}:checklist", pk=inspection.pk)
    lines = [(w, [(c, r.CRITERIA[c]) for c in inspection.criteria]) for w in windows]
    return render(request, "worktasks/checklist.html", {
        "inspection": inspection, "lines": lines,
        "findings": inspection.findings.select_related("window").prefetch_related("photos", "problems")})
