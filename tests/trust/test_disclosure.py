"""Issue 13: personal numbers masked everywhere by default; the full value only to the roles that
handle cases, each view recorded (who, when, which case, what, why) and listed for supervisors."""

from __future__ import annotations

import pytest

from onewindow.organization.rules import Role
from onewindow.workbench.models import IdView
from tests.cases.helpers import VALID_ID, submit

pytestmark = pytest.mark.django_db

PHONE = "13800000000"  # the hall's applicant (tests/cases/helpers.py)


def _reveal(client, case, field: str, reason: str | None = "contact"):
    data = {"field": field} | ({"reason": reason} if reason is not None else {})
    return client.post(f"/staff/cases/{case.number}/full-id/", data)


def test_the_case_page_masks_the_phone_and_offers_a_recorded_reveal(client, hall):
    case = submit(hall)
    client.force_login(hall.clerk.user)
    page = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert PHONE not in page
    assert VALID_ID not in page
    assert "138****0000" in page
    assert 'id="show-full-phone"' in page
    assert 'name="reason"' in page

    response = _reveal(client, case, "phone", "contact")
    assert response.status_code == 200
    assert PHONE in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    view = IdView.objects.get()
    assert (view.staff, view.case, view.field, view.reason) == (hall.clerk, case, "phone", "contact")


def test_a_view_without_a_reason_is_refused_and_shows_nothing(client, hall):
    case = submit(hall)
    client.force_login(hall.clerk.user)
    for reason in (None, "", "curiosity"):
        response = _reveal(client, case, "applicant", reason)
        assert response.status_code == 400
        assert VALID_ID not in response.content.decode()
    assert not IdView.objects.exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CENTER_ADMIN])
def test_roles_that_do_not_handle_cases_see_masks_only(client, hall, staff_factory, role):
    case = submit(hall)
    looker = staff_factory(role, hall.county)
    client.force_login(looker.user)
    page = client.get(f"/staff/cases/{case.number}/")
    assert page.status_code == 200
    assert 'id="show-full-phone"' not in page.content.decode()
    assert PHONE not in page.content.decode()
    for field in ("applicant", "phone"):
        response = _reveal(client, case, field)
        assert response.status_code == 403
        assert PHONE not in response.content.decode()
        assert VALID_ID not in response.content.decode()
    assert not IdView.objects.exists()


def test_the_supervisor_lists_every_view_of_their_county(client, hall, staff_factory):
    case = submit(hall)
    client.force_login(hall.clerk.user)
    _reveal(client, case, "applicant", "identity")
    _reveal(client, case, "phone", "contact")

    supervisor = staff_factory(Role.SUPERVISOR, hall.county)
    client.force_login(supervisor.user)
    page = client.get("/staff/id-views/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "共 <strong>2</strong> 次查看" in text
    assert "核验申请人身份" in text
    assert "联系申请人" in text
    assert case.number in text
    assert hall.clerk.name in text
    assert VALID_ID not in text
    assert PHONE not in text
    assert "共 <strong>0</strong> 次查看" in client.get("/staff/id-views/?number=nonexistent").content.decode()
    assert "共 <strong>2</strong> 次查看" in client.get(
        f"/staff/id-views/?number={case.number}&staff={hall.clerk.name}&from=2000-01-01&to=2999-01-01"
    ).content.decode()
    assert "共 <strong>0</strong> 次查看" in client.get("/staff/id-views/?staff=无此人").content.decode()
    assert "共 <strong>0</strong> 次查看" in client.get("/staff/id-views/?to=2000-01-01").content.decode()

    # Another county's supervisor sees none of it; a clerk may not read the log.
    other = staff_factory(Role.SUPERVISOR, hall.other_county)
    client.force_login(other.user)
    assert "共 <strong>0</strong> 次查看" in client.get("/staff/id-views/").content.decode()
    client.force_login(hall.clerk.user)
    assert client.get("/staff/id-views/").status_code == 403
