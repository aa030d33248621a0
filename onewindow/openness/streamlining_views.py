"""Staff pages of catalog governance: the streamlining report (精简报告: items merged, cancelled and
delegated over a period — summary first, filters, pages, Excel export) and the drafts awaiting
their legal review (法制办审核), with the review and publish forms."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.catalog import review_selectors as rsel
from onewindow.catalog import review_services as rsvc
from onewindow.catalog.models import CatalogChange, LegalReview, ServiceItem
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.organization.models import Department, Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import can

from .publication_views import staff_regions
from .views import _staff_view

PAGE_SIZE = 50


def _day(value: str, name: str, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"streamlining.{name}_invalid", f"{label}格式应为 YYYY-MM-DD", field=name) from None


def _may_read(staff: Staff) -> None:
    if not (can(staff, Perm.SUPERVISION_VIEW, region=staff.region) or can(staff, Perm.CATALOG_EDIT,
                                                                           region=staff.region)):
        raise PermissionDenied("事项精简报告仅限中心管理员和电子监察员查看", code="forbidden.catalog.report")


def _report(request: HttpRequest, staff: Staff) -> tuple[dict[str, str], list[CatalogChange], DomainError | None,
                                                         date | None, date | None]:
    _may_read(staff)
    filters = {name: request.GET.get(name, "").strip()[:40] for name in ("start", "end", "kind", "department", "q")}
    error = None
    start = end = None
    try:
        start = _day(filters["start"], "start", "起始日期")
        end = _day(filters["end"], "end", "截止日期")
        if start and end and start > end:
            raise DomainError("streamlining.period_invalid", "起始日期不能晚于截止日期", field="start")
    except DomainError as exc:
        error, start, end = exc, None, None
    department = int(filters["department"]) if filters["department"].isdigit() else None
    rows = list(rsel.filter_changes(rsel.changes_for(staff), start=start, end=end, kind=filters["kind"],
                                    department=department, q=filters["q"]))
    return filters, rows, error, start, end


@_staff_view
def staff_streamlining(request: HttpRequest, staff: Staff) -> HttpResponse:
    """精简报告: counts by kind and department for the period first, then the changes, 50 a page."""
    filters, rows, error, _start, _end = _report(request, staff)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    departments = Department.objects.filter(region__has_center=True, region__in=staff_regions(staff)).order_by(
        "region__code", "order")
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "openness/staff_streamlining.html", {
        "summary": rsel.summarize(rows), "page": page, "filters": filters, "query": query, "error": error,
        "kinds": rsel.KIND_LABELS.items(), "kind_labels": rsel.KIND_LABELS, "item_types": rsel.ITEM_TYPES,
        "departments": departments, "targets": {c.pk: rsel.target_of(c) for c in page},
        "may_record": can(staff, Perm.CATALOG_EDIT, region=staff.region)},
        status=400 if error else 200)


@require_POST
@_staff_view
def staff_streamlining_record(request: HttpRequest, staff: Staff) -> HttpResponse:
    """登记精简: cancel, merge or delegate an item of the list (``catalog.edit``), by its
    implementation code, with the effective date and the basis document."""
    if not can(staff, Perm.CATALOG_EDIT, region=staff.region):
        raise PermissionDenied("登记事项精简仅限中心管理员", code="forbidden.catalog.edit")
    code = request.POST.get("implementation_code", "").strip()[:64]
    item = ServiceItem.objects.filter(implementation_code=code).first() if code else None
    try:
        if item is None:
            raise DomainError("catalog.item_required", "请填写在用事项的实施编码", field="implementation_code")
        effective_on = _day(request.POST.get("effective_on", "").strip()[:10], "effective_on", "生效日期")
        if effective_on is None:
            raise DomainError("streamlining.effective_on_required", "请填写生效日期", field="effective_on")
        target_code = request.POST.get("merged_into", "").strip()[:64]
        target = ServiceItem.objects.filter(implementation_code=target_code).first() if target_code else None
        rsvc.item_record_change(item_id=item.pk, actor=staff, kind=request.POST.get("kind", ""),
                                effective_on=effective_on, basis=request.POST.get("basis", ""),
                                note=request.POST.get("note", ""), merged_into_id=target.pk if target else None,
                                delegated_to_code=request.POST.get("delegated_to", "").strip()[:12] or None)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied | NotFound):
            raise
        messages.error(request, f"{exc.message}（{exc.code}，{exc.field}）")
        return redirect("openness:staff_streamlining")
    messages.success(request, "已登记事项精简")
    return redirect("openness:staff_streamlining")


@_staff_view
def staff_streamlining_export(request: HttpRequest, staff: Staff) -> HttpResponse:
    """The same report as an Excel workbook (summary sheet, detail sheet)."""
    filters, rows, error, start, end = _report(request, staff)
    if error is not None:
        return render(request, "openness/error.html", {"message": error.message}, status=400)
    response = HttpResponse(rsel.export_workbook(rows, start=start, end=end),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="streamlining.xlsx"'
    return response


@_staff_view
def staff_catalog_reviews(request: HttpRequest, staff: Staff) -> HttpResponse:
    """法制审核: the drafts in reach, pending first, each with its review or publish form."""
    _may_read(staff)
    status = request.GET.get("status", "").strip()[:20]
    qs = rsel.reviews_for(staff)
    counts = {s.value: qs.filter(status=s.value).count() for s in LegalReview.Status}
    if status in counts:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "openness/staff_catalog_reviews.html", {
        "page": page, "counts": counts, "status": status, "statuses": LegalReview.Status.choices,
        "matches": {r.pk: rsvc.unacknowledged_cancelled(r.version, []) for r in page},
        "may_review": can(staff, Perm.CATALOG_LEGAL_REVIEW, region=staff.region)})


def _draft_in_reach(staff: Staff, pk: int) -> LegalReview:
    review = rsel.reviews_for(staff).filter(version_id=pk).first()
    if review is None:
        raise NotFound("未找到该草稿", code="version.not_found")
    return review


@require_POST
@_staff_view
def staff_catalog_review(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """Record the legal review of draft ``pk`` (approve or reject, opinion, acknowledged items)."""
    _draft_in_reach(staff, pk)
    decision = request.POST.get("decision", "")
    acknowledged = [int(v) for v in request.POST.getlist("acknowledged") if v.isdigit()]
    try:
        if decision not in ("approve", "reject"):
            raise DomainError("catalog.decision_invalid", "请选择审核通过或不通过", field="decision")
        rsvc.version_review(version_id=pk, actor=staff, approve=decision == "approve",
                            opinion=request.POST.get("opinion", ""), acknowledged_item_ids=acknowledged)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, f"{exc.message}（{exc.code}）")
        return redirect("openness:staff_catalog_reviews")
    messages.success(request, "已记录法制审核意见")
    return redirect("openness:staff_catalog_reviews")


@require_POST
@_staff_view
def staff_catalog_publish(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """Publish draft ``pk``: refused with the rule's message unless its legal review approved it."""
    _draft_in_reach(staff, pk)
    try:
        version: Any = rsvc.version_publish(version_id=pk, actor=staff)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, f"{exc.message}（{exc.code}）")
        return redirect("openness:staff_catalog_reviews")
    messages.success(request, f"已发布“{version.name}”第{version.version}版")
    return redirect("openness:staff_catalog_reviews")
