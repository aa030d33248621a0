"""Pages of the power list: public list and power page (with its flow chart and discretion
standards), the staff import/export page and the discretion calculator."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from onewindow.core.errors import DomainError
from onewindow.organization.models import Department, Region, Staff
from onewindow.portal.ratelimit import rate_limited

from . import power_selectors as sel
from .power_rules import CATEGORY_LABELS, POWER_TYPE_LABELS, Category, PowerType
from .power_services import ImportRejected, power_list_export, power_list_import
from .views import _staff_view

PAGE_SIZE = 50


def _labels(power) -> dict:
    return {"type_label": POWER_TYPE_LABELS[PowerType(power.power_type)]}


@rate_limited("openness.powers")
def public_powers(request: HttpRequest) -> HttpResponse:
    """权力清单: the versions in force, filtered by department, type and text."""
    dept = request.GET.get("department", "")
    kind = request.GET.get("type", "")
    q = request.GET.get("q", "").strip()[:100]
    try:
        found = sel.powers_in_force(department_id=int(dept) if dept.isdigit() else None, power_type=kind, q=q)
    except DomainError as exc:
        return render(request, "openness/error.html", {"message": exc.message}, status=400)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(p, POWER_TYPE_LABELS[PowerType(p.power_type)]) for p in page.object_list]
    departments = Department.objects.filter(id__in=found.values("department_id")).order_by("order", "id")
    return render(request, "openness/powers.html", {
        "page": page, "rows": rows, "types": POWER_TYPE_LABELS.items(), "departments": departments,
        "dept": dept, "kind": kind, "q": q, "count": found.count()})


@rate_limited("openness.powers")
def public_power(request: HttpRequest, code: str) -> HttpResponse:
    try:
        power = sel.power_in_force(code)
    except DomainError as exc:
        return render(request, "openness/error.html", {"message": exc.message}, status=exc.status)
    standards = [(s, CATEGORY_LABELS[Category(s.category)]) for s in power.standards.all()]
    return render(request, "openness/power.html", {
        "power": power, **_labels(power), "standards": standards, "items": sel.linked_items(power),
        # flow_svg escapes every text it draws: the markup is ours.
        "flow": mark_safe(sel.flow_chart(power))})


@_staff_view
def staff_powers(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Import a new version (with its effective date) or export one."""
    context: dict = {"versions": sel.versions_for(staff).order_by("region__code", "-version")[:50],
                     "regions": Region.objects.filter(has_center=True).order_by("code")}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("powers.file_required", "请选择要导入的 Excel 文件", field="file")
            try:
                effective = date.fromisoformat(request.POST.get("effective_from", ""))
            except ValueError:
                raise DomainError("powers.effective_from_invalid", "生效日期格式应为 YYYY-MM-DD",
                                  field="effective_from") from None
            region_id = int(request.POST.get("region", "0") or 0)
            version = power_list_import(region_id=region_id, data=upload.read(), effective_from=effective,
                                        actor=staff, note=request.POST.get("note", ""))
        except ImportRejected as exc:
            return render(request, "openness/staff_powers.html", context | {"error": exc, "problems": exc.problems},
                          status=400)
        except DomainError as exc:
            return render(request, "openness/staff_powers.html", context | {"error": exc}, status=exc.status)
        messages.success(request, f"已导入权力清单第 {version.version} 版，{version.effective_from} 起施行")
        return redirect("openness:staff_powers")
    return render(request, "openness/staff_powers.html", context)


@_staff_view
def staff_powers_export(request: HttpRequest, staff: Staff, version_id: int) -> HttpResponse:
    version = sel.versions_for(staff).filter(pk=version_id).first()
    if version is None:
        return render(request, "openness/error.html", {"message": "清单版本不存在"}, status=404)
    response = HttpResponse(power_list_export(version),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="powers-{version.region.code}-v{version.version}.xlsx"'
    return response


@_staff_view
def staff_calculator(request: HttpRequest, staff: Staff, code: str) -> HttpResponse:
    """裁量计算器: the allowed range for the situations chosen."""
    power = sel.power_in_force(code)
    chosen = [int(v) for v in request.GET.getlist("situation") if v.isdigit()]
    result = None
    error = None
    if "calc" in request.GET:
        try:
            result = sel.calculate(power, chosen)
        except DomainError as exc:
            error = exc
    standards = [(s, CATEGORY_LABELS[Category(s.category)]) for s in power.standards.all()]
    return render(request, "openness/calculator.html", {"power": power, "standards": standards, "chosen": chosen,
                                                        "result": result, "error": error},
                  status=400 if error else 200)
