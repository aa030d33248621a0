"""The batch re-timing helper: only the clocks whose due dates moved come back, old and new. Pure."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

from onewindow.workdays.arithmetic import build_snapshot, changed_days
from onewindow.workdays.retiming import retime_open_clocks


@dataclass(frozen=True)
class OpenClock:
    case: int
    start: date
    limit: int


def _snapshot(extra_holidays=(), version=1):
    holidays = set(chinese_calendar.holidays) | set(extra_holidays)
    return build_snapshot(first=date(2004, 1, 1), last=date(2036, 12, 31), holidays=holidays,
                          makeup_workdays=chinese_calendar.workdays.keys(), published_years=range(2004, 2027),
                          version=version, explicit_days=extra_holidays)


OLD = _snapshot()
NEW = _snapshot([date(2026, 3, 13)], version=2)  # a local holiday on Friday 2026-03-13


def due(clock: OpenClock, snapshot) -> date:
    return snapshot.add_workdays(clock.start, clock.limit)


def test_changed_days_are_exactly_the_days_whose_status_flipped():
    assert changed_days(OLD, NEW) == [date(2026, 3, 13)]
    assert changed_days(OLD, OLD) == []


def test_changed_days_include_days_only_one_snapshot_covers():
    shorter = build_snapshot(first=date(2004, 1, 1), last=date(2036, 12, 29), holidays=chinese_calendar.holidays.keys(),
                             makeup_workdays=chinese_calendar.workdays.keys(), published_years=range(2004, 2027))
    assert changed_days(shorter, OLD) == [date(2036, 12, 30), date(2036, 12, 31)]


def test_only_clocks_whose_window_holds_the_changed_day_move():
    clocks = [
        OpenClock(1, date(2026, 3, 2), 20),   # runs through 2026-03-13: moves one working day
        OpenClock(2, date(2026, 3, 13), 5),   # starts on the day: the start day is not counted
        OpenClock(3, date(2026, 3, 16), 5),   # after the day
        OpenClock(4, date(2026, 1, 5), 5),    # before the day
        OpenClock(5, date(2026, 3, 12), 1),   # due on the day itself: moves to Monday
    ]
    moved = retime_open_clocks(clocks, OLD, NEW, due)
    assert {m.clock.case for m in moved} == {1, 5}
    by_case = {m.clock.case: m for m in moved}
    assert by_case[5].old == date(2026, 3, 13)
    assert by_case[5].new == date(2026, 3, 16)
    assert by_case[1].new == NEW.add_workdays(date(2026, 3, 2), 20) == by_case[1].old + timedelta(days=1)


def test_a_window_skips_clocks_without_changing_the_answer():
    clocks = [OpenClock(i, date(2026, 1, 1) + timedelta(days=i % 200), 1 + i % 40) for i in range(3000)]
    plain = retime_open_clocks(clocks, OLD, NEW, due)
    windowed = retime_open_clocks(clocks, OLD, NEW, due, window=lambda c: (c.start, due(c, OLD)))
    assert [m.clock for m in windowed] == [m.clock for m in plain]
    assert plain


def test_no_change_no_moves():
    clocks = [OpenClock(1, date(2026, 3, 2), 20)]
    assert retime_open_clocks(clocks, OLD, OLD, due) == []
    assert retime_open_clocks(clocks, OLD, OLD, due, window=lambda c: (c.start, date(2036, 1, 1))) == []


def test_a_result_outside_a_snapshot_counts_as_none():
    short = build_snapshot(first=date(2026, 1, 1), last=date(2026, 12, 31), holidays=[], makeup_workdays=[],
                           published_years=[2026])
    moved = retime_open_clocks([OpenClock(1, date(2026, 12, 30), 5)], short, OLD, due)
    assert moved[0].old is None
    assert moved[0].new == date(2027, 1, 6)


def test_one_hundred_thousand_open_clocks_take_seconds_not_minutes():
    clocks = [OpenClock(i, date(2025, 6, 1) + timedelta(days=i % 400), 1 + i % 60) for i in range(100_000)]
    began = time.perf_counter()
    moved = retime_open_clocks(clocks, OLD, NEW, due)
    elapsed = time.perf_counter() - began
    assert moved
    assert all(m.new > m.old for m in moved)
    assert elapsed < 10


def test_stored_due_dates_stand_in_for_the_old_computation():
    clocks = [OpenClock(1, date(2026, 3, 12), 1), OpenClock(2, date(2026, 3, 16), 1)]
    stored = {1: date(2026, 3, 13), 2: date(2026, 3, 17)}
    calls = []

    def counting_due(clock, snapshot):
        calls.append(snapshot.version)
        return due(clock, snapshot)

    moved = retime_open_clocks(clocks, OLD, NEW, counting_due, stored=lambda c: stored[c.case])
    assert [(m.clock.case, m.old, m.new) for m in moved] == [(1, date(2026, 3, 13), date(2026, 3, 16))]
    assert calls == [NEW.version, NEW.version]  # nothing computed on the old snapshot
