"""Pages of monitoring points and citizen supervisors: the staff list with the registration form
(summary first, filter, paging), the supervisors' annual activity report, and the public form
they file observations on with their number and access code. Thin: read, call, render."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from onewindow.core.errors import DomainError
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.organization.models import Department, Region, Window
from onewindow.organization.permissions import Action, can, staff_of
from onewindow.portal.ratelimit import rate_limited

from . import monitoring_services as svc
from .accountability_selectors import readable_regions
from .models import Monitor
from .monitoring_rules import (
    MONITOR_CATEGORY_LABELS,
    MONITOR_KIND_LABELS,
    OBSERVATION_KIND_LABELS,
    MonitorKind,
)

PAGE_SIZE = 50


def _forbidden(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "assessment/forbidden.html", {"reason": message}, status=status)


@login_required
def monitor_list(request: HttpRequest) -> HttpResponse:
    """效能监测点与特邀监督员: the region's (its supervisors and administrators), summary first."""
    staff = staff_of(request.user)
    if staff is None:
        return _forbidden(request, "该账户不是工作人员", 403)
    regions = readable_regions(staff)
    if not regions:
        return _forbidden(request, "只有中心管理员和监察员可以查看效能监测点与特邀监督员", 403)
    rows = (Monitor.objects.filter(region__in=regions).select_related("region")
            .annotate(filed=Count("observations")).order_by("region__code", "kind", "number"))
    summary = Counter(MONITOR_KIND_LABELS[MonitorKind(k)] for k in rows.filter(active=True).values_list("kind", flat=True))
    kind = request.GET.get("kind", "")
    if kind in {k.value for k in MonitorKind}:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/monitors.html", {
        "page": page, "summary": sorted(summary.items()), "kind": kind,
        "kinds": [(k.value, v) for k, v in MONITOR_KIND_LABELS.items()],
        "categories": [(k.value, v) for k, v in MONITOR_CATEGORY_LABELS.items()],
        "register_regions": [r for r in regions if can(staff, Action.ASSESSMENT_RUN, region=r)],
        "year": local_date().year})


@require_POST
@login_required
def monitor_register(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return _forbidden(request, "该账户不是工作人员", 403)
    region = next((r for r in readable_regions(staff) if str(r.pk) == request.POST.get("region")), None)
    if region is None:
        messages.error(request, "请选择您担任中心管理员的区划")
        return redirect("assessment:monitors")
    try:
        done = svc.monitor_register(by=staff, region=region, kind=request.POST.get("kind", ""),
                                    category=request.POST.get("category", ""), name=request.POST.get("name", ""),
                                    contact_name=request.POST.get("contact_name", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:monitors")
    # The code is shown this once: only its hash is kept.
    messages.success(request, f"已登记 {done.monitor.number} {done.monitor.name}，访问码 {done.code}（仅显示一次，请交本人妥善保管）")
    return redirect("assessment:monitors")


@login_required
def monitor_report(request: HttpRequest) -> HttpResponse:
    """年度履职情况: per monitor, the year's observations by kind and what became of their work orders."""
    staff = staff_of(request.user)
    if staff is None:
        return _forbidden(request, "该账户不是工作人员", 403)
    regions = readable_regions(staff)
    if not regions:
        return _forbidden(request, "只有中心管理员和监察员可以查看履职情况", 403)
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else local_date().year
    start = datetime.combine(datetime(year, 1, 1).date(), time.min, tzinfo=SHANGHAI)
    end = datetime.combine(datetime(year + 1, 1, 1).date(), time.min, tzinfo=SHANGHAI)
    in_year = Q(observations__filed_at__gte=start, observations__filed_at__lt=end)
    rows = (Monitor.objects.filter(region__in=regions).select_related("region").order_by("region__code", "kind",
                                                                                          "number")
            .annotate(total=Count("observations", filter=in_year),
                      praise=Count("observations", filter=in_year & Q(observations__kind="praise")),
                      problem=Count("observations", filter=in_year & Q(observations__kind="problem")),
                      suggestion=Count("observations", filter=in_year & Q(observations__kind="suggestion")),
                      answered=Count("observations", filter=in_year & Q(observations__work_order__answered_at__isnull=False)),
                      substantiated=Count("observations",
                                          filter=in_year & Q(observations__work_order__substantiated=True))))
    rows = list(rows)
    return render(request, "assessment/monitor_report.html", {
        "rows": rows, "year": year, "total": sum(r.total for r in rows),
        "silent": [r for r in rows if r.active and not r.total]})


@rate_limited("assessment.monitoring")
@require_http_methods(["GET", "POST"])
def observe(request: HttpRequest) -> HttpResponse:
    """The public form: a monitoring point or citizen supervisor files an observation with its
    number and access code (no login; a wrong number or code is refused alike)."""
    regions = list(Region.objects.filter(monitors__active=True).distinct().order_by("code"))
    region = next((r for r in regions if r.code == request.GET.get("region", request.POST.get("region", ""))),
                  regions[0] if regions else None)
    context: dict[str, object] = {
        "regions": regions, "region": region, "kinds": [(k, v) for k, v in OBSERVATION_KIND_LABELS.items()],
        "departments": list(Department.objects.filter(region=region).order_by("order", "id")) if region else [],
        "windows": list(Window.objects.filter(region=region, is_active=True).order_by("number")) if region else [],
        "form": request.POST}
    if request.method != "POST":
        return render(request, "assessment/observe.html", context)

    def number_or_none(name: str) -> int | None:
        text = request.POST.get(name, "").strip()
        return int(text) if text.isdigit() else None

    try:
        observation = svc.observation_file(number=request.POST.get("number", ""), code=request.POST.get("code", ""),
                                           kind=request.POST.get("kind", ""), content=request.POST.get("content", ""),
                                           department_id=number_or_none("department"),
                                           window_id=number_or_none("window"))
    except DomainError as exc:
        return render(request, "assessment/observe.html", {**context, "error": exc}, status=exc.status)
    return render(request, "assessment/observe.html", {**context, "form": {}, "filed": observation})

