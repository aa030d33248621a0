"""Public API of fund disclosure: ``GET /public/funds`` (funds, and the masked entries of a village
or a fund) and ``POST /public/funds/lookup`` (a person's own entries by name + ID number,
rate-limited; no match of both is always the same empty answer)."""

# No ``from __future__ import annotations``: django-ninja reads these annotations at run time.

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from onewindow.api.schemas import ErrorOut

from . import fund_selectors as sel
from .fund_views import lookup_limited

router = Router(tags=["惠民资金公开"])


class FundOut(Schema):
    code: str
    name: str
    department: str
    basis: str
    standard: str
    period: str
    total: str = Field(description="资金总额（元）")
    published_total: str = Field(description="已公示发放合计（元）")
    entries: int


class EntryOut(Schema):
    id: int
    fund_code: str
    fund_name: str
    village: str
    name: str = Field(description="姓名（脱敏）")
    id_number: str = Field(description="身份证号码（脱敏）")
    amount: str
    approved_on: str
    paid_on: str | None
    timeliness: str = Field(description="on_time 按时；late 逾期发放；unpaid 待发放；overdue 逾期未发放")


class FundsOut(Schema):
    funds: list[FundOut]
    entries: list[EntryOut] = Field(description="按村或资金查询时的公示明细（最多 500 条）")


class FundsQuery(Schema):
    village: str = Field("", pattern=r"^([0-9]{12})?$", description="村（社区）区划代码")
    fund: str = Field("", max_length=40, description="资金编码")


class LookupIn(Schema):
    name: str = Field(..., max_length=64)
    id_number: str = Field(..., max_length=18)


class LookupOut(Schema):
    entries: list[EntryOut] = Field(description="姓名和身份证号码同时相符的记录；不符时为空")


def entry_out(e: sel.PublicEntry) -> dict[str, Any]:
    return {"id": e.id, "fund_code": e.fund_code, "fund_name": e.fund_name, "village": e.village, "name": e.name,
            "id_number": e.id_number, "amount": f"{e.amount:.2f}", "approved_on": e.approved_on.isoformat(),
            "paid_on": e.paid_on.isoformat() if e.paid_on else None, "timeliness": e.timeliness}


@router.get("", response={200: FundsOut, 400: ErrorOut, 422: ErrorOut}, summary="Funds and their public entries")
def funds(request: HttpRequest, q: Query[FundsQuery]) -> Any:
    """Every fund; with ``village`` or ``fund``, its entries, names and ID numbers masked."""
    rows = sel.entries(village_code=q.village, fund_code=q.fund) if (q.village or q.fund) else []
    return {"funds": [{"code": f.code, "name": f.name, "department": f.department.name, "basis": f.basis,
                       "standard": f.standard, "period": f.period, "total": f"{f.total:.2f}",
                       "published_total": f"{(f.paid_total or 0):.2f}", "entries": f.entries} for f in sel.funds()],
            "entries": [entry_out(e) for e in rows[:500]]}


@router.post("/lookup", response={200: LookupOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
             summary="A person's own entries (name + ID number)")
def lookup(request: HttpRequest, body: LookupIn) -> Any:
    """Entries whose name and ID number both match, masked as everywhere. An unknown ID, a wrong
    name or both answer the same empty list. Rate limited per client (429 with Retry-After)."""
    limited = lookup_limited(request)
    if limited is not None:
        return limited
    return {"entries": [entry_out(e) for e in sel.lookup(body.name, body.id_number)]}
