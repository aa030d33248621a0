"""Writes of fund disclosure: funds, their distribution imported from Excel (every row checked,
all or nothing), and disputes from the public."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Min
from openpyxl import load_workbook

from onewindow.core.errors import DomainError, NotFound
from onewindow.core.identity import is_valid_id_number
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.organization.models import Department, Region, Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import require
from onewindow.organization.rules import RegionLevel
from onewindow.workdays.selectors import snapshot_for

from . import fund_hooks
from .models import Distribution, Fund, FundDispute, FundEvent, FundImport

FUND_SUBJECT = "fund"
MAX_PAYMENT_BATCH = 1000

SHEET = "发放明细"
HEADERS = ("村（社区）", "姓名", "身份证号码", "金额（元）", "审批日期", "发放日期", "备注")
MAX_ROWS = 20000
MAX_AMOUNT = Decimal("10000000")


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class FundImportRejected(DomainError):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("funds.import_rejected", f"导入失败：发现 {len(problems)} 处问题，未导入任何数据", field="file")
        self.problems = problems


def fund_create(*, department_id: int, code: str, name: str, basis: str, standard: str, period: str,
                total: Decimal, actor: Staff, payment_workdays: int = 10, at: datetime | None = None) -> Fund:
    """A fund of a department (its region is the department's)."""
    at = at or current_time()
    department = Department.objects.select_related("region").filter(pk=department_id).first()
    if department is None:
        raise NotFound("部门不存在", code="department.not_found", field="department")
    require(actor, Perm.CATALOG_EDIT, region=department.region, on=local_date(at))
    for field, value, label in (("code", code, "资金编码"), ("name", name, "资金名称"), ("basis", basis, "政策依据"),
                                ("standard", standard, "补助标准"), ("period", period, "资金所属期")):
        if not (value or "").strip():
            raise DomainError(f"funds.{field}_required", f"请填写{label}", field=field)
        limit = Fund._meta.get_field(field).max_length
        if limit is not None and len(value.strip()) > limit:
            raise DomainError(f"funds.{field}_too_long", f"{label}不能超过 {limit} 个字符", field=field)
    if total is None or not total.is_finite() or total < 0:
        raise DomainError("funds.total_invalid", "资金总额不能为负数", field="total")
    if total.as_tuple().exponent < -2 or total >= Decimal("1e12"):  # the column: 14 digits, 2 after the point
        raise DomainError("funds.total_invalid", "资金总额须为不超过一万亿元、最多两位小数的金额", field="total")
    if not 1 <= payment_workdays <= 60:
        raise DomainError("funds.payment_workdays_invalid", "发放时限须为 1 至 60 个工作日", field="payment_workdays")
    with transaction.atomic():
        if Fund.objects.filter(code=code.strip()).exists():
            raise DomainError("funds.code_taken", f"资金编码“{code}”已存在", field="code")
        fund = Fund.objects.create(region=department.region, department=department, code=code.strip(),
                                   name=name.strip(), basis=basis.strip(), standard=standard.strip(),
                                   period=period.strip(), total=total, payment_workdays=payment_workdays, created_at=at)
        _record(fund, "created", at=at, actor=actor, payload={"payment_workdays": payment_workdays,
                                                               "total": str(total)})
        return fund


def _record(fund: Fund, kind: str, *, at: datetime, actor: Staff | None, note: str = "",
            payload: dict[str, Any] | None = None) -> None:
    """Chain the fund's event and rewrite its payment deadline: the earliest due day of an entry not
    yet paid (一卡式发放: the fund's working days after approval), closed once all are paid."""
    previous = FundEvent.objects.filter(fund=fund).order_by("-seq").first()
    event_append(FundEvent(fund=fund, kind=kind, at=at, actor=actor, note=note, payload=payload or {}),
                 subject_label=fund.code, previous=previous)
    earliest = Distribution.objects.filter(fund=fund, paid_on__isnull=True).aggregate(d=Min("pay_due"))["d"]
    spec = DeadlineSpec(kind=Kind.REPLY, key="payment", due_on=earliest, department_id=fund.department_id,
                        title="发放期限",
                        explanation=f"一卡式发放：审批后 {fund.payment_workdays} 个工作日内发放到人到户（最早一笔未发放明细）")
    if earliest is None:
        spec = spec.closed("已全部发放")
    deadlines_write(subject_type=FUND_SUBJECT, subject_id=fund.pk, region_id=fund.region_id, specs=[spec], at=at)


def _text(v: object) -> str:
    return "" if v is None else str(v).strip()


def _date(v: object) -> date | None:
    if v is None or _text(v) == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromisoformat(_text(v))


def _villages(fund: Fund) -> dict[str, Region]:
    found: dict[str, Region] = {}
    for v in Region.objects.filter(code__startswith=fund.region.prefix, level=RegionLevel.VILLAGE):
        found[v.code] = v
        found[v.name] = v
    return found


def distributions_import(*, fund_id: int, data: bytes, actor: Staff, file_name: str = "",
                         at: datetime | None = None) -> FundImport:
    """Import a fund's distribution: every row is checked (village of the fund's region, a valid ID
    number, a positive amount, dates); one problem and nothing is imported."""
    at = at or current_time()
    fund = Fund.objects.select_related("region").filter(pk=fund_id).first()
    if fund is None:
        raise NotFound("资金不存在", code="funds.not_found", field="fund")
    require(actor, Perm.CATALOG_EDIT, region=fund.region, on=local_date(at))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise DomainError("funds.file_unreadable", "无法读取该文件，请上传 .xlsx 格式的工作簿", field="file") from None
    if SHEET not in book.sheetnames:
        raise FundImportRejected([RowProblem(0, "", f"缺少工作表“{SHEET}”")])
    rows = book[SHEET].iter_rows(values_only=True)
    head = [_text(h) for h in next(rows, ())]
    missing = [h for h in HEADERS if h not in head]
    if missing:
        raise FundImportRejected([RowProblem(1, "", f"缺少列：{'、'.join(missing)}")])
    villages = _villages(fund)
    calendar = snapshot_for(fund.region.code)
    problems: list[RowProblem] = []
    parsed: list[dict[str, Any]] = []
    for n, values in enumerate(rows, start=2):
        if n > MAX_ROWS + 1:
            problems.append(RowProblem(n, "", f"行数超过 {MAX_ROWS}"))
            break
        r = {h: values[head.index(h)] if head.index(h) < len(values) else None for h in HEADERS}
        if all(_text(v) == "" for v in r.values()):
            continue
        row = _check_row(n, r, villages, problems)
        if row is not None:
            row["pay_due"] = calendar.add_workdays(row["approved_on"], fund.payment_workdays)
            parsed.append(row)
    if problems:
        raise FundImportRejected(problems)
    if not parsed:
        raise FundImportRejected([RowProblem(0, "", "工作表中没有任何发放明细")])
    with transaction.atomic():
        Fund.objects.select_for_update().filter(pk=fund.pk).first()  # one writer of the fund's chain at a time
        batch = FundImport.objects.create(fund=fund, file_name=file_name[:200], rows=len(parsed), imported_at=at,
                                          imported_by=actor)
        Distribution.objects.bulk_create([Distribution(fund=fund, batch=batch, **row) for row in parsed])
        _record(fund, "imported", at=at, actor=actor, note=file_name[:200],
                payload={"rows": len(parsed), "unpaid": sum(1 for r in parsed if r["paid_on"] is None),
                         "late": sum(1 for r in parsed if r["paid_on"] and r["paid_on"] > r["pay_due"])})
        return batch


def distributions_record_payment(*, fund_id: int, distribution_ids: list[int], paid_on: date, actor: Staff,
                                 at: datetime | None = None) -> int:
    """登记发放: the day the bank paid these entries (一卡式发放); a payment after the entry's due day is
    recorded as late, never refused. Returns how many were recorded."""
    at = at or current_time()
    today = local_date(at)
    ids = sorted({i for i in distribution_ids if isinstance(i, int) and not isinstance(i, bool)})
    if not ids:
        raise DomainError("funds.entries_required", "请选择已发放的明细", field="entries")
    if len(ids) > MAX_PAYMENT_BATCH:
        raise DomainError("funds.entries_too_many", f"一次最多登记 {MAX_PAYMENT_BATCH} 条", field="entries")
    if paid_on > today:
        raise DomainError("funds.paid_on_future", "发放日期不能晚于今天", field="paid_on")
    with transaction.atomic():
        fund = Fund.objects.select_for_update().select_related("region").filter(pk=fund_id).first()
        if fund is None:
            raise NotFound("资金不存在", code="funds.not_found", field="fund")
        require(actor, Perm.CATALOG_EDIT, region=fund.region, on=today)
        entries = list(Distribution.objects.filter(fund=fund, pk__in=ids))
        if len(entries) != len(ids):
            raise DomainError("funds.entry_not_found", "所选明细不属于该资金", field="entries")
        if any(e.paid_on is not None for e in entries):
            raise DomainError("funds.entry_already_paid", "所选明细中有已登记发放的，请刷新后重选", field="entries")
        if any(paid_on < e.approved_on for e in entries):
            raise DomainError("funds.paid_before_approval", "发放日期不能早于审批日期", field="paid_on")
        Distribution.objects.filter(pk__in=ids).update(paid_on=paid_on)
        late = sum(1 for e in entries if paid_on > e.pay_due)
        _record(fund, "payment_recorded", at=at, actor=actor,
                note=f"登记发放 {len(entries)} 条" + (f"，其中逾期 {late} 条" if late else ""),
                payload={"paid_on": paid_on.isoformat(), "entries": len(entries), "late": late})
        return len(entries)


def _check_row(n: int, r: dict, villages: dict[str, Region], problems: list[RowProblem]) -> dict[str, Any] | None:
    found = len(problems)
    village = villages.get(_text(r["村（社区）"]))
    if village is None:
        problems.append(RowProblem(n, "村（社区）", f"“{_text(r['村（社区）'])}”不是本区划的村（社区）"))
    name = _text(r["姓名"])
    if not name or len(name) > 64:
        problems.append(RowProblem(n, "姓名", "姓名不能为空，且不超过 64 个字符"))
    id_number = _text(r["身份证号码"]).upper()
    if not is_valid_id_number(id_number):
        # The bad value is not echoed: the report may be shown on a shared screen.
        problems.append(RowProblem(n, "身份证号码", "身份证号码无效（位数、出生日期或校验位有误）"))
    try:
        amount = Decimal(_text(r["金额（元）"]).replace(",", ""))
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problems.append(RowProblem(n, "金额（元）", f"“{_text(r['金额（元）'])}”不是金额"))
        amount = None
    if amount is not None and amount <= 0:
        problems.append(RowProblem(n, "金额（元）", "金额须大于零"))
    elif amount is not None and (amount > MAX_AMOUNT or amount.as_tuple().exponent < -2):
        problems.append(RowProblem(n, "金额（元）", "金额须不超过一千万元，且最多两位小数"))
    dates: dict[str, date | None] = {}
    for column in ("审批日期", "发放日期"):
        try:
            dates[column] = _date(r[column])
        except ValueError:
            problems.append(RowProblem(n, column, f"“{_text(r[column])}”不是日期（YYYY-MM-DD）"))
            dates[column] = None
    approved, paid = dates["审批日期"], dates["发放日期"]
    if approved is None and "审批日期" not in {p.column for p in problems[found:]}:
        problems.append(RowProblem(n, "审批日期", "审批日期不能为空"))
    if approved and paid and paid < approved:
        problems.append(RowProblem(n, "发放日期", "发放日期不能早于审批日期"))
    if len(problems) > found:
        return None
    assert village is not None
    assert approved is not None
    return {"village": village, "recipient_name": name, "id_number": id_number, "amount": amount,
            "approved_on": approved, "paid_on": paid, "note": _text(r["备注"])[:200]}


def dispute_file(*, distribution_id: int, reason: str, contact_phone: str = "",
                 at: datetime | None = None) -> FundDispute:
    """有异议: anyone may dispute a published entry; it is handed to the feedback work orders
    (:mod:`onewindow.openness.fund_hooks`) once recorded."""
    at = at or current_time()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("funds.reason_required", "请写明异议内容", field="reason")
    if len(reason) > 1000:
        raise DomainError("funds.reason_too_long", "异议内容不能超过 1000 个字符", field="reason")
    phone = (contact_phone or "").strip()
    if phone and (not phone.isdigit() or not 7 <= len(phone) <= 15):
        raise DomainError("funds.phone_invalid", "联系电话应为 7 至 15 位数字", field="contact_phone")
    distribution = Distribution.objects.filter(pk=distribution_id).first()
    if distribution is None:
        raise NotFound("公示明细不存在", code="funds.entry_not_found", field="entry")
    with transaction.atomic():
        dispute = FundDispute.objects.create(distribution=distribution, reason=reason, contact_phone=phone,
                                             filed_at=at)
    number = fund_hooks.hand_over(dispute)
    if number:
        FundDispute.objects.filter(pk=dispute.pk).update(work_order=number)
        dispute.work_order = number
    return dispute
