"""最多跑一次 at the window: the clerk is warned before the trip that passes the item's promise."""

from __future__ import annotations

import pytest

from onewindow.cases import services as s
from onewindow.catalog.models import ServiceItemVersion
from tests.web.helpers import submit

pytestmark = pytest.mark.django_db


def test_recording_a_supplement_at_the_window_warns_when_it_passes_the_promised_visits(client, hall):
    # given an item promising one visit, received at the window (visit 1), a supplement asked
    case = submit(hall, missing=("营业执照副本",))
    s.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"])
    client.force_login(hall.clerk.user)
    response = client.get(f"/staff/cases/{case.number}/")
    form = next(f for f in response.context["forms"] if f.key == "supplement")
    # then the form says, before anything is recorded, that this would be the second trip
    assert any("本次将是第 2 次到现场，超过承诺的最多 1 次" in n for n in form.notes)
    assert "本次将是第 2 次到现场，超过承诺的最多 1 次" in response.content.decode()


def test_no_warning_while_the_promise_holds(client, hall):
    ServiceItemVersion.objects.filter(pk=hall.item.current_version_id).update(max_visits=2)
    case = submit(hall, missing=("营业执照副本",))
    s.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"])
    client.force_login(hall.clerk.user)
    form = next(f for f in client.get(f"/staff/cases/{case.number}/").context["forms"] if f.key == "supplement")
    assert form.notes == []


def test_taking_in_an_item_promised_fully_online_warns_at_the_checklist(client, hall):
    ServiceItemVersion.objects.filter(pk=hall.item.current_version_id).update(max_visits=0)
    client.force_login(hall.clerk.user)
    response = client.get("/staff/intake/checklist/", {"item": hall.item.implementation_code})
    assert "本次将是第 1 次到现场，超过承诺的最多 0 次" in response.content.decode()
    ServiceItemVersion.objects.filter(pk=hall.item.current_version_id).update(max_visits=1)
    response = client.get("/staff/intake/checklist/", {"item": hall.item.implementation_code})
    assert 'data-testid="visit-warning"' not in response.content.decode()
