"""Supervision API (DESIGN.md §5): warnings, indicators and supervision orders, region-scoped.

Staff only (a bearer token or the workbench session). Supervisors and center administrators see
their regions and those below; anyone else gets 403 ``forbidden.supervision.view`` (orders: a
chief representative sees their own department's).
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.schemas import ErrorOut, RegionCode
from onewindow.core.bounds import DB_INT_MAX, DbInt
from onewindow.core.errors import DomainError

from . import rules as r
from . import selectors as sel
from .models import SupervisionOrder, Warning

router = Router(tags=["supervision"], auth=staff_auth)

MAX_LIMIT = 500


class WarningOut(Schema):
    id: int
    rule: str
    rule_name: str
    level: str
    severe: bool
    target_kind: str
    target_key: str
    subject: str
    region: str
    region_name: str
    department_id: int | None
    department: str | None
    window_id: int | None
    staff_id: int | None
    case_number: str | None
    due_on: date | None
    message: str
    basis: str
    fired_at: datetime
    state: str
    acknowledgement: str
    resolved_at: datetime | None
    resolution: str


class WarningPage(Schema):
    count: int
    results: list[WarningOut]


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str
    value: float | None
    unit: str
    numerator: float | None
    denominator: int | None
    display: str


class IndicatorsOut(Schema):
    unit: str
    id: str
    name: str
    first: date
    last: date
    cases: int
    indicators: list[IndicatorOut]


class OrderOut(Schema):
    id: int
    number: str
    region: str
    department_id: int
    department: str
    subject: str
    requirement: str
    state: str
    issued_by: str
    issued_at: datetime
    reply_workdays: int
    reply_due: date
    replied_at: datetime | None
    replied_on_time: bool | None
    explanation: str
    measures: str
    closed_at: datetime | None
    warning_id: int | None
    case_number: str | None


class OrderPage(Schema):
    count: int
    results: list[OrderOut]


def _warning(w: Warning) -> WarningOut:
    return WarningOut(
        id=w.id, rule=w.rule, rule_name=r.RULES[w.rule].name, level=w.level, severe=w.severe,
        target_kind=w.target_kind, target_key=w.target_key, subject=w.subject, region=w.region.code,
        region_name=w.region.name, department_id=w.department_id,
        department=w.department.name if w.department else None, window_id=w.window_id, staff_id=w.staff_id,
        case_number=w.case.number if w.case else None, due_on=w.due_on, message=w.message, basis=w.basis,
        fired_at=w.fired_at, state=w.state, acknowledgement=w.acknowledgement, resolved_at=w.resolved_at,
        resolution=w.resolution)


def _order(o: SupervisionOrder) -> OrderOut:
    return OrderOut(
        id=o.id, number=o.number, region=o.region.code, department_id=o.department_id, department=o.department.name,
        subject=o.subject, requirement=o.requirement, state=o.state, issued_by=o.issued_by.name, issued_at=o.issued_at,
        reply_workdays=o.reply_workdays, reply_due=o.reply_due, replied_at=o.replied_at,
        replied_on_time=o.replied_on_time, explanation=o.explanation, measures=o.measures, closed_at=o.closed_at,
        warning_id=o.warning_id, case_number=o.case.number if o.case else None)


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise DomainError("invalid_input", f"limit 须在 1 至 {MAX_LIMIT} 之间", field="limit")
    return limit


class WarningFilterIn(Schema):
    region: RegionCode | None = None
    department: DbInt | None = None
    level: str | None = None
    state: str | None = "live"
    rule: str | None = None
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    limit: int = 100
    offset: int = Field(0, le=DB_INT_MAX)


class IndicatorQueryIn(Schema):
    unit: str
    id: str
    from_: date = Field(..., alias="from")
    to: date


class OrderFilterIn(Schema):
    region: RegionCode | None = None
    department: DbInt | None = None
    state: str | None = None
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    limit: int = 100
    offset: int = Field(0, le=DB_INT_MAX)


@router.get("/warnings", response=WarningPage, summary="Warnings, filterable")
def warnings(request: HttpRequest, q: Query[WarningFilterIn]) -> WarningPage:
    """Warnings of the caller's regions, newest first. ``state``: live (default: open or explained),
    open, acknowledged, resolved, or empty for all; ``from``/``to``: fired on those local days;
    ``region``: a 12-digit code (with the regions below it)."""
    staff = request_staff(request)
    qs = sel.warnings_for(staff, sel.WarningFilter(region_code=q.region, department_id=q.department, level=q.level,
                                                   state=q.state or None, since=q.from_, until=q.to, rule=q.rule))
    limit, offset = _limit(q.limit), max(q.offset, 0)
    return WarningPage(count=qs.count(), results=[_warning(w) for w in qs[offset:offset + limit]])


@router.get("/indicators", response={200: IndicatorsOut, 404: ErrorOut},
            summary="The indicator set of one unit for a period")
def indicators(request: HttpRequest, q: Query[IndicatorQueryIn]) -> IndicatorsOut:
    """``unit`` is region (``id`` a 12-digit code or a region id), department, window or staff;
    each indicator comes with its Chinese definition."""
    staff = request_staff(request)
    found, s = sel.indicators_for(staff, q.unit, q.id, q.from_, q.to)
    return IndicatorsOut(unit=q.unit, id=q.id, name=found.label, first=q.from_, last=q.to, cases=s.cases, indicators=[
        IndicatorOut(code=i.code, name=i.name, definition=i.definition, value=i.value, unit=i.unit,
                     numerator=i.numerator, denominator=i.denominator, display=i.display) for i in s.indicators])


@router.get("/orders", response=OrderPage, summary="Supervision orders")
def orders(request: HttpRequest, q: Query[OrderFilterIn]) -> OrderPage:
    """Orders of the caller's reach (supervisors: regions; chief representatives: departments).
    ``state``: issued, replied, returned, closed, or open (not closed out)."""
    staff = request_staff(request)
    qs = sel.orders_for(staff, region_code=q.region, department_id=q.department, state=q.state, since=q.from_,
                        until=q.to).select_related(*sel.ORDER_ROW_RELATED)
    limit, offset = _limit(q.limit), max(q.offset, 0)
    return OrderPage(count=qs.count(), results=[_order(o) for o in qs[offset:offset + limit]])
