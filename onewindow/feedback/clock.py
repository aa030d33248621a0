"""Due dates of ratings' rectifications and work orders, on the region's working-day calendar,
each with its explanation (the same explainer as a case's deadline), and the center's limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from onewindow.lifecycle.center_settings import yellow_share
from onewindow.organization.models import Region
from onewindow.workdays.arithmetic import CalendarSnapshot
from onewindow.workdays.explain import explain_deadline
from onewindow.workdays.selectors import snapshot_for

from .models import FeedbackSettings
from .rules import Limits, yellow_offset


@dataclass(frozen=True)
class Due:
    """One due date: the day, the first yellow day (None: none), and why, in Chinese."""

    due_on: date
    yellow_from: date | None
    explanation: str


def limits_for(region: Region) -> Limits:
    """The limits of the nearest center on the region's chain that set its own, else the defaults."""
    chain = [region.code] + [r.code for r in reversed(region.ancestors())]
    found = {s.region.code: s for s in FeedbackSettings.objects.filter(region__code__in=chain).select_related("region")}
    share = yellow_share(region.code)
    for code in chain:
        s = found.get(code)
        if s is not None:
            return Limits(verify_workdays=s.verify_workdays, rectify_workdays=s.rectify_workdays,
                          visit_workdays=s.visit_workdays, written_workdays=s.written_workdays,
                          complex_workdays=s.complex_workdays, public_min_sample=s.public_min_sample,
                          yellow_share=share)
    return Limits(yellow_share=share)


def due_after(region: Region, start: date, workdays: int, *, what: str) -> Due:
    """The ``workdays``-th working day after ``start`` (0: ``start`` itself, on the spot), explained."""
    if workdays <= 0:
        return Due(start, None, f"{what}：当场（受理当日 {start.isoformat()}）答复")
    snapshot = snapshot_for(region.code)
    x = explain_deadline(snapshot, start, workdays)
    offset = yellow_offset(workdays, yellow_share(region.code))
    yellow = snapshot.add_workdays(start, offset) if offset is not None else None
    return Due(x.due, yellow, f"{what}：" + "；".join(x.text("zh")))


def fixed_due(region: Region, start: date, due_on: date, *, what: str, snapshot: CalendarSnapshot | None = None,
              share: Fraction | None = None) -> Due:
    """A due date set from outside (a 12345 order's own due time): the yellow line on the same share.
    An import passes the region's ``snapshot`` and ``share`` read once for the whole batch."""
    snapshot = snapshot or snapshot_for(region.code)
    if due_on <= start:
        return Due(due_on, None, f"{what}：{due_on.isoformat()}（工单自带时限）")
    workdays = snapshot.workdays_between(start, due_on)
    share = share if share is not None else yellow_share(region.code)
    offset = yellow_offset(workdays, share) if workdays > 0 else None
    yellow = snapshot.add_workdays(start, offset) if offset is not None else None
    return Due(due_on, yellow, f"{what}：{due_on.isoformat()}（12345 工单自带时限，受理后第 {workdays} 个工作日）")
