"""Publishing a year and regional overrides: what they write, who may, every refusal, the retimers."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.workdays import retiming, selectors
from onewindow.workdays.models import CalendarChange, CalendarDay, PublishedYear
from onewindow.workdays.services import (
    SYSTEM,
    calendar_override_day,
    calendar_publish_year,
    calendar_remove_override,
)

pytestmark = pytest.mark.django_db

NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"
HOLIDAYS_2027 = [
    (date(2027, 1, 1), date(2027, 1, 3), "元旦"),
    (date(2027, 2, 6), date(2027, 2, 14), "春节"),
]
MAKEUP_2027 = [(date(2027, 2, 20), "春节调休")]


def _publish(actor, **kw):
    args = {"year": 2027, "holidays": HOLIDAYS_2027, "makeup_workdays": MAKEUP_2027, "notice": NOTICE}
    return calendar_publish_year(actor=actor, **(args | kw))


# --- publishing --------------------------------------------------------------------------------


def test_a_center_administrator_publishes_a_year(county_admin):
    # when a county administrator enters the 2027 notice
    change = _publish(county_admin)
    # then the year is published by them, with its days, and one change records it
    published = PublishedYear.objects.get(year=2027)
    assert published.published_by == county_admin
    assert published.notice == NOTICE
    days = {d.day: (d.kind, d.name) for d in published.days.all()}
    assert len(days) == 3 + 9 + 1
    assert days[date(2027, 2, 10)] == ("holiday", "春节")
    assert days[date(2027, 2, 20)] == ("makeup_workday", "春节调休")
    assert change.kind == "publish_year"
    assert change.year == 2027
    assert change.actor == county_admin
    assert change.region_code == ""
    assert change.removed == []
    assert {"day": "2027-02-20", "kind": "makeup_workday", "name": "春节调休"} in change.added
    assert len(change.added) == 13


def test_a_clerk_may_not_publish(clerk):
    with pytest.raises(PermissionDenied) as excinfo:
        _publish(clerk)
    assert excinfo.value.code == "forbidden.calendar.publish"
    assert not PublishedYear.objects.filter(year=2027).exists()


def test_nobody_is_not_the_system(db):
    with pytest.raises(PermissionDenied):
        _publish(None)


def test_a_published_year_is_refused_unless_replaced(county_admin):
    _publish(county_admin)
    with pytest.raises(Conflict) as excinfo:
        _publish(county_admin)
    assert excinfo.value.code == "calendar.year_published"
    assert excinfo.value.field == "year"
    assert excinfo.value.status == 409
    # the seeded years too
    with pytest.raises(Conflict):
        calendar_publish_year(actor=county_admin, year=2026, holidays=[(date(2026, 1, 1), date(2026, 1, 1), "元旦")],
                              makeup_workdays=[], notice="x")


def test_replacing_a_year_records_what_was_added_and_removed(county_admin):
    _publish(county_admin)
    # when the Spring Festival is corrected by one day
    change = _publish(county_admin, holidays=[HOLIDAYS_2027[0], (date(2027, 2, 6), date(2027, 2, 15), "春节")],
                      replace=True)
    # then only the difference is recorded, and the year holds the new days
    assert change.added == [{"day": "2027-02-15", "kind": "holiday", "name": "春节"}]
    assert change.removed == []
    assert CalendarDay.objects.filter(published_year__year=2027).count() == 14
    assert not selectors.snapshot_for(None).is_workday(date(2027, 2, 15))
    # replacing with the same content changes nothing
    before = CalendarChange.objects.count()
    assert _publish(county_admin, holidays=[HOLIDAYS_2027[0], (date(2027, 2, 6), date(2027, 2, 15), "春节")],
                    replace=True) is None
    assert CalendarChange.objects.count() == before


def test_replacing_a_seeded_year(db):
    change = calendar_publish_year(actor=SYSTEM, year=2026, holidays=[(date(2026, 1, 1), date(2026, 1, 3), "元旦")],
                                   makeup_workdays=[(date(2026, 1, 4), "元旦调休")], notice="更正", replace=True)
    assert len(change.removed) == 33 + 6 - 4
    assert change.added == []
    assert selectors.snapshot_for(None).is_workday(date(2026, 2, 17))


@pytest.mark.parametrize(("holidays", "makeup", "code", "field"), [
    ([(date(2027, 2, 6), date(2027, 2, 14), "春节")], [(date(2027, 2, 22), "春节调休")],  # a Monday
     "calendar.makeup_not_weekend", "makeup_workdays"),
    ([(date(2028, 1, 1), date(2028, 1, 1), "元旦")], [], "calendar.out_of_year", "holidays"),
    ([(date(2026, 11, 1), date(2026, 11, 2), "某节")], [], "calendar.out_of_year", "holidays"),
    ([(date(2027, 2, 6), date(2027, 2, 14), "春节"), (date(2027, 2, 14), date(2027, 2, 16), "又一节")], [],
     "calendar.overlap", "holidays"),
    ([(date(2027, 2, 14), date(2027, 2, 6), "春节")], [], "calendar.range_reversed", "holidays"),
    ([(date(2027, 2, 6), date(2027, 2, 14), "春节")], [(date(2027, 2, 7), "春节调休")],  # inside the holiday
     "calendar.makeup_in_holiday", "makeup_workdays"),
    ([(date(2027, 2, 6), date(2027, 2, 14), " ")], [], "calendar.name_required", "holidays"),
    ([(date(2027, 2, 6), date(2027, 2, 14), "春节")], [(date(2027, 2, 20), "调休"), (date(2027, 2, 20), "调休")],
     "calendar.duplicate_day", "makeup_workdays"),
])
def test_publishing_refuses_a_bad_arrangement(county_admin, holidays, makeup, code, field):
    with pytest.raises(DomainError) as excinfo:
        calendar_publish_year(actor=county_admin, year=2027, holidays=holidays, makeup_workdays=makeup, notice=NOTICE)
    assert excinfo.value.code == code
    assert excinfo.value.field == field
    assert not PublishedYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(day__year=2027).exists()


def test_publishing_needs_a_notice_and_a_sane_year(county_admin):
    with pytest.raises(DomainError) as excinfo:
        _publish(county_admin, notice="  ")
    assert excinfo.value.code == "calendar.notice_required"
    with pytest.raises(DomainError) as excinfo:
        _publish(county_admin, year=1999)
    assert excinfo.value.code == "calendar.year_invalid"


def test_a_new_year_holiday_may_start_in_the_december_before(db):
    # the shape of the 2019 notice, for 2028: off 2027-12-31 … 2028-01-01, Saturday 2027-12-25 worked
    change = calendar_publish_year(actor=SYSTEM, year=2028, holidays=[(date(2027, 12, 31), date(2028, 1, 1), "元旦")],
                                   makeup_workdays=[(date(2027, 12, 25), "元旦调休")], notice="2028")
    assert change is not None
    snap = selectors.snapshot_for(None)
    # 2027 itself is unpublished, yet the two notice days apply
    assert not snap.is_workday(date(2027, 12, 31))
    assert snap.is_workday(date(2027, 12, 25))


def test_a_day_held_by_another_years_notice_is_refused(db):
    # 2018-12-30 belongs to the seeded 2019 notice
    with pytest.raises(DomainError) as excinfo:
        calendar_publish_year(actor=SYSTEM, year=2018, holidays=[(date(2018, 12, 30), date(2018, 12, 30), "某节")],
                              makeup_workdays=[], notice="x", replace=True)
    assert excinfo.value.code == "calendar.day_taken"


# --- overrides -----------------------------------------------------------------------------------


def test_a_county_administrator_sets_and_removes_a_local_holiday(tree, county_admin):
    change = calendar_override_day(actor=county_admin, region_code=tree.county.code, day=date(2026, 3, 13),
                                   kind="holiday", name="县庆")
    assert change.kind == "override_add"
    assert change.region_code == tree.county.code
    assert change.added == [{"day": "2026-03-13", "kind": "holiday", "name": "县庆"}]
    assert change.actor == county_admin
    assert not selectors.snapshot_for(tree.township.code).is_workday(date(2026, 3, 13))
    # the same day again changes nothing
    assert calendar_override_day(actor=county_admin, region_code=tree.county.code, day=date(2026, 3, 13),
                                 kind="holiday", name="县庆") is None
    # renaming records the old and the new
    renamed = calendar_override_day(actor=county_admin, region_code=tree.county.code, day=date(2026, 3, 13),
                                    kind="holiday", name="建县纪念日")
    assert renamed.removed[0]["name"] == "县庆"
    assert renamed.added[0]["name"] == "建县纪念日"
    # removing brings the national day back
    removed = calendar_remove_override(actor=county_admin, region_code=tree.county.code, day=date(2026, 3, 13))
    assert removed.kind == "override_remove"
    assert removed.removed[0]["name"] == "建县纪念日"
    assert selectors.snapshot_for(tree.township.code).is_workday(date(2026, 3, 13))
    assert calendar_remove_override(actor=county_admin, region_code=tree.county.code, day=date(2026, 3, 13)) is None
    assert renamed.number > change.number
    assert removed.number > renamed.number


def test_a_county_administrator_may_not_override_the_province_or_a_neighbour(tree, county_admin):
    for code in (tree.province.code, tree.other_county.code):
        with pytest.raises(PermissionDenied):
            calendar_override_day(actor=county_admin, region_code=code, day=date(2026, 3, 13), kind="holiday",
                                  name="x")
    # but reaches the township below
    assert calendar_override_day(actor=county_admin, region_code=tree.township.code, day=date(2026, 3, 13),
                                 kind="holiday", name="镇庆") is not None


def test_a_clerk_may_not_override(tree, clerk):
    with pytest.raises(PermissionDenied):
        calendar_override_day(actor=clerk, region_code=tree.county.code, day=date(2026, 3, 13), kind="holiday",
                              name="x")


@pytest.mark.parametrize(("day", "kind", "code", "field"), [
    (date(2026, 3, 14), "holiday", "calendar.override_no_effect", "day"),          # a Saturday
    (date(2026, 2, 17), "holiday", "calendar.override_no_effect", "day"),          # already off
    (date(2026, 3, 13), "makeup_workday", "calendar.override_no_effect", "day"),   # already working
    (date(2026, 2, 14), "makeup_workday", "calendar.override_no_effect", "day"),   # a national make-up day
    (date(2026, 3, 13), "vacation", "calendar.kind_invalid", "kind"),
    (date(2003, 3, 13), "holiday", "calendar.day_invalid", "day"),
])
def test_an_override_that_changes_nothing_or_is_malformed_is_refused(tree, county_admin, day, kind, code, field):
    with pytest.raises(DomainError) as excinfo:
        calendar_override_day(actor=county_admin, region_code=tree.county.code, day=day, kind=kind, name="x")
    assert excinfo.value.code == code
    assert excinfo.value.field == field


def test_an_override_needs_a_name_and_a_known_region(tree, county_admin):
    with pytest.raises(DomainError) as excinfo:
        calendar_override_day(actor=county_admin, region_code=tree.county.code, day=date(2026, 3, 13),
                              kind="holiday", name=" ")
    assert excinfo.value.code == "calendar.name_required"
    with pytest.raises(NotFound) as excinfo:
        calendar_override_day(actor=county_admin, region_code="990199000000", day=date(2026, 3, 13),
                              kind="holiday", name="x")
    assert excinfo.value.field == "region_code"


def test_a_region_may_work_a_national_holiday_or_rest_on_a_make_up_day(tree):
    calendar_override_day(actor=SYSTEM, region_code=tree.county.code, day=date(2026, 2, 23), kind="makeup_workday",
                          name="提前返岗")
    calendar_override_day(actor=SYSTEM, region_code=tree.county.code, day=date(2026, 2, 28), kind="holiday",
                          name="不调休")
    snap = selectors.snapshot_for(tree.county.code)
    assert snap.is_workday(date(2026, 2, 23))
    assert not snap.is_workday(date(2026, 2, 28))


# --- retimers ----------------------------------------------------------------------------------


@pytest.fixture
def recorder():
    seen: list[tuple[int, int]] = []

    def retimer(change):
        # what a case app does: read the new calendar after the commit
        seen.append((change.number, selectors.calendar_version_for(change.region_code or None)))
        return retiming.RetimeReport(retimer="recorder", examined=1, moved=0)

    retiming.register_retimer(retimer)
    retiming.register_retimer(retimer)  # idempotent
    yield seen
    retiming.unregister_retimer(retimer)


def test_retimers_run_once_after_the_commit(tree, recorder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        change = calendar_override_day(actor=SYSTEM, region_code=tree.county.code, day=date(2026, 3, 13),
                                       kind="holiday", name="县庆")
    assert recorder == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert recorder == [(change.number, change.number)]


def test_a_failing_retimer_does_not_stop_the_others(tree, recorder):
    def broken(change):
        raise RuntimeError("boom")

    retiming.register_retimer(broken)
    try:
        change = CalendarChange.objects.order_by("-number").first()
        reports = retiming.run_retimers(change)
    finally:
        retiming.unregister_retimer(broken)
    by_name = {r.retimer: r for r in reports}
    names = [r.retimer for r in reports]
    assert names.index("recorder") < len(names) - 1  # the broken one registered after it still ran
    assert by_name["recorder"].error == ""
    assert recorder
    assert reports[-1].error.startswith("RuntimeError")


def test_a_refused_change_runs_no_retimer(tree, clerk, recorder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(PermissionDenied):
        calendar_override_day(actor=clerk, region_code=tree.county.code, day=date(2026, 3, 13), kind="holiday",
                              name="x")
    assert callbacks == []
    assert recorder == []


def test_publishing_through_a_staff_member_of_another_region(tree, staff_factory):
    # any center administrator may enter the national notice: the check is in their own region
    admin = staff_factory("other-admin", tree.other_county, "center_admin")
    assert _publish(admin) is not None
