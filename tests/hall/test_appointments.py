"""Appointments: slots from the roster and the calendar, the local booking rules and every
refusal, cancelling, check-in into a priority ticket, reminders, no-shows and the ban."""

from __future__ import annotations

from datetime import date, time

import pytest

from onewindow.core import crypto
from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.hall import appointment_services as appts
from onewindow.hall import duty_services, services
from onewindow.hall.models import Appointment, BookingBan, RosterEntry
from onewindow.hall.rules import Priority, TicketState
from onewindow.notifications.models import OutboxMessage

from .helpers import at, resident_id

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 9, 29)


@pytest.fixture
def rostered(lobby):
    for day in (date(2026, 9, 28), TUESDAY, date(2026, 9, 30)):
        RosterEntry.objects.create(window=lobby.w1, staff=lobby.clerk1, day=day)
    return lobby


def book(lobby, n=1, *, day=TUESDAY, slot=time(9, 0), when=None):
    return appts.appointment_book(queue_id=lobby.queue_a.pk, day=day, slot=slot, name=f"预约人{n}",
                                  id_number=resident_id(n), phone="13800000000", at=when or at(10, 0))


def test_slots_offer_a_place_per_rostered_window(rostered):
    found = appts.slots(rostered.group, TUESDAY)
    assert [s.start for s in found][:3] == [time(9, 0), time(9, 30), time(10, 0)]
    assert {s.capacity for s in found} == {1}
    assert appts.slots(rostered.group, date(2026, 10, 9))[0].capacity == 0  # nobody rostered


def test_bookable_days_start_tomorrow_and_end_after_five_working_days(rostered):
    days = appts.bookable_days(rostered.group, at=at(10, 0))
    assert days[0] == TUESDAY
    # the National Day holidays (10-01 … 10-07) are skipped; 10-10, a Saturday, is a make-up working day
    assert days == [TUESDAY, date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)]


def test_a_booking_sends_its_code(rostered):
    appointment = book(rostered)
    assert appointment.state == Appointment.State.BOOKED
    assert OutboxMessage.objects.filter(recipient_bidx=crypto.blind_index("phone", "13800000000"),
                                        body__contains=appointment.code).exists()


@pytest.mark.parametrize(("day", "code"), [(date(2026, 9, 28), "hall.appointment_day"),
                                           (date(2026, 10, 31), "hall.appointment_day")])
def test_a_day_out_of_range_is_refused(rostered, day, code):
    with pytest.raises(DomainError) as exc:
        book(rostered, day=day)
    assert exc.value.code == code
    assert exc.value.field == "day"


def test_a_bad_id_number_is_refused(rostered):
    with pytest.raises(DomainError) as exc:
        appts.appointment_book(queue_id=rostered.queue_a.pk, day=TUESDAY, slot=time(9, 0), name="张三",
                               id_number="110101198001010000", phone="13800000000", at=at(10, 0))
    assert exc.value.field == "id_number"


def test_a_time_that_is_no_slot_is_refused(rostered):
    with pytest.raises(DomainError) as exc:
        book(rostered, slot=time(12, 30))
    assert exc.value.code == "hall.appointment_slot"


def test_a_full_slot_is_refused(rostered):
    book(rostered, 1)
    with pytest.raises(Conflict) as exc:
        book(rostered, 2)
    assert exc.value.code == "hall.slot_full"


def test_one_booking_per_person_per_day(rostered):
    book(rostered, 1)
    with pytest.raises(Conflict) as exc:
        book(rostered, 1, slot=time(10, 0))
    assert exc.value.code == "hall.one_booking_a_day"


def test_a_banned_person_may_not_book(rostered):
    BookingBan.objects.create(id_number=resident_id(1), until=date(2026, 12, 31), reason="爽约3次",
                              created_at=at(9, 0))
    with pytest.raises(PermissionDenied) as exc:
        book(rostered, 1)
    assert exc.value.code == "hall.booking_banned"


def test_a_closed_queue_takes_no_booking(rostered):
    rostered.queue_a.is_open = False
    rostered.queue_a.save()
    with pytest.raises(Conflict) as exc:
        book(rostered)
    assert exc.value.code == "hall.queue_closed"


def test_cancel_two_hours_before_frees_the_slot(rostered):
    appointment = book(rostered, 1)
    appts.appointment_cancel(appointment_id=appointment.pk, id_number=resident_id(1), at=at(6, 59, day=(2026, 9, 29)))
    assert book(rostered, 2).slot == time(9, 0)


