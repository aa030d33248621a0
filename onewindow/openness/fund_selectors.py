"""Reads of fund disclosure: public listings (names and ID numbers masked), the village page, the
self-check by name and ID number, and payment timeliness (一卡式发放: paid within the fund's
working days of approval)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from onewindow.core.errors import NotFound
from onewindow.core.identity import mask_id, mask_name
from onewindow.core.timesource import local_date
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import region_q
from onewindow.organization.rules import RegionLevel, Role

from .models import Distribution, Fund


@dataclass(frozen=True)
class PublicEntry:
    """One entry as the public sees it: masked, with its timeliness."""

    id: int
    fund_code: str
    fund_name: str
    village: str
    name: str
    id_number: str
    amount: Decimal
    approved_on: date
    paid_on: date | None
    pay_due: date
    timeliness: str  # on_time / late / unpaid / overdue

    @property
    def timeliness_label(self) -> str:
        return {"on_time": "按时发放", "late": "逾期发放", "unpaid": "待发放", "overdue": "逾期未发放"}[self.timeliness]


def timeliness(d: Distribution, today: date) -> str:
    if d.paid_on is None:
        return "overdue" if today > d.pay_due else "unpaid"
    return "late" if d.paid_on > d.pay_due else "on_time"


def public_entry(d: Distribution, today: date) -> PublicEntry:
    return PublicEntry(d.id, d.fund.code, d.fund.name, d.village.name, mask_name(d.recipient_name),
                       mask_id(d.id_number), d.amount, d.approved_on, d.paid_on, d.pay_due, timeliness(d, today))


def funds(*, region_code: str | None = None) -> QuerySet[Fund]:
    qs = Fund.objects.select_related("department", "region").annotate(
        paid_total=Sum("distributions__amount"), entries=Count("distributions"))
    if region_code:
        qs = qs.filter(region__code__startswith=Region(code=region_code).prefix)
    return qs.order_by("region__code", "code")


def villages() -> QuerySet[Region]:
    """Villages with at least one published entry."""
    return Region.objects.filter(level=RegionLevel.VILLAGE,
                                 id__in=Distribution.objects.values("village_id")).order_by("code")


def village(code: str) -> Region:
    found = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).first()
    if found is None:
        raise NotFound("村（社区）不存在", code="funds.village_not_found", field="village")
    return found


def entries(*, village_code: str = "", fund_code: str = "", today: date | None = None) -> list[PublicEntry]:
    """Published entries of a village and/or a fund, masked."""
    today = today or local_date()
    qs = Distribution.objects.select_related("fund", "village")
    if village_code:
        qs = qs.filter(village__code=village_code)
    if fund_code:
        qs = qs.filter(fund__code=fund_code)
    return [public_entry(d, today) for d in qs.order_by("fund__code", "village__code", "id")]


def lookup(name: str, id_number: str, *, today: date | None = None) -> list[PublicEntry]:
    """A person's own entries: both the name and the ID number must match. No match — a wrong name,
    an unknown ID or both — is the same empty answer, so the lookup never tells whether an ID is
    on the list."""
    name, id_number = (name or "").strip(), (id_number or "").strip().upper()
    if not name or len(id_number) != 18:
        return []
    today = today or local_date()
    found = Distribution.objects.select_related("fund", "village").filter(id_number=id_number)
    return [public_entry(d, today) for d in found
            if hmac.compare_digest(d.recipient_name.encode(), name.encode())]


@dataclass(frozen=True)
class Timeliness:
    on_time: int
    late: int
    unpaid: int
    overdue: int


def fund_timeliness(fund: Fund, today: date | None = None) -> Timeliness:
    today = today or local_date()
    qs = Distribution.objects.filter(fund=fund)
    return Timeliness(
        on_time=qs.filter(paid_on__isnull=False, paid_on__lte=F("pay_due")).count(),
        late=qs.filter(paid_on__isnull=False, paid_on__gt=F("pay_due")).count(),
        unpaid=qs.filter(paid_on__isnull=True, pay_due__gte=today).count(),
        overdue=qs.filter(paid_on__isnull=True, pay_due__lt=today).count())



# -- the staff fund page: payment timeliness (一卡式发放) ---------------------------------------------------

TIMELINESS_LABELS = {"on_time": "按时发放", "late": "逾期发放", "unpaid": "待发放", "overdue": "逾期未发放"}
# A proxy agent files cases for villagers; the funds' lists are the agencies' and the center's.
STAFF_ROLES = frozenset(Role) - {Role.PROXY_AGENT}


def fund_for(staff: Staff | None, code: str) -> Fund:
    """A fund of the regions the staff member's postings reach, or 404."""
    fund = (Fund.objects.filter(region_q(staff, roles=STAFF_ROLES)).select_related("department", "region")
            .filter(code=code).first())
    if fund is None:
        raise NotFound("资金不存在", code="funds.not_found", field="fund")
    return fund


def timeliness_q(kind: str, today: date) -> Q:
    """:func:`timeliness` as a query."""
    return {
        "on_time": Q(paid_on__isnull=False, paid_on__lte=F("pay_due")),
        "late": Q(paid_on__isnull=False, paid_on__gt=F("pay_due")),
        "unpaid": Q(paid_on__isnull=True, pay_due__gte=today),
        "overdue": Q(paid_on__isnull=True, pay_due__lt=today),
    }[kind]


def fund_entries(fund: Fund, *, village: str = "", status: str = "",
                 today: date | None = None) -> QuerySet[Distribution]:
    today = today or local_date()
    qs = Distribution.objects.filter(fund=fund).select_related("village", "fund")
    if village:
        qs = qs.filter(village__code=village)
    if status in TIMELINESS_LABELS:
        qs = qs.filter(timeliness_q(status, today))
    return qs.order_by("village__code", "id")


@dataclass(frozen=True)
class TimelinessSummary:
    """Counts and amounts by timeliness, and the late payments' share and their days past due."""

    counts: dict[str, int]
    amounts: dict[str, Decimal]
    paid: int
    late_days_max: int

    @property
    def late_rate(self) -> str:
        return f"{self.counts['late'] * 100 / self.paid:.1f}%" if self.paid else "—"


def fund_summary(fund: Fund, today: date | None = None, *, village: str = "") -> TimelinessSummary:
    today = today or local_date()
    qs = Distribution.objects.filter(fund=fund)
    if village:
        qs = qs.filter(village__code=village)
    counts: dict[str, int] = {}
    amounts: dict[str, Decimal] = {}
    for kind in TIMELINESS_LABELS:
        agg = qs.filter(timeliness_q(kind, today)).aggregate(n=Count("id"), total=Sum("amount"))
        counts[kind], amounts[kind] = agg["n"], agg["total"] or Decimal("0")
    late = qs.filter(timeliness_q("late", today)).values_list("paid_on", "pay_due")
    return TimelinessSummary(counts, amounts, counts["on_time"] + counts["late"],
                             max(((paid - due).days for paid, due in late), default=0))


def days_late(d: Distribution, today: date) -> int:
    """Calendar days past the due day: paid late, or still unpaid past it."""
    if d.paid_on is not None:
        return max((d.paid_on - d.pay_due).days, 0)
    return max((today - d.pay_due).days, 0)
