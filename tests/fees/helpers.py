"""The fees tests' county: the cases' ``hall`` with fee items on its committed item, and the case
histories the tests bill (plain functions; the fixtures are in conftest.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.cases.rules import Applicant, MaterialCheck
from onewindow.catalog.models import FeeItem, ServiceItem
from onewindow.core.timesource import SHANGHAI
from onewindow.fees.models import FeeCalculation, ItemFeeSettings
from onewindow.fees.providers import SIGNATURE_HEADER, LocalProvider, sign
from onewindow.organization.models import Posting, Region, Staff
from onewindow.organization.rules import Role

VALID_ID = "11010519491231002X"
REGISTRATION = "不动产登记费"  # fixed 80 元, waivable
TRADING = "住房交易手续费"  # 3 元 per ㎡ (each side's half of 6 元)
TIERED = "测绘成果使用费"  # tiered: first 100 ㎡ at 1 元, the rest at 0.5 元


def at(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, 0, tzinfo=SHANGHAI)


def add_fees(item: ServiceItem, *, blocks: str = "certificate", billing_point: str = "decision") -> dict[str, FeeItem]:
    """Put three fee items (fixed, per unit, tiered) on the item's current version and bill it."""
    v = item.current_version
    fixed = FeeItem.objects.create(version=v, order=1, name=REGISTRATION, standard="每件80元", amount_fen=8000,
                                   basis="发改价格规〔2016〕2559号", waivable=True, waiver_basis="财税〔2019〕45号")
    unit = FeeItem.objects.create(version=v, order=2, name=TRADING, standard="每平方米3元",
                                  basis="计价格〔2002〕121号", waivable=True)
    FeeCalculation.objects.create(fee_item=unit, method="per_unit", fen_per_unit=300, unit="平方米")
    tiered = FeeItem.objects.create(version=v, order=3, name=TIERED, standard="100平方米内每平方米1元，超出部分0.5元",
                                    basis="测绘成果管理条例")
    FeeCalculation.objects.create(fee_item=tiered, method="tiered", unit="平方米", tiers=[[100, 100], [None, 50]])
    ItemFeeSettings.objects.create(item=item, billing_point=billing_point, blocks=blocks)
    return {REGISTRATION: fixed, TRADING: unit, TIERED: tiered}


def staff(username: str, region: Region, role: Role, department=None) -> Staff:
    user = get_user_model().objects.create_user(username=username, password="x-unused-Password1")
    member = Staff.objects.create(user=user, name=username, employee_number=username, region=region,
                                  department=department)
    Posting.objects.create(staff=member, role=role, region=region, department=department)
    return member


def applicant() -> Applicant:
    return Applicant(kind="person", name="张三", id_type="resident_id", id_number=VALID_ID, phone="13800000000")


def granted(hall, when: datetime | None = None, *, account=None) -> Case:
    """A case of the hall's committed item: submitted 2026-09-28 (at window 01, or online by
    ``account``), accepted 09-29, reviewed 09-30, granted 10-09."""
    names = hall.item.current_version.materials.values_list("name", flat=True)
    where = ({"actor": None, "channel": Case.Channel.ONLINE, "applicant_account": account} if account is not None
             else {"actor": hall.clerk, "window_number": "01"})
    case = case_services.case_submit(item_code=hall.item.implementation_code, applicant=applicant(),
                                     materials=[MaterialCheck(n, "received") for n in names], at=at(2026, 9, 28),
                                     **where)
    case = case_services.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29))
    for order, who in [(2, hall.reviewer), (3, hall.reviewer), (3, hall.reviewer2)]:
        case = case_services.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="同意",
                                                 at=at(2026, 9, 30))
    return case_services.case_decide(case_id=case.id, actor=hall.chief, grant=True, reasons="符合法定条件",
                                     at=when or at(2026, 10, 9))


def lines(fees: dict[str, FeeItem], *, area: str = "90", waiver: str = "") -> list[dict]:
    """All three fees: registration (with ``waiver``), trading and survey for ``area`` ㎡."""
    return [{"fee_item": fees[REGISTRATION].id, "waiver": waiver},
            {"fee_item": fees[TRADING].id, "quantity": area},
            {"fee_item": fees[TIERED].id, "quantity": area}]


def signed(body: bytes) -> dict[str, str]:
    """The local provider's headers for ``body`` (as the Django test client passes them)."""
    return {"HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_"): sign(LocalProvider.secret(), body)}


def callback_body(bill, *, amount_fen: int | None = None, ref: str = "L-test-1", paid_at: str = "2026-10-10T10:00:00+08:00") -> bytes:
    return LocalProvider().notice_body(bill_number=bill.number, payment_code=bill.payment_code,
                                       amount_fen=bill.total_fen if amount_fen is None else amount_fen,
                                       provider_ref=ref, paid_at=datetime.fromisoformat(paid_at))


def quantity(text: str) -> Decimal:
    return Decimal(text)
