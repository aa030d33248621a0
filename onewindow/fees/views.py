"""The fee pages: the case's bills and the issue form, a bill with its actions, the cashier, the
finance officer's reconciliation, the ledgers; and the public side — the applicant's payment page
and the shipped local provider's checkout page."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.cases.selectors import case_for
from onewindow.core.errors import DomainError, NotFound
from onewindow.core.timesource import local_date
from onewindow.organization.models import Staff
from onewindow.organization.permissions import region_q, staff_of

from . import ledgers, reconciliation, services
from .callbacks import local_charge
from .models import Bill, LocalCharge, Mismatch, Payment, Reconciliation
from .money import parse_yuan, yuan
from .permissions import FeeAction, fee_can
from .providers import provider
from .render import notice_pdf
from .rules import BILL_STATE_LABELS, WAIVERS, BillState
from .selectors import bills_of_case, reconciliation_for, schedule_of
from .statements import bank_profiles


def _staff(request: HttpRequest) -> Staff:
    staff = staff_of(request.user)
    if staff is None:
        raise Http404("not staff")
    return staff


def _visible_bills(staff: Staff):
    # Region and department, as every case record: a chief representative sees their own department's bills.
    return Bill.objects.filter(region_q(staff, department_field="department")).select_related(
        "case", "department", "item_version")


def _bill_or_404(staff: Staff, bill_id: int) -> Bill:
    bill = _visible_bills(staff).filter(pk=bill_id).first()
    if bill is None:
        raise Http404("bill")
    return bill


def pay_url(request: HttpRequest, bill: Bill) -> str:
    return request.build_absolute_uri(reverse("fees:pay", args=[bill.payment_code]))


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Bills of the regions the staff member reaches: a summary by state first, then the list."""
    staff = _staff(request)
    bills = _visible_bills(staff)
    state = request.GET.get("state", "")
    summary = {row["state"]: row for row in bills.values("state").annotate(n=Count("id"), fen=Sum("total_fen"))}
    if state in BILL_STATE_LABELS:
        bills = bills.filter(state=state)
    page = Paginator(bills.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "fees/home.html", {
        "summary": [(s.value, label, summary.get(s.value, {}).get("n", 0), yuan(summary.get(s.value, {}).get("fen") or 0))
                    for s, label in BILL_STATE_LABELS.items()],
        "page": page, "state": state, "state_label": BILL_STATE_LABELS.get(BillState(state)) if state in BILL_STATE_LABELS else "",
        "may_reconcile": any(fee_can(staff, FeeAction.RECONCILE, region=r) for r in _regions(staff)),
        "today": local_date(),
    })


def _regions(staff: Staff) -> list:
    """The regions of the staff member's postings (where a finance officer may reconcile)."""
    return list({p.region_id: p.region for p in staff.postings.select_related("region")}.values())


def _lines_from(request: HttpRequest, schedule) -> list[dict]:
    lines = []
    for s in schedule:
        if request.POST.get(f"fee-{s.fee_item_id}"):
            lines.append({"fee_item": s.fee_item_id, "quantity": request.POST.get(f"quantity-{s.fee_item_id}") or "1",
                          "waiver": request.POST.get(f"waiver-{s.fee_item_id}", "")})
    return lines


