"""Invariants of the clock, checked with hypothesis over 2004–2030 on the national calendar.

The reference model walks day by day over chinesecalendar's own tables (not the snapshot), so it
checks the snapshot arithmetic and the pause model at once.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import chinese_calendar
from clock_helpers import (
    PUBLISHED,
    accepted,
    decided,
    ev,
    extension,
    national,
    pause_ended,
    pause_started,
    submitted,
    supplement_requested,
    supplemented,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.workdays.clock import (
    ClockLimits,
    EventKind,
    WarningLevel,
    check_transition,
    clock,
    counted_between,
    deemed_acceptance_due,
)

CAL = national()
ONE = timedelta(days=1)
_PUBLISHED = frozenset(PUBLISHED)


def naive_is_workday(d: date) -> bool:
    if d.year in _PUBLISHED:
        if d in chinese_calendar.workdays:
            return True
        if d in chinese_calendar.holidays:
            return False
    return d.weekday() < 5


def naive_due(start: date, n: int, pauses: list[tuple[date, date]]) -> date:
    """Walk day by day, counting working days that lie in no pause (s, e]."""
    if n == 0:
        return start
    d = start
    while n:
        d += ONE
        if naive_is_workday(d) and not any(s < d <= e for s, e in pauses):
            n -= 1
    return d


starts = st.dates(min_value=date(2004, 7, 1), max_value=date(2029, 6, 30))
limits_st = st.tuples(st.integers(1, 60), st.integers(0, 60)).map(
    lambda t: ClockLimits(statutory=max(t), promised=min(t)))
# Pauses as (days after the previous anchor, length in days); a length of 0 starts and ends on one day.
pause_plans = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 25)), max_size=4)


def build(start: date, plan: list[tuple[int, int]]) -> tuple[list, list[tuple[date, date]]]:
    events = [submitted(start), accepted(start)]
    pauses = []
    anchor = start
    for gap, length in plan:
        s = anchor + timedelta(days=gap)
        e = s + timedelta(days=length)
        events += [pause_started(s, "inspection"), pause_ended(e)]
        pauses.append((s, e))
        anchor = e
    return events, pauses


@settings(max_examples=300, deadline=None)
@given(starts, limits_st, pause_plans)
def test_clock_agrees_with_a_day_by_day_model(start, limits, plan):
    events, pauses = build(start, plan)
    as_of = (pauses[-1][1] if pauses else start) + ONE
    state = clock(events, limits, CAL, as_of)
    assert state.violations == ()
    assert state.promised_due == naive_due(start, limits.promised, pauses)
    assert state.statutory_due == naive_due(start, limits.statutory, pauses)


@settings(max_examples=200, deadline=None)
@given(starts, limits_st, pause_plans)
def test_a_pause_never_shortens_a_deadline(start, limits, plan):
    events, _ = build(start, plan)
    as_of = start + timedelta(days=200)
    with_pauses = clock(events, limits, CAL, as_of)
    without = clock(events[:2], limits, CAL, as_of)
    assert with_pauses.promised_due >= without.promised_due
    assert with_pauses.statutory_due >= without.statutory_due


@settings(max_examples=200, deadline=None)
@given(starts, limits_st, pause_plans, st.integers(1, 15), st.booleans())
def test_an_extension_moves_both_dues_by_exactly_its_working_days(start, limits, plan, k, joint):
    limits = ClockLimits(statutory=limits.statutory, promised=limits.promised, is_joint=joint)
    k = min(k, limits.max_extension)
    events, pauses = build(start, plan)
    as_of = start + timedelta(days=200)
    before = clock(events, limits, CAL, as_of)
    after = clock([*events, extension(start, k)], limits, CAL, as_of)
    assert after.violations == ()
    assert after.extension_workdays == k
    for old, new in ((before.promised_due, after.promised_due), (before.statutory_due, after.statutory_due)):
        assert counted_between(CAL, old, new, pauses) == k
        if not any(s >= old for s, _ in pauses):  # no pause after the old due: plain working days
            assert new == CAL.add_workdays(old, k)


@settings(max_examples=200, deadline=None)
@given(starts, st.integers(0, 60), st.booleans())
def test_deemed_acceptance_dates_to_the_receipt_day(received, extra_days, via_supplement):
    events = [submitted(received)]
    if via_supplement:
        # The receipt day is then the day the supplement came in
        events += [supplement_requested(received, "身份证明"), supplemented(received + timedelta(days=3))]
        received = received + timedelta(days=3)
    window_end = CAL.add_workdays(received, 5)
    as_of = window_end + timedelta(days=1 + extra_days)
    state = clock(events, ClockLimits(statutory=20, promised=10), CAL, as_of)
    assert state.deemed_accepted
    assert state.accepted_on == received
    assert deemed_acceptance_due(events, ClockLimits(statutory=20, promised=10), CAL, as_of) == received
    # and never before the window has passed
    assert not clock(events, ClockLimits(statutory=20, promised=10), CAL, window_end).deemed_accepted


_ORDER = [WarningLevel.NORMAL, WarningLevel.YELLOW, WarningLevel.RED, WarningLevel.STATUTORY_BREACH]


@settings(max_examples=60, deadline=None)
@given(starts, limits_st, st.sampled_from(["0.9", "0.8", "0.5", "1", "0"]))
def test_yellow_never_comes_after_red_and_levels_only_rise(start, limits, share):
    limits = ClockLimits(statutory=limits.statutory, promised=limits.promised, yellow_share=share)
    events = [submitted(start), accepted(start)]
    state = clock(events, limits, CAL, start)
    assert state.yellow_from is not None
    assert state.red_from is not None
    assert start <= state.yellow_from <= state.promised_due < state.red_from
    assert state.red_from <= state.statutory_breach_from
    previous = 0
    d = start
    while d <= state.statutory_due + timedelta(days=3):
        level = _ORDER.index(clock(events, limits, CAL, d).warning_level)
        assert level >= previous
        previous = level
        if d == state.yellow_from:
            assert level >= 1
        d += ONE
    assert previous == 3


@settings(max_examples=300, deadline=None)
@given(starts, limits_st, pause_plans)
def test_due_dates_are_working_days(start, limits, plan):
    events, _ = build(start, plan)
    state = clock([*events, decided(start + timedelta(days=150), "grant")], limits, CAL, start + timedelta(days=200))
    for due in (state.acceptance_due, state.statutory_due, state.certificate_due):
        assert CAL.is_workday(due)
    if limits.promised:
        assert CAL.is_workday(state.promised_due)


@settings(max_examples=200, deadline=None)
@given(starts, limits_st, pause_plans, st.randoms(use_true_random=False), st.integers(0, 120))
def test_the_clock_is_a_function_of_the_events_alone(start, limits, plan, rnd: random.Random, offset):
    events, _ = build(start, plan)
    events += [extension(start + timedelta(days=2), 3), decided(start + timedelta(days=100), "grant"),
               ev(EventKind.CERTIFICATE_ISSUED, start + timedelta(days=104))]
    shuffled = list(events)
    rnd.shuffle(shuffled)
    as_of = start + timedelta(days=offset)
    assert clock(shuffled, limits, CAL, as_of) == clock(events, limits, CAL, as_of)
    assert clock(shuffled, limits, CAL, as_of).as_dict() == clock(tuple(events), limits, CAL, as_of).as_dict()


@settings(max_examples=150, deadline=None)
@given(starts, limits_st, pause_plans)
def test_a_lawful_history_passes_check_transition_step_by_step(start, limits, plan):
    events, _ = build(start, plan)
    history: list = []
    for event in events:
        assert check_transition(history, event, limits, CAL) == []
        history.append(event)
