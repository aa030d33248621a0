"""Indicators on small hand-computed sets, and rankings with the minimum number of cases."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.cases import services as cs
from onewindow.core.errors import NotFound, PermissionDenied
from onewindow.supervision import indicators as ind
from onewindow.supervision import selectors as sel
from onewindow.supervision import services as sv
from onewindow.supervision.models import SupervisionSettings
from onewindow.supervision.rules import nearest_rank
from onewindow.workdays.arithmetic import build_snapshot
from tests.cases.helpers import accepted_case, at, review_all

CODE = "990121000000"
# January 2026 with weekends only: Thu 1 Jan … Mon 5, Fri 9, Mon 12, Fri 16, Mon 19.
CALENDAR = {CODE: build_snapshot(first=date(2025, 12, 1), last=date(2026, 12, 31), holidays=(), makeup_workdays=(),
                                 published_years={2025, 2026})}


def row(accepted: date | None, finished: date, due: date | None, *, statutory: int = 20, promised: int = 10,
        instant: bool = False, visits: int = 1) -> ind.CaseRow:
    return ind.CaseRow(region_code=CODE, accepted_on=accepted, finished_on=finished, promised_due=due,
                       statutory_limit=statutory, promised_limit=promised, is_instant=instant, visits=visits)


ROWS = [
    row(date(2026, 1, 5), date(2026, 1, 9), date(2026, 1, 9)),  # A: on the due date; 4 working days
    row(date(2026, 1, 5), date(2026, 1, 7), date(2026, 1, 9), visits=2),  # B: early; 2 working days
    row(date(2026, 1, 5), date(2026, 1, 19), date(2026, 1, 16), promised=5),  # C: overdue; 10 working days
    row(date(2026, 1, 6), date(2026, 1, 6), date(2026, 1, 6), statutory=1, promised=0, instant=True),  # D: instant
]
ORDERS = [
    ind.OrderRow(date(2026, 1, 10), True, True),
    ind.OrderRow(date(2026, 1, 12), False, True),
    ind.OrderRow(date(2026, 1, 30), None, False),  # not due yet: not counted
    ind.OrderRow(date(2026, 1, 15), None, False),  # overdue, no reply: counted as late
]


def compute(rows=ROWS, orders=ORDERS, **kw) -> ind.IndicatorSet:
    return ind.compute_rows(rows, CALENDAR, accepted=kw.get("accepted", 5), yellow=2, red=3, severe=1, orders=orders,
                            efficiency_warnings=1, today=date(2026, 1, 20))


def test_the_definitions_on_a_hand_computed_set():
    s = compute()
    assert s.cases == 4
    assert s["accepted"].value == 5
    assert s["concluded"].value == 4
    assert (s["on_time_rate"].value, s["on_time_rate"].numerator, s["on_time_rate"].denominator) == (0.75, 3, 4)
    assert s["early_rate"].value == 0.25
    assert s["instant_share"].value == 0.25
    # (0.5 + 0.5 + 0.75 + 1) / 4
    assert s["promise_compression"].value == pytest.approx(0.6875)
    # working days 4, 2, 10, 0
    assert s["avg_workdays"].value == 4.0
    assert s["p90_workdays"].value == 10
    assert s["visits_per_case"].value == 1.25
    assert s["one_visit_share"].value == 0.75
    assert (s["yellow_warnings"].value, s["red_warnings"].value, s["severe_warnings"].value) == (2, 3, 1)
    assert s["orders_on_time_rate"].value == pytest.approx(1 / 3)
    assert s["efficiency_warnings"].value == 1


def test_every_indicator_carries_its_chinese_definition():
    for i in compute().indicators:
        assert i.definition
        assert i.name
        assert any("\u4e00" <= ch <= "\u9fff" for ch in i.definition)


def test_nothing_to_measure_is_none_not_zero():
    s = compute(rows=[], orders=[])
    assert s["on_time_rate"].value is None
    assert s["on_time_rate"].display == "—"
    assert s["avg_workdays"].value is None
    assert s["p90_workdays"].value is None
    assert s["concluded"].value == 0


def test_nearest_rank_percentile():
    assert nearest_rank(list(range(1, 11)), 0.9) == 9
    assert nearest_rank([7], 0.9) == 7
    assert nearest_rank([], 0.9) is None
    # the weighted form the selector's grouped rows use agrees with it
    assert ind.weighted_nearest_rank([(v, 1) for v in range(1, 11)], 0.9) == 9
    assert ind.weighted_nearest_rank([(0, 1), (2, 1), (4, 1), (10, 1)], 0.9) == 10
    assert ind.weighted_nearest_rank([(1, 85), (5, 10), (30, 5)], 0.9) == 5
    assert ind.weighted_nearest_rank([], 0.9) is None


def test_a_fact_is_the_definitions_applied_to_one_case():
    fact = ind.fact_of(ROWS[2], CALENDAR[CODE])
    assert (fact.on_time, fact.early, fact.workdays, fact.compression) == (False, False, 10, 0.75)
    same = [ind.fact_of(r, CALENDAR[CODE]) for r in [ROWS[0], ROWS[0], ROWS[1]]]
    assert sorted(n for _, n in ind.group(same)) == [1, 2]


def test_rankings_count_only_units_with_the_minimum_cases_and_share_ranks_on_ties():
    fast = compute(rows=ROWS[:2])  # 100 % on time, 2 cases
    same = compute(rows=[ROWS[0], ROWS[3]])  # 100 %, 2 cases
    slow = compute(rows=ROWS)  # 75 %, 4 cases
    tiny = compute(rows=ROWS[2:3])  # 0 %, 1 case
    ranking = ind.rank([("a", "甲", fast), ("b", "乙", same), ("c", "丙", slow), ("d", "丁", tiny)], "on_time_rate",
                       min_cases=2)
    assert [(u.label, u.rank) for u in ranking.ranked] == [("乙", 1), ("甲", 1), ("丙", 3)]
    assert [u.label for u in ranking.unranked] == ["丁"]
    # lower is better for durations
    by_days = ind.rank([("a", "甲", fast), ("c", "丙", slow)], "avg_workdays", min_cases=1)
    assert [u.label for u in by_days.ranked] == ["甲", "丙"]


# -- the selector over real cases ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_departments_indicators_from_its_cases(hall, watchers):
    # given an instant case concluded on the spot and a committed case decided early
    instant = cs.case_submit(actor=hall.clerk, item_code=hall.instant_item.implementation_code,
                             applicant=hall.applicant(), materials=hall.checklist(), at=at(2026, 9, 28))
    cs.case_conclude_instant(case_id=instant.id, actor=hall.clerk, at=at(2026, 9, 28, 11))
    case = review_all(hall, accepted_case(hall), at(2026, 10, 8))
    cs.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 9))
    cs.case_issue_certificate(case_id=case.id, actor=hall.chief, at=at(2026, 10, 9, 11))
    cs.case_deliver(case_id=case.id, actor=hall.clerk, method="window", at=at(2026, 10, 12))
    sv.efficiency_warning_issue(reason="拖延", basis="办法", department_id=hall.dept.id, actor=watchers.supervisor,
                                at=at(2026, 10, 12))
    # and the sweep that saw them conclude (it keeps the statistics rows)
    sv.sweep(now=at(2026, 10, 12, 12))
    # when the supervisor asks for the department's indicators for the quarter
    unit, s = sel.indicators_for(watchers.supervisor, "department", hall.dept.id, date(2026, 9, 1), date(2026, 12, 31))
    # then
    assert unit.obj == hall.dept
    assert s["accepted"].value == 2
    assert s["concluded"].value == 2
    assert s["on_time_rate"].value == 1.0
    assert s["early_rate"].value == 0.5  # the instant one is due that day
    assert s["instant_share"].value == 0.5
    # decided 2026-10-09 after acceptance on 09-29: 09-30, 10-08, 10-09 (National Day skipped)
    assert s["avg_workdays"].value == 1.5
    assert s["p90_workdays"].value == 3
    assert s["visits_per_case"].value == 1.0  # one trip each: a pickup at the window is no visit
    assert s["efficiency_warnings"].value == 1
    # the region (and subtree) sees the same cases
    _, county = sel.indicators_for(watchers.supervisor, "region", hall.county.code, date(2026, 9, 1), date(2026, 12, 31))
    assert county["concluded"].value == 2
    # another period sees none
    _, empty = sel.indicators_for(watchers.supervisor, "department", hall.dept.id, date(2026, 1, 1), date(2026, 8, 31))
    assert empty["concluded"].value == 0


@pytest.mark.django_db
def test_indicators_are_region_scoped(hall, watchers):
    with pytest.raises(NotFound):
        sel.indicators_for(watchers.other_supervisor, "department", hall.dept.id, date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(PermissionDenied):
        sel.indicators_for(hall.clerk, "department", hall.dept.id, date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.django_db
def test_department_ranking_uses_the_centers_minimum(hall, watchers):
    SupervisionSettings.objects.create(region=hall.county, min_cases_for_ranking=1)
    instant = cs.case_submit(actor=hall.clerk, item_code=hall.instant_item.implementation_code,
                             applicant=hall.applicant(), materials=hall.checklist(), at=at(2026, 9, 28))
    cs.case_conclude_instant(case_id=instant.id, actor=hall.clerk, at=at(2026, 9, 28, 11))
    assert sv.facts_backfill() == 1  # the same rows the sweep writes, for cases from before it ran
    ranking, sets = sel.department_ranking(watchers.supervisor, hall.county, date(2026, 9, 1), date(2026, 9, 30))
    assert ranking.min_cases == 1
    assert [(u.label, u.rank) for u in ranking.ranked] == [(hall.dept.name, 1)]
