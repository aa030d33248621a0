"""Reads of enforcement made public: the public list of certified officers (nothing personal but the
name), and the staff registers — officers, inspections, major penalties and their filing — each
with a summary, filters and the scope of the reader's postings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from onewindow.core.timesource import local_date
from onewindow.organization.models import Staff
from onewindow.organization.permissions import region_q
from onewindow.organization.rules import Role

from .enforcement_rules import (
    FILING_STATUS_LABELS,
    InspectionResult,
    OfficerState,
    filing_status,
)
from .models import EnforcementInspection, EnforcementOfficer, MajorPenalty

# A proxy agent files cases for villagers; enforcement records are the agencies'.
STAFF_ROLES = frozenset(Role) - {Role.PROXY_AGENT}


def public_officers(*, q: str = "", department: str = "", today: date | None = None) -> QuerySet[EnforcementOfficer]:
    """持证上岗公示: officers whose certificate is valid today, by department and certificate number."""
    today = today or local_date()
    qs = (EnforcementOfficer.objects.filter(state=OfficerState.ACTIVE, valid_until__gte=today)
          .select_related("department").order_by("department__region__code", "department__order",
                                                 "certificate_number"))
    if department:
        qs = qs.filter(department__code=department)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(certificate_number__icontains=q))
    return qs


def officers_for(staff: Staff | None) -> QuerySet[EnforcementOfficer]:
    return (EnforcementOfficer.objects.filter(region_q(staff, department_field="department", roles=STAFF_ROLES))
            .select_related("department"))


def officer_status(officer: EnforcementOfficer, today: date) -> str:
    if officer.state == OfficerState.REVOKED:
        return "revoked"
    return "expired" if officer.valid_until < today else "active"


OFFICER_STATUS_LABELS = {"active": "有效", "expired": "已过期", "revoked": "已注销"}


def filter_officers(qs: QuerySet[EnforcementOfficer], *, status: str = "", department: int | None = None,
                    q: str = "", today: date | None = None) -> QuerySet[EnforcementOfficer]:
    today = today or local_date()
    if status == "revoked":
        qs = qs.filter(state=OfficerState.REVOKED)
    elif status == "expired":
        qs = qs.filter(state=OfficerState.ACTIVE, valid_until__lt=today)
    elif status == "active":
        qs = qs.filter(state=OfficerState.ACTIVE, valid_until__gte=today)
    if department:
        qs = qs.filter(department_id=department)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(certificate_number__icontains=q))
    return qs


def officer_summary(qs: QuerySet[EnforcementOfficer], today: date | None = None) -> dict[str, int]:
    today = today or local_date()
    counts = Counter(officer_status(o, today) for o in qs.select_related(None).only("state", "valid_until"))
    return {k: counts.get(k, 0) for k in OFFICER_STATUS_LABELS}


def inspections_for(staff: Staff | None) -> QuerySet[EnforcementInspection]:
    return (EnforcementInspection.objects
            .filter(region_q(staff, department_field="department", roles=STAFF_ROLES))
            .select_related("department").prefetch_related("officers"))


def filter_inspections(qs: QuerySet[EnforcementInspection], *, result: str = "", department: int | None = None,
                       year: int | None = None, q: str = "") -> QuerySet[EnforcementInspection]:
    if result in {r.value for r in InspectionResult}:
        qs = qs.filter(result=result)
    if department:
        qs = qs.filter(department_id=department)
    if year:
        qs = qs.filter(inspected_on__year=year)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(party_name__icontains=q) | Q(place__icontains=q))
    return qs


def inspection_summary(qs: QuerySet[EnforcementInspection]) -> dict[str, int]:
    counts = Counter(qs.values_list("result", flat=True))
    out = {r.value: counts.get(r.value, 0) for r in InspectionResult}
    out["total"] = sum(counts.values())
    out["random"] = qs.filter(random_draw=True).count()
    return out


def penalties_for(staff: Staff | None) -> QuerySet[MajorPenalty]:
    return (MajorPenalty.objects.filter(region_q(staff, department_field="department", roles=STAFF_ROLES))
            .select_related("department"))


@dataclass(frozen=True)
class PenaltyRow:
    penalty: MajorPenalty
    status: str

    @property
    def status_label(self) -> str:
        return FILING_STATUS_LABELS[self.status]


def penalty_rows(qs: QuerySet[MajorPenalty], *, status: str = "", department: int | None = None,
                 year: int | None = None, today: date | None = None) -> tuple[dict[str, int], list[PenaltyRow]]:
    """The filings with their status (on time, late, pending, overdue): the counts of the scope, then
    the rows of the status asked, overdue first."""
    today = today or local_date()
    if department:
        qs = qs.filter(department_id=department)
    if year:
        qs = qs.filter(decided_on__year=year)
    rows = [PenaltyRow(p, filing_status(p.state, p.filing_due, p.filed_on, today)) for p in qs]
    counts = {k: sum(1 for r in rows if r.status == k) for k in FILING_STATUS_LABELS}
    counts["total"] = len(rows)
    order = {"overdue": 0, "pending": 1, "late": 2, "on_time": 3}
    chosen = [r for r in rows if not status or r.status == status]
    chosen.sort(key=lambda r: (order[r.status], r.penalty.filing_due, r.penalty.pk))
    return counts, chosen