@require_http_methods(["GET", "POST"])
@login_required
def case_bills(request: HttpRequest, number: str) -> HttpResponse:
    """A case's bills, and the form that computes a new one from the item's fee schedule."""
    staff = _staff(request)
    try:
        case = case_for(staff, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    schedule = schedule_of(case.item_version_id)
    error = None
    if request.method == "POST":
        try:
            bill = services.bill_draft(case_id=case.pk, lines=_lines_from(request, schedule), actor=staff)
            return redirect("fees:bill", bill.pk)
        except DomainError as exc:
            error = exc
    return render(request, "fees/case.html", {
        "case": case, "schedule": schedule, "bills": bills_of_case(case.pk), "waivers": WAIVERS.values(),
        "error": error, "may_issue": fee_can(staff, FeeAction.BILL_ISSUE, region=case.region,
                                             department=case.department)}, status=400 if error else 200)


@require_GET
@login_required
def bill(request: HttpRequest, bill_id: int) -> HttpResponse:
    staff = _staff(request)
    return _render_bill(request, staff, _bill_or_404(staff, bill_id))


def _render_bill(request: HttpRequest, staff: Staff, found: Bill, error: DomainError | None = None) -> HttpResponse:
    may = {a.value.split(".")[1]: fee_can(staff, a, region=found.region, department=found.department) for a in FeeAction}
    return render(request, "fees/bill.html", {
        "bill": found, "lines": found.lines.all(), "events": found.events.order_by("seq"),
        "payment": Payment.objects.filter(bill=found).first(), "refunds": found.refunds.order_by("requested_at"),
        "corrections": found.corrections.all(), "may": may, "error": error, "yuan": yuan,
        "schedule": schedule_of(found.item_version_id) if found.state == BillState.ISSUED else [],
        "waivers": WAIVERS.values(), "pay_url": pay_url(request, found), "me": staff,
    }, status=400 if error else 200)


def _fen(request: HttpRequest, name: str = "amount") -> int:
    try:
        return parse_yuan(request.POST.get(name, ""))
    except ValueError as exc:
        raise DomainError("fees.amount_invalid", str(exc), field=name) from None


@require_POST
@login_required
def bill_act(request: HttpRequest, bill_id: int, action: str) -> HttpResponse:
    """One action on a bill: confirm, cancel, collect, correct, refund, refund decision."""
    staff = _staff(request)
    found = _bill_or_404(staff, bill_id)
    post = request.POST
    try:
        if action == "confirm":
            services.bill_confirm(bill_id=found.pk, actor=staff, expected_version=int(post.get("version") or 0) or None)
        elif action == "cancel":
            services.bill_cancel(bill_id=found.pk, reason=post.get("reason", ""), actor=staff)
        elif action == "collect":
            services.cashier_collect(bill_id=found.pk, channel=post.get("channel", ""), amount_fen=_fen(request),
                                     actor=staff)
        elif action == "correct":
            new = services.bill_correct(bill_id=found.pk, lines=_lines_from(request, schedule_of(found.item_version_id)),
                                        reason=post.get("reason", ""), actor=staff)
            return redirect("fees:bill", new.pk)
        elif action == "refund":
            services.refund_request(bill_id=found.pk, amount_fen=_fen(request), reason=post.get("reason", ""),
                                    actor=staff)
        elif action in ("refund-approve", "refund-reject"):
            services.refund_decide(refund_id=int(post.get("refund") or 0), approve=action == "refund-approve",
                                   note=post.get("note", ""), actor=staff)
        else:
            raise Http404("unknown action")
    except DomainError as exc:
        return _render_bill(request, staff, Bill.objects.get(pk=found.pk), exc)
    return redirect("fees:bill", found.pk)


@require_GET
@login_required
def bill_pdf(request: HttpRequest, bill_id: int) -> HttpResponse:
    staff = _staff(request)
    found = _bill_or_404(staff, bill_id)
    return _pdf(found, pay_url(request, found))


def _pdf(found: Bill, url: str) -> HttpResponse:
    if found.state == BillState.DRAFT:
        raise Http404("draft")
    response = HttpResponse(notice_pdf(found, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.number}.pdf"'
    return response


@require_GET
@login_required
def cashier(request: HttpRequest) -> HttpResponse:
    """收费窗口: find a bill by its payment code (or number), then collect on its page."""
    staff = _staff(request)
    code = request.GET.get("code", "").strip()
    found = None
    if code:
        found = _visible_bills(staff).filter(payment_code=code).first() or \
            _visible_bills(staff).filter(number=code).first()
        if found is not None:
            return redirect("fees:bill", found.pk)
    waiting = _visible_bills(staff).filter(state=BillState.ISSUED).order_by("issued_at")[:50]
    return render(request, "fees/cashier.html", {"code": code, "not_found": bool(code), "waiting": waiting})


# -- reconciliation ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def reconciliations(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    regions = [r for r in _regions(staff) if fee_can(staff, FeeAction.RECONCILE, region=r)]
    error = None
    if request.method == "POST":
        upload = request.FILES.get("statement")
        try:
            if upload is None:
                raise DomainError("statement.file_required", "请选择银行流水文件", field="statement")
            if not regions:
                raise DomainError("forbidden.fees.reconcile", "您没有日终对账的权限", field="region")
            try:
                day = date.fromisoformat(request.POST.get("day", ""))
            except ValueError:
                raise DomainError("statement.day_invalid", "对账日期格式应为 YYYY-MM-DD", field="day") from None
            rec = reconciliation.reconciliation_import(
                region_id=regions[0].pk, day=day, bank=request.POST.get("bank", ""), file_name=upload.name,
                data=upload.read(), actor=staff)
            return redirect("fees:reconciliation", rec.day.isoformat())
        except DomainError as exc:
            error = exc
    days = Reconciliation.objects.filter(region__in=regions).order_by("-day")[:60]
    return render(request, "fees/reconciliations.html", {"days": days, "error": error, "banks": bank_profiles(),
                                                         "today": local_date(), "may": bool(regions)},
                  status=400 if error else 200)


def _reconciliation_or_404(staff: Staff, day: str) -> Reconciliation:
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Http404("day") from None
    found = reconciliation_for(staff, when)
    if found is None:
        raise Http404("reconciliation")
    return found


@require_http_methods(["GET", "POST"])
@login_required
def reconciliation_day(request: HttpRequest, day: str) -> HttpResponse:
    staff = _staff(request)
    rec = _reconciliation_or_404(staff, day)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                reconciliation.reconciliation_close(reconciliation_id=rec.pk, actor=staff)
            else:
                reconciliation.mismatch_resolve(mismatch_id=int(request.POST.get("mismatch") or 0),
                                                reason=request.POST.get("reason", ""), actor=staff)
            return redirect("fees:reconciliation", day)
        except DomainError as exc:
            error = exc
            rec.refresh_from_db()
    mismatches = Mismatch.objects.filter(reconciliation=rec).order_by("id")
    return render(request, "fees/reconciliation.html", {
        "rec": rec, "mismatches": mismatches, "rows": rec.rows.order_by("line"), "error": error, "yuan": yuan,
        "open": mismatches.filter(resolved_at__isnull=True).count(),
    }, status=400 if error else 200)


@require_GET
@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    """Fee ledger by department and item (Excel): ``period=day`` (``date``) or ``period=month`` (``month``)."""
    staff = _staff(request)
    period = request.GET.get("period", "day")
    try:
        if period == "month":
            year, month = (int(x) for x in request.GET.get("month", local_date().strftime("%Y-%m")).split("-"))
            data, name = ledgers.monthly_xlsx(staff, year, month), f"收费月报-{year}-{month:02d}.xlsx"
        else:
            day = date.fromisoformat(request.GET.get("date") or local_date().isoformat())
            data, name = ledgers.daily_xlsx(staff, day), f"收费日报-{day.isoformat()}.xlsx"
    except ValueError:
        raise Http404("period") from None
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# -- public: the applicant's payment page and the local provider ---------------------------------


def _public_bill(code: str) -> Bill:
    found = Bill.objects.select_related("case", "department", "item_version", "region").filter(
        payment_code=code).exclude(state=BillState.DRAFT).first()
    if found is None:
        raise Http404("bill")
    return found


@require_GET
def pay(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant's payment page (the notice's QR code and the SMS lead here): the bill, its
    PDF, and the online payment button."""
    found = _public_bill(code)
    local = provider("local")
    return render(request, "fees/pay.html", {"bill": found, "lines": found.lines.all(), "yuan": yuan,
                                             "checkout": local.checkout_url(found) if local else ""})


@require_GET
def pay_pdf(request: HttpRequest, code: str) -> HttpResponse:
    found = _public_bill(code)
    return _pdf(found, pay_url(request, found))


@require_http_methods(["GET", "POST"])
def local_pay(request: HttpRequest, code: str) -> HttpResponse:
    """The shipped local provider's checkout: "pays" the bill on the provider's side, then its signed
    callback reaches ``POST /api/v1/payments/callback/local`` over HTTP (and is retried until answered)."""
    found = _public_bill(code)
    charge = LocalCharge.objects.filter(payment_code=code).first()
    error = None
    if request.method == "POST" and charge is None:
        try:
            charge = local_charge(payment_code=code,
                                  callback_url=request.build_absolute_uri("/api/v1/payments/callback/local"))
            charge.refresh_from_db()  # the callback went out after the commit: did the center answer?
        except DomainError as exc:
            error = exc
    return render(request, "fees/local_pay.html", {"bill": found, "charge": charge, "yuan": yuan, "error": error})
