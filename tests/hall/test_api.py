"""The queue and appointment API: answers in their documented shapes, every refusal a clear 4xx
with its code, and the operations in the OpenAPI document with their errors."""

from __future__ import annotations

import pytest
from django.test import Client

from onewindow.hall import duty_services
from onewindow.hall.models import RosterEntry

from .helpers import bearer, resident_id

pytestmark = pytest.mark.django_db


def test_a_ticket_then_a_call_then_the_board(lobby):
    client = Client()
    issued = client.post("/api/v1/queue/tickets", {"queue": lobby.queue_a.pk, "priority_reason": "elderly"},
                         content_type="application/json", **bearer(lobby.clerk1))
    assert issued.status_code == 201, issued.content
    assert issued.json()["label"] == "A001"
    assert issued.json()["priority"] == 2
    duty_services.sign_in(window=lobby.w3, actor=lobby.clerk3)
    called = client.post("/api/v1/queue/windows/03/call-next", **bearer(lobby.clerk3))
    assert called.status_code == 200, called.content
    assert called.json()["ticket"]["label"] == "A001"
    assert called.json()["ticket"]["window"] == "03"
    board = Client().get(f"/api/v1/queue/board?region={lobby.hall.county.code}")
    assert board.status_code == 200
    assert board.json()["calls"][0]["label"] == "A001"
    assert {line["letter"] for line in board.json()["lines"]} == {"A", "B"}


def test_calling_when_nobody_waits_gives_null(lobby):
    duty_services.sign_in(window=lobby.w3, actor=lobby.clerk3)
    called = Client().post("/api/v1/queue/windows/03/call-next", **bearer(lobby.clerk3))
    assert called.json() == {"ticket": None}


def test_calling_without_signing_in_is_409(lobby):
    answer = Client().post("/api/v1/queue/windows/03/call-next", **bearer(lobby.clerk3))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "hall.window_unstaffed"


def test_an_unknown_window_is_404(lobby):
    answer = Client().post("/api/v1/queue/windows/99/call-next", **bearer(lobby.clerk3))
    assert answer.status_code == 404
    assert answer.json()["error"]["field"] == "window"


def test_a_ticket_for_a_closed_queue_is_409(lobby):
    lobby.queue_b.is_open = False
    lobby.queue_b.save()
    answer = Client().post("/api/v1/queue/tickets", {"queue": lobby.queue_b.pk}, content_type="application/json",
                           **bearer(lobby.clerk1))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "hall.queue_closed"


def test_tickets_need_a_staff_login(lobby):
    answer = Client().post("/api/v1/queue/tickets", {"queue": lobby.queue_a.pk}, content_type="application/json")
    assert answer.status_code == 401


def test_the_board_of_an_unknown_region_is_404(lobby):
    assert Client().get("/api/v1/queue/board?region=990199000000").status_code == 404


def test_book_then_check_in_refused_on_the_wrong_day(lobby):
    client = Client()
    days = client.get(f"/api/v1/appointments/slots?queue={lobby.queue_a.pk}").json()["bookable_days"]
    assert len(days) == 5
    RosterEntry.objects.create(window=lobby.w1, staff=lobby.clerk1, day=days[0])
    slots = client.get(f"/api/v1/appointments/slots?queue={lobby.queue_a.pk}&day={days[0]}").json()["slots"]
    assert slots[0]["free"] == 1
    body = {"queue": lobby.queue_a.pk, "day": days[0], "slot": slots[0]["start"], "name": "张三",
            "id_number": resident_id(3), "phone": "13800000000"}
    booked = client.post("/api/v1/appointments", body, content_type="application/json")
    assert booked.status_code == 201, booked.content
    again = client.post("/api/v1/appointments", dict(body, id_number=resident_id(4)), content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "hall.slot_full"
    check_in = client.post(f"/api/v1/appointments/{booked.json()['id']}/check-in", **bearer(lobby.clerk1))
    assert check_in.status_code == 409
    assert check_in.json()["error"]["code"] == "hall.check_in_day"


def test_booking_a_bad_slot_time_is_422(lobby):
    answer = Client().post("/api/v1/appointments", {"queue": lobby.queue_a.pk, "day": "2026-13-01", "slot": "09:00",
                                                    "name": "张三", "id_number": resident_id(3),
                                                    "phone": "13800000000"}, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "day"


def test_the_operations_document_their_errors():
    document = Client().get("/api/v1/openapi.json").json()
    paths = document["paths"]
    expected = {("/api/v1/queue/tickets", "post"): {"401", "404", "409", "422"},
                ("/api/v1/queue/windows/{code}/call-next", "post"): {"401", "404", "409"},
                ("/api/v1/queue/board", "get"): {"404", "422"},
                ("/api/v1/appointments/slots", "get"): {"404", "422"},
                ("/api/v1/appointments", "post"): {"403", "409", "422"},
                ("/api/v1/appointments/{appointment_id}/check-in", "post"): {"401", "404", "409"}}
    for (path, method), statuses in expected.items():
        assert statuses <= set(paths[path][method]["responses"]), (path, method)
