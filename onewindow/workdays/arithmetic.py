"""Working-day arithmetic over an immutable calendar snapshot. Pure: no Django, no I/O.

A snapshot holds the sorted ordinals of every working day in its range. Counting working days up
to a date is one bisection, and the n-th working day after a date is one bisection plus an index,
so every call is O(log days) however large ``n`` is — never a day-by-day loop.

Conventions (DESIGN.md §4, 行政许可法 第八十二条): a working day is a weekday that is not a
published holiday, or a published make-up working day (调休). ``add_workdays(start, n)`` is the
n-th working day strictly after ``start`` (the day of the triggering event is not counted), and
``workdays_between(a, b)`` counts the working days in (a, b].
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType


class CalendarRangeError(ValueError):
    """A date, or a result, outside the range the snapshot covers."""


@dataclass(frozen=True)
class CalendarSnapshot:
    """The working days of one calendar version between ``first`` and ``last`` (inclusive).

    ``published_years`` are the years whose holiday arrangement is known; any other year in the
    range is counted with weekends only and results that touch it are *provisional* (§4 rule 10).

    ``explicit_days`` are holidays or make-up days that count even in a year without a published
    arrangement: a region's own days (a local festival known years ahead), or the December days
    of a New Year arrangement published with the following year's notice. ``names`` gives a day's
    name (春节, 春节调休 …) for explanations and month grids; it plays no part in the arithmetic.
    """

    first: date
    last: date
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]
    published_years: frozenset[int]
    version: int = 0
    explicit_days: frozenset[date] = frozenset()
    names: Mapping[date, str] = field(default_factory=dict, compare=False, repr=False)
    _workdays: array = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError("calendar range is empty")
        ordinals = array("l")
        day = self.first
        one = timedelta(days=1)
        while day <= self.last:
            if _is_workday(day, self.holidays, self.makeup_workdays, self.published_years, self.explicit_days):
                ordinals.append(day.toordinal())
            day += one
        object.__setattr__(self, "_workdays", ordinals)

    # -- queries ---------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        """True if ``d`` is a working day on this calendar."""
        self._check(d, "date")
        o = d.toordinal()
        i = bisect_left(self._workdays, o)
        return i < len(self._workdays) and self._workdays[i] == o

    def count_through(self, d: date) -> int:
        """Working days in [first, d]."""
        self._check(d, "date")
        return bisect_right(self._workdays, d.toordinal())

    def workdays_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative when b is before a."""
        return self.count_through(b) - self.count_through(a)

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day strictly after ``start`` (n ≥ 1)."""
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"工作日数必须为正整数：{n!r}")
        index = self.count_through(start) + n - 1
        if index >= len(self._workdays):
            raise CalendarRangeError(f"结果超出日历范围（最晚 {self.last.isoformat()}）")
        return date.fromordinal(self._workdays[index])

    def next_workday_on_or_after(self, d: date) -> date:
        """``d`` itself if it is a working day, else the next working day."""
        self._check(d, "date")
        i = bisect_left(self._workdays, d.toordinal())
        if i >= len(self._workdays):
            raise CalendarRangeError(f"结果超出日历范围（最晚 {self.last.isoformat()}）")
        return date.fromordinal(self._workdays[i])

    def is_provisional(self, a: date, b: date) -> bool:
        """True if any year from ``a`` to ``b`` has no published holiday arrangement."""
        lo, hi = min(a, b), max(a, b)
        return any(year not in self.published_years for year in range(lo.year, hi.year + 1))

    def workdays_in(self, a: date, b: date) -> list[date]:
        """The working days in (a, b], in order — for explanations and month grids, not arithmetic."""
        lo = bisect_right(self._workdays, a.toordinal())
        hi = bisect_right(self._workdays, b.toordinal())
        return [date.fromordinal(o) for o in self._workdays[lo:hi]]

    def day_kind(self, d: date) -> str:
        """How ``d`` is classed: ``workday``, ``weekend``, ``holiday`` or ``makeup_workday``.

        For explanations and month grids; a holiday that falls on a weekend is a ``holiday``.
        """
        self._check(d, "date")
        if d.year in self.published_years or d in self.explicit_days:
            if d in self.makeup_workdays:
                return "makeup_workday"
            if d in self.holidays:
                return "holiday"
        return "workday" if d.weekday() < 5 else "weekend"

    def name_of(self, d: date) -> str:
        """The name of a holiday or make-up day (春节, 春节调休 …), or an empty string."""
        return self.names.get(d, "")

    def _check(self, d: date, name: str) -> None:
        if not self.first <= d <= self.last:
            raise CalendarRangeError(
                f"{name} {d.isoformat()} 超出日历范围（{self.first.isoformat()} 至 {self.last.isoformat()}）"
            )


def _is_workday(d: date, holidays: frozenset[date], makeup: frozenset[date], published: frozenset[int],
                explicit: frozenset[date] = frozenset()) -> bool:
    if d.year in published or d in explicit:
        if d in makeup:
            return True
        if d in holidays:
            return False
    return d.weekday() < 5


def build_snapshot(*, first: date, last: date, holidays: Iterable[date], makeup_workdays: Iterable[date],
                   published_years: Iterable[int], version: int = 0, explicit_days: Iterable[date] = (),
                   names: Mapping[date, str] | None = None) -> CalendarSnapshot:
    """A snapshot from plain sets of days (the calendar tables, or chinesecalendar in tests)."""
    return CalendarSnapshot(first=first, last=last, holidays=frozenset(holidays),
                            makeup_workdays=frozenset(makeup_workdays),
                            published_years=frozenset(published_years), version=version,
                            explicit_days=frozenset(explicit_days),
                            names=MappingProxyType(dict(names or {})))


def changed_days(old: CalendarSnapshot, new: CalendarSnapshot) -> list[date]:
    """The days whose working-day status differs between two snapshots, in order.

    Days that only one of the two covers count as changed: a result that reached them could not
    be computed on the other. Used to skip open clocks a calendar change cannot move.
    """
    lo, hi = max(old.first, new.first).toordinal(), min(old.last, new.last).toordinal()
    changed: set[int] = set()
    if lo <= hi:
        old_days = {o for o in old._workdays if lo <= o <= hi}
        new_days = {o for o in new._workdays if lo <= o <= hi}
        changed = old_days ^ new_days
    for snap in (old, new):
        for o in range(snap.first.toordinal(), snap.last.toordinal() + 1):
            if not lo <= o <= hi:
                changed.add(o)
    return [date.fromordinal(o) for o in sorted(changed)]
