"""The case app's retimer: a calendar change re-times the open cases it can move (DESIGN.md §4 rule 10)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q

from onewindow.organization.rules import region_prefix
from onewindow.workdays.retiming import RetimeReport
from onewindow.workdays.selectors import calendar_version_for

from .models import Case
from .services import case_retime
from .states import OPEN

if TYPE_CHECKING:
    from onewindow.workdays.models import CalendarChange


def _changed_days(change: CalendarChange) -> list[date]:
    return sorted({date.fromisoformat(str(d["day"])) for d in [*change.added, *change.removed]})


def retime_cases(change: CalendarChange) -> RetimeReport:
    """Recompute the open cases in the change's region (all regions for the national calendar)
    whose clock reads a changed day: received on or before the last changed day, and with a due
    date (or a running clock) on or after the first one. Everything else cannot move."""
    days = _changed_days(change)
    if not days:
        return RetimeReport(retimer="cases", examined=0, moved=0)
    first, last = days[0], days[-1]
    cases = Case.objects.filter(status__in=[str(s) for s in OPEN], submitted_at__date__lte=last)
    if change.region_code:
        cases = cases.filter(region__code__startswith=region_prefix(change.region_code))
    reaches = (Q(acceptance_due__gte=first) | Q(promised_due__gte=first) | Q(statutory_due__gte=first)
               | Q(issuance_due__gte=first) | Q(statutory_due__isnull=True, issuance_due__isnull=True))
    examined = moved = 0
    versions: dict[str, int] = {}
    details = []
    for case_id, region_code in cases.filter(reaches).values_list("id", "region__code").iterator():
        examined += 1
        version = versions.get(region_code)
        if version is None:
            version = versions[region_code] = calendar_version_for(region_code)
        retimed = case_retime(case_id=case_id, calendar_version=version, change_number=change.number)
        if retimed is not None:
            moved += 1
            details.append(retimed.number)
    return RetimeReport(retimer="cases", examined=examined, moved=moved, details=tuple(details[:100]))