def test_cancel_later_is_refused(rostered):
    appointment = book(rostered, 1)
    with pytest.raises(Conflict) as exc:
        appts.appointment_cancel(appointment_id=appointment.pk, id_number=resident_id(1),
                                 at=at(7, 1, day=(2026, 9, 29)))
    assert exc.value.code == "hall.cancel_too_late"


def test_cancel_by_someone_else_is_refused(rostered):
    appointment = book(rostered, 1)
    with pytest.raises(PermissionDenied):
        appts.appointment_cancel(appointment_id=appointment.pk, id_number=resident_id(2), at=at(10, 0))


def test_check_in_gives_a_ticket_called_first_from_the_slot(rostered):
    appointment = book(rostered, 1)
    tuesday = (2026, 9, 29)
    duty_services.sign_in(window=rostered.w1, actor=rostered.clerk1, at=at(8, 50, day=tuesday))
    walk_in = services.ticket_issue(queue_id=rostered.queue_a.pk, at=at(8, 40, day=tuesday))
    ticket = appts.appointment_check_in(code=appointment.code, at=at(8, 45, day=tuesday))
    assert ticket.priority == Priority.APPOINTMENT
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CHECKED_IN
    assert services.call_next(window=rostered.w1, actor=rostered.clerk1, at=at(9, 0, day=tuesday)).pk == ticket.pk
    assert walk_in.state == TicketState.WAITING


@pytest.mark.parametrize(("moment", "code"), [(at(7, 59, day=(2026, 9, 29)), "hall.check_in_early"),
                                              (at(9, 31, day=(2026, 9, 29)), "hall.check_in_late"),
                                              (at(9, 0, day=(2026, 9, 30)), "hall.check_in_day")])
def test_check_in_outside_its_time_is_refused(rostered, moment, code):
    appointment = book(rostered, 1)
    with pytest.raises(Conflict) as exc:
        appts.appointment_check_in(appointment_id=appointment.pk, at=moment)
    assert exc.value.code == code


@pytest.mark.parametrize("moment", [at(9, 0, day=(2026, 9, 30)), at(8, 45, day=(2026, 9, 29))])
def test_staff_of_another_county_learn_nothing_of_an_appointment(rostered, moment):
    """Another county's appointment is "not found" to its staff, as one that does not exist: not
    its day (409 check_in_day, found by the authorization matrix), not its existence (the queue's
    403), and nothing is checked in."""
    appointment = book(rostered, 1)
    with pytest.raises(NotFound) as exc:
        appts.appointment_check_in(appointment_id=appointment.pk, actor=rostered.hall.outsider, at=moment)
    assert exc.value.code == "hall.appointment_not_found"
    with pytest.raises(NotFound):
        appts.appointment_check_in(code=appointment.code, actor=rostered.hall.outsider, at=moment)
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.BOOKED


def test_reminders_go_out_once_the_day_before(rostered):
    book(rostered, 1)
    assert appts.appointments_remind(at=at(18, 0)) == 1
    appts.appointments_remind(at=at(19, 0))
    assert OutboxMessage.objects.filter(kind="hall.appointment_reminder").count() == 1


def test_the_third_no_show_bans_booking(rostered):
    days = [TUESDAY, date(2026, 9, 30)]
    for day in days:
        RosterEntry.objects.get_or_create(window=rostered.w1, staff=rostered.clerk1, day=day)
    first = book(rostered, 7, day=TUESDAY)
    second = book(rostered, 7, day=date(2026, 9, 30))
    Appointment.objects.create(region=first.region, group=first.group, queue=first.queue, day=date(2026, 9, 25),
                               slot=time(9, 0), name="预约人7", id_number=resident_id(7), phone="13800000000",
                               code="OLD00001", booked_at=at(9, 0), state=Appointment.State.NO_SHOW)
    assert appts.appointments_mark_no_shows(at=at(12, 0, day=(2026, 9, 30))) == 2
    second.refresh_from_db()
    assert second.state == Appointment.State.NO_SHOW
    assert appts.ban_of(resident_id(7), date(2026, 10, 9)) is not None


def test_the_jobs_are_registered():
    from onewindow.tasks.registry import registered_jobs

    jobs = registered_jobs()
    assert jobs["hall.appointment_reminders"].every.total_seconds() == 3600
    assert "hall.no_shows" in jobs
