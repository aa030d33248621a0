"""Pure rules of a year's holiday arrangement. No Django, no I/O.

The State Council office publishes each year's arrangement as holiday ranges and make-up working
days (调休) that fall on weekends (LEGAL-RULES.md §5). :func:`check_arrangement` lists every
problem of an entered arrangement at once, each pointing at the entry at fault, so the staff
page and the importer can show them next to the line that caused them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

FIRST_YEAR = 2004  # 行政许可法 in force 2004-07-01; chinesecalendar starts here.
LAST_YEAR = 2100

# A New Year arrangement may begin in the last days of the previous December
# (e.g. the 2019 notice: 2018-12-30 … 2019-01-01 off, Sat 2018-12-29 worked).
LEAD_IN_DAYS = 14


@dataclass(frozen=True)
class HolidayRange:
    """A holiday from ``start`` to ``end`` inclusive."""

    start: date
    end: date
    name: str


@dataclass(frozen=True)
class MakeupDay:
    """A weekend day worked in exchange for a holiday (调休上班)."""

    day: date
    name: str


@dataclass(frozen=True)
class ArrangementProblem:
    """One problem: ``entry`` is "year", "holidays" or "makeup_workdays"; ``index`` the entry's position."""

    entry: str
    index: int
    code: str
    message: str


def arrangement_window(year: int) -> tuple[date, date]:
    """The days a ``year`` notice may name: the year, plus the lead-in of the December before."""
    return date(year, 1, 1) - timedelta(days=LEAD_IN_DAYS), date(year, 12, 31)


def check_arrangement(year: int, holidays: Sequence[HolidayRange],
                      makeup_workdays: Sequence[MakeupDay]) -> list[ArrangementProblem]:
    """Every problem of one year's arrangement, in entry order; an empty list when it is sound."""
    problems: list[ArrangementProblem] = []
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        return [ArrangementProblem("year", 0, "calendar.year_invalid",
                                   f"年度须在 {FIRST_YEAR} 至 {LAST_YEAR} 之间：{year}")]
    lo, hi = arrangement_window(year)
    taken: dict[date, int] = {}
    for i, h in enumerate(holidays):
        if not h.name.strip():
            problems.append(ArrangementProblem("holidays", i, "calendar.name_required", "请填写节日名称"))
        if h.end < h.start:
            problems.append(ArrangementProblem(
                "holidays", i, "calendar.range_reversed",
                f"放假结束日 {h.end.isoformat()} 早于开始日 {h.start.isoformat()}"))
            continue
        if h.start < lo or h.end > hi:
            problems.append(ArrangementProblem(
                "holidays", i, "calendar.out_of_year",
                f"放假日期 {h.start.isoformat()} 至 {h.end.isoformat()} 不在 {year} 年内"
                f"（元旦假期最早可从上年 {lo.month} 月 {lo.day} 日起）"))
            continue
        if (h.end - h.start).days > 30:
            problems.append(ArrangementProblem(
                "holidays", i, "calendar.range_too_long",
                f"放假区间 {h.start.isoformat()} 至 {h.end.isoformat()} 超过 31 天，请检查日期"))
            continue
        overlap = next((d for d in _days(h.start, h.end) if d in taken), None)
        if overlap is not None:
            problems.append(ArrangementProblem(
                "holidays", i, "calendar.overlap",
                f"放假区间 {h.start.isoformat()} 至 {h.end.isoformat()} 与第 {taken[overlap] + 1} 个放假区间重叠"
                f"（{overlap.isoformat()}）"))
            continue
        for d in _days(h.start, h.end):
            taken[d] = i
    seen: dict[date, int] = {}
    for i, m in enumerate(makeup_workdays):
        if not m.name.strip():
            problems.append(ArrangementProblem("makeup_workdays", i, "calendar.name_required",
                                               "请填写调休上班日的名称，例如：春节调休"))
        if not lo <= m.day <= hi:
            problems.append(ArrangementProblem(
                "makeup_workdays", i, "calendar.out_of_year", f"调休上班日 {m.day.isoformat()} 不在 {year} 年内"))
        elif m.day.weekday() < 5:
            problems.append(ArrangementProblem(
                "makeup_workdays", i, "calendar.makeup_not_weekend",
                f"调休上班日 {m.day.isoformat()} 是{WEEKDAY_NAMES[m.day.weekday()]}，不是周末"))
        elif m.day in taken:
            problems.append(ArrangementProblem(
                "makeup_workdays", i, "calendar.makeup_in_holiday",
                f"调休上班日 {m.day.isoformat()} 落在第 {taken[m.day] + 1} 个放假区间内"))
        elif m.day in seen:
            problems.append(ArrangementProblem(
                "makeup_workdays", i, "calendar.duplicate_day",
                f"调休上班日 {m.day.isoformat()} 重复（第 {seen[m.day] + 1} 个）"))
        else:
            seen[m.day] = i
    return problems


def expand(holidays: Sequence[HolidayRange], makeup_workdays: Sequence[MakeupDay]) -> list[tuple[date, str, str]]:
    """The arrangement as (day, kind, name) rows, sorted by day; ``kind`` is holiday / makeup_workday."""
    rows = [(d, "holiday", h.name.strip()) for h in holidays for d in _days(h.start, h.end)]
    rows += [(m.day, "makeup_workday", m.name.strip()) for m in makeup_workdays]
    return sorted(rows)


WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=k) for k in range((end - start).days + 1)]
