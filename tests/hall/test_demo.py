"""The demo hall: groups and rosters, today's tickets in every state, appointments for the next
five working days, 60 working days of history the simulation replays; idempotent."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from onewindow.demo.loader import load_demo as load_demo_organization
from onewindow.hall import demo, selectors
from onewindow.hall.models import Appointment, RosterEntry, Ticket, WindowGroup
from onewindow.hall.simulation import Scenario, simulate
from onewindow.organization.models import Region

MONDAY = date(2026, 9, 28)


@pytest.fixture(scope="module")
def demo_hall(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_organization()
        line = demo.load_demo(today=MONDAY)
        yield line
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo_hall, db) -> str:
    return demo_hall


def test_the_summary_names_what_was_made(loaded):
    assert loaded.startswith("大厅：窗口组3个")


def test_today_holds_tickets_in_every_state(loaded):
    states = set(Ticket.objects.filter(day=MONDAY).values_list("state", flat=True))
    assert {"waiting", "called", "serving", "done", "skipped"} <= states


def test_appointments_on_each_of_the_next_five_working_days(loaded):
    days = set(Appointment.objects.values_list("day", flat=True))
    assert len(days) == 5
    assert min(days) > MONDAY


def test_rosters_for_today_and_the_next_days(loaded):
    assert RosterEntry.objects.filter(day=MONDAY).exists()
    assert RosterEntry.objects.filter(post="B").exists()


def test_sixty_working_days_of_history_replay_close_to_their_record(loaded):
    county = Region.objects.get(code=demo.COUNTY)
    days = selectors.recorded_days(county, date(2026, 1, 1), date(2026, 9, 27))
    assert len({d.day for d in days}) == 60
    result = simulate(days, Scenario())
    assert abs(result.mean_wait - result.recorded_mean_wait) <= 0.15 * result.recorded_mean_wait


def test_a_second_load_changes_nothing(loaded):
    groups = WindowGroup.objects.count()
    assert demo.load_demo(today=MONDAY) == "大厅：演示数据已存在"
    assert WindowGroup.objects.count() == groups


def test_the_roster_page_shows_the_demo_rosters_and_rotates_the_market_windows(loaded):
    from django.test import Client

    from onewindow.hall import roster_services
    from onewindow.organization.models import Staff, Window

    admin = Staff.objects.get(user__username="admin")
    client = Client()
    client.force_login(admin.user)
    page = client.get("/staff/hall/roster/", {"week": MONDAY.isoformat(), "group": "SC"})
    assert page.status_code == 200
    grid = page.context["grid"]
    assert [r.window.number for r in grid.rows] == ["02", "03", "04"]
    assert all(c.a for r in grid.rows for c in r.cells)  # the demo rosters every group window
    assert not grid.without_a
    # 工商局's two windows rotated among 工商局's staff for two weeks, replacing the demo's roster
    county = Region.objects.get(code=demo.COUNTY)
    windows = list(Window.objects.filter(region=county, number__in=["02", "03"]).order_by("number"))
    people = list(Staff.objects.filter(name__in=["邓薇", "许强", "傅丹"]).order_by("name"))
    result = roster_services.roster_rotate(region=county, window_ids=[w.pk for w in windows],
                                           staff_ids=[p.pk for p in people], first=MONDAY, last=date(2026, 10, 16),
                                           shift_days=3, replace=True, actor=admin)
    assert result.working_days == 11  # 10-10, a Saturday, is a make-up working day
    assert len(result.written) == 22
    assert not result.skipped


def test_the_second_county_has_a_small_hall_with_appointments(loaded):
    second = Region.objects.get(code=demo.SECOND_COUNTY)
    assert list(WindowGroup.objects.filter(region=second).values_list("code", flat=True)) == ["ZH"]
    assert Appointment.objects.filter(region=second).exists()
    assert RosterEntry.objects.filter(window__region=second, day=MONDAY).exists()


def test_the_staff_on_todays_rosters_have_their_board_photo(loaded):
    from onewindow.hall.selectors import board_photo_staff

    for code in (demo.COUNTY, demo.SECOND_COUNTY):
        region = Region.objects.get(code=code)
        rostered = RosterEntry.objects.filter(window__region=region, day=MONDAY, post="A").select_related("staff")
        assert rostered
        for entry in rostered:
            assert entry.staff.photo.name.startswith("staff/")
            assert board_photo_staff(region, entry.staff.employee_number, day=MONDAY) == entry.staff
