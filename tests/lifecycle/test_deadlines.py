"""Deadlines described purely: which rows a change writes, and when the sweep watches one."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from onewindow.lifecycle.deadlines import DeadlineSpec, Kind, State, by_identity, changes, watched
from onewindow.supervision import rules as r

D = date(2026, 10, 19)


def test_nothing_changed_writes_nothing():
    specs = [DeadlineSpec(Kind.PROMISED, D, yellow_from=date(2026, 10, 16)), DeadlineSpec(Kind.STATUTORY, D)]
    assert changes(by_identity(specs), specs) == []


def test_a_moved_date_and_a_new_deadline_are_written_and_a_vanished_one_is_closed():
    before = by_identity([DeadlineSpec(Kind.PROMISED, D), DeadlineSpec(Kind.STAGE, D, key="2")])
    after = [DeadlineSpec(Kind.PROMISED, date(2026, 10, 20)), DeadlineSpec(Kind.ISSUANCE, D)]
    written = {s.identity: s for s in changes(before, after, vanished_reason="环节已取消")}
    assert written[("promised", "")].due_on == date(2026, 10, 20)
    assert written[("issuance", "")].state == State.OPEN
    assert written[("stage", "2")].state == State.CLOSED
    assert written[("stage", "2")].closed_reason == "环节已取消"


@given(st.lists(st.tuples(st.sampled_from(list(Kind)), st.sampled_from(["", "1", "2"]),
                          st.dates(date(2026, 1, 1), date(2027, 12, 31))), max_size=8),
       st.lists(st.tuples(st.sampled_from(list(Kind)), st.sampled_from(["", "1", "2"]),
                          st.dates(date(2026, 1, 1), date(2027, 12, 31))), max_size=8))
def test_applying_the_changes_to_the_old_rows_gives_the_new_ones(old, new):
    before = by_identity(DeadlineSpec(k, d, key=key) for k, key, d in old)
    after = list(by_identity(DeadlineSpec(k, d, key=key) for k, key, d in new).values())
    rows = dict(before)
    for spec in changes(before, after):
        rows[spec.identity] = spec
    # every deadline named now is stored as it is now; every other one is closed
    for spec in after:
        assert rows[spec.identity] == spec
    for identity, spec in rows.items():
        if identity not in by_identity(after):
            assert spec.state == State.CLOSED


def test_watched_while_open_and_until_it_lapses():
    assert watched(State.OPEN, D, None, date(2030, 1, 1))
    assert not watched(State.CLOSED, D, None, D)
    assert not watched(State.OPEN, D, lapses_after=D, today=date(2026, 10, 20))


def _row(kind: str, due: date, yellow: date | None = None, state: str = "open", lapses: date | None = None):
    return r.DeadlineRow(1, "case", 7, kind, "", state, due, yellow, lapses)


def test_a_deadline_row_raises_yellow_from_its_line_and_red_from_the_day_after_it():
    rules = r.DEFAULT_DEADLINE_RULES[Kind.PROMISED]
    row = _row("promised", D, yellow=date(2026, 10, 16))
    assert r.deadline_holds(row, rules, date(2026, 10, 15)) is None
    assert r.deadline_holds(row, rules, date(2026, 10, 16)) == r.Code.PROMISED_NEAR
    assert r.deadline_holds(row, rules, D) == r.Code.PROMISED_NEAR  # the due date ends at 23:59:59
    assert r.deadline_holds(row, rules, date(2026, 10, 20)) == r.Code.PROMISED_OVERDUE
    assert r.deadline_holds(_row("promised", D, state="closed"), rules, date(2026, 10, 20)) is None


def test_a_stage_lapses_once_the_case_is_past_its_promised_date_and_acceptance_raises_nothing():
    stage = _row("stage", date(2026, 10, 5), lapses=D)
    assert r.deadline_holds(stage, r.DEFAULT_DEADLINE_RULES[Kind.STAGE], date(2026, 10, 6)) == r.Code.STAGE_OVERDUE
    assert r.deadline_holds(stage, r.DEFAULT_DEADLINE_RULES[Kind.STAGE], date(2026, 10, 20)) is None
    acceptance = _row("acceptance", date(2026, 10, 5))
    assert r.deadline_holds(acceptance, r.DEFAULT_DEADLINE_RULES[Kind.ACCEPTANCE], date(2026, 11, 1)) is None
