"""The fees app's demo: fee settings for the demo county's real-estate and housing items (real fee
items: 不动产登记费 发改价格规〔2016〕2559号, 住房交易手续费 计价格〔2002〕121号), bills in every state on
cases of 不动产转移登记, yesterday's payments (cash, card, online through the local provider's signed
callback), yesterday's reconciliation with two deliberate mismatches left for the finance officer,
and the finance officer's login (``finance``, a center-administrator posting). The second demo
county (青禾县) bills its 不动产转移登记 too: one bill paid, one awaiting payment.

Idempotent: once a county has a bill, nothing is loaded again for it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from onewindow.cases import services as case_services
from onewindow.cases.rules import Applicant, MaterialCheck
from onewindow.catalog.models import FeeItem, ServiceItem
from onewindow.core.identity import id_number_check_char
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.organization.models import Posting, Region, Staff
from onewindow.organization.rules import Role

from . import reconciliation as rs
from . import services as fs
from .callbacks import callback_receive, local_notice
from .matching import Row
from .models import Bill, FeeCalculation, ItemFeeSettings, LocalCharge
from .statements import bank_profiles, statement_csv

COUNTY = "990121000000"
SECOND_COUNTY = "990123000000"  # 青禾县
TRANSFER = "不动产转移登记"
BILLED_AT_ACCEPTANCE = ("不动产转移登记", "不动产抵押权登记", "国有建设用地使用权及房屋所有权首次登记")
HOUSING_FEE = "住房交易手续费"
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄丽", "周杰"]


def _finance_officer(region: Region) -> Staff:
    found = Staff.objects.filter(user__username="finance").first()
    if found is not None:
        return found
    # The demo's one password, as the other demo logins hold it (organization.yaml).
    admin = get_user_model().objects.filter(username="admin").first()
    password = admin.password if admin is not None else make_password(None)
    user = get_user_model().objects.create(username="finance", full_name="孙会计", password=password)
    staff = Staff.objects.create(user=user, name="孙会计（财务）", employee_number="YXCW01", region=region)
    Posting.objects.create(staff=staff, role=Role.CENTER_ADMIN, region=region)
    return staff


def _settings() -> ServiceItem | None:
    transfer = None
    for item in ServiceItem.objects.filter(region__code=COUNTY, current_version__isnull=False).select_related(
            "current_version"):
        name = item.current_version.name
        fees = list(FeeItem.objects.filter(version=item.current_version))
        if name in BILLED_AT_ACCEPTANCE:
            ItemFeeSettings.objects.get_or_create(item=item, defaults={"billing_point": "acceptance"})
            transfer = item if name == TRANSFER else transfer
        for fee in fees:
            if fee.name == HOUSING_FEE:
                # 存量住房每平方米6元，由交易双方各承担50%: each side's bill is 3 元/㎡.
                FeeCalculation.objects.get_or_create(fee_item=fee, defaults={
                    "method": "per_unit", "fen_per_unit": 300, "unit": "平方米"})
                ItemFeeSettings.objects.get_or_create(item=item, defaults={"billing_point": "decision"})
    return transfer


def _accepted(item: ServiceItem, n: int, at: datetime, clerk: Staff, *, window: str = "05"):
    version = item.current_version
    materials = [MaterialCheck(m.name, "received") for m in version.materials.all()]
    first17 = f"{item.region.code[:6]}1985{n + 1:02d}15{n:02d}1"
    applicant = Applicant(kind="person", name=NAMES[n], id_type="resident_id",
                          id_number=first17 + id_number_check_char(first17),
                          phone=f"1390000{n:04d}")
    case = case_services.case_submit(actor=clerk, item_code=item.implementation_code, applicant=applicant,
                                     materials=materials, window_number=window, at=at)
    return case_services.case_accept(case_id=case.id, actor=clerk, at=at + timedelta(minutes=20))


def load_demo(*, today: date | None = None) -> str:
    """Load the fee demo relative to ``today`` (default: today); returns one Chinese summary line."""
    today = today or local_date()
    region = Region.objects.filter(code=COUNTY).first()
    if region is None:
        return "收费：未找到演示县，跳过"
    second = _second_county(today)
    if Bill.objects.filter(region=region).exists():
        return f"收费：已有缴款通知书 {Bill.objects.filter(region=region).count()} 张（未重复加载）"
    yesterday = today - timedelta(days=1)
    start = datetime.combine(yesterday, time(9, 30), tzinfo=SHANGHAI)
    with transaction.atomic():
        finance = _finance_officer(region)
        item = _settings()
        clerk = Staff.objects.filter(user__username="gtj.clerk").first()
        chief = Staff.objects.filter(user__username="gtj.chief").first()
        if item is None or clerk is None or chief is None:
            return "收费：演示事项或人员缺失，跳过"
        fees = {f.name: f for f in FeeItem.objects.filter(version=item.current_version)}
        residential = fees["住宅类不动产登记费"]
        bills: list[Bill] = []
        for n in range(9):
            at = start + timedelta(minutes=30 * n)
            case = _accepted(item, n, at, clerk)
            waiver = "small_micro" if n == 8 else ""
            bill = fs.bill_draft(case_id=case.id, lines=[{"fee_item": residential.id, "waiver": waiver}], actor=clerk,
                                 at=at + timedelta(minutes=25))
            if n > 0:
                bill = fs.bill_confirm(bill_id=bill.id, actor=clerk, at=at + timedelta(minutes=26))
            bills.append(bill)
        # 0 draft; 1 issued, awaiting payment; 2 cash; 3 card; 4 online; 5 refunded; 6 cancelled;
        # 7 corrected (superseded by a new bill, issued); 8 waived (小微企业).
        later = start + timedelta(hours=6)
        fs.cashier_collect(bill_id=bills[2].id, channel="cash", amount_fen=bills[2].total_fen, actor=clerk, at=later)
        fs.cashier_collect(bill_id=bills[3].id, channel="card", amount_fen=bills[3].total_fen, actor=clerk, at=later)
        fs.cashier_collect(bill_id=bills[5].id, channel="cash", amount_fen=bills[5].total_fen, actor=clerk, at=later)
        charge = LocalCharge.objects.create(provider_ref="LDEMO0001", bill_number=bills[4].number,
                                            payment_code=bills[4].payment_code, amount_fen=bills[4].total_fen,
                                            paid_at=later, callback_url="http://127.0.0.1:8000/api/v1/payments/callback/local",
                                            delivered_at=later, attempts=1)
        body, headers = local_notice(charge)
        callback_receive(provider_key="local", body=body, headers=headers, at=later)
        refund = fs.refund_request(bill_id=bills[5].id, amount_fen=bills[5].total_fen, reason="申请人撤回申请",
                                   actor=clerk, at=later + timedelta(minutes=10))
        fs.refund_decide(refund_id=refund.id, approve=True, note="情况属实，同意退费", actor=chief,
                         at=later + timedelta(minutes=20))
        fs.bill_cancel(bill_id=bills[6].id, reason="重复开具", actor=clerk, at=later)
        corrected = fs.bill_correct(bill_id=bills[7].id, lines=[{"fee_item": fees["非住宅类不动产登记费"].id}],
                                    reason="房屋用途为非住宅，适用非住宅类标准", actor=clerk, at=later)
        fs.bill_confirm(bill_id=corrected.id, actor=chief, at=later + timedelta(minutes=5))
    # Yesterday's bank statement: the card and online payments and the cash of bill 5, plus a row no
    # bill explains (an unknown code) — and bill 2's cash is not on it (not yet deposited): two mismatches.
    rows = [Row(2, bills[3].payment_code, bills[3].total_fen, "BK0001"),
            Row(3, bills[4].payment_code, bills[4].total_fen, "BK0002"),
            Row(4, bills[5].payment_code, bills[5].total_fen, "BK0003"),
            Row(5, "21990121000000999999", 5000, "BK0004")]
    rec = rs.reconciliation_import(region_id=region.pk, day=yesterday, bank="local", file_name=f"流水-{yesterday}.csv",
                                   data=statement_csv(bank_profiles()["local"], rows), actor=finance,
                                   at=datetime.combine(today, time(8, 30), tzinfo=SHANGHAI))
    return (f"收费：缴款通知书 {len(bills) + 1} 张（各状态齐全），{yesterday.isoformat()} 对账已导入，"
            f"差异 {rec.mismatches.count()} 项待财务人员 finance 处理{second}")


def _second_county(today: date) -> str:
    """青禾县 bills its 不动产转移登记 at acceptance too: yesterday one bill was paid in cash at the
    window and one waits for payment (so the second county's fee pages show real bills). Idempotent:
    once the county has a bill, nothing is loaded."""
    region = Region.objects.filter(code=SECOND_COUNTY).first()
    if region is None or Bill.objects.filter(region=region).exists():
        return ""
    item = ServiceItem.objects.filter(region=region, current_version__name=TRANSFER).select_related(
        "current_version", "region").first()
    clerk = Staff.objects.filter(user__username="qh.clerk").first()
    if item is None or clerk is None:
        return ""
    start = datetime.combine(today - timedelta(days=1), time(10, 0), tzinfo=SHANGHAI)
    with transaction.atomic():
        ItemFeeSettings.objects.get_or_create(item=item, defaults={"billing_point": "acceptance"})
        residential = FeeItem.objects.get(version=item.current_version, name="住宅类不动产登记费")
        bills = []
        for n in range(2):
            at = start + timedelta(minutes=40 * n)
            case = _accepted(item, n, at, clerk, window="01")
            bill = fs.bill_draft(case_id=case.id, lines=[{"fee_item": residential.id}], actor=clerk,
                                 at=at + timedelta(minutes=25))
            bills.append(fs.bill_confirm(bill_id=bill.id, actor=clerk, at=at + timedelta(minutes=26)))
        fs.cashier_collect(bill_id=bills[0].id, channel="cash", amount_fen=bills[0].total_fen, actor=clerk,
                           at=start + timedelta(hours=3))
    return "；青禾县缴款通知书 2 张（1 张已缴）"
