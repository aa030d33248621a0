"""Staff pages of accountability records (问责): the region's list (summary first, filters, paging)
with the proposal form, one record with its history and actions, and the person's own records
(their staff page). Thin: read the form, call a selector or a service, redirect."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.core.errors import DomainError
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action, can, staff_of

from . import accountability_selectors as sel
from . import accountability_services as svc
from .accountability_rules import MEASURE_LABELS, STATE_LABELS, AccState

PAGE_SIZE = 50


def _forbidden(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "assessment/forbidden.html", {"reason": message}, status=status)


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def _grounds(staff: Staff) -> tuple[list, list, list]:
    """What a supervisor may propose on: the region's staff, the efficiency warnings to a person,
    the complaints about a person found true."""
    from onewindow.feedback.models import WorkOrder
    from onewindow.feedback.rules import OrderKind
    from onewindow.supervision.models import EfficiencyWarning

    regions = [r for r in sel.readable_regions(staff) if can(staff, Action.SUPERVISION_ORDER, region=r)]
    if not regions:
        return [], [], []
    people = list(Staff.objects.filter(postings__region__in=regions).distinct().order_by("employee_number"))
    warnings = list(EfficiencyWarning.objects.filter(region__in=regions, staff__isnull=False)
                    .select_related("staff").order_by("-issued_at")[:200])
    complaints = list(WorkOrder.objects.filter(region__in=regions, kind=OrderKind.COMPLAINT, substantiated=True,
                                               about_staff__isnull=False).select_related("about_staff")
                      .order_by("-answered_at")[:200])
    return people, warnings, complaints


@login_required
def accountability_list(request: HttpRequest) -> HttpResponse:
    """问责记录: the region's records (their supervisors and administrators), summary first."""
    staff = staff_of(request.user)
    if staff is None:
        return _forbidden(request, "该账户不是工作人员", 403)
    if not sel.may_read_region(staff):
        return redirect("assessment:accountability_mine")
    rows = sel.records_for(staff)
    summary = Counter(STATE_LABELS[AccState(s)] for s in rows.values_list("state", flat=True))
    state, measure = request.GET.get("state", ""), request.GET.get("measure", "")
    if state in {s.value for s in AccState}:
        rows = rows.filter(state=state)
    if measure in {m.value for m in MEASURE_LABELS}:
        rows = rows.filter(measure=measure)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    people, warnings, complaints = _grounds(staff)
    regions = [r for r in sel.readable_regions(staff) if can(staff, Action.SUPERVISION_ORDER, region=r)]
    return render(request, "assessment/accountability_list.html", {
        "page": page, "summary": sorted(summary.items()), "total": sum(summary.values()),
        "states": [(s.value, label) for s, label in STATE_LABELS.items()], "state": state,
        "measures": [(m.value, label) for m, label in MEASURE_LABELS.items()], "measure": measure,
        "regions": regions, "people": people, "warnings": warnings, "complaints": complaints})


@login_required
def accountability_mine(request: HttpRequest) -> HttpResponse:
    """我的问责记录: the records about the person themselves, with the statement form."""
    staff = staff_of(request.user)
    if staff is None:
        return _forbidden(request, "该账户不是工作人员", 403)
    return render(request, "assessment/accountability_mine.html", {"rows": list(sel.mine(staff))})


@login_required
def accountability_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:  # a login without a staff record learns nothing either
        return _forbidden(request, "问责记录不存在", 404)
    try:
        record = sel.record_for(staff, pk)
    except DomainError as exc:
        return _forbidden(request, exc.message, exc.status)
    proposed = record.state == AccState.PROPOSED
    return render(request, "assessment/accountability.html", {
        "record": record, "events": record.events.order_by("seq"),
        "may_state": proposed and record.staff_id == staff.pk and record.stated_at is None,
        "may_decide": proposed and can(staff, Action.ASSESSMENT_RUN, region=record.region)
        and staff.pk not in (record.proposed_by_id, record.staff_id),
        "may_withdraw": proposed and (staff.pk == record.proposed_by_id
                                      or can(staff, Action.ASSESSMENT_RUN, region=record.region))})


@require_POST
@login_required
def accountability_propose(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return _forbidden(request, "该账户不是工作人员", 403)
    region = next((r for r in sel.readable_regions(staff) if str(r.pk) == request.POST.get("region")), None)
    if region is None:
        messages.error(request, "请选择您担任监察员的区划")
        return redirect("assessment:accountabilities")
    ground = request.POST.get("ground", "")
    kind, _, ground_id = ground.partition(":")
    try:
        record = svc.accountability_propose(
            by=staff, region=region, staff_id=_int(request.POST.get("staff_id")) or 0,
            measure=request.POST.get("measure", ""), facts=request.POST.get("facts", ""),
            basis=request.POST.get("basis", ""),
            efficiency_warning_id=_int(ground_id) if kind == "warning" else None,
            complaint_id=_int(ground_id) if kind == "complaint" else None)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:accountabilities")
    messages.success(request, f"问责记录 {record.number} 已提出，等待本人陈述")
    return redirect("assessment:accountability", pk=record.pk)


@require_POST
@login_required
def accountability_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return _forbidden(request, "问责记录不存在", 404)
    try:
        sel.record_for(staff, pk)
    except DomainError as exc:
        return _forbidden(request, exc.message, exc.status)
    try:
        if action == "state":
            svc.accountability_state(by=staff, record_id=pk, statement=request.POST.get("statement", ""))
            messages.success(request, "陈述已提交")
        elif action == "decide":
            svc.accountability_decide(by=staff, record_id=pk, note=request.POST.get("note", ""))
            messages.success(request, "问责决定已作出")
        elif action == "withdraw":
            svc.accountability_withdraw(by=staff, record_id=pk, reason=request.POST.get("reason", ""))
            messages.success(request, "问责记录已撤回")
        else:
            return _forbidden(request, "未知操作", 404)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:accountability", pk=pk)
