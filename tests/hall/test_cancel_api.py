"""Cancelling an appointment through the API: by its booker, at least 2 hours before the slot
(later: 409 with the rule), idempotent, in the OpenAPI document; an on-time cancel never counts
towards the no-show ban."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.test import Client

from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.core.timesource import now as current_time
from onewindow.hall import appointment_services as appts
from onewindow.hall.models import Appointment, BookingBan

from .helpers import at, resident_id

pytestmark = pytest.mark.django_db


def booked(lobby, *, day: date, slot: time, n: int = 1, code: str = "00000001") -> Appointment:
    return Appointment.objects.create(region=lobby.hall.county, group=lobby.group, queue=lobby.queue_a, day=day,
                                      slot=slot, name="预约人", id_number=resident_id(n), phone="13800000000",
                                      code=code, booked_at=current_time())


def cancel(appointment: Appointment, id_number: str):
    return Client().post(f"/api/v1/appointments/{appointment.pk}/cancel", {"id_number": id_number},
                         content_type="application/json")


def test_an_on_time_cancel_frees_the_booking(lobby):
    appointment = booked(lobby, day=local_date() + timedelta(days=3), slot=time(9, 0))
    answer = cancel(appointment, resident_id(1).lower())
    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "cancelled"
    assert answer.json()["code"] == "00000001"
    # a retry answers the same
    again = cancel(appointment, resident_id(1))
    assert again.status_code == 200
    assert again.json()["state"] == "cancelled"


def test_a_cancel_within_two_hours_is_409_with_the_rule(lobby):
    soon = (current_time() + timedelta(hours=1)).astimezone(SHANGHAI)
    appointment = booked(lobby, day=soon.date(), slot=soon.time().replace(second=0, microsecond=0))
    answer = cancel(appointment, resident_id(1))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "hall.cancel_too_late"
    assert "2小时" in answer.json()["error"]["message"]
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.BOOKED


def test_someone_elses_id_number_is_403_and_an_unknown_booking_404(lobby):
    appointment = booked(lobby, day=local_date() + timedelta(days=3), slot=time(9, 0))
    answer = cancel(appointment, resident_id(2))
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "hall.appointment_not_yours"
    missing = Client().post("/api/v1/appointments/999999/cancel", {"id_number": resident_id(1)},
                            content_type="application/json")
    assert missing.status_code == 404


def test_a_checked_in_booking_cannot_be_cancelled(lobby):
    appointment = booked(lobby, day=local_date() + timedelta(days=3), slot=time(9, 0))
    Appointment.objects.filter(pk=appointment.pk).update(state=Appointment.State.CHECKED_IN)
    answer = cancel(appointment, resident_id(1))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "hall.appointment_state"


def test_on_time_cancels_never_count_towards_the_ban(lobby):
    # three bookings cancelled on time, on three past days: the no-show sweep bans nobody
    for n, day in enumerate((date(2026, 9, 22), date(2026, 9, 23), date(2026, 9, 24)), start=1):
        appointment = booked(lobby, day=day, slot=time(9, 0), code=f"0000000{n}")
        appts.appointment_cancel(appointment_id=appointment.pk, id_number=resident_id(1),
                                 at=at(10, 0, day=(2026, 9, 21)))
    assert appts.appointments_mark_no_shows(at=at(12, 0)) == 0
    assert not BookingBan.objects.exists()
    assert set(Appointment.objects.values_list("state", flat=True)) == {"cancelled"}


def test_the_cancel_is_in_the_openapi_document():
    document = Client().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/appointments/{appointment_id}/cancel"]["post"]
    assert {"200", "403", "404", "409"} <= set(operation["responses"])
    assert "HallCancelIn" in document["components"]["schemas"]
