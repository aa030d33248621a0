"""Month grids of a calendar snapshot, for the calculator and the year pages. Pure.

Weeks start on Monday, as Chinese calendars print them. Each cell says how the day is classed
(workday, weekend, holiday, makeup_workday), its name, and — for a deadline — whether it is the
start day, a counted working day (with its number) or the due day.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date

from .arithmetic import CalendarRangeError, CalendarSnapshot

_WEEKS = stdlib_calendar.Calendar(firstweekday=0)


@dataclass(frozen=True)
class GridDay:
    day: date
    in_month: bool
    kind: str  # workday / weekend / holiday / makeup_workday
    name: str = ""
    number: int | None = None  # the working day's number in the deadline being shown
    is_start: bool = False
    is_due: bool = False
    is_today: bool = False

    @property
    def is_working(self) -> bool:
        return self.kind in ("workday", "makeup_workday")


@dataclass(frozen=True)
class MonthGrid:
    year: int
    month: int
    weeks: list[list[GridDay]]

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)


def months_between(a: date, b: date) -> list[tuple[int, int]]:
    """Every (year, month) from ``a``'s month to ``b``'s month, inclusive."""
    out = []
    y, m = a.year, a.month
    while (y, m) <= (b.year, b.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _kind(snapshot: CalendarSnapshot, d: date) -> str:
    try:
        return snapshot.day_kind(d)
    except CalendarRangeError:
        return "workday" if d.weekday() < 5 else "weekend"


def month_grid(snapshot: CalendarSnapshot, year: int, month: int, *, start: date | None = None,
               due: date | None = None, today: date | None = None) -> MonthGrid:
    """One month; with ``start`` and ``due``, the counted working days in (start, due] are numbered."""
    numbers: dict[date, int] = {}
    if start is not None and due is not None:
        numbers = {d: i for i, d in enumerate(snapshot.workdays_in(start, due), start=1)}
    weeks = []
    for week in _WEEKS.monthdatescalendar(year, month):
        weeks.append([
            GridDay(day=d, in_month=d.month == month, kind=_kind(snapshot, d), name=snapshot.name_of(d),
                    number=numbers.get(d), is_start=d == start, is_due=d == due, is_today=d == today)
            for d in week
        ])
    return MonthGrid(year, month, weeks)


def deadline_grids(snapshot: CalendarSnapshot, start: date, due: date, *, today: date | None = None,
                   max_months: int = 24) -> list[MonthGrid]:
    """The months from the start to the due date (at most ``max_months``, the last ones kept)."""
    months = months_between(start, due)[-max_months:]
    return [month_grid(snapshot, y, m, start=start, due=due, today=today) for y, m in months]


def year_grids(snapshot: CalendarSnapshot, year: int, *, today: date | None = None) -> list[MonthGrid]:
    """The twelve months of ``year``."""
    return [month_grid(snapshot, year, m, today=today) for m in range(1, 13)]
