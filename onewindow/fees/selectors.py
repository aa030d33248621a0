"""Reads of the fees app: an item version's fee schedule, a case's bills, what blocks a case."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from onewindow.catalog.models import FeeItem

from .models import Bill, FeeCalculation, ItemFeeSettings
from .rules import BillingPoint, BillState, Blocks, Method, Schedule, Tier

OPEN_STATES = (BillState.DRAFT.value, BillState.ISSUED.value)


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
