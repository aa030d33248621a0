"""The device pages: the kiosk issues tickets and checks appointments in, the calling screen and
its live board, the window's page drives the calls, the dashboard shows counts and alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from onewindow.core.timesource import now
from onewindow.hall import duty_services, services
from onewindow.hall.models import Ticket
from onewindow.hall.rules import TicketState

pytestmark = pytest.mark.django_db


def test_the_kiosk_lists_the_open_queues_and_issues_a_ticket(lobby):
    client = Client()
    page = client.get(f"/hall/{lobby.hall.county.code}/kiosk/")
    assert page.status_code == 200
    assert "工商登记" in page.content.decode()
    answer = client.post(f"/hall/{lobby.hall.county.code}/kiosk/", {"queue": lobby.queue_a.pk})
    assert answer.status_code == 200
    assert "A001" in answer.content.decode()
    assert Ticket.objects.get().source == Ticket.Source.KIOSK


def test_the_kiosk_refuses_a_closed_queue_with_a_message(lobby):
    lobby.queue_a.is_open = False
    lobby.queue_a.save()
    answer = Client().post(f"/hall/{lobby.hall.county.code}/kiosk/", {"queue": lobby.queue_a.pk})
    assert answer.status_code == 400
    assert "请选择开放取号的业务" in answer.content.decode()


def test_the_kiosk_refuses_an_unknown_appointment_code(lobby):
    answer = Client().post(f"/hall/{lobby.hall.county.code}/kiosk/", {"code": "12345678"})
    assert answer.status_code == 404
    assert "预约码不存在" in answer.content.decode()


def test_an_unknown_center_has_no_kiosk(lobby):
    assert Client().get("/hall/990199000000/kiosk/").status_code == 404


def test_the_screen_shows_the_calls_and_polls_without_inline_script(lobby):
    duty_services.sign_in(window=lobby.w3, actor=lobby.clerk3)
    services.ticket_issue(queue_id=lobby.queue_a.pk)
    services.call_next(window=lobby.w3, actor=lobby.clerk3)
    page = Client().get(f"/hall/{lobby.hall.county.code}/screen/").content.decode()
    assert "A001" in page
    assert 'hx-trigger="every 3s"' in page
    assert "<script>" not in page
    board = Client().get(f"/hall/{lobby.hall.county.code}/screen/board/").content.decode()
    assert "请A001号到03号窗口办理" in board


def test_the_window_page_signs_in_calls_serves_and_finishes(lobby):
    client = Client()
    client.force_login(lobby.clerk3.user)
    assert "签到" in client.get("/staff/hall/window/").content.decode()
    client.post("/staff/hall/window/sign-in/", {"window": "03"})
    ticket = services.ticket_issue(queue_id=lobby.queue_a.pk)
    client.post("/staff/hall/window/call/")
    assert ticket.label in client.get("/staff/hall/window/").content.decode()
    client.post("/staff/hall/window/serve/", {"ticket": ticket.pk})
    client.post("/staff/hall/window/finish/", {"ticket": ticket.pk})
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DONE


def test_the_window_page_shows_a_refusal(lobby):
    client = Client()
    client.force_login(lobby.clerk3.user)
    page = client.post("/staff/hall/window/call/", follow=True).content.decode()
    assert "请先在窗口签到" in page


def test_the_dashboard_counts_and_warns(lobby):
    Ticket.objects.create(region=lobby.hall.county, queue=lobby.queue_a, numbered_in=lobby.queue_a,
                          day=now().astimezone(lobby_tz()).date(), number=1, label="A001",
                          issued_at=now() - timedelta(minutes=45))
    client = Client()
    client.force_login(lobby.admin.user)
    page = client.get("/staff/hall/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "最长等候 45 分钟，超过预警线 30 分钟" in text
    assert "<svg" in text


def test_the_dashboard_is_for_administrators_and_supervisors(lobby):
    client = Client()
    client.force_login(lobby.clerk3.user)
    assert client.get("/staff/hall/").status_code == 403


def lobby_tz():
    from onewindow.core.timesource import SHANGHAI

    return SHANGHAI


def test_the_simulation_page_compares_a_scenario(lobby):
    client = Client()
    client.force_login(lobby.admin.user)
    assert client.get("/staff/hall/simulate/").status_code == 200
    page = client.get("/staff/hall/simulate/?run=1&first=2026-09-01&last=2026-09-30&extra_windows=2")
    assert page.status_code == 200
    assert "按实际配置重放" in page.content.decode()
    assert client.get("/staff/hall/simulate/?run=1&first=2026-09-30&last=2026-01-01").status_code == 400
