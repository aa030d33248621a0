"""Fees API: a case's bills (read, issue), the providers' payment callbacks, the daily
reconciliation (upload a bank statement, read a day).

Staff operations use the cases API's authentication (a bearer token or the workbench session) and
accept an ``Idempotency-Key``. The callback is called by a payment provider: its authentication is
the provider's signature over the raw body (HMAC-SHA256 for the shipped ``local`` provider, header
``X-Onewindow-Signature: sha256=<hex>``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.idempotency import run_idempotent
from onewindow.api.schemas import ErrorOut
from onewindow.cases.selectors import case_for
from onewindow.core.errors import NotFound, PermissionDenied

from . import reconciliation as rec_services
from . import services
from .callbacks import callback_receive
from .models import Bill, Mismatch, Reconciliation
from .permissions import FeeAction, fee_can
from .selectors import bills_of_case, reconciliation_for

router = Router(tags=["fees"])


class BillLineOut(Schema):
    fee_item: int
    name: str
    basis: str
    standard: str
    quantity: str
    unit: str
    gross_fen: int
    waiver: str
    waiver_basis: str
    reduction_fen: int
    net_fen: int


class BillOut(Schema):
    number: str
    payment_code: str
    case_number: str
    state: str
    gross_fen: int
    reduction_fen: int
    total_fen: int
    corrects: str | None
    issued_at: str | None
    paid_at: str | None
    version: int
    lines: list[BillLineOut]


class LineIn(Schema):
    fee_item: int
    quantity: str = "1"
    waiver: str = ""


class BillIn(Schema):
    lines: list[LineIn]
    confirm: bool = True  # issue at once (the caller confirms what it computed); False leaves a draft


class CallbackOut(Schema):
    outcome: str
    bill_number: str


class MismatchOut(Schema):
    id: int
    kind: str
    payment_code: str
    line: int | None
    expected_fen: int | None
    actual_fen: int | None
    resolved: bool
    resolution: str


class ReconciliationOut(Schema):
    day: date
    region: str
    bank: str
    state: str
    rows: int
    matched: int
    statement_total_fen: int
    mismatches: list[MismatchOut]


def bill_out(bill: Bill) -> dict[str, Any]:
    return {
        "number": bill.number, "payment_code": bill.payment_code, "case_number": bill.case.number,
        "state": bill.state, "gross_fen": bill.gross_fen, "reduction_fen": bill.reduction_fen,
        "total_fen": bill.total_fen, "corrects": bill.corrects.number if bill.corrects_id else None,
        "issued_at": bill.issued_at.isoformat() if bill.issued_at else None,
        "paid_at": bill.paid_at.isoformat() if bill.paid_at else None, "version": bill.version,
        "lines": [{"fee_item": ln.fee_item_id, "name": ln.name, "basis": ln.basis, "standard": ln.standard,
                   "quantity": str(ln.quantity), "unit": ln.unit, "gross_fen": ln.gross_fen, "waiver": ln.waiver,
                   "waiver_basis": ln.waiver_basis, "reduction_fen": ln.reduction_fen, "net_fen": ln.net_fen}
                  for ln in bill.lines.all()],
    }


@router.get("/cases/{number}/bills", auth=staff_auth, response={200: list[BillOut], 404: ErrorOut},
            summary="The bills of a case")
def case_bills(request: HttpRequest, number: str) -> Any:
    staff = request_staff(request)
    case = case_for(staff, number)
    return Status(200, [bill_out(b) for b in bills_of_case(case.pk)])


@router.post("/cases/{number}/bills", auth=staff_auth,
             response={201: BillOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Issue a bill from the item's fee schedule",
             description="Lines name fee items of the case's item version (a fee off the schedule: 400 "
                         "`fees.off_schedule`); `quantity` for per-unit and tiered fees; `waiver` a reduction "
                         "category (small_micro, dibao, disabled) on a waivable fee. Refused before the item's "
                         "billing point (`fees.before_billing_point`) or while another bill is live (`fees.bill_exists`).")
def issue_bill(request: HttpRequest, number: str, payload: BillIn) -> Any:
    staff = request_staff(request)
    case = case_for(staff, number)

    def work() -> tuple[int, Any]:
        bill = services.bill_draft(case_id=case.pk, lines=[ln.dict() for ln in payload.lines], actor=staff)
        if payload.confirm:
            bill = services.bill_confirm(bill_id=bill.pk, actor=staff)
        return 201, bill_out(Bill.objects.get(pk=bill.pk))

    return run_idempotent(request, work)


@router.post("/payments/callback/{provider}", auth=None,
             response={200: CallbackOut, 400: ErrorOut, 404: ErrorOut},
             summary="A payment provider's signed callback",
             description="Raw JSON body `{bill_number, payment_code, amount_fen, provider_ref, paid_at}` signed "
                         "by the provider (local: `X-Onewindow-Signature: sha256=<HMAC-SHA256 hex of the body>`). "
                         "Applied once: a repeated or late callback answers 200 with outcome `repeated` and changes "
                         "nothing. Errors: `callback.bad_signature`, `payment.amount_differs` (even by one fen), "
                         "`payment.unknown_bill`, `payment.bill_mismatch`, `payment.already_paid`.",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["bill_number", "payment_code", "amount_fen", "provider_ref", "paid_at"],
                 "properties": {"bill_number": {"type": "string"}, "payment_code": {"type": "string"},
                                "amount_fen": {"type": "integer", "minimum": 0}, "provider_ref": {"type": "string"},
                                "paid_at": {"type": "string", "format": "date-time"}}}}}}})
def payment_callback(request: HttpRequest, provider: str) -> Any:
    result = callback_receive(provider_key=provider, body=request.body, headers=request.headers)
    return Status(200, {"outcome": result.outcome, "bill_number": result.bill_number})


def _reconciliation_out(rec: Reconciliation) -> dict[str, Any]:
    return {"day": rec.day, "region": rec.region.code, "bank": rec.bank, "state": rec.state,
            "rows": rec.rows.count(), "matched": rec.matched, "statement_total_fen": rec.statement_total_fen,
            "mismatches": [{"id": m.pk, "kind": m.kind, "payment_code": m.payment_code, "line": m.line,
                            "expected_fen": m.expected_fen, "actual_fen": m.actual_fen,
                            "resolved": m.resolved_at is not None, "resolution": m.resolution}
                           for m in Mismatch.objects.filter(reconciliation=rec).order_by("id")]}


@router.post("/reconciliations", auth=staff_auth,
             response={201: ReconciliationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Upload a bank statement and reconcile the day",
             description="Multipart: `statement` (CSV or .xlsx), `day` (YYYY-MM-DD), `bank` (a configured bank "
                         "profile: local, icbc, ccb …), optional `region` (12-digit code; default: the caller's). "
                         "A malformed row refuses the file (`statement.row_invalid`, field `line N`).")
def upload_statement(request: HttpRequest, day: Form[date], bank: Form[str], statement: File[UploadedFile],
                     region: Form[str] = "") -> Any:
    staff = request_staff(request)
    postings = [p.region for p in staff.postings.select_related("region")]
    allowed = [r for r in postings if fee_can(staff, FeeAction.RECONCILE, region=r)]
    if region:
        allowed = [r for r in allowed if r.code == region]
    if not allowed:
        raise PermissionDenied("您没有该区划日终对账的权限", code="forbidden.fees.reconcile")
    data = statement.read()

    def work() -> tuple[int, Any]:
        rec = rec_services.reconciliation_import(region_id=allowed[0].pk, day=day, bank=bank,
                                                 file_name=statement.name or "statement.csv", data=data, actor=staff)
        return 201, _reconciliation_out(rec)

    return run_idempotent(request, work)


@router.get("/reconciliations/{day}", auth=staff_auth, response={200: ReconciliationOut, 404: ErrorOut},
            summary="A day's reconciliation and its mismatches")
def reconciliation_day(request: HttpRequest, day: date) -> Any:
    staff = request_staff(request)
    rec = reconciliation_for(staff, day)
    if rec is None:
        raise NotFound("该日尚未对账", code="reconciliation.not_found", field="day")
    return Status(200, _reconciliation_out(rec))
