"""Fee ledgers by department and item (收费日报、月报) as Excel, through the project's safe cells."""

from __future__ import annotations

import io
from calendar import monthrange
from datetime import date

from django.db.models import Count, Sum
from openpyxl import Workbook

from onewindow.core.spreadsheet import append_row
from onewindow.organization.models import Staff
from onewindow.organization.permissions import region_q

from .models import Payment, Refund
from .money import yuan

HEADER = ["部门", "事项", "缴费笔数", "应收（元）", "减免（元）", "实收（元）", "退费（元）", "净收入（元）"]


def ledger_rows(staff: Staff, start: date, end: date) -> list[list[object]]:
    """One row per department and item of the payments booked in [start, end], with the refunds
    approved in the same period; the last row is the total. Amounts are yuan strings (exact)."""
    payments = (Payment.objects.filter(region_q(staff, field="bill__region"), paid_on__gte=start, paid_on__lte=end)
                .values("bill__department__name", "bill__item_version__name")
                .annotate(n=Count("id"), gross=Sum("bill__gross_fen"), reduction=Sum("bill__reduction_fen"),
                          paid=Sum("amount_fen")).order_by("bill__department__name", "bill__item_version__name"))
    refunds = {(r["bill__department__name"], r["bill__item_version__name"]): r["fen"] for r in
               Refund.objects.filter(region_q(staff, field="bill__region"), state=Refund.State.APPROVED,
                                     decided_at__date__gte=start, decided_at__date__lte=end)
               .values("bill__department__name", "bill__item_version__name").annotate(fen=Sum("amount_fen"))}
    rows: list[list[object]] = []
    totals = [0, 0, 0, 0, 0]
    for p in payments:
        key = (p["bill__department__name"], p["bill__item_version__name"])
        refunded = refunds.pop(key, 0) or 0
        values = [p["n"], p["gross"] or 0, p["reduction"] or 0, p["paid"] or 0, refunded]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append([*key, values[0], *(yuan(v) for v in values[1:]), yuan(values[3] - refunded)])
    for key, refunded in sorted(refunds.items()):
        totals[4] += refunded or 0
        rows.append([*key, 0, "0.00", "0.00", "0.00", yuan(refunded or 0), yuan(-(refunded or 0))])
    rows.append(["合计", "", totals[0], *(yuan(v) for v in totals[1:]), yuan(totals[3] - totals[4])])
    return rows


def _workbook(title: str, rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    append_row(sheet, HEADER)
    for row in rows:
        append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def daily_xlsx(staff: Staff, day: date) -> bytes:
    return _workbook(f"收费日报 {day.isoformat()}", ledger_rows(staff, day, day))


def monthly_xlsx(staff: Staff, year: int, month: int) -> bytes:
    start = date(year, month, 1)
    return _workbook(f"收费月报 {year}-{month:02d}", ledger_rows(staff, start, date(year, month, monthrange(year, month)[1])))
