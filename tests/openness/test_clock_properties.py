"""The OGI clock (政府信息公开条例 第三十、三十二、三十三条) against a naive day-by-day model.

The request's events go through the app's own reading (``openness.clock``: Art. 31 receipt dates,
the one clarification, the third party's pause, the one extension) into the working-day engine;
the model walks the calendar one day at a time over chinesecalendar's own tables, so it checks the
engine's bisections and the app's event mapping at once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.openness.clock import StoredEvent, deadline_history, state_of
from onewindow.workdays.clock import SHANGHAI, EventKind

from .helpers import PUBLISHED, national

ONE = timedelta(days=1)
_PUBLISHED = frozenset(PUBLISHED)


@cache
def cal():
    return national()


def naive_is_workday(d: date) -> bool:
    if d.year in _PUBLISHED:
        if d in chinese_calendar.workdays:
            return True
        if d in chinese_calendar.holidays:
            return False
    return d.weekday() < 5


def naive_add(start: date, n: int) -> date:
    d = start
    while n:
        d += ONE
        if naive_is_workday(d):
            n -= 1
    return d


def naive_due(start: date, n: int, pause: tuple[date, date] | None) -> date:
    """The n-th working day after ``start`` that lies outside the pause (s, e]."""
    d = start
    while n:
        d += ONE
        if naive_is_workday(d) and not (pause is not None and pause[0] < d <= pause[1]):
            n -= 1
    return d


def moment(d: date) -> datetime:
    return datetime.combine(d, time(10), tzinfo=SHANGHAI)


class Builder:
    def __init__(self) -> None:
        self.events: list[StoredEvent] = []

    def add(self, kind: str, day: date, **payload) -> None:
        # Recorded on the day, or later with the legal day in the payload (a letter signed for earlier).
        self.events.append(StoredEvent(kind, moment(day), {"on": day.isoformat(), **payload}, len(self.events) + 1))


receipts = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 6, 30))


@st.composite
def plans(draw):
    """A request's history: receipt, maybe one clarification, maybe a pause (a consultation or a
    processing fee awaited), maybe an extension."""
    r = draw(receipts)
    clarify = draw(st.booleans())
    ask_after = draw(st.integers(0, 7))  # working days after receipt (Art. 30: within 7)
    answer_after = draw(st.integers(0, 40))  # calendar days the applicant takes
    consult = draw(st.booleans())
    consult_after = draw(st.integers(0, 19))  # working days after the (re)start: inside the period
    consult_days = draw(st.integers(0, 40))  # calendar days the third party takes
    extension = draw(st.one_of(st.none(), st.integers(1, 20)))
    fee = draw(st.booleans())  # the pause is the applicant paying the processing fee (国办函〔2020〕109号)
    return r, clarify, ask_after, answer_after, consult, consult_after, consult_days, extension, fee


def build(plan) -> tuple[list[StoredEvent], date, int, tuple[date, date] | None, date]:
    r, clarify, ask_after, answer_after, consult, consult_after, consult_days, extension, fee = plan
    b = Builder()
    b.add(EventKind.SUBMITTED, r)
    start = r
    last = r
    if clarify:
        ask = naive_add(r, ask_after) if ask_after else r
        b.add(EventKind.SUPPLEMENT_REQUESTED, ask, points=["请明确所需信息的名称"])
        start = ask + timedelta(days=answer_after)
        b.add(EventKind.SUPPLEMENTED, start)
        last = start
    pause = None
    if consult:
        s = naive_add(start, consult_after) if consult_after else start
        e = s + timedelta(days=consult_days)
        started = {"procedure": "fee_payment"} if fee else {"third_party": "第三方"}
        b.add(EventKind.SPECIAL_PROCEDURE_STARTED, s, **started)
        b.add(EventKind.SPECIAL_PROCEDURE_ENDED, e, **({"procedure": "fee_payment"} if fee else {"opinion": "agree"}))
        pause = (s, e)
        last = e
    n = 20
    if extension:
        b.add(EventKind.EXTENSION_GRANTED, last, workdays=extension, approver_role="chief_representative")
        n += extension
    return b.events, start, n, pause, last


@settings(max_examples=300, deadline=None)
@given(plans())
def test_reply_due_is_the_naive_count(plan) -> None:
    events, start, n, pause, last = build(plan)
    state = state_of(events, cal(), last)
    assert not state.violations
    assert state.statutory_due == naive_due(start, n, pause)


@settings(max_examples=200, deadline=None)
@given(receipts, st.integers(0, 40))
def test_clarification_restarts_the_twenty_days(r: date, gap: int) -> None:
    """Art. 30: from the clarified request, whatever time passed before it."""
    b = Builder()
    b.add(EventKind.SUBMITTED, r)
    b.add(EventKind.SUPPLEMENT_REQUESTED, r, points=["内容"])
    b.add(EventKind.SUPPLEMENTED, r + timedelta(days=gap))
    assert state_of(b.events, cal(), r + timedelta(days=gap)).statutory_due == naive_add(r + timedelta(days=gap), 20)


@settings(max_examples=200, deadline=None)
@given(receipts, st.integers(1, 40))
def test_clock_is_frozen_while_the_third_party_answers(r: date, days: int) -> None:
    """Art. 32: during the consultation no due date runs; the days before it stay counted."""
    b = Builder()
    b.add(EventKind.SUBMITTED, r)
    b.add(EventKind.SPECIAL_PROCEDURE_STARTED, r + ONE, third_party="第三方")
    during = state_of(b.events, cal(), r + timedelta(days=days))
    assert during.paused
    assert during.statutory_due is None


@settings(max_examples=150, deadline=None)
@given(receipts, st.integers(21, 60))
def test_an_extension_beyond_twenty_is_refused(r: date, k: int) -> None:
    b = Builder()
    b.add(EventKind.SUBMITTED, r)
    b.add(EventKind.EXTENSION_GRANTED, r, workdays=k, approver_role="chief_representative")
    state = state_of(b.events, cal(), r)
    assert [v.code for v in state.violations] == ["clock.extension_beyond_cap"]
    assert state.statutory_due == naive_add(r, 20)


@settings(max_examples=150, deadline=None)
@given(plans())
def test_the_history_ends_on_the_final_due_date(plan) -> None:
    """The deadline history's last running line is the due date the clock gives."""
    events, start, n, pause, last = build(plan)
    lines = deadline_history(events, cal())
    assert [line.seq for line in lines] == [e.seq for e in events]
    assert lines[-1].due == naive_due(start, n, pause)
