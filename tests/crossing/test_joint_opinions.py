"""联办件: the lead reads the co-handlers' opinions side by side, chases (催办) a late one, and
grants only when no co-handler is against it; a co-handler's refusal opinion reaches the lead with
its reasons. Services, the action API and the staff case page; every refusal."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from onewindow.cases import services as s
from onewindow.cases.models import Case
from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.notifications.models import OutboxMessage
from tests.cases.api_helpers import Api
from tests.cases.helpers import at, last_event

from .helpers import Joint, build_joint, joint_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(hall) -> Joint:
    return build_joint(hall)


def _lead_review(joint: Joint, case: Case, day: int = 30) -> Case:
    return s.case_complete_stage(case_id=case.id, actor=joint.hall.reviewer, stage_order=2, opinion="符合条件",
                                 at=at(2026, 9, day))


def test_a_chase_is_recorded_texted_to_the_holder_and_allowed_once_a_day(joint: Joint) -> None:
    get_user_model().objects.filter(pk=joint.co_reviewer.user_id).update(phone="13900001111")
    case = joint_case(joint)
    s.case_claim_task(case_id=case.id, actor=joint.co_reviewer, stage_order=3, at=at(2026, 9, 30))
    case = s.case_chase_stage(case_id=case.id, actor=joint.hall.chief, stage_order=3, note="请于本周内出具意见",
                              at=at(2026, 10, 12))
    chased = last_event(case)
    assert chased.kind == "stage_chased"
    assert chased.payload["stage"] == 3
    assert chased.payload["department"] == "云溪县住建局"
    assert chased.payload["note"] == "请于本周内出具意见"
    [message] = OutboxMessage.objects.filter(kind="case.stage_chased")
    assert message.recipient == "13900001111"
    assert case.number in message.body
    assert "住建会审" in message.body
    with pytest.raises(DomainError) as again:
        s.case_chase_stage(case_id=case.id, actor=joint.hall.chief, stage_order=3, at=at(2026, 10, 12, 16))
    assert again.value.code == "chase.already_today"
    s.case_chase_stage(case_id=case.id, actor=joint.hall.chief, stage_order=3, at=at(2026, 10, 13))
    assert case.events.filter(kind="stage_chased").count() == 2


def test_every_chase_refusal_names_its_rule_and_writes_nothing(joint: Joint, hall) -> None:
    case = joint_case(joint)
    version = Case.objects.get(pk=case.pk).row_version

    def refused(code: str, **kw) -> None:
        with pytest.raises((DomainError, PermissionDenied)) as exc:
            s.case_chase_stage(case_id=case.id, **{"actor": hall.chief, "at": at(2026, 10, 12), **kw})
        assert exc.value.code == code
        assert Case.objects.get(pk=case.pk).row_version == version

    refused("chase.not_co_handler", stage_order=2)  # the lead's own stage
    refused("chase.not_co_handler", stage_order=9)  # no such stage
    refused("forbidden.case.decide", stage_order=3, actor=joint.co_reviewer)  # a co-handler cannot chase
    refused("forbidden.case.decide", stage_order=3, actor=hall.outsider)  # another county (the API answers 404)
    refused("chase.note_too_long", stage_order=3, note="催" * 201)
    s.case_complete_stage(case_id=case.id, actor=joint.co_reviewer, stage_order=3, opinion="同意",
                          at=at(2026, 10, 9))
    version = Case.objects.get(pk=case.pk).row_version
    refused("chase.stage_done", stage_order=3)
    plain = s.case_accept(case_id=s.case_submit(
        actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
        materials=hall.checklist(), window_number="01", at=at(2026, 9, 28)).id, actor=hall.clerk, at=at(2026, 9, 29))
    with pytest.raises(DomainError) as exc:
        s.case_chase_stage(case_id=plain.id, actor=hall.chief, stage_order=2, at=at(2026, 10, 12))
    assert exc.value.code == "chase.not_joint"


def test_a_co_handlers_refusal_reaches_the_lead_who_may_then_only_deny(joint: Joint) -> None:
    case = _lead_review(joint, joint_case(joint))
    with pytest.raises(DomainError) as exc:
        s.case_complete_stage(case_id=case.id, actor=joint.co_reviewer, stage_order=3, opinion=" ", agree=False,
                              at=at(2026, 10, 9))
    assert exc.value.field == "opinion"
    case = s.case_complete_stage(case_id=case.id, actor=joint.co_reviewer, stage_order=3, agree=False,
                                 opinion="选址不符合控制性详细规划", at=at(2026, 10, 9))
    against = last_event(case)
    assert against.payload["agree"] is False
    assert against.payload["department"] == "云溪县住建局"
    with pytest.raises(DomainError) as exc:
        s.case_decide(case_id=case.id, actor=joint.hall.chief, grant=True, at=at(2026, 10, 12))
    assert exc.value.code == "decision.co_handler_disagrees"
    assert "选址不符合控制性详细规划" in exc.value.message
    case = s.case_decide(case_id=case.id, actor=joint.hall.chief, grant=False, reasons="住建部门不同意：选址不符合规划",
                         at=at(2026, 10, 12))
    assert case.outcome == "deny"


def test_when_all_co_handlers_agree_the_lead_grants(joint: Joint) -> None:
    case = _lead_review(joint, joint_case(joint))
    case = s.case_complete_stage(case_id=case.id, actor=joint.co_reviewer, stage_order=3, opinion="同意",
                                 at=at(2026, 10, 9))
    assert "agree" not in last_event(case).payload  # an agreeing opinion reads as it always did
    assert s.case_decide(case_id=case.id, actor=joint.hall.chief, grant=True, at=at(2026, 10, 12)).outcome == "grant"


def test_the_api_chases_and_records_a_disagreeing_opinion(client, joint: Joint) -> None:
    case = joint_case(joint, recent=True)
    path = f"/cases/{case.number}/actions"
    r = Api(client, joint.hall.chief).post(f"{path}/chase_stage", {"stage_order": 3, "note": "请尽快"})
    assert r.status_code == 200
    r = Api(client, joint.hall.chief).post(f"{path}/chase_stage", {"stage_order": 3})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "chase.already_today"
    assert r.json()["error"]["field"] == "stage_order"
    r = Api(client, joint.co_reviewer).post(f"{path}/complete_stage",
                                            {"stage_order": 3, "opinion": "不符合规划", "agree": "no"})
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "agree"
    r = Api(client, joint.co_reviewer).post(f"{path}/complete_stage",
                                            {"stage_order": 3, "opinion": "不符合规划", "agree": False})
    assert r.status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    assert "chase_stage" in str(schema)


def test_the_lead_sees_the_opinions_side_by_side_with_the_chase_form(client, joint: Joint) -> None:
    case = joint_case(joint, recent=True)
    client.force_login(joint.hall.chief.user)
    page = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert 'data-testid="co-handlers"' in page
    assert "云溪县住建局" in page
    assert "催办“住建会审”（云溪县住建局）" in page
    s.case_complete_stage(case_id=case.id, actor=joint.co_reviewer, stage_order=3, agree=False,
                          opinion="选址不符合控制性详细规划")
    page = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert 'data-testid="co-handler-against"' in page
    assert "选址不符合控制性详细规划" in page
    client.force_login(joint.co_reviewer.user)
    assert "催办“" not in client.get(f"/staff/cases/{case.number}/").content.decode()
