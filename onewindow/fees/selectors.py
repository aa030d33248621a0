"""Reads of the fees app: an item version's fee schedule, a case's bills, what blocks a case, a
day's reconciliation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet

from onewindow.catalog.models import FeeItem
from onewindow.organization.models import Staff
from onewindow.organization.permissions import region_q

from .models import Bill, FeeCalculation, ItemFeeSettings, Reconciliation, Refund
from .money import yuan
from .permissions import FEE_ROLES, FeeAction
from .rules import BILL_STATE_LABELS, BillingPoint, BillState, Blocks, Method, Schedule, Tier

OPEN_STATES = (BillState.DRAFT.value, BillState.ISSUED.value)


def reconciliation_for(staff: Staff | None, day: date) -> Reconciliation | None:
    """The day's reconciliation of a region where ``staff`` reconciles (the center's finance
    posting): the bank statement lists every payment of the region, so staff who may not see a
    department's bills do not read it either; for them the day is "not found", as the list of days
    already hides it."""
    return (Reconciliation.objects.filter(region_q(staff, roles=FEE_ROLES[FeeAction.RECONCILE]), day=day)
            .select_related("region").first())


def schedule_of(version_id: int) -> list[Schedule]:
    """The fee items of an item version as the calculator sees them (a fixed amount from the catalog,
    per-unit and tiered prices from their :class:`FeeCalculation`)."""
    calculations = {c.fee_item_id: c for c in FeeCalculation.objects.filter(fee_item__version_id=version_id)}
    out: list[Schedule] = []
    for fee in FeeItem.objects.filter(version_id=version_id).order_by("order"):
        calc = calculations.get(fee.id)
        method = Method(calc.method) if calc is not None else Method.FIXED
        tiers = tuple(Tier(None if upto is None else Decimal(str(upto)), int(price))
                      for upto, price in (calc.tiers if calc is not None else []))
        out.append(Schedule(fee_item_id=fee.id, name=fee.name, basis=fee.basis, standard=fee.standard,
                            method=method, fixed_fen=fee.amount_fen or 0,
                            fen_per_unit=calc.fen_per_unit if calc is not None else 0,
                            unit=calc.unit if calc is not None else "件", tiers=tiers,
                            waivable=fee.waivable, waiver_basis=fee.waiver_basis))
    return out


def priced(schedule: Schedule) -> bool:
    """A fee item the system can compute: a fixed amount, or a per-unit or tiered price (a catalog
    standard such as “按面积计收” with no price set is not)."""
    if schedule.method == Method.FIXED:
        return schedule.fixed_fen > 0
    return schedule.fen_per_unit > 0 if schedule.method == Method.PER_UNIT else bool(schedule.tiers)


def settings_of(item_id: int) -> ItemFeeSettings | None:
    return ItemFeeSettings.objects.filter(item_id=item_id).first()


def billing_point_of(item_id: int) -> BillingPoint:
    found = settings_of(item_id)
    return BillingPoint(found.billing_point) if found is not None else BillingPoint.DECISION


def blocks_of(item_id: int) -> Blocks:
    found = settings_of(item_id)
    return Blocks(found.blocks) if found is not None else Blocks.CERTIFICATE


def bills_of_case(case_id: int) -> QuerySet[Bill]:
    return (Bill.objects.filter(case_id=case_id).select_related("payment", "corrects")
            .prefetch_related("lines", "refunds").order_by("created_at", "id"))


def bill_by_number(number: str) -> Bill | None:
    return Bill.objects.select_related("case", "region", "department").filter(number=number).first()


_PAYER_HOLDS = {Blocks.CERTIFICATE: "缴费后方可制发证照。", Blocks.DELIVERY: "缴费后方可送达结果。", Blocks.NOTHING: ""}


@dataclass(frozen=True)
class ApplicantBill:
    """A bill as its payer sees it on the online case page: no staff names, no drafts."""

    number: str
    payment_code: str
    state: str
    state_label: str
    total: str
    reduction: str
    issued_at: datetime | None
    paid_at: datetime | None
    payable: bool  # issued and unpaid: the page offers 去缴费
    refunded: str  # the yuan refunded so far (approved refunds), "" when none
    corrects: str  # the number of the bill this one corrects, "" when none
    holds: str  # what waits for the payment, in the payer's words ("" when nothing does)


def applicant_bills(case_id: int) -> list[ApplicantBill]:
    """The bills of a case its applicant may see: every issued one, in order; drafts are the
    department's working copies and stay unseen until a staff member confirms them."""
    out = []
    holds: dict[int, str] = {}
    for bill in bills_of_case(case_id).exclude(state=BillState.DRAFT):
        if bill.item_id not in holds:
            holds[bill.item_id] = _PAYER_HOLDS[blocks_of(bill.item_id)]
        refunded = sum(r.amount_fen for r in bill.refunds.all() if r.state == Refund.State.APPROVED)
        out.append(ApplicantBill(
            number=bill.number, payment_code=bill.payment_code, state=bill.state,
            state_label=BILL_STATE_LABELS[BillState(bill.state)], total=yuan(bill.total_fen),
            reduction=yuan(bill.reduction_fen) if bill.reduction_fen else "", issued_at=bill.issued_at,
            paid_at=bill.paid_at, payable=bill.state == BillState.ISSUED,
            refunded=yuan(refunded) if refunded else "", corrects=bill.corrects.number if bill.corrects else "",
            holds=holds[bill.item_id] if bill.state == BillState.ISSUED else ""))
    return out
