"""Concluded and refused cases show no stale deadlines: only what still runs, or the dates as they
ended; and the result entered at the conclusion is part of the history (staff and applicant)."""

from __future__ import annotations

import pytest

from onewindow.cases import services as s
from onewindow.online.selectors import progress_of
from tests.cases.helpers import at

pytestmark = pytest.mark.django_db


def _page(client, staff, case) -> str:
    client.force_login(staff.user)
    response = client.get(f"/staff/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_instant_case_shows_no_certificate_due_no_stage_placeholder_and_its_result(client, hall):
    # given an instant case concluded on the spot with a result written by the clerk
    case = s.case_submit(actor=hall.clerk, item_code=hall.instant_item.implementation_code,
                         applicant=hall.applicant(), materials=hall.checklist(item=hall.instant_item), window_number="01",
                         at=at(2026, 9, 28))
    case = s.case_conclude_instant(case_id=case.id, actor=hall.clerk, result="当场发放许可证，编号 A-17",
                                   at=at(2026, 9, 28, 11))
    # when the clerk opens it
    html = _page(client, hall.clerk, case)
    # then no certificate is still due, no stage is "not started yet", and the promised date is shown as ended
    assert 'id="due-certificate_due"' not in html
    assert 'id="due-statutory_due"' not in html
    assert 'id="due-promised_due"' in html
    assert "已于2026-09-28当场办结" in html
    assert "即办件当场办理，没有审核环节" in html
    # and the result entered at the conclusion is in the timeline, for staff and the applicant
    assert "当场发放许可证，编号 A-17" in html
    progress = progress_of(case)
    concluded = next(e for e in progress.timeline if e.kind == "concluded")
    assert ("办理结果", "当场发放许可证，编号 A-17") in concluded.details
    assert [(d.name, d.ended) for d in progress.dues] == [("promised_due", "已于2026年9月28日当场办结（按时办结）")]


def test_a_refused_case_shows_its_acceptance_due_as_ended(client, hall):
    case = s.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
                         materials=hall.checklist(), window_number="01", at=at(2026, 9, 28))
    case = s.case_refuse(case_id=case.id, actor=hall.clerk, reason="不属于本机关职权范围",
                         legal_basis="《中华人民共和国行政许可法》第三十二条", at=at(2026, 9, 29))
    html = _page(client, hall.clerk, case)
    assert 'id="due-supplement_request_due"' not in html
    assert 'data-testid="due-ended">已于2026-09-29作出不予受理决定' in html
    assert 'data-testid="clock-ended"' in html
    progress = progress_of(case)
    assert [(d.name, d.ended) for d in progress.dues] == [("acceptance_due", "已于2026年9月29日作出不予受理决定")]


def test_a_granted_case_runs_only_its_certificate_due(client, hall):
    case = s.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
                         materials=hall.checklist(), window_number="01", at=at(2026, 9, 28))
    case = s.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29))
    for order, who in [(2, hall.reviewer), (3, hall.reviewer), (3, hall.reviewer2)]:
        case = s.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="同意", at=at(2026, 9, 30))
    case = s.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 9))
    progress = progress_of(case)
    running = [d.name for d in progress.dues if not d.ended]
    assert running == ["certificate_due"]
    assert {d.name: d.ended for d in progress.dues if d.ended}["promised_due"].startswith("已于2026年10月9日作出决定")
