"""Pages of fund disclosure: public search by village and fund, the kiosk-width village page with
the self-check (name + ID number, rate-limited), disputes, and the staff funds page (new fund,
import, timeliness, disputes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from onewindow.core.errors import DomainError
from onewindow.core.identity import mask_id, mask_name
from onewindow.core.timesource import local_date
from onewindow.organization.models import Department, Staff
from onewindow.portal.ratelimit import (
    RateLimited,
    check,
    client_address,
    parse_rate,
    rate_limited,
    too_many_requests,
)

from . import fund_selectors as sel
from . import publication_selectors
from .fund_services import (
    FundImportRejected,
    dispute_file,
    distributions_import,
    distributions_record_payment,
    fund_create,
)
from .models import FundDispute
from .views import _staff_view

LOOKUP_RATE = "5/m"  # a name and an ID number are guessed only by trying
LOOKUP_SCOPE = "openness.funds.lookup"


def lookup_limited(request: HttpRequest) -> HttpResponse | None:
    """Count one self-check of this client; the 429 answer once over (shared by page and API)."""
    verdict = check(LOOKUP_SCOPE, client_address(request), parse_rate(LOOKUP_RATE))
    return None if verdict.allowed else too_many_requests(request, RateLimited(verdict.retry_after))


@rate_limited("openness.funds")
def public_funds(request: HttpRequest) -> HttpResponse:
    """惠民资金公开: funds, and the entries of a village and/or a fund, masked."""
    village_code = request.GET.get("village", "").strip()[:12]
    fund_code = request.GET.get("fund", "").strip()[:40]
    rows = sel.entries(village_code=village_code, fund_code=fund_code) if (village_code or fund_code) else []
    return render(request, "openness/funds.html", {
        "funds": sel.funds(), "villages": sel.villages(), "village_code": village_code, "fund_code": fund_code,
        "rows": rows[:500], "more": len(rows) > 500})


@rate_limited("openness.funds")
def village_page(request: HttpRequest, code: str) -> HttpResponse:
    """村级查询点: one village's entries and the self-check, laid out for a kiosk screen."""
    try:
        village = sel.village(code)
    except DomainError as exc:
        return render(request, "openness/error.html", {"message": exc.message}, status=exc.status)
    context: dict[str, Any] = {"village": village, "rows": sel.entries(village_code=code), "checked": False,
                               "affairs": publication_selectors.public_publications(village=code)[:20]}
    status = 200
    if request.method == "POST":
        limited = lookup_limited(request)
        if limited is not None:
            return limited
        context["checked"] = True
        context["mine"] = sel.lookup(request.POST.get("name", ""), request.POST.get("id_number", ""))
    return render(request, "openness/village.html", context, status=status)


def public_dispute(request: HttpRequest, entry_id: int) -> HttpResponse:
    """对公示明细提出异议."""
    if request.method == "POST":
        limited = lookup_limited(request)
        if limited is not None:
            return limited
        try:
            dispute = dispute_file(distribution_id=entry_id, reason=request.POST.get("reason", ""),
                                   contact_phone=request.POST.get("contact_phone", ""))
        except DomainError as exc:
            return render(request, "openness/dispute.html", {"entry_id": entry_id, "error": exc}, status=exc.status)
        return render(request, "openness/dispute.html", {"entry_id": entry_id, "done": dispute})
    return render(request, "openness/dispute.html", {"entry_id": entry_id})


@_staff_view
def staff_funds(request: HttpRequest, staff: Staff) -> HttpResponse:
    funds = [(f, sel.fund_timeliness(f)) for f in sel.funds()]
    totals = {k: sum(getattr(t, k) for _f, t in funds) for k in ("on_time", "late", "unpaid", "overdue")}
    context: dict[str, Any] = {"funds": funds, "totals": totals,
                               "disputes": FundDispute.objects.select_related("distribution__fund",
                                                                              "distribution__village")[:50]}
    context["departments"] = Department.objects.filter(region=staff.region).order_by("order", "code")
    if request.method == "POST" and request.POST.get("op") == "create":
        return _fund_create(request, staff, context)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("funds.file_required", "请选择要导入的 Excel 文件", field="file")
            fund_id = int(request.POST.get("fund", "0") or 0)
            batch = distributions_import(fund_id=fund_id, data=upload.read(), actor=staff, file_name=upload.name)
        except FundImportRejected as exc:
            return render(request, "openness/staff_funds.html", context | {"error": exc, "problems": exc.problems},
                          status=400)
        except (DomainError, ValueError) as exc:
            error = exc if isinstance(exc, DomainError) else DomainError("funds.fund_invalid", "请选择资金", field="fund")
            return render(request, "openness/staff_funds.html", context | {"error": error}, status=400)
        messages.success(request, f"已导入 {batch.rows} 条发放明细")
        return redirect("openness:staff_funds")
    return render(request, "openness/staff_funds.html", context)




