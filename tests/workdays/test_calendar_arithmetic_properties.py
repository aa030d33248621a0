"""The working-day arithmetic against a naive day-by-day model built from chinesecalendar, 2004–2030.

No database: the snapshot is built straight from the package's tables, exactly as the seed
migration reads them (the seeded database is compared with the same model in
test_calendar_snapshot.py). 2027–2030 are not in the package: weekends only, provisional.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.workdays.arithmetic import CalendarRangeError, CalendarSnapshot, build_snapshot

FIRST, LAST_MODELLED, LAST = date(2004, 1, 1), date(2030, 12, 31), date(2036, 12, 31)
PUBLISHED = range(2004, 2027)
ONE = timedelta(days=1)


def naive_is_workday(d: date) -> bool:
    """The reference: chinesecalendar where it knows the year, weekdays elsewhere."""
    if d.year in PUBLISHED:
        return chinese_calendar.is_workday(d)
    return d.weekday() < 5


def naive_add(start: date, n: int) -> date:
    d, counted = start, 0
    while counted < n:
        d += ONE
        if naive_is_workday(d):
            counted += 1
    return d


def naive_between(a: date, b: date) -> int:
    if b < a:
        return -naive_between(b, a)
    d, count = a + ONE, 0
    while d <= b:
        count += naive_is_workday(d)
        d += ONE
    return count


SNAPSHOT: CalendarSnapshot = build_snapshot(
    first=FIRST, last=LAST, holidays=chinese_calendar.holidays.keys(),
    makeup_workdays=chinese_calendar.workdays.keys(), published_years=PUBLISHED, version=1)

days = st.dates(min_value=FIRST, max_value=LAST_MODELLED)
counts = st.integers(min_value=1, max_value=500)


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(d=days)
def test_is_workday_matches_the_naive_model(d):
    assert SNAPSHOT.is_workday(d) == naive_is_workday(d)


@settings(max_examples=300, deadline=None)
@given(start=days, n=counts)
def test_add_workdays_matches_the_naive_model(start, n):
    # given a start date and a limit of n working days
    # when the due date is computed
    due = SNAPSHOT.add_workdays(start, n)
    # then it is the n-th working day strictly after the start, as counted day by day
    assert due == naive_add(start, n)
    assert SNAPSHOT.is_workday(due)


@settings(max_examples=300, deadline=None)
@given(a=days, span=st.integers(min_value=-800, max_value=800))
def test_workdays_between_matches_the_naive_model(a, span):
    b = max(FIRST, a + timedelta(days=span))
    assert SNAPSHOT.workdays_between(a, b) == naive_between(a, b)


@settings(max_examples=300, deadline=None)
@given(start=days, n=counts)
def test_round_trip_counts_back_to_n(start, n):
    assert SNAPSHOT.workdays_between(start, SNAPSHOT.add_workdays(start, n)) == n


@settings(max_examples=200, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=499))
def test_one_more_working_day_is_the_next_working_day(start, n):
    due = SNAPSHOT.add_workdays(start, n)
    assert SNAPSHOT.add_workdays(start, n + 1) == SNAPSHOT.add_workdays(due, 1) > due


@settings(max_examples=200, deadline=None)
@given(a=days, b=days)
def test_provisional_exactly_when_an_unpublished_year_is_touched(a, b):
    touched = range(min(a, b).year, max(a, b).year + 1)
    assert SNAPSHOT.is_provisional(a, b) == any(y not in PUBLISHED for y in touched)


def test_every_day_2004_to_2030_matches_the_naive_model():
    d = FIRST
    while d <= LAST_MODELLED:
        assert SNAPSHOT.is_workday(d) == naive_is_workday(d), d
        d += ONE


def test_unpublished_years_count_weekends_only():
    d = date(2027, 1, 1)
    while d <= LAST_MODELLED:
        assert SNAPSHOT.is_workday(d) == (d.weekday() < 5), d
        d += ONE
    with pytest.raises(NotImplementedError):  # the package really does not know 2027
        chinese_calendar.is_workday(date(2027, 1, 4))


# --- named examples --------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "n", "due"), [
    # Spring Festival 2026: off Feb 15–23, worked Sat Feb 14 and Sat Feb 28.
    (date(2026, 2, 13), 1, date(2026, 2, 14)),   # Friday → the make-up Saturday
    (date(2026, 2, 13), 2, date(2026, 2, 24)),   # … then the whole festival is skipped
    (date(2026, 2, 14), 1, date(2026, 2, 24)),   # starting on the make-up Saturday itself
    (date(2026, 2, 15), 1, date(2026, 2, 24)),   # starting inside the holiday
    (date(2026, 2, 27), 1, date(2026, 2, 28)),   # Friday → make-up Saturday Feb 28
    (date(2026, 2, 28), 1, date(2026, 3, 2)),
    (date(2026, 2, 10), 20, date(2026, 3, 16)),
    # National Day 2026: worked Sun Sep 20 and Sat Oct 10; Mid-Autumn Sep 25–27, off Oct 1–7.
    (date(2026, 9, 18), 1, date(2026, 9, 20)),   # Friday → make-up Sunday
    (date(2026, 9, 24), 1, date(2026, 9, 28)),   # Mid-Autumn skipped
    (date(2026, 9, 30), 1, date(2026, 10, 8)),   # the golden week skipped
    (date(2026, 10, 9), 1, date(2026, 10, 10)),  # Friday → make-up Saturday
    (date(2026, 9, 18), 10, date(2026, 10, 9)),
    # Year boundaries.
    (date(2025, 12, 31), 1, date(2026, 1, 4)),   # New Year 2026: off Jan 1–3, worked Sun Jan 4
    (date(2026, 12, 31), 1, date(2027, 1, 1)),   # 2027 unpublished: Jan 1 counts as a Friday
    (date(2018, 12, 28), 1, date(2018, 12, 29)),  # the 2019 notice: Sat 2018-12-29 worked
    (date(2018, 12, 29), 1, date(2019, 1, 2)),   # off 2018-12-30 … 2019-01-01
    (date(2004, 1, 1), 1, date(2004, 1, 2)),     # the first day of the range
    # Weekends as start days (§4 rule 2: the start day is never counted, working day or not).
    (date(2026, 3, 7), 1, date(2026, 3, 9)),
    (date(2026, 3, 8), 5, date(2026, 3, 13)),
])
def test_named_due_dates(start, n, due):
    assert SNAPSHOT.add_workdays(start, n) == due
    assert naive_add(start, n) == due


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 2, 14), True), (date(2026, 2, 28), True), (date(2026, 2, 15), False),
    (date(2026, 2, 23), False), (date(2026, 2, 24), True), (date(2026, 9, 20), True),
    (date(2026, 10, 10), True), (date(2026, 10, 1), False), (date(2026, 10, 7), False),
    (date(2026, 1, 4), True), (date(2026, 1, 1), False), (date(2027, 1, 1), True),
    (date(2027, 1, 2), False),
])
def test_named_working_days(day, working):
    assert SNAPSHOT.is_workday(day) is working


def test_day_kinds_and_names_for_grids():
    snap = build_snapshot(first=date(2026, 1, 1), last=date(2026, 12, 31), holidays=[date(2026, 2, 16)],
                          makeup_workdays=[date(2026, 2, 14)], published_years=[2026],
                          names={date(2026, 2, 16): "春节", date(2026, 2, 14): "春节调休"})
    assert snap.day_kind(date(2026, 2, 14)) == "makeup_workday"
    assert snap.name_of(date(2026, 2, 14)) == "春节调休"
    assert snap.day_kind(date(2026, 2, 16)) == "holiday"
    assert snap.name_of(date(2026, 2, 16)) == "春节"
    assert snap.day_kind(date(2026, 2, 21)) == "weekend"
    assert snap.day_kind(date(2026, 2, 17)) == "workday"
    assert snap.name_of(date(2026, 2, 17)) == ""


def test_explicit_days_count_in_an_unpublished_year():
    # given a regional holiday in 2027, before the national 2027 arrangement is out
    snap = build_snapshot(first=date(2026, 1, 1), last=date(2027, 12, 31), holidays=[date(2027, 4, 9)],
                          makeup_workdays=[], published_years=[2026], explicit_days=[date(2027, 4, 9)])
    # then it is off although 2027 counts weekends only otherwise
    assert not snap.is_workday(date(2027, 4, 9))
    assert snap.add_workdays(date(2027, 4, 8), 1) == date(2027, 4, 12)
    # and without the explicit mark the same holiday would wait for publication
    plain = build_snapshot(first=date(2026, 1, 1), last=date(2027, 12, 31), holidays=[date(2027, 4, 9)],
                           makeup_workdays=[], published_years=[2026])
    assert plain.is_workday(date(2027, 4, 9))


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, -1, -20])
def test_non_positive_n_is_refused(n):
    with pytest.raises(ValueError, match="正整数"):
        SNAPSHOT.add_workdays(date(2026, 3, 2), n)


@pytest.mark.parametrize("n", [True, 1.5, "3"])
def test_n_must_be_an_integer(n):
    with pytest.raises(ValueError):
        SNAPSHOT.add_workdays(date(2026, 3, 2), n)


def test_dates_before_the_range_are_refused():
    with pytest.raises(CalendarRangeError, match="2003-12-31"):
        SNAPSHOT.is_workday(date(2003, 12, 31))
    with pytest.raises(CalendarRangeError):
        SNAPSHOT.add_workdays(date(2003, 12, 31), 1)
    with pytest.raises(CalendarRangeError):
        SNAPSHOT.workdays_between(date(2003, 12, 1), date(2004, 2, 1))


def test_results_beyond_the_range_are_refused():
    with pytest.raises(CalendarRangeError, match="2036-12-31"):
        SNAPSHOT.add_workdays(date(2036, 12, 30), 5)
    with pytest.raises(CalendarRangeError):
        SNAPSHOT.is_workday(date(2037, 1, 1))
    assert SNAPSHOT.add_workdays(date(2036, 12, 30), 1) == date(2036, 12, 31)


def test_an_empty_range_is_refused():
    with pytest.raises(ValueError):
        build_snapshot(first=date(2026, 1, 2), last=date(2026, 1, 1), holidays=[], makeup_workdays=[],
                       published_years=[])
