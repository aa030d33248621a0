"""A queue's wait past its group's threshold is a yellow supervision warning against the center,
raised by the sweep (through the hall's registered check) and resolved by the sweep once no one
has waited too long; it stays one warning while the wait stays over the threshold."""

from __future__ import annotations

import pytest

from onewindow.hall import duty_services, services
from onewindow.supervision.models import Warning
from onewindow.supervision.sweep import sweep

from .helpers import at

pytestmark = pytest.mark.django_db
RULE = "queue_wait_exceeded"


def _warnings():
    return list(Warning.objects.filter(rule=RULE).order_by("id"))


def test_a_queue_waiting_past_its_threshold_raises_a_warning_until_its_tickets_are_called(lobby) -> None:
    duty_services.sign_in(window=lobby.w1, actor=lobby.clerk1, at=at(8, 55))
    duty_services.sign_in(window=lobby.w3, actor=lobby.clerk3, at=at(8, 55))
    services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 1))
    services.ticket_issue(queue_id=lobby.queue_b.pk, at=at(9, 10))

    sweep(now=at(9, 30))  # 30 minutes is not past a 30-minute threshold
    assert _warnings() == []

    sweep(now=at(9, 35))
    [warning] = _warnings()  # queue A only: B has waited 25 minutes
    assert (warning.level, warning.target_kind, warning.state) == ("yellow", "center", "open")
    assert warning.region_id == lobby.hall.county.pk
    assert warning.subject.startswith(f"hall-queue:{lobby.queue_a.pk}:")
    assert "35 分钟" in warning.message
    assert "30 分钟" in warning.message
    assert warning.basis

    # the oldest is called; the next one has waited 36 minutes: still the same warning
    services.call_next(window=lobby.w1, actor=lobby.clerk1, at=at(9, 36))
    sweep(now=at(9, 37))
    assert [(w.pk, w.state) for w in _warnings()] == [(warning.pk, "open")]

    services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 38))
    sweep(now=at(9, 39))  # A is empty, B has waited 29 minutes
    warning.refresh_from_db()
    assert (warning.state, warning.resolution) == ("resolved", "排队等候已回落到预警时长以内")
    assert warning.events.filter(kind="resolved").count() == 1
    assert len(_warnings()) == 1

    sweep(now=at(9, 45))  # B passes its threshold: a new warning about queue B
    live = [w for w in _warnings() if w.state == "open"]
    assert [w.subject.split(":")[1] for w in live] == [str(lobby.queue_b.pk)]


def test_the_threshold_is_the_window_groups(lobby) -> None:
    lobby.group.wait_warn_minutes = 10
    lobby.group.save()
    services.ticket_issue(queue_id=lobby.queue_b.pk, at=at(9, 0))
    sweep(now=at(9, 10))
    assert _warnings() == []
    sweep(now=at(9, 11))
    assert len(_warnings()) == 1
