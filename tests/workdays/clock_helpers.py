"""Shared helpers of the clock and explanation tests: the national calendar, events, limits.

Not a test module: the snapshot is built from ``chinesecalendar`` (the same source the national
calendar is seeded from) over 2004-01-01 … 2030-12-31, with 2004–2026 published and 2027–2030
counted with weekends only (§4 rule 10).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache

import chinese_calendar
from chinese_calendar.constants import Holiday

from onewindow.workdays.arithmetic import CalendarSnapshot, build_snapshot
from onewindow.workdays.clock import SHANGHAI, ClockEvent, EventKind

FIRST = date(2004, 1, 1)
LAST = date(2030, 12, 31)
PUBLISHED = range(2004, 2027)


@cache
def national() -> CalendarSnapshot:
    """The national calendar as chinesecalendar knows it."""
    return build_snapshot(first=FIRST, last=LAST, holidays=chinese_calendar.holidays,
                          makeup_workdays=chinese_calendar.workdays, published_years=PUBLISHED, version=1)


@cache
def holiday_names() -> dict[date, str]:
    """Chinese names of holidays and make-up days (春节, 春节调休 …)."""
    chinese = {h.value: h.chinese for h in Holiday}
    names = {d: chinese[v] for d, v in chinese_calendar.holidays.items()}
    names.update({d: chinese[v] + "调休" for d, v in chinese_calendar.workdays.items()})
    return names


def at(d: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware moment on the legal day ``d`` (Asia/Shanghai)."""
    return datetime.combine(d, time(hour, minute), tzinfo=SHANGHAI)


def ev(kind: EventKind | str, day: date | datetime, **payload) -> ClockEvent:
    return ClockEvent(kind=str(kind), at=day, **payload)


def submitted(d):
    return ev(EventKind.SUBMITTED, d)


def accepted(d):
    return ev(EventKind.ACCEPTED, d)


def supplement_requested(d, *materials: str):
    return ev(EventKind.SUPPLEMENT_REQUESTED, d, materials=tuple(materials))


def supplemented(d):
    return ev(EventKind.SUPPLEMENTED, d)


def pause_started(d, procedure: str = "expert_review", announced: int | None = None):
    return ev(EventKind.SPECIAL_PROCEDURE_STARTED, d, procedure=procedure, announced_workdays=announced)


def pause_ended(d, procedure: str | None = None):
    return ev(EventKind.SPECIAL_PROCEDURE_ENDED, d, procedure=procedure)


def extension(d, workdays: int, role: str = "chief_representative"):
    return ev(EventKind.EXTENSION_GRANTED, d, workdays=workdays, approver_role=role)


def decided(d, outcome: str = "grant"):
    return ev(EventKind.DECIDED, d, outcome=outcome)
