"""Opening hours per center: the pure rules, publishing them (center administrators only), and
how they drive the queue (a ticket on a closed day or outside the sessions is refused) and the
appointment slots (only inside the hours); the public pages show them."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.test import Client

from onewindow.core.errors import Conflict, DomainError, PermissionDenied
from onewindow.core.timesource import local_date
from onewindow.hall import appointment_services as appts
from onewindow.hall import center_services, rules, selectors, services
from onewindow.hall.models import OpeningHours, RosterEntry, Ticket

from .helpers import at, resident_id

WEEK = {d: ((time(8, 30), time(11, 30)), (time(14, 0), time(16, 0))) for d in (0, 1, 3, 4)} | {
    2: ((time(8, 30), time(11, 30)), (None, None))}  # Wednesday afternoons closed
FILLED = {d: tuple(pair for pair in pairs if pair[0] is not None) for d, pairs in WEEK.items()}


# -- the pure rules --------------------------------------------------------------------------------------------


def test_a_holiday_is_closed_whatever_its_weekday():
    week = {0: ((time(9), time(12)),)}
    assert rules.sessions_of_day(week, weekday=0, kind="holiday") == ()
    assert rules.sessions_of_day(week, weekday=0, kind="workday") == ((time(9), time(12)),)


def test_a_makeup_saturday_opens_with_mondays_hours_and_a_plain_weekend_only_if_published():
    week = {0: ((time(9), time(12)),), 5: ()}
    assert rules.sessions_of_day(week, weekday=5, kind="makeup_workday") == ((time(9), time(12)),)
    assert rules.sessions_of_day(week, weekday=6, kind="weekend") == ()
    assert rules.sessions_of_day({6: ((time(9), time(11)),)}, weekday=6, kind="weekend") == ((time(9), time(11)),)


def test_the_refusal_names_the_rule():
    sessions = ((time(9), time(12)), (time(13, 30), time(17)))
    assert rules.opening_refusal((), time(10)) == "closed_day"
    assert rules.opening_refusal(sessions, time(12, 30)) == "outside_hours"
    assert rules.opening_refusal(sessions, time(17)) == "outside_hours"  # the end is not inside
    assert rules.opening_refusal(sessions, time(13, 30)) == ""


def test_the_week_is_published_in_runs_of_equal_days():
    assert rules.format_week(FILLED) == ["周一至周二 上午 8:30–11:30，下午 14:00–16:00", "周三 上午 8:30–11:30",
                                       "周四至周五 上午 8:30–11:30，下午 14:00–16:00"]


def test_sessions_are_validated():
    assert rules.validate_sessions([(time(9), None), (None, None)]) == [(0, "开始和结束时间须同时填写")]
    assert rules.validate_sessions([(time(12), time(9)), (None, None)]) == [(0, "结束时间须晚于开始时间")]
    assert rules.validate_sessions([(time(9), time(12)), (time(11), time(15))]) == [(1, "下午开始时间不能早于上午结束时间")]


def test_slots_are_the_half_hours_inside_the_sessions():
    assert rules.day_slots(FILLED[2]) == [time(8, 30), time(9), time(9, 30), time(10), time(10, 30), time(11)]


# -- publishing ----------------------------------------------------------------------------------------------


@pytest.fixture
def published(lobby):
    center_services.opening_hours_set(region=lobby.hall.county, week=WEEK, actor=lobby.admin)
    return lobby


@pytest.mark.django_db
def test_only_the_center_administrator_publishes(lobby):
    with pytest.raises(PermissionDenied):
        center_services.opening_hours_set(region=lobby.hall.county, week=WEEK, actor=lobby.clerk1)
    assert not OpeningHours.objects.exists()


@pytest.mark.django_db
def test_a_bad_session_is_refused_with_its_field(lobby):
    with pytest.raises(DomainError) as exc:
        center_services.opening_hours_set(region=lobby.hall.county, actor=lobby.admin,
                                          week={0: ((time(12), time(9)), (None, None))})
    assert exc.value.code == "hall.opening_hours"
    assert exc.value.field == "day0_morning"
    assert "周一上午" in exc.value.message


@pytest.mark.django_db
def test_publishing_again_replaces_the_week(published):
    center_services.opening_hours_set(region=published.hall.county, actor=published.admin,
                                      week={0: ((time(9), time(12)), (None, None))})
    assert selectors.opening_week(published.hall.county) == {0: ((time(9), time(12)),)}


# -- the queue -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_published_hours_the_queue_is_not_restricted(lobby):
    ticket = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(7, 0))
    assert ticket.label == "A001"


@pytest.mark.django_db
def test_a_ticket_inside_the_hours_is_issued(published):
    assert services.ticket_issue(queue_id=published.queue_a.pk, at=at(8, 30)).label == "A001"


@pytest.mark.django_db
@pytest.mark.parametrize("moment", [at(8, 29), at(12, 0), at(16, 0), at(15, 0, day=(2026, 9, 30))])
def test_a_ticket_outside_the_hours_is_refused(published, moment):
    with pytest.raises(Conflict) as exc:
        services.ticket_issue(queue_id=published.queue_a.pk, at=moment)
    assert exc.value.code == "hall.outside_opening_hours"
    assert exc.value.status == 409
    assert "开放时间" in exc.value.message
    assert not Ticket.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "why"), [((2026, 10, 1), "国庆"), ((2026, 10, 4), "国庆"), ((2026, 9, 13), "周末")])
def test_a_ticket_on_a_closed_day_is_refused(published, day, why):
    with pytest.raises(Conflict) as exc:
        services.ticket_issue(queue_id=published.queue_a.pk, at=at(10, 0, day=day))
    assert exc.value.code == "hall.center_closed_day"
    assert why in exc.value.message or "节假日" in exc.value.message


@pytest.mark.django_db
def test_the_api_refuses_a_ticket_outside_the_hours_with_the_rule(published):
    from .helpers import bearer

    # published on every weekday but nothing on Saturday and Sunday, and nothing before 8:30:
    # make every day closed so the real clock is always outside the hours
    center_services.opening_hours_set(region=published.hall.county, actor=published.admin,
                                      week={d: ((None, None), (None, None)) for d in range(7)} |
                                      {0: ((time(0, 0), time(0, 1)), (None, None))})
    answer = Client().post("/api/v1/queue/tickets", {"queue": published.queue_a.pk}, content_type="application/json",
                           **bearer(published.clerk1))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] in ("hall.outside_opening_hours", "hall.center_closed_day")


@pytest.mark.django_db
def test_the_make_up_working_saturday_opens_with_mondays_hours(published):
    assert services.ticket_issue(queue_id=published.queue_a.pk, at=at(9, 0, day=(2026, 10, 10))).label == "A001"


# -- appointments ----------------------------------------------------------------------------------------------


@pytest.fixture
def rostered(published):
    for day in (date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8)):
        RosterEntry.objects.create(window=published.w1, staff=published.clerk1, day=day)
    return published


@pytest.mark.django_db
def test_slots_are_generated_only_inside_the_hours(rostered):
    tuesday = [s.start for s in appts.slots(rostered.group, date(2026, 9, 29))]
    assert tuesday[0] == time(8, 30)
    assert tuesday[-1] == time(15, 30)
    assert time(12, 0) not in tuesday
    assert time(13, 30) not in tuesday
    assert time(14, 0) in tuesday
    wednesday = [s.start for s in appts.slots(rostered.group, date(2026, 9, 30))]
    assert wednesday[-1] == time(11, 0)


@pytest.mark.django_db
def test_a_slot_outside_the_hours_is_refused(rostered):
    with pytest.raises(DomainError) as exc:
        appts.appointment_book(queue_id=rostered.queue_a.pk, day=date(2026, 9, 30), slot=time(14, 0), name="预约人",
                               id_number=resident_id(1), phone="13800000000", at=at(10, 0))
    assert exc.value.code == "hall.appointment_slot"
    assert "开放时间" in exc.value.message


@pytest.mark.django_db
def test_a_closed_weekday_offers_no_booking(rostered):
    center_services.opening_hours_set(region=rostered.hall.county, actor=rostered.admin,
                                      week={d: s for d, s in WEEK.items() if d != 2} | {2: ((None, None), (None, None))})
    assert date(2026, 9, 30) not in appts.bookable_days(rostered.group, at=at(10, 0))
    with pytest.raises(DomainError) as exc:
        appts.appointment_book(queue_id=rostered.queue_a.pk, day=date(2026, 9, 30), slot=time(9, 0), name="预约人",
                               id_number=resident_id(1), phone="13800000000", at=at(10, 0))
    assert exc.value.code == "hall.center_closed_day"


@pytest.mark.django_db
def test_the_check_in_ticket_comes_before_the_opening(rostered):
    booked = appts.appointment_book(queue_id=rostered.queue_a.pk, day=date(2026, 9, 29), slot=time(8, 30),
                                    name="预约人", id_number=resident_id(1), phone="13800000000", at=at(10, 0))
    ticket = appts.appointment_check_in(appointment_id=booked.pk, at=at(8, 0, day=(2026, 9, 29)))
    assert ticket.source == Ticket.Source.APPOINTMENT


# -- the pages -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_center_page_and_the_kiosk_show_the_hours(published):
    code = published.hall.county.code
    for path in (f"/hall/{code}/", f"/hall/{code}/kiosk/"):
        page = Client().get(path).content.decode()
        assert "周一至周二 上午 8:30–11:30，下午 14:00–16:00" in page
        assert "法定节假日休息" in page
    opening = selectors.opening_of(published.hall.county, local_date())
    assert (opening.text if opening.is_open else "不对外办公") in Client().get(f"/hall/{code}/kiosk/").content.decode()


@pytest.mark.django_db
def test_the_administrator_publishes_the_hours_on_the_page(lobby):
    client = Client()
    client.force_login(lobby.admin.user)
    form = {f"day{d}_morning_start": "09:00" for d in range(5)} | {f"day{d}_morning_end": "12:00" for d in range(5)}
    answer = client.post("/staff/hall/hours/", form)
    assert answer.status_code == 302
    assert selectors.opening_summary(lobby.hall.county) == ["周一至周五 上午 9:00–12:00"]
    assert "周一至周五 上午 9:00–12:00" in client.get("/staff/hall/hours/").content.decode()


@pytest.mark.django_db
def test_a_bad_time_on_the_page_is_a_400_naming_it(lobby):
    client = Client()
    client.force_login(lobby.admin.user)
    answer = client.post("/staff/hall/hours/", {"day0_morning_start": "25:99", "day0_morning_end": "12:00"})
    assert answer.status_code == 400
    assert "25:99" in answer.content.decode()
    assert not OpeningHours.objects.exists()


@pytest.mark.django_db
def test_a_clerk_may_not_publish_the_hours(lobby):
    client = Client()
    client.force_login(lobby.clerk1.user)
    assert client.get("/staff/hall/hours/").status_code == 403
    assert client.post("/staff/hall/hours/", {"day0_morning_start": "09:00", "day0_morning_end": "12:00"}).status_code == 403
    assert not OpeningHours.objects.exists()


@pytest.mark.django_db
def test_a_center_without_published_hours_claims_no_hours(lobby):
    page = Client().get(f"/hall/{lobby.hall.county.code}/kiosk/").content.decode()
    assert "不对外办公" not in page
    assert "开放时间" not in page
    assert "尚未公布开放时间" in Client().get(f"/hall/{lobby.hall.county.code}/").content.decode()


@pytest.mark.django_db
def test_a_township_branch_center_keeps_its_own_hours(published):
    """分中心: a township with its own center has its own hours, independent of the county's."""
    from onewindow.hall.models import Queue, WindowGroup
    from onewindow.organization.models import Region

    county = published.hall.county
    town = Region.objects.create(code=county.code[:6] + "100000", name="城关镇", level=4, parent=county,
                                 has_center=True)
    group = WindowGroup.objects.create(region=town, code="ZH", name="便民服务中心")
    queue = Queue.objects.create(group=group, letter="A", name="综合")
    center_services.opening_hours_set(region=town, actor=published.admin,
                                      week={d: ((time(7, 30), time(8, 30)), (None, None)) for d in range(5)})
    # 8:00 is before the county opens but inside the township's hours; 8:45 the other way round
    assert services.ticket_issue(queue_id=queue.pk, at=at(8, 0)).label == "A001"
    with pytest.raises(Conflict):
        services.ticket_issue(queue_id=queue.pk, at=at(8, 45))
    assert services.ticket_issue(queue_id=published.queue_a.pk, at=at(8, 45)).label == "A001"
