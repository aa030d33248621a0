"""The caller's phone on a work order: masked on the page; the full number only for a role that
calls back, with a reason, every reveal an event on the order's chain (who, when, why)."""

from __future__ import annotations

import pytest

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.feedback import services as svc
from onewindow.feedback.models import WorkOrderEvent
from onewindow.lifecycle.selectors import verify_all
from tests.cases.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(hall, people):
    return svc.order_receive(region=hall.county, kind="complaint", content="窗口排队太久", caller_name="王五",
                             caller_phone="13912341234", department_id=hall.dept.pk, actor=people.admin,
                             at=at(2026, 10, 12))


def test_the_page_shows_the_phone_masked(client, hall, order):
    client.force_login(hall.reviewer.user)
    page = client.get(f"/staff/feedback/orders/{order.pk}/").content.decode()
    assert "139****1234" in page
    assert "13912341234" not in page
    assert 'id="show-caller-phone"' in page


def test_a_reveal_with_a_reason_shows_the_number_and_is_recorded(client, hall, order):
    client.force_login(hall.reviewer.user)
    shown = client.post(f"/staff/feedback/orders/{order.pk}/phone/", {"reason": "contact"}, HTTP_HX_REQUEST="true")
    assert shown.status_code == 200
    assert "13912341234" in shown.content.decode()
    assert shown["Cache-Control"] == "private, no-store"
    event = WorkOrderEvent.objects.get(order=order, kind="phone_revealed")
    assert event.actor_id == hall.reviewer.pk
    assert event.payload == {"reason": "contact"}
    assert "13912341234" not in str(event.payload) + event.note  # the log never holds the number
    assert all(report.ok for report in verify_all("work_order"))
    whole = client.post(f"/staff/feedback/orders/{order.pk}/phone/", {"reason": "visit"})
    assert 'data-testid="full-phone">13912341234' in whole.content.decode()
    assert WorkOrderEvent.objects.filter(order=order, kind="phone_revealed").count() == 2


def test_no_reason_no_number(client, hall, order):
    client.force_login(hall.reviewer.user)
    refused = client.post(f"/staff/feedback/orders/{order.pk}/phone/", {"reason": ""})
    assert refused.status_code == 400
    assert "13912341234" not in refused.content.decode()
    assert not WorkOrderEvent.objects.filter(kind="phone_revealed").exists()


def test_a_supervisor_reads_it_masked_only(client, people, order):
    client.force_login(people.supervisor.user)
    page = client.get(f"/staff/feedback/orders/{order.pk}/").content.decode()
    assert "139****1234" in page
    assert 'id="show-caller-phone"' not in page
    assert client.post(f"/staff/feedback/orders/{order.pk}/phone/", {"reason": "contact"}).status_code == 403
    with pytest.raises(PermissionDenied):
        svc.order_phone_reveal(order_id=order.pk, reason="contact", actor=people.supervisor)
    client.force_login(people.other_admin.user)
    assert client.post(f"/staff/feedback/orders/{order.pk}/phone/", {"reason": "contact"}).status_code == 404
    assert not WorkOrderEvent.objects.filter(kind="phone_revealed").exists()


def test_an_order_without_a_phone_has_nothing_to_reveal(hall, people):
    order = svc.order_receive(region=hall.county, kind="inquiry", content="咨询", actor=people.admin,
                              at=at(2026, 10, 12))
    with pytest.raises(DomainError) as nothing:
        svc.order_phone_reveal(order_id=order.pk, reason="contact", actor=people.admin)
    assert nothing.value.code == "feedback.no_phone"
