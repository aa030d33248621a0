"""Staff pages of major projects under /staff/projects/ (namespace ``workbench:projects``): the list
(summary first, filters, paging), a new project with its approval plan, a project's page (its lines
with their cases' status and clock, linking a case, the green channel, the self-checks, its
history), and the quarterly progress view with its Excel export.

Thin: read the form, call a selector or a service, render. A refused action comes back to its page
as a message naming the reason; a refused new project re-renders its form with status 400."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import local_date
from onewindow.organization.models import Department, Region, Staff
from onewindow.organization.permissions import Action, can
from onewindow.organization.staff_views import staff_view

from . import permissions as perms
from . import rules as r
from . import selectors as sel
from . import services as svc
from . import workbook

_BASE = "workbench:projects"
NEW_LINES = 8  # empty plan lines on the new-project form


_staff_view = staff_view("projects/forbidden.html")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value: Any, field: str, what: str, *, required: bool = True) -> date | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise DomainError(f"project.{field}_required", f"请填写{what}", field=field)
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError("project.date_invalid", f"{what}须为日期，例如 2026-10-12", field=field) from None


def _filters(request: HttpRequest) -> dict[str, str]:
    """The list's and the quarter view's filters, only values that exist (anything else: no filter)."""
    level = request.GET.get("level", "")
    state = request.GET.get("state", "")
    county = request.GET.get("county", "")
    return {"county": county if county.isdigit() and len(county) == 12 else "",
            "level": level if level in r.LEVEL_LABELS else "",
            "state": state if state in r.STATE_LABELS else ""}


def _filter_context(staff: Staff, chosen: dict[str, str]) -> dict[str, Any]:
    return {"chosen": chosen, "counties": sel.counties_of(staff), "levels": list(r.LEVEL_LABELS.items()),
            "states": list(r.STATE_LABELS.items())}


@_staff_view
def project_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    chosen = _filters(request)
    rows = sel.filtered(staff, **chosen)
    counts = dict.fromkeys(r.ProjectState, 0)
    for state in rows.values_list("state", flat=True):
        counts[r.ProjectState(state)] += 1
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    return render(request, "projects/list.html", {
        "page": page, "total": sum(counts.values()), "query": query,
        "summary": [(r.STATE_LABELS[s], n) for s, n in counts.items()],
        "can_create": perms.can_create(staff, staff.region), "quarter": r.quarter_of(local_date()),
        **_filter_context(staff, chosen)})


def _departments(region: Region) -> list[Department]:
    return list(Department.objects.filter(region=region).order_by("name"))


def _proxies(region: Region) -> list[Staff]:
    return list(Staff.objects.filter(region=region, postings__role__in=[x.value for x in perms.VIEW_ROLES])
                .distinct().order_by("name")[:300])


@_staff_view
def project_new(request: HttpRequest, staff: Staff) -> HttpResponse:
    region = staff.region
    perms.require_create(staff, region)
    post = request.POST
    if request.method == "POST":
        try:
            lines = []
            for n in range(1, NEW_LINES + 1):
                title = (post.get(f"line-{n}-title") or "").strip()
                if not title:
                    continue
                lines.append(svc.LineInput(title, _int(post.get(f"line-{n}-department")),
                                           _date(post.get(f"line-{n}-planned_on"), "lines", f"第 {n} 行的计划办结日期",
                                                 required=False)))
            project = svc.project_create(
                actor=staff, region_id=region.pk, name=post.get("name", ""), investor=post.get("investor", ""),
                investment=post.get("investment", ""), level=post.get("level", ""),
                proxy_id=_int(post.get("proxy")),
                starts_on=_date(post.get("starts_on"), "starts_on", "计划开工日期") or local_date(),
                due_on=_date(post.get("due_on"), "due_on", "审批完成时限") or local_date(), lines=lines,
                note=post.get("note", ""))
            messages.success(request, f"已登记重点项目 {project.number}")
            return redirect(f"{_BASE}:detail", pk=project.pk)
        except PermissionDenied:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "projects/new.html", {
        "region": region, "departments": _departments(region), "proxies": _proxies(region),
        "levels": list(r.LEVEL_LABELS.items()), "line_numbers": range(1, NEW_LINES + 1), "post": post},
        status=400 if request.method == "POST" else 200)


@_staff_view
def project_detail(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    project = sel.project_for(staff, pk)
    rows = sel.line_rows(project)
    acts = perms.can_act(staff, project)
    mine = perms.chief_departments(staff, project)
    responsible = sorted({row.line.department for row in rows}, key=lambda d: d.name)
    return render(request, "projects/detail.html", {
        "project": project, "rows": rows, "checks": sel.self_checks(project),
        "events": project.events.select_related("actor").order_by("seq"), "event_labels": svc.EVENT_LABELS,
        "candidates": sel.candidate_cases(project) if acts else [], "can_act": acts,
        "is_proxy": perms.is_proxy(staff, project), "my_departments": mine,
        "check_departments": responsible if perms.is_proxy(staff, project) else
        [d for d in responsible if d.pk in mine],
        "open": project.state != r.ProjectState.DONE, "this_month": r.month_start(local_date()),
        "last_month": r.previous_month(r.month_start(local_date())),
        "state_label": r.STATE_LABELS[r.ProjectState(project.state)],
        "level_label": r.LEVEL_LABELS[r.Level(project.level)],
        "late": sum(1 for row in rows if row.late),
        # Lines whose requested green channel this staff member may grant (the case engine decides).
        "can_mark": {row.line.pk for row in rows if row.line.case is not None and row.line.urgent == r.UrgentState.REQUESTED
                     and can(staff, Action.CASE_GRANT_EXTENSION, region=row.line.case.region,
                             department=row.line.case.department, item=row.line.case.item)}})


@require_POST
@_staff_view
def project_act(request: HttpRequest, staff: Staff, pk: int, action: str) -> HttpResponse:
    project = sel.project_for(staff, pk)
    post = request.POST
    version = _int(post.get("row_version"))
    try:
        if action == "link":
            line = svc.line_link_case(actor=staff, project_id=project.pk, line_id=_int(post.get("line")) or 0,
                                      case_number=post.get("case_number", "") or post.get("case_choice", ""),
                                      expected_version=version)
            messages.success(request, "已关联办件并标记为急办件（绿色通道）" if line.urgent == r.UrgentState.MARKED
                             else "已关联办件，已请首席代表标记急办")
        elif action == "urgent":
            svc.line_mark_urgent(actor=staff, project_id=project.pk, line_id=_int(post.get("line")) or 0,
                                 expected_version=version)
            messages.success(request, "已标记为急办件（绿色通道）")
        elif action == "self_check":
            month = _date(post.get("month"), "month", "自查月份")
            assert month is not None  # required above
            svc.self_check_file(actor=staff, project_id=project.pk, month=month,
                                department_id=_int(post.get("department")), progress=post.get("progress", ""),
                                problems=post.get("problems", ""), next_steps=post.get("next_steps", ""),
                                expected_version=version)
            messages.success(request, f"已填报 {month:%Y年%m月} 的月度自查")
        elif action == "complete":
            svc.project_complete(actor=staff, project_id=project.pk, expected_version=version)
            messages.success(request, "项目审批已全部完成")
        else:
            raise NotFound("没有这种操作", code="project.action_unknown")
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{_BASE}:detail", pk=project.pk)


def _quarter(request: HttpRequest) -> r.Quarter:
    text = request.GET.get("quarter", "")
    if not text:
        return r.quarter_of(local_date())
    quarter = r.parse_quarter(text)
    if quarter is None:
        raise DomainError("project.quarter_invalid", "季度须写作 2026Q4 的形式", field="quarter")
    return quarter


@_staff_view
def quarter_page(request: HttpRequest, staff: Staff) -> HttpResponse:
    chosen = _filters(request)
    try:
        quarter = _quarter(request)
    except DomainError as exc:
        return render(request, "projects/forbidden.html", {"reason": exc.message}, status=400)
    view = sel.quarter_view(sel.filtered(staff, **chosen), quarter)
    page = Paginator(view.rows, 30).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in {**chosen, "quarter": quarter.code}.items() if v)
    return render(request, "projects/quarter.html", {
        "view": view, "page": page, "query": query, "quarter": quarter,
        "previous": r.Quarter(quarter.year - 1, 4) if quarter.number == 1 else r.Quarter(quarter.year, quarter.number - 1),
        "next": r.Quarter(quarter.year + (quarter.number == 4), quarter.number % 4 + 1),
        **_filter_context(staff, chosen)})


@_staff_view
def quarter_export(request: HttpRequest, staff: Staff) -> HttpResponse:
    chosen = _filters(request)
    try:
        quarter = _quarter(request)
    except DomainError as exc:
        return render(request, "projects/forbidden.html", {"reason": exc.message}, status=400)
    view = sel.quarter_view(sel.filtered(staff, **chosen), quarter)
    response = HttpResponse(workbook.quarter_export(view),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="projects-{quarter.code}.xlsx"'
    return response
