"""Scoring a period: every subject's draft score with line items and their evidence."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.assessment.models import Assessment, LineItem
from onewindow.assessment.rules import SubjectKind, parse_period
from onewindow.assessment.services import ManualEntry, assessment_score
from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.hall.models import RosterEntry
from onewindow.organization.rules import Role

from .helpers import D, window_scheme

ABSENT_DAYS = [date(2026, 11, 3), date(2026, 11, 4)]  # rostered, never signed in, no leave


def score(county, **kw):
    return assessment_score(by=county.staff[Role.CENTER_ADMIN], region=county.region,
                            subject_kind=SubjectKind.WINDOW, period="2026-11", **kw)


def test_a_windows_month_recomputed_by_hand_matches_line_by_line(two_counties):
    county = two_counties.a
    window_scheme(county)
    clerk = county.staff[Role.CLERK]
    for day in ABSENT_DAYS:
        RosterEntry.objects.create(window=county.market_window, staff=clerk, day=day)
    manual = [ManualEntry(county.market_window.id, "inspection", 1, ("11月督查：未亮证上岗",)),
              ManualEntry(county.market_window.id, "commendation", 1, ("群众来信表扬",))]
    assessment = score(county, manual=manual)

    # By hand: two whole days missed = 4 half days × −3 = −12; one finding −2; one commendation +1.
    expected = [("absence", 4, D(-3), D(-12)), ("inspection", 1, D(-2), D(-2)), ("commendation", 1, D(1), D(1))]
    s = assessment.scores.get(subject_id=county.market_window.id)
    lines = [(line.item.code, line.count, line.points, line.amount) for line in s.lines.select_related("item")]
    assert lines == expected
    assert s.total == D(100) + sum(e[3] for e in expected) == D(87)
    assert s.grade == "good"
    absence = s.lines.get(item__code="absence")
    assert [e["label"][:10] for e in absence.evidence] == ["2026-11-03", "2026-11-04"]
    assert s.lines.get(item__code="inspection").evidence == [{"label": "11月督查：未亮证上岗", "url": ""}]

    clean = assessment.scores.get(subject_id=county.general_window.id)
    assert (clean.total, clean.grade, clean.lines.count()) == (D(100), "excellent", 0)


def test_the_cap_and_zero_bound_the_score(two_counties):
    county = two_counties.a
    window_scheme(county)
    assessment = score(county, manual=[ManualEntry(county.market_window.id, "commendation", 15),
                                       ManualEntry(county.general_window.id, "inspection", 60)])
    assert assessment.scores.get(subject_id=county.market_window.id).total == D(110)
    low = assessment.scores.get(subject_id=county.general_window.id)
    assert (low.total, low.grade) == (D(0), "fail")


def test_a_period_is_scored_once(two_counties):
    county = two_counties.a
    window_scheme(county)
    score(county)
    with pytest.raises(Conflict) as e:
        score(county)
    assert (e.value.code, e.value.field, e.value.status) == ("period_already_scored", "period", 409)
    assert Assessment.objects.count() == 1


def test_no_scheme_in_force_and_bad_manual_entries_write_nothing(two_counties):
    county = two_counties.a
    with pytest.raises(NotFound):
        score(county)
    window_scheme(county)
    for entry, code in [(ManualEntry(county.market_window.id, "absence", 1), "manual_item_unknown"),
                        (ManualEntry(two_counties.b.market_window.id, "inspection", 1), "manual_subject_unknown"),
                        (ManualEntry(county.market_window.id, "inspection", 0), "manual_count_invalid")]:
        with pytest.raises(DomainError) as e:
            score(county, manual=[entry])
        assert e.value.code == code
    assert not Assessment.objects.exists()
    assert not LineItem.objects.exists()


def test_only_the_center_administrator_scores(two_counties):
    county = two_counties.a
    window_scheme(county)
    with pytest.raises(PermissionDenied):
        assessment_score(by=county.staff[Role.CLERK], region=county.region, subject_kind=SubjectKind.WINDOW,
                         period="2026-11")


@pytest.mark.parametrize("text, expected", [
    ("2026-11", ("month", date(2026, 11, 1), date(2026, 11, 30))),
    ("2026-02", ("month", date(2026, 2, 1), date(2026, 2, 28))),
    ("2026-Q4", ("quarter", date(2026, 10, 1), date(2026, 12, 31))),
    ("2026", ("year", date(2026, 1, 1), date(2026, 12, 31))),
])
def test_periods_parse(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "11/2026", ""])
def test_bad_periods_are_refused(text):
    with pytest.raises(DomainError) as e:
        parse_period(text)
    assert (e.value.code, e.value.field) == ("period_invalid", "period")
