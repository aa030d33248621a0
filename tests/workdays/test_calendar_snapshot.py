"""The seeded national calendar, the effective calendar of a region, versions and the snapshot cache."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.core.errors import NotFound
from onewindow.workdays import selectors
from onewindow.workdays.models import CalendarChange, CalendarDay, PublishedYear
from onewindow.workdays.services import SYSTEM, calendar_override_day, calendar_publish_year

pytestmark = pytest.mark.django_db


def test_the_seed_publishes_every_year_chinesecalendar_knows(db):
    years = set(PublishedYear.objects.filter(calendar__region__isnull=True).values_list("year", flat=True))
    assert years == set(range(2004, 2027))
    # one seed change per year, numbered 1…23
    assert list(CalendarChange.objects.order_by("number").values_list("number", flat=True)) == list(range(1, 24))


def test_the_seed_holds_every_holiday_and_make_up_day_with_chinese_names(db):
    rows = {d: (k, n) for d, k, n in CalendarDay.objects.values_list("day", "kind", "name")}
    assert {d for d, (k, _) in rows.items() if k == "holiday"} == set(chinese_calendar.holidays)
    assert {d for d, (k, _) in rows.items() if k == "makeup_workday"} == set(chinese_calendar.workdays)
    assert rows[date(2026, 2, 17)] == ("holiday", "春节")
    assert rows[date(2026, 2, 14)] == ("makeup_workday", "春节调休")
    assert rows[date(2026, 10, 10)] == ("makeup_workday", "国庆节调休")
    assert rows[date(2015, 9, 3)][0] == "holiday"
    assert "70周年" in rows[date(2015, 9, 3)][1]


def test_december_new_year_days_belong_to_the_next_years_notice(db):
    day = CalendarDay.objects.select_related("published_year").get(day=date(2018, 12, 30))
    assert day.published_year.year == 2019
    assert day.name == "元旦"
    makeup = CalendarDay.objects.select_related("published_year").get(day=date(2018, 12, 29))
    assert makeup.published_year.year == 2019
    assert makeup.kind == "makeup_workday"


def test_the_national_snapshot_matches_chinesecalendar_day_by_day(db):
    snap = selectors.snapshot_for(None)
    assert snap.first == date(2004, 1, 1)
    assert snap.last == date(2036, 12, 31)
    assert snap.version == 23
    d = date(2004, 1, 1)
    while d <= date(2030, 12, 31):
        expected = chinese_calendar.is_workday(d) if d.year <= 2026 else d.weekday() < 5
        assert snap.is_workday(d) == expected, d
        d += timedelta(days=1)
    assert snap.name_of(date(2026, 10, 1)) == "国庆节"


def test_a_region_without_days_of_its_own_has_the_national_calendar(tree):
    national, county = selectors.snapshot_for(None), selectors.snapshot_for(tree.county.code)
    assert county.version == national.version
    assert county.holidays == national.holidays
    assert county.makeup_workdays == national.makeup_workdays


def test_an_unknown_region_is_not_found(db):
    with pytest.raises(NotFound) as excinfo:
        selectors.snapshot_for("990199000000")
    assert excinfo.value.code == "region.not_found"
    assert excinfo.value.field == "region"
    with pytest.raises(NotFound):
        selectors.calendar_version_for("nonsense")


def test_overrides_inherit_down_the_tree_and_the_nearest_region_wins(tree):
    # given a provincial holiday on Friday 2026-03-13 and a make-up working Saturday 2026-03-21
    calendar_override_day(actor=SYSTEM, region_code=tree.province.code, day=date(2026, 3, 13), kind="holiday",
                          name="省庆")
    calendar_override_day(actor=SYSTEM, region_code=tree.province.code, day=date(2026, 3, 21),
                          kind="makeup_workday", name="省庆调休")
    # and the county works the provincial holiday after all
    calendar_override_day(actor=SYSTEM, region_code=tree.county.code, day=date(2026, 3, 13),
                          kind="makeup_workday", name="县里照常上班")
    national = selectors.snapshot_for(None)
    province = selectors.snapshot_for(tree.province.code)
    city = selectors.snapshot_for(tree.city.code)
    county = selectors.snapshot_for(tree.county.code)
    township = selectors.snapshot_for(tree.township.code)
    other = selectors.snapshot_for(tree.other_county.code)
    # then the nation is untouched
    assert national.is_workday(date(2026, 3, 13))
    assert not national.is_workday(date(2026, 3, 21))
    # the province, the city and the other county inherit both provincial days
    for snap in (province, city, other):
        assert not snap.is_workday(date(2026, 3, 13))
        assert snap.is_workday(date(2026, 3, 21))
        assert snap.add_workdays(date(2026, 3, 12), 1) == date(2026, 3, 16)
    # the county (and its township) override the holiday back to a working day, keep the Saturday
    for snap in (county, township):
        assert snap.is_workday(date(2026, 3, 13))
        assert snap.is_workday(date(2026, 3, 21))
        assert snap.name_of(date(2026, 3, 13)) == "县里照常上班"


def test_a_regional_day_counts_in_a_year_not_yet_published(tree):
    calendar_override_day(actor=SYSTEM, region_code=tree.province.code, day=date(2027, 4, 9), kind="holiday",
                          name="三月三")
    snap = selectors.snapshot_for(tree.county.code)
    assert not snap.is_workday(date(2027, 4, 9))
    assert snap.is_provisional(date(2027, 4, 8), date(2027, 4, 12))


def test_versions_increase_and_each_chain_sees_its_own(tree):
    # given the seeded version
    base = selectors.calendar_version_for(None)
    # when the county sets a day
    c1 = calendar_override_day(actor=SYSTEM, region_code=tree.county.code, day=date(2026, 3, 13),
                               kind="holiday", name="县庆")
    # then the county's chain moves, the other county's and the nation's do not
    assert c1.number == base + 1
    assert selectors.calendar_version_for(tree.county.code) == base + 1
    assert selectors.calendar_version_for(tree.township.code) == base + 1
    assert selectors.calendar_version_for(tree.other_county.code) == base
    assert selectors.calendar_version_for(None) == base
    # when the nation publishes a year, every chain moves past it
    c2 = calendar_publish_year(actor=SYSTEM, year=2027, holidays=[(date(2027, 1, 1), date(2027, 1, 3), "元旦")],
                               makeup_workdays=[], notice="国务院办公厅关于2027年部分节假日安排的通知")
    assert c2.number == base + 2
    for code in (None, tree.county.code, tree.other_county.code):
        assert selectors.calendar_version_for(code) == base + 2


def test_the_snapshot_is_cached_by_version_and_rebuilt_after_a_change(tree):
    first = selectors.snapshot_for(tree.county.code)
    # a second request costs one query (the version) and returns the same snapshot
    with CaptureQueriesContext(connection) as queries:
        again = selectors.snapshot_for(tree.county.code)
    assert again is first
    assert len(queries) == 1
    # after a change of the county's chain the next request builds a new one
    calendar_override_day(actor=SYSTEM, region_code=tree.county.code, day=date(2026, 3, 13), kind="holiday",
                          name="县庆")
    after = selectors.snapshot_for(tree.county.code)
    assert after is not first
    assert after.version == first.version + 1
    assert first.is_workday(date(2026, 3, 13))
    assert not after.is_workday(date(2026, 3, 13))
    # a change elsewhere does not rebuild it
    calendar_override_day(actor=SYSTEM, region_code=tree.other_county.code, day=date(2026, 3, 13),
                          kind="holiday", name="邻县庆")
    assert selectors.snapshot_for(tree.county.code) is after


def test_publishing_a_year_extends_the_range_and_ends_provisional_results(db):
    before = selectors.snapshot_for(None)
    assert before.is_provisional(date(2027, 9, 1), date(2027, 10, 20))
    calendar_publish_year(actor=SYSTEM, year=2027,
                          holidays=[(date(2027, 10, 1), date(2027, 10, 7), "国庆节")],
                          makeup_workdays=[(date(2027, 9, 26), "国庆节调休"), (date(2027, 10, 9), "国庆节调休")],
                          notice="国务院办公厅关于2027年部分节假日安排的通知")
    after = selectors.snapshot_for(None)
    assert after.last == date(2037, 12, 31)
    assert not after.is_provisional(date(2027, 9, 1), date(2027, 10, 20))
    assert before.add_workdays(date(2027, 9, 30), 1) == date(2027, 10, 1)
    assert after.add_workdays(date(2027, 9, 30), 1) == date(2027, 10, 8)
    assert after.is_workday(date(2027, 9, 26))  # a Sunday, worked


def _newest():
    from onewindow.core import compiled

    [rows] = compiled.fetch_together(selectors.NEWEST_CHANGE_READ)
    return selectors.newest_change(rows)


def test_the_newest_change_of_all_calendars_spares_the_chains_version_query(tree):
    """A transition reads the newest change of any calendar with its row lock: while it is the one
    seen last time, the chain's version is known without a query; any new change, anywhere, asks
    again, and a change in the chain moves its version."""
    first = selectors.snapshot_for(tree.county.code, newest=_newest())
    with CaptureQueriesContext(connection) as queries:
        assert selectors.snapshot_for(tree.county.code, newest=_newest()) is first
    assert len(queries) == 1  # only the newest change itself
    # a change elsewhere: the chain is asked again, and its version has not moved
    calendar_override_day(actor=SYSTEM, region_code=tree.other_county.code, day=date(2026, 3, 13),
                          kind="holiday", name="邻县庆")
    with CaptureQueriesContext(connection) as queries:
        assert selectors.snapshot_for(tree.county.code, newest=_newest()) is first
    assert len(queries) == 2
    # a change in the chain (the city's): the county's calendar moves with it
    calendar_override_day(actor=SYSTEM, region_code=tree.city.code, day=date(2026, 3, 16), kind="holiday",
                          name="市庆")
    after = selectors.snapshot_for(tree.county.code, newest=_newest())
    assert after.version == first.version + 2
    assert not after.is_workday(date(2026, 3, 16))


def test_a_reused_change_number_is_told_apart_by_its_token(tree):
    """A number taken by a rolled-back change is handed out again: the newest (number, token)
    differs, so the cached head of the chain is not trusted."""
    from django.db import transaction

    base = selectors.snapshot_for(tree.county.code, newest=_newest())
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_override_day(actor=SYSTEM, region_code=tree.county.code, day=date(2026, 3, 13),
                              kind="holiday", name="县庆")
        assert not selectors.snapshot_for(tree.county.code, newest=_newest()).is_workday(date(2026, 3, 13))
        raise RuntimeError("rolled back")
    assert selectors.snapshot_for(tree.county.code, newest=_newest()).version == base.version
    change = calendar_override_day(actor=SYSTEM, region_code=tree.county.code, day=date(2026, 3, 20),
                                   kind="holiday", name="另一个县庆")
    assert change.number == base.version + 1  # the same number again
    again = selectors.snapshot_for(tree.county.code, newest=_newest())
    assert not again.is_workday(date(2026, 3, 20))
    assert again.is_workday(date(2026, 3, 13))
