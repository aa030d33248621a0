"""Reads of the exchange records: the status page's list, its summary and one record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from onewindow.organization.models import Staff
from onewindow.organization.permissions import region_q
from onewindow.organization.rules import Role

from .models import ExchangeRecord, Kind, Status

# Who reads the exchange: the center's administrators (they run it) and supervisors (they check
# that the province was told). Both reach their region and every region below it.
EXCHANGE_ROLES = frozenset({Role.CENTER_ADMIN, Role.SUPERVISOR})


def visible_records(staff: Staff | None) -> QuerySet[ExchangeRecord]:
    """Every record of the regions ``staff`` reaches as administrator or supervisor; else none."""
    return ExchangeRecord.objects.filter(region_q(staff, roles=EXCHANGE_ROLES))


@dataclass(frozen=True)
class Filters:
    status: str = ""
    kind: str = ""
    q: str = ""  # a case number, or part of one
    since: date | None = None
    until: date | None = None


def records_for(staff: Staff | None, filters: Filters) -> QuerySet[ExchangeRecord]:
    """The records the page lists, newest first; an unknown status or kind matches nothing."""
    rows = visible_records(staff)
    if filters.status:
        rows = rows.filter(status=filters.status) if filters.status in Status.values else rows.none()
    if filters.kind:
        rows = rows.filter(kind=filters.kind) if filters.kind in Kind.values else rows.none()
    if filters.q:
        rows = rows.filter(case__number__icontains=filters.q)
    if filters.since:
        rows = rows.filter(created_at__date__gte=filters.since)
    if filters.until:
        rows = rows.filter(created_at__date__lte=filters.until)
    return rows.select_related("case", "region").order_by("-created_at", "-id")


@dataclass(frozen=True)
class Summary:
    """The counts the page shows first, by status, and the oldest record still waiting."""

    by_status: dict[str, int]
    failed: int
    waiting: int
    oldest_waiting: ExchangeRecord | None


def summary(staff: Staff | None) -> Summary:
    rows = visible_records(staff)
    by_status = {s: 0 for s in Status.values}
    for status, n in rows.values_list("status").annotate(n=Count("id")).order_by():
        by_status[status] = n
    waiting = rows.filter(Q(status=Status.PENDING) | Q(status=Status.SENDING))
    return Summary(by_status=by_status, failed=by_status[Status.FAILED],
                   waiting=by_status[Status.PENDING] + by_status[Status.SENDING],
                   oldest_waiting=waiting.select_related("case").order_by("created_at", "id").first())


def record_for(staff: Staff | None, record_id: int) -> ExchangeRecord | None:
    """One record, if ``staff`` may see it (another region's is simply not found)."""
    return visible_records(staff).select_related("case", "region").filter(pk=record_id).first()
