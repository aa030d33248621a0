"""Pages of enforcement made public: the public list of certified officers (持证上岗公示) and the
staff registers of officers, inspections and major penalty filings — each a summary first, then
filters and pages, and the form that adds to it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.core.errors import DomainError, NotFound
from onewindow.core.identity import mask_id
from onewindow.core.timesource import local_date
from onewindow.organization.models import Department, Staff
from onewindow.portal.ratelimit import rate_limited

from . import enforcement_selectors as sel
from . import enforcement_services as es
from .enforcement_rules import (
    CERTIFICATE_LABELS,
    FILING_STATUS_LABELS,
    PARTY_LABELS,
    PENALTY_LABELS,
    RESULT_LABELS,
)
from .models import EnforcementOfficer
from .views import _staff_view

PAGE_SIZE = 50


def _int(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() else 0


def _day(value: str | None, field: str, label: str, *, required: bool = True) -> date | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise DomainError(f"enforcement.{field}_required", f"请填写{label}", field=field)
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"enforcement.{field}_invalid", f"{label}格式应为 YYYY-MM-DD", field=field) from None


def _filters(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:40] for name in names}


def _year(value: str) -> int | None:
    year = _int(value)
    return year if 2000 <= year <= 2100 else None


def _departments(staff: Staff) -> Any:
    regions = list(staff.postings.values_list("region_id", flat=True).distinct()) or [staff.region_id]
    return Department.objects.filter(region__in=regions).order_by("region__code", "order")


# -- public --------------------------------------------------------------------------------------------------


@rate_limited("openness.enforcement")
def public_officers(request: HttpRequest) -> HttpResponse:
    """行政执法人员公示: who may enforce, with their certificate numbers (a citizen checks the officer in
    front of them); nothing personal but the name."""
    filters = {name: request.GET.get(name, "").strip()[:40] for name in ("q", "department")}
    qs = sel.public_officers(q=filters["q"], department=filters["department"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    departments = Department.objects.filter(id__in=sel.public_officers().values("department_id")).order_by(
        "region__code", "order")
    return render(request, "openness/officers.html", {
        "page": page, "filters": filters, "query": urlencode({k: v for k, v in filters.items() if v}),
        "departments": departments, "total": page.paginator.count, "kinds": CERTIFICATE_LABELS})


# -- staff: officers -----------------------------------------------------------------------------------------

_OFFICER_FIELDS = ("department", "name", "id_number", "certificate_kind", "certificate_number", "area", "issued_on",
                   "valid_until")


def _officer_context(request: HttpRequest, staff: Staff) -> dict[str, Any]:
    today = local_date()
    filters = _filters(request, ("status", "department", "q"))
    mine = sel.officers_for(staff)
    qs = sel.filter_officers(mine, status=filters["status"], department=_int(filters["department"]) or None,
                             q=filters["q"], today=today)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(o, mask_id(o.id_number), sel.OFFICER_STATUS_LABELS[sel.officer_status(o, today)]) for o in page]
    summary = sel.officer_summary(mine, today)
    context: dict[str, Any] = {
        "rows": rows, "page": page, "filters": filters, "query": urlencode({k: v for k, v in filters.items() if v}),
        "summary": [(label, key, summary[key]) for key, label in sel.OFFICER_STATUS_LABELS.items()],
        "departments": _departments(staff), "kinds": CERTIFICATE_LABELS.items(), "values": {}}
    return context


@_staff_view
def staff_officers(request: HttpRequest, staff: Staff) -> HttpResponse:
    """执法人员管理: the summary (valid, expired, revoked), filters, pages, and the registration form."""
    today = local_date()
    context = _officer_context(request, staff)
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in _OFFICER_FIELDS}
        try:
            officer = es.officer_register(
                department_id=_int(values["department"]), name=values["name"], id_number=values["id_number"],
                certificate_kind=values["certificate_kind"] or "enforcement",
                certificate_number=values["certificate_number"], area=values["area"],
                issued_on=_day(values["issued_on"], "issued_on", "发证日期") or today,
                valid_until=_day(values["valid_until"], "valid_until", "有效期至") or today, actor=staff)
        except DomainError as exc:
            if exc.status == 404 and exc.code != "department.not_found":
                raise
            context["values"] = values | {"id_number": ""}  # a personal number is not echoed back
            return render(request, "openness/staff_officers.html", context | {"error": exc}, status=exc.status)
        messages.success(request, f"已登记执法人员 {officer.name}（{officer.certificate_number}）")
        return redirect("openness:staff_officers")
    return render(request, "openness/staff_officers.html", context)


@require_POST
@_staff_view
def staff_officer_revoke(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    officer: EnforcementOfficer | None = sel.officers_for(staff).filter(pk=pk).first()
    if officer is None:
        raise NotFound("执法人员不存在", code="enforcement.officer_not_found")
    try:
        es.officer_revoke(officer_id=officer.pk, reason=request.POST.get("reason", ""), actor=staff)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return render(request, "openness/staff_officers.html", _officer_context(request, staff) | {"error": exc},
                      status=exc.status)
    messages.success(request, f"已注销执法证 {officer.certificate_number}")
    return redirect("openness:staff_officers")


# -- staff: inspections ---------------------------------------------------------------------------------------

_INSPECTION_FIELDS = ("department", "inspected_on", "party_kind", "party_name", "place", "basis", "matters", "result",
                      "result_note")


@_staff_view
def staff_inspections(request: HttpRequest, staff: Staff) -> HttpResponse:
    """行政检查登记: counts by result first, then filters, pages, and the form to record one."""
    filters = _filters(request, ("result", "department", "year", "q"))
    mine = sel.inspections_for(staff)
    qs = sel.filter_inspections(mine, result=filters["result"], department=_int(filters["department"]) or None,
                                year=_year(filters["year"]), q=filters["q"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    summary = sel.inspection_summary(qs)
    context: dict[str, Any] = {
        "page": page, "filters": filters, "query": urlencode({k: v for k, v in filters.items() if v}),
        "summary": summary, "results": RESULT_LABELS.items(), "parties": PARTY_LABELS.items(),
        "result_labels": {k.value: v for k, v in RESULT_LABELS.items()}, "departments": _departments(staff),
        "officers": sel.officers_for(staff).filter(state="active", valid_until__gte=local_date()), "values": {},
        "chosen": []}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in _INSPECTION_FIELDS}
        chosen = [_int(v) for v in request.POST.getlist("officers")]
        try:
            inspection = es.inspection_record(
                department_id=_int(values["department"]),
                inspected_on=_day(values["inspected_on"], "inspected_on", "检查日期") or local_date(),
                party_kind=values["party_kind"], party_name=values["party_name"], place=values["place"],
                basis=values["basis"], matters=values["matters"], result=values["result"],
                result_note=values["result_note"], officer_ids=chosen,
                random_draw=request.POST.get("random_draw") == "1", actor=staff)
        except DomainError as exc:
            if exc.status == 404 and exc.code != "department.not_found":
                raise
            return render(request, "openness/staff_inspections.html",
                          context | {"error": exc, "values": values, "chosen": chosen}, status=exc.status)
        messages.success(request, f"已登记行政检查 {inspection.number}")
        return redirect("openness:staff_inspections")
    return render(request, "openness/staff_inspections.html", context)


# -- staff: major penalties -----------------------------------------------------------------------------------

_PENALTY_FIELDS = ("department", "decision_number", "party_kind", "party_name", "violation", "amount", "decided_on",
                   "legal_review_on")


def _amount(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise DomainError("enforcement.amount_invalid", "罚没金额须为金额（元）", field="amount") from None


def _penalty_context(request: HttpRequest, staff: Staff) -> dict[str, Any]:
    filters = _filters(request, ("status", "department", "year"))
    counts, rows = sel.penalty_rows(sel.penalties_for(staff),
                                    status=filters["status"] if filters["status"] in FILING_STATUS_LABELS else "",
                                    department=_int(filters["department"]) or None, year=_year(filters["year"]))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page, "filters": filters, "query": urlencode({k: v for k, v in filters.items() if v}),
        "counts": counts, "statuses": FILING_STATUS_LABELS.items(), "kinds": PENALTY_LABELS.items(),
        "kind_labels": {k.value: v for k, v in PENALTY_LABELS.items()}, "parties": PARTY_LABELS.items(),
        "departments": _departments(staff), "filing_days": es.filing_days(), "today": local_date(), "values": {}}
    return context


@_staff_view
def staff_penalties(request: HttpRequest, staff: Staff) -> HttpResponse:
    """重大行政处罚备案: counts by filing status first (overdue ones are supervision warnings), filters,
    pages, the form to record a decision and each pending one's filing."""
    context = _penalty_context(request, staff)
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in _PENALTY_FIELDS}
        try:
            penalty = es.penalty_record(
                department_id=_int(values["department"]), decision_number=values["decision_number"],
                party_kind=values["party_kind"], party_name=values["party_name"], violation=values["violation"],
                penalty_kinds=request.POST.getlist("penalty_kinds"), amount=_amount(values["amount"]),
                decided_on=_day(values["decided_on"], "decided_on", "决定日期") or local_date(),
                legal_review_on=_day(values["legal_review_on"], "legal_review_on", "法制审核日期") or local_date(),
                actor=staff)
        except DomainError as exc:
            if exc.status == 404 and exc.code != "department.not_found":
                raise
            return render(request, "openness/staff_penalties.html", context | {"error": exc, "values": values},
                          status=exc.status)
        messages.success(request, f"已登记 {penalty.decision_number}，请于 {penalty.filing_due:%Y-%m-%d} 前报送备案")
        return redirect("openness:staff_penalties")
    return render(request, "openness/staff_penalties.html", context)


@require_POST
@_staff_view
def staff_penalty_file(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    penalty = sel.penalties_for(staff).filter(pk=pk).first()
    if penalty is None:
        raise NotFound("重大行政处罚备案不存在", code="enforcement.penalty_not_found")
    try:
        es.penalty_file(penalty_id=penalty.pk, filed_with=request.POST.get("filed_with", ""),
                        filed_on=_day(request.POST.get("filed_on"), "filed_on", "备案日期", required=False),
                        note=request.POST.get("note", ""), actor=staff)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return render(request, "openness/staff_penalties.html", _penalty_context(request, staff) | {"error": exc},
                      status=exc.status)
    messages.success(request, f"已登记 {penalty.decision_number} 的备案")
    return redirect("openness:staff_penalties")