PAGE_SIZE = 50


def _fund_context(request: HttpRequest, staff: Staff, code: str) -> dict[str, Any]:
    today = local_date()
    fund = sel.fund_for(staff, code)
    filters = {name: request.GET.get(name, "").strip()[:40] for name in ("village", "status")}
    qs = sel.fund_entries(fund, village=filters["village"], status=filters["status"], today=today)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(d, mask_name(d.recipient_name), mask_id(d.id_number), sel.timeliness(d, today), sel.days_late(d, today))
            for d in page]
    summary = sel.fund_summary(fund, today, village=filters["village"])
    return {"fund": fund, "rows": rows, "page": page, "filters": filters, "today": today,
            "query": urlencode({k: v for k, v in filters.items() if v}), "summary": summary,
            "labels": sel.TIMELINESS_LABELS,
            "tiles": [(label, key, summary.counts[key], summary.amounts[key])
                      for key, label in sel.TIMELINESS_LABELS.items()],
            "villages": sel.villages().filter(code__startswith=fund.region.prefix),
            "events": fund.events.order_by("-seq")[:20]}


@_staff_view
def staff_fund(request: HttpRequest, staff: Staff, code: str) -> HttpResponse:
    """一支资金的发放时效: the summary first (on time, late, pending, overdue, with amounts and the late
    rate), the entries filtered by village and timeliness — late ones flagged — and the form that
    records the day the bank paid the selected ones."""
    context = _fund_context(request, staff, code)
    if request.method == "POST":
        try:
            try:
                paid_on = date.fromisoformat(request.POST.get("paid_on", "").strip())
            except ValueError:
                raise DomainError("funds.paid_on_invalid", "发放日期格式应为 YYYY-MM-DD", field="paid_on") from None
            ids = [int(v) for v in request.POST.getlist("entries") if v.strip().isdigit()]
            count = distributions_record_payment(fund_id=context["fund"].pk, distribution_ids=ids, paid_on=paid_on,
                                                 actor=staff)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            return render(request, "openness/staff_fund.html", context | {"error": exc}, status=exc.status)
        messages.success(request, f"已登记 {count} 条发放")
        return redirect(request.get_full_path())
    return render(request, "openness/staff_fund.html", context)


_FUND_FIELDS = ("department", "code", "name", "basis", "standard", "period", "total", "payment_workdays")


def _fund_create(request: HttpRequest, staff: Staff, context: dict[str, Any]) -> HttpResponse:
    """新建资金: the department's special fund, before its distributions are imported."""
    values = {name: request.POST.get(name, "").strip() for name in _FUND_FIELDS}
    try:
        try:
            total = Decimal(values["total"] or "x")
        except InvalidOperation:
            raise DomainError("funds.total_invalid", "资金总额须为金额（元）", field="total") from None
        try:
            workdays = int(values["payment_workdays"] or "10")
            department_id = int(values["department"] or "0")
        except ValueError:
            raise DomainError("funds.payment_workdays_invalid", "发放时限须为 1 至 60 个工作日",
                              field="payment_workdays") from None
        fund = fund_create(department_id=department_id, code=values["code"], name=values["name"],
                           basis=values["basis"], standard=values["standard"], period=values["period"],
                           total=total, payment_workdays=workdays, actor=staff)
    except DomainError as exc:
        return render(request, "openness/staff_funds.html",
                      context | {"create_error": exc, "values": values}, status=exc.status)
    messages.success(request, f"已新建资金“{fund.name}”，可导入发放明细")
    return redirect("openness:staff_funds")
