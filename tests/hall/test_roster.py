"""The window staff roster (值班表) and its rotation (轮岗): the center administrator's grid of
windows × the working days of a week with its summary, one cell set or cleared with its rules,
and the rotation that writes a date range in one transaction (roster_services)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from onewindow.core.errors import Conflict, DomainError, PermissionDenied
from onewindow.hall import duty_services, roster_selectors, roster_services
from onewindow.hall.models import RosterEntry
from onewindow.organization.models import Department, Posting
from onewindow.organization.rules import Role

from .helpers import window_clerk

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY, WEDNESDAY = date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30)


def _leave(lobby, staff, first, last, reason="病假"):
    absence = duty_services.absence_request(actor=staff, first_day=first, last_day=last, reason=reason)
    return duty_services.absence_decide(absence_id=absence.pk, approve=True, actor=lobby.admin)


def _cell(window, day):
    return {e.post: e.staff_id for e in RosterEntry.objects.filter(window=window, day=day)}


# -- one cell -----------------------------------------------------------------------------------------------------


def test_the_administrator_sets_and_clears_a_cell(lobby):
    set_ = roster_services.roster_cell_set
    set_(window=lobby.w1, day=MONDAY, a_staff_id=lobby.clerk1.pk, b_staff_id=lobby.clerk2.pk, actor=lobby.admin)
    assert _cell(lobby.w1, MONDAY) == {"A": lobby.clerk1.pk, "B": lobby.clerk2.pk}
    set_(window=lobby.w1, day=MONDAY, a_staff_id=lobby.clerk3.pk, b_staff_id=None, actor=lobby.admin)
    assert _cell(lobby.w1, MONDAY) == {"A": lobby.clerk3.pk}
    set_(window=lobby.w1, day=MONDAY, a_staff_id=None, b_staff_id=None, actor=lobby.admin)
    assert _cell(lobby.w1, MONDAY) == {}
    with pytest.raises(PermissionDenied):
        set_(window=lobby.w1, day=MONDAY, a_staff_id=lobby.clerk1.pk, b_staff_id=None, actor=lobby.clerk1)


def test_a_cell_refuses_the_same_person_on_a_and_b(lobby):
    with pytest.raises(DomainError) as refused:
        roster_services.roster_cell_set(window=lobby.w1, day=MONDAY, a_staff_id=lobby.clerk1.pk,
                                        b_staff_id=lobby.clerk1.pk, actor=lobby.admin)
    assert (refused.value.code, refused.value.field) == ("hall.roster_same_person", "b_staff")
    assert "A岗与B岗不能是同一人" in refused.value.message
    with pytest.raises(DomainError) as refused:
        roster_services.roster_cell_set(window=lobby.w1, day=MONDAY, a_staff_id=None, b_staff_id=lobby.clerk1.pk,
                                        actor=lobby.admin)
    assert refused.value.code == "hall.roster_b_without_a"


def test_a_cell_refuses_staff_on_approved_leave_naming_the_rule(lobby):
    _leave(lobby, lobby.clerk2, TUESDAY, WEDNESDAY, "年休假")
    with pytest.raises(Conflict) as refused:
        roster_services.roster_cell_set(window=lobby.w1, day=TUESDAY, a_staff_id=lobby.clerk1.pk,
                                        b_staff_id=lobby.clerk2.pk, actor=lobby.admin)
    assert (refused.value.code, refused.value.field) == ("hall.roster_on_leave", "b_staff")
    assert "已批准请假的人员当天不能排班" in refused.value.message
    assert "年休假" in refused.value.message
    assert _cell(lobby.w1, TUESDAY) == {}
    # the day before the leave is fine; a requested (not approved) leave does not block
    roster_services.roster_cell_set(window=lobby.w1, day=MONDAY, a_staff_id=lobby.clerk2.pk, b_staff_id=None,
                                    actor=lobby.admin)
    duty_services.absence_request(actor=lobby.clerk3, first_day=TUESDAY, last_day=TUESDAY, reason="事假")
    roster_services.roster_cell_set(window=lobby.w3, day=TUESDAY, a_staff_id=lobby.clerk3.pk, b_staff_id=None,
                                    actor=lobby.admin)


def test_a_cell_takes_only_staff_posted_to_the_windows_region_or_departments(lobby):
    hall = lobby.hall
    other_dept = Department.objects.create(region=hall.county, code="MZJ", name="云溪县民政局")
    mzj = window_clerk("mzj_clerk", hall.county, None)
    Posting.objects.filter(staff=mzj).update(department=other_dept)
    # window 01 belongs to 工商局: a 民政局 clerk is not posted there; window 02 has no department
    with pytest.raises(DomainError) as refused:
        roster_services.roster_cell_set(window=lobby.w1, day=MONDAY, a_staff_id=mzj.pk, b_staff_id=None,
                                        actor=lobby.admin)
    assert refused.value.code == "hall.roster_not_posted"
    assert "01 号窗口" in refused.value.message
    roster_services.roster_cell_set(window=lobby.w2, day=MONDAY, a_staff_id=mzj.pk, b_staff_id=None,
                                    actor=lobby.admin)
    # another county's clerk, and the center administrator (no window role), are refused everywhere
    for person in (hall.outsider, lobby.admin):
        with pytest.raises(DomainError) as refused:
            roster_services.roster_cell_set(window=lobby.w2, day=TUESDAY, a_staff_id=person.pk, b_staff_id=None,
                                            actor=lobby.admin)
        assert refused.value.code == "hall.roster_not_posted"
    eligible = roster_selectors.eligible_staff([lobby.w1, lobby.w2])
    assert mzj not in eligible[lobby.w1.pk]
    assert mzj in eligible[lobby.w2.pk]
    assert lobby.admin not in eligible[lobby.w2.pk]
    assert hall.outsider not in eligible[lobby.w2.pk]


def test_nobody_is_on_the_a_post_of_two_windows_the_same_day(lobby):
    roster_services.roster_cell_set(window=lobby.w1, day=MONDAY, a_staff_id=lobby.clerk1.pk, b_staff_id=None,
                                    actor=lobby.admin)
    with pytest.raises(Conflict) as refused:
        roster_services.roster_cell_set(window=lobby.w2, day=MONDAY, a_staff_id=lobby.clerk1.pk, b_staff_id=None,
                                        actor=lobby.admin)
    assert refused.value.code == "hall.roster_double_a"
    # B at another window is the mutual backup, allowed
    roster_services.roster_cell_set(window=lobby.w2, day=MONDAY, a_staff_id=lobby.clerk2.pk,
                                    b_staff_id=lobby.clerk1.pk, actor=lobby.admin)


# -- the page -----------------------------------------------------------------------------------------------------


def _admin_client(lobby) -> Client:
    client = Client()
    client.force_login(lobby.admin.user)
    return client


def test_the_roster_page_shows_the_week_grid_and_the_summary_first(lobby):
    RosterEntry.objects.create(window=lobby.w1, staff=lobby.clerk1, day=MONDAY, post="A")
    RosterEntry.objects.create(window=lobby.w1, staff=lobby.clerk2, day=MONDAY, post="B")
    RosterEntry.objects.create(window=lobby.w2, staff=lobby.clerk2, day=TUESDAY, post="A")
    _leave(lobby, lobby.clerk2, TUESDAY, TUESDAY, "病假")  # rostered before the leave was approved
    page = _admin_client(lobby).get("/staff/hall/roster/", {"week": "2026-W40"})
    assert page.status_code == 200
    html = page.content.decode()
    grid = page.context["grid"]
    # 2026-09-28 … 10-04: Monday to Wednesday work, 10-01 on is the National Day holiday
    assert list(grid.days) == [MONDAY, TUESDAY, WEDNESDAY]
    assert [r.window.number for r in grid.rows] == ["01", "02", "03"]
    assert (MONDAY, "01") not in {(g.day, g.window.number) for g in grid.without_a}
    assert (TUESDAY, "01") in {(g.day, g.window.number) for g in grid.without_a}
    assert len(grid.without_a) == 3 * 3 - 2
    assert [(x.day, x.window.number, x.name) for x in grid.on_leave] == [(TUESDAY, "02", "clerk2")]
    assert html.index("roster-summary") < html.index("roster-grid")
    assert "已批准请假但仍在值班表上的人员" in html
    assert "clerk2（请假）" in html
    # the same week asked by a date of it, and a group filter
    assert _admin_client(lobby).get("/staff/hall/roster/", {"week": "2026-10-01"}).context["monday"] == MONDAY
    page = _admin_client(lobby).get("/staff/hall/roster/", {"week": "2026-09-28", "group": "ZH"})
    assert page.status_code == 200
    assert page.context["group"] == lobby.group


def test_bad_filters_are_told_not_a_500(lobby):
    client = _admin_client(lobby)
    answer = client.get("/staff/hall/roster/", {"week": "next-week"})
    assert answer.status_code == 400
    assert "next-week" in answer.content.decode()
    answer = client.get("/staff/hall/roster/", {"group": "NOPE"})
    assert answer.status_code == 400
    assert "NOPE" in answer.content.decode()
    answer = client.get("/staff/hall/roster/", {"week": "2026-W40", "window": "99", "day": "2026-09-28"})
    assert answer.status_code == 400


def test_a_cell_is_set_and_refused_on_the_page(lobby):
    client = _admin_client(lobby)
    form = client.get("/staff/hall/roster/", {"week": "2026-W40", "window": "01", "day": "2026-09-28"})
    assert form.status_code == 200
    assert "roster-cell-form" in form.content.decode()
    assert lobby.admin not in form.context["cell"]["options"]
    answer = client.post("/staff/hall/roster/cell/", {"window": "01", "day": "2026-09-28", "week": "2026-09-28",
                                                      "a_staff": lobby.clerk1.pk, "b_staff": lobby.clerk2.pk})
    assert answer.status_code == 302
    assert "week=2026-09-28" in answer["Location"]
    assert _cell(lobby.w1, MONDAY) == {"A": lobby.clerk1.pk, "B": lobby.clerk2.pk}
    refused = client.post("/staff/hall/roster/cell/", {"window": "01", "day": "2026-09-28",
                                                       "a_staff": lobby.clerk3.pk, "b_staff": lobby.clerk3.pk})
    assert refused.status_code == 400
    assert "A岗与B岗不能是同一人" in refused.content.decode()
    _leave(lobby, lobby.clerk3, MONDAY, MONDAY)
    refused = client.post("/staff/hall/roster/cell/", {"window": "02", "day": "2026-09-28", "a_staff": lobby.clerk3.pk})
    assert refused.status_code == 409
    assert "已批准请假的人员当天不能排班" in refused.content.decode()
    refused = client.post("/staff/hall/roster/cell/", {"window": "02", "day": "someday", "a_staff": "x"})
    assert refused.status_code == 400
    assert client.post("/staff/hall/roster/cell/", {"window": "01", "day": "2026-09-28"}).status_code == 302
    assert _cell(lobby.w1, MONDAY) == {}


def test_only_the_center_administrator_keeps_the_roster(lobby):
    client = Client()
    client.force_login(lobby.clerk1.user)
    assert client.get("/staff/hall/roster/").status_code == 403
    assert client.post("/staff/hall/roster/cell/", {"window": "01", "day": "2026-09-28",
                                                    "a_staff": lobby.clerk1.pk}).status_code == 403
    assert client.get("/staff/hall/roster/rotate/").status_code == 403
    assert not RosterEntry.objects.exists()


# -- the rotation -------------------------------------------------------------------------------------------------


def _rotate(lobby, **kw):
    args = {"region": lobby.hall.county, "window_ids": [lobby.w1.pk, lobby.w2.pk],
            "staff_ids": [lobby.clerk1.pk, lobby.clerk2.pk, lobby.clerk3.pk], "first": date(2026, 9, 21),
            "last": date(2026, 10, 16), "shift_days": 5, "actor": lobby.admin} | kw
    return roster_services.roster_rotate(**args)


def test_the_rotation_writes_working_days_in_shifts_skipping_holidays(lobby):
    result = _rotate(lobby)
    # 2026-09-21 … 10-16 on the calendar: 09-25 (中秋节) and 10-01 … 10-07 (国庆节) are holidays, Saturday
    # 10-10 a make-up working day
    days = roster_selectors.working_days(lobby.hall.county, date(2026, 9, 21), date(2026, 10, 16))
    assert date(2026, 9, 25) not in days
    assert date(2026, 10, 1) not in days
    assert date(2026, 10, 10) in days
    assert len(days) == 15
    assert result.working_days == len(days)
    assert len(result.written) == 2 * len(days)
    assert not result.skipped
    a_of = {(e.day, e.window_id): e.staff_id for e in RosterEntry.objects.filter(post="A")}
    b_of = {(e.day, e.window_id): e.staff_id for e in RosterEntry.objects.filter(post="B")}
    c1, c2, c3 = lobby.clerk1.pk, lobby.clerk2.pk, lobby.clerk3.pk
    # the first shift of 5 working days: 01 A clerk1 B clerk2, 02 A clerk2 B clerk3
    for day in days[:5]:
        assert (a_of[(day, lobby.w1.pk)], b_of[(day, lobby.w1.pk)]) == (c1, c2)
        assert (a_of[(day, lobby.w2.pk)], b_of[(day, lobby.w2.pk)]) == (c2, c3)
    # the next shift: everyone moves on one window
    for day in days[5:10]:
        assert (a_of[(day, lobby.w1.pk)], a_of[(day, lobby.w2.pk)]) == (c2, c3)
    assert not {d for d, _ in a_of} - set(days)


def test_days_already_set_are_kept_unless_replace(lobby):
    RosterEntry.objects.create(window=lobby.w1, staff=lobby.clerk3, day=MONDAY, post="A")
    result = _rotate(lobby, first=MONDAY, last=WEDNESDAY)
    assert [(s.day, s.window) for s in result.skipped] == [(MONDAY, "01")]
    assert "已有排班，保留" in result.skipped[0].reason
    assert _cell(lobby.w1, MONDAY) == {"A": lobby.clerk3.pk}
    # clerk3 keeps 01 on Monday, so is not A at 02 too: 02's A goes to the next in turn
    assert _cell(lobby.w2, MONDAY)["A"] != lobby.clerk3.pk
    result = _rotate(lobby, first=MONDAY, last=WEDNESDAY, replace=True)
    assert not result.skipped
    assert result.replaced == 2 * 3 * 2 - 1
    assert _cell(lobby.w1, MONDAY) == {"A": lobby.clerk1.pk, "B": lobby.clerk2.pk}


def test_an_approved_absence_is_skipped_with_the_b_post_promoted(lobby):
    _leave(lobby, lobby.clerk1, TUESDAY, TUESDAY, "病假")
    duty_services.absence_request(actor=lobby.clerk3, first_day=MONDAY, last_day=WEDNESDAY, reason="未批")
    result = _rotate(lobby, window_ids=[lobby.w1.pk], first=MONDAY, last=WEDNESDAY)
    assert _cell(lobby.w1, MONDAY) == {"A": lobby.clerk1.pk, "B": lobby.clerk2.pk}
    assert _cell(lobby.w1, TUESDAY) == {"A": lobby.clerk2.pk, "B": lobby.clerk3.pk}
    tuesday = next(w for w in result.written if w.day == TUESDAY)
    assert tuesday.notes == ("A岗 clerk 当天已批准请假", "B岗 clerk2 顶为A岗")
    assert not RosterEntry.objects.filter(staff=lobby.clerk1, day=TUESDAY).exists()


def test_a_refused_rotation_writes_nothing(lobby):
    hall = lobby.hall
    cases = [
        ({"staff_ids": [lobby.clerk1.pk]}, "hall.rotation_staff"),
        ({"staff_ids": [lobby.clerk1.pk, lobby.admin.pk]}, "hall.roster_not_posted"),
        ({"staff_ids": [lobby.clerk1.pk, hall.outsider.pk]}, "hall.roster_not_posted"),
        ({"shift_days": 0}, "hall.rotation_shift"),
        ({"last": date(2026, 9, 1)}, "hall.rotation_dates"),
        ({"window_ids": []}, "hall.rotation_windows"),
    ]
    for kw, code in cases:
        with pytest.raises(DomainError) as refused:
            _rotate(lobby, **kw)
        assert refused.value.code == code, kw
    other = window_clerk("other_admin", hall.other_county, None, Role.CENTER_ADMIN)
    with pytest.raises(PermissionDenied):
        _rotate(lobby, actor=other)
    with pytest.raises(DomainError):  # another county's windows
        _rotate(lobby, region=hall.other_county, actor=other)
    assert not RosterEntry.objects.exists()


def test_the_rotation_page_lists_what_was_written_and_skipped(lobby):
    RosterEntry.objects.create(window=lobby.w2, staff=lobby.clerk3, day=MONDAY, post="A")
    client = _admin_client(lobby)
    form = client.get("/staff/hall/roster/rotate/")
    assert form.status_code == 200
    assert "clerk2" in form.content.decode()
    answer = client.post("/staff/hall/roster/rotate/", {
        f"order_{lobby.clerk3.pk}": "1", f"order_{lobby.clerk1.pk}": "2", f"order_{lobby.clerk2.pk}": "3",
        "windows": [str(lobby.w1.pk), str(lobby.w2.pk)], "first": "2026-09-28", "last": "2026-10-09",
        "shift_days": "2"})
    assert answer.status_code == 200
    result = answer.context["result"]
    # 09-28, 09-29, 09-30, 10-08, 10-09 (10-01 … 10-07 the holiday)
    assert result.working_days == 5
    assert len(result.written) == 9
    assert len(result.skipped) == 1
    html = answer.content.decode()
    assert "rotation-written" in html
    assert "已有排班，保留" in html
    # the order given: clerk3 first, so on 09-29 (the first shift) clerk3 is A at 01
    assert _cell(lobby.w1, TUESDAY)["A"] == lobby.clerk3.pk
    refused = client.post("/staff/hall/roster/rotate/", {f"order_{lobby.clerk1.pk}": "1",
                                                         "windows": [str(lobby.w1.pk)], "first": "2026-09-28",
                                                         "last": "2026-10-09", "shift_days": "2"})
    assert refused.status_code == 400
    assert "轮岗人员" in refused.content.decode()
    refused = client.post("/staff/hall/roster/rotate/", {"first": "x", "last": "", "shift_days": "a"})
    assert refused.status_code == 400


def test_the_single_entry_service_keeps_the_same_rules(lobby):
    _leave(lobby, lobby.clerk2, MONDAY, MONDAY)
    with pytest.raises(Conflict) as refused:
        duty_services.roster_set(window=lobby.w1, staff=lobby.clerk2, day=MONDAY, post="B", actor=lobby.admin)
    assert refused.value.code == "hall.roster_on_leave"
    with pytest.raises(DomainError) as refused:
        duty_services.roster_set(window=lobby.w1, staff=lobby.admin, day=TUESDAY, post="A", actor=lobby.admin)
    assert refused.value.code == "hall.roster_not_posted"
