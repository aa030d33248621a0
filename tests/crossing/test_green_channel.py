"""绿色通道 (急办件): the chief representative marks a case urgent with a reason; urgent cases come
first in the inboxes; the item's urgent limit, when shorter, becomes the promised limit."""

from __future__ import annotations

import pytest

from onewindow.cases import services as s
from onewindow.cases.models import Case
from onewindow.cases.selectors import inbox
from onewindow.catalog.models import ServiceItemVersion
from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.workdays.selectors import snapshot_for
from tests.cases.api_helpers import Api
from tests.cases.helpers import accepted_case, at, last_event, submit

pytestmark = pytest.mark.django_db


def _mark(hall, case, reason="重点项目，县政府督办", when=None) -> Case:
    return s.case_mark_urgent(case_id=case.id, actor=hall.chief, reason=reason, at=when or at(2026, 9, 30))


def test_marked_urgent_with_a_reason_and_an_event(hall):
    case = _mark(hall, accepted_case(hall))
    assert (case.is_urgent, case.urgent_reason) == (True, "重点项目，县政府督办")
    event = last_event(case)
    assert event.kind == "marked_urgent"
    assert event.payload == {"reason": "重点项目，县政府督办", "urgent_limit": None}


def test_the_items_urgent_limit_shortens_the_promised_date(hall):
    ServiceItemVersion.objects.filter(pk=hall.item.current_version_id).update(urgent_limit=3)
    case = accepted_case(hall)
    before = case.promised_due
    case = _mark(hall, case)
    assert last_event(case).payload["urgent_limit"] == 3
    calendar = snapshot_for(case.region.code)
    assert case.promised_due < before
    assert case.promised_due == calendar.add_workdays(case.accepted_on, 3)
    assert case.statutory_due == Case.objects.get(pk=case.pk).statutory_due  # the statutory limit stays


def test_without_an_urgent_limit_the_dates_stay(hall):
    case = accepted_case(hall)
    assert _mark(hall, case).promised_due == case.promised_due


def test_urgent_cases_come_first_in_the_inboxes(hall):
    first = submit(hall, at(2026, 9, 28))
    second = submit(hall, at(2026, 9, 29))
    assert [c.id for c in inbox(hall.clerk).to_accept] == [first.id, second.id]
    _mark(hall, second, when=at(2026, 9, 29, 11))
    assert [c.id for c in inbox(hall.clerk).to_accept] == [second.id, first.id]
    a = s.case_accept(case_id=first.id, actor=hall.clerk, at=at(2026, 9, 30))
    b = s.case_accept(case_id=second.id, actor=hall.clerk, at=at(2026, 9, 30))
    tasks = [t.case_id for t in inbox(hall.reviewer).tasks]
    assert tasks.index(b.id) < tasks.index(a.id)


@pytest.mark.parametrize(("reason", "code"), [("", "urgent.reason_required"), ("  ", "urgent.reason_required"),
                                              ("长" * 201, "urgent.reason_too_long")])
def test_a_reason_is_required(hall, reason, code):
    case = accepted_case(hall)
    with pytest.raises(DomainError) as exc:
        _mark(hall, case, reason=reason)
    assert (exc.value.code, exc.value.field) == (code, "reason")
    assert Case.objects.get(pk=case.pk).row_version == case.row_version


def test_only_the_chief_marks_once_and_only_open_cases(hall):
    case = accepted_case(hall)
    for who in (hall.clerk, hall.reviewer, hall.outsider):
        with pytest.raises(PermissionDenied):
            s.case_mark_urgent(case_id=case.id, actor=who, reason="急", at=at(2026, 9, 30))
    case = _mark(hall, case)
    with pytest.raises(DomainError) as exc:
        _mark(hall, case, reason="再次")
    assert exc.value.code == "urgent.already"
    withdrawn = s.case_withdraw(case_id=submit(hall).id, actor=hall.clerk, reason="不办了", at=at(2026, 9, 29))
    with pytest.raises(DomainError) as exc:
        _mark(hall, withdrawn)
    assert exc.value.code == "case.transition_refused.mark_urgent"


def test_through_the_api(client, hall):
    case = accepted_case(hall)
    chief = Api(client, hall.chief)
    r = chief.post(f"/cases/{case.number}/actions/mark_urgent", {})
    assert r.status_code in (400, 422)
    r = chief.post(f"/cases/{case.number}/actions/mark_urgent", {"reason": "重点项目"})
    assert r.status_code == 200
    assert (r.json()["is_urgent"], r.json()["urgent_reason"]) == (True, "重点项目")


def test_the_staff_page_marks_urgent(client, hall):
    case = accepted_case(hall)
    client.force_login(hall.chief.user)
    assert "标记急办件（绿色通道）" in client.get(f"/staff/cases/{case.number}/").content.decode()
    r = client.post(f"/staff/cases/{case.number}/act/mark_urgent/",
                    {"reason": "重点项目", "expected_version": str(case.row_version)})
    assert r.status_code == 302
    assert Case.objects.get(pk=case.pk).urgent_reason == "重点项目"
    client.force_login(hall.clerk.user)
    assert "标记急办件（绿色通道）" not in client.get(f"/staff/cases/{case.number}/").content.decode()
