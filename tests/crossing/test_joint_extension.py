"""行政许可法 第四十二条第二款: a joint case's extension (at most 15 working days) is approved by the
head of the local government (本级人民政府负责人), not by a department's chief representative; a
non-joint extension stays with the department head. Every action and every refusal."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from onewindow.cases import guards, selectors
from onewindow.cases import services as s
from onewindow.cases.history import events_of
from onewindow.cases.models import Case
from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.documents.models import Document
from onewindow.documents.render import render_html
from onewindow.workdays.selectors import snapshot_for
from tests.cases.helpers import accepted_case, at, last_event

from .helpers import build_joint, joint_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(hall):
    return build_joint(hall)


def _request(joint, case: Case, workdays: int = 10, actor=None, day: int = 12) -> Case:
    return s.case_request_joint_extension(case_id=case.id, actor=actor or joint.hall.chief, workdays=workdays,
                                          reason="两部门意见需协调", at=at(2026, 10, day))


def test_the_government_head_approves_a_joint_extension_and_the_notice_names_them(joint):
    case = joint_case(joint)
    before = case.statutory_due
    case = _request(joint, case, 15, actor=joint.hall.reviewer)
    assert case.extension_requested_days == 15
    asked = last_event(case)
    assert asked.kind == "extension_requested"
    assert asked.payload["joint"] is True
    assert asked.payload["approver_role"] == "government_head"
    case = s.case_approve_joint_extension(case_id=case.id, actor=joint.head, workdays=15, reason="两部门意见需协调",
                                          at=at(2026, 10, 13))
    assert case.extension_requested_days is None
    # Both clocks move by exactly 15 working days on the county's calendar (DESIGN §4 rule 7).
    assert case.statutory_due == snapshot_for(case.region.code).add_workdays(before, 15)
    granted = last_event(case)
    assert granted.kind == "extension_granted"
    assert granted.payload["approver_role"] == "government_head"
    assert granted.payload["approver"] == "xianzhang"
    assert granted.payload["approver_title"] == "云溪县人民政府负责人"
    notice = Document.objects.get(case=case, kind="extension_notice")
    assert notice.content["approver"] == "xianzhang"
    assert notice.content["joint"] is True
    assert "第四十二条第二款" in notice.content["rule"]
    assert "本级人民政府负责人" in notice.content["rule"]
    html = render_html("extension_notice", notice.content)
    assert "批准人" in html
    assert "云溪县人民政府负责人 xianzhang" in html


def test_a_chief_representative_may_not_grant_a_joint_extension(joint):
    case = joint_case(joint)
    with pytest.raises(DomainError) as exc:
        s.case_grant_extension(case_id=case.id, actor=joint.hall.chief, workdays=5, reason="复杂",
                               at=at(2026, 10, 12))
    assert exc.value.code == "extension.joint_needs_government_head"
    assert "第四十二条第二款" in exc.value.message
    with pytest.raises(DomainError) as exc:
        s.case_request_extension(case_id=case.id, actor=joint.hall.reviewer, workdays=5, reason="复杂",
                                 at=at(2026, 10, 12))
    assert exc.value.code == "extension.joint_needs_government_head"
    _request(joint, case)
    # Nor approve the pending request: the role is the government head's.
    with pytest.raises(PermissionDenied) as denied:
        s.case_approve_joint_extension(case_id=case.id, actor=joint.hall.chief, workdays=10, reason="同意",
                                       at=at(2026, 10, 13))
    assert denied.value.code == "forbidden.case.approve_joint_extension"
    with pytest.raises(PermissionDenied):
        s.case_decline_joint_extension(case_id=case.id, actor=joint.hall.chief, reason="不同意", at=at(2026, 10, 13))
    case.refresh_from_db()
    assert case.extension_requested_days == 10
    assert not case.events.filter(kind="extension_granted").exists()


def test_the_head_of_another_county_may_not_approve(joint):
    case = _request(joint, joint_case(joint))
    with pytest.raises(PermissionDenied) as denied:
        s.case_approve_joint_extension(case_id=case.id, actor=joint.other_head, workdays=10, reason="同意",
                                       at=at(2026, 10, 13))
    assert denied.value.code == "forbidden.case.approve_joint_extension"
    assert "云溪县" in denied.value.message


def test_a_joint_extension_is_at_most_15_working_days_and_once(joint):
    case = joint_case(joint)
    with pytest.raises(DomainError) as exc:
        _request(joint, case, 16)
    assert exc.value.code == "clock.extension_beyond_cap"
    case = _request(joint, case, 10)
    with pytest.raises(DomainError) as exc:
        _request(joint, case, 5)
    assert exc.value.code == "extension.already_requested"
    with pytest.raises(DomainError) as exc:
        s.case_approve_joint_extension(case_id=case.id, actor=joint.head, workdays=16, reason="同意",
                                       at=at(2026, 10, 13))
    assert exc.value.code == "clock.extension_beyond_cap"
    case = s.case_approve_joint_extension(case_id=case.id, actor=joint.head, workdays=10, reason="同意",
                                          at=at(2026, 10, 13))
    # A second extension: neither asked for nor approved (Art. 42: once).
    with pytest.raises(DomainError) as exc:
        _request(joint, case, 5, day=14)
    assert exc.value.code == "clock.extension_twice"
    with pytest.raises(DomainError) as exc:
        s.case_approve_joint_extension(case_id=case.id, actor=joint.head, workdays=5, reason="再延",
                                       at=at(2026, 10, 14))
    assert exc.value.code == "clock.extension_twice"


def test_approval_needs_a_pending_request_and_a_reason(joint):
    case = joint_case(joint)
    with pytest.raises(DomainError) as exc:
        s.case_approve_joint_extension(case_id=case.id, actor=joint.head, workdays=5, reason="同意",
                                       at=at(2026, 10, 13))
    assert exc.value.code == "extension.not_requested"
    with pytest.raises(DomainError) as exc:
        s.case_decline_joint_extension(case_id=case.id, actor=joint.head, reason="不同意", at=at(2026, 10, 13))
    assert exc.value.code == "extension.not_requested"
    _request(joint, case)
    with pytest.raises(DomainError) as exc:
        s.case_approve_joint_extension(case_id=case.id, actor=joint.head, workdays=5, reason=" ",
                                       at=at(2026, 10, 13))
    assert exc.value.field == "reason"
    with pytest.raises(DomainError) as exc:
        s.case_request_joint_extension(case_id=case.id, actor=joint.hall.chief, workdays=5, reason="",
                                       at=at(2026, 10, 13))
    assert exc.value.code == "extension.reason_required"


def test_the_government_head_may_decline(joint):
    case = _request(joint, joint_case(joint))
    case = s.case_decline_joint_extension(case_id=case.id, actor=joint.head, reason="期限内可以办结",
                                          at=at(2026, 10, 13))
    assert case.extension_requested_days is None
    declined = last_event(case)
    assert declined.kind == "extension_declined"
    assert declined.payload["approver"] == "xianzhang"
    assert declined.payload["joint"] is True
    # Declined is not extended: the lead department may ask again.
    assert _request(joint, case, 5, day=14).extension_requested_days == 5


def test_a_non_joint_extension_stays_with_the_department_head(hall, joint):
    case = accepted_case(hall)
    with pytest.raises(DomainError) as exc:
        s.case_request_joint_extension(case_id=case.id, actor=hall.reviewer, workdays=5, reason="复杂",
                                       at=at(2026, 10, 8))
    assert exc.value.code == "extension.not_joint"
    s.case_request_extension(case_id=case.id, actor=hall.reviewer, workdays=5, reason="复杂", at=at(2026, 10, 8))
    with pytest.raises(DomainError) as exc:
        s.case_approve_joint_extension(case_id=case.id, actor=joint.head, workdays=5, reason="同意",
                                       at=at(2026, 10, 9))
    assert exc.value.code == "extension.not_joint"
    case = s.case_grant_extension(case_id=case.id, actor=hall.chief, workdays=5, reason="复杂", at=at(2026, 10, 9))
    granted = last_event(case)
    assert granted.payload["approver_role"] == "chief_representative"
    assert granted.payload["approver"] == "chief"
    notice = Document.objects.get(case=case, kind="extension_notice")
    assert notice.content["approver"] == "chief"
    assert notice.content["joint"] is False
    assert "第四十二条第二款" not in notice.content["rule"]


def test_the_pages_offer_each_role_its_own_extension_action(joint):
    case = joint_case(joint)
    hall = joint.hall

    def verdicts_of(staff):
        c = Case.objects.get(pk=case.pk)
        return {v.key: v for v in guards.verdicts(c, staff, events=events_of(c), tasks=list(c.tasks.all()))}

    chief = verdicts_of(hall.chief)
    assert chief["grant_extension"].refusal.code == "extension.joint_needs_government_head"
    assert chief["request_joint_extension"].allowed
    assert "request_extension" not in chief
    assert "approve_joint_extension" not in chief
    head = verdicts_of(joint.head)
    assert head["approve_joint_extension"].refusal.code == "extension.not_requested"
    _request(joint, case)
    head = verdicts_of(joint.head)
    assert head["approve_joint_extension"].allowed
    assert head["decline_joint_extension"].allowed
    assert verdicts_of(hall.chief)["request_joint_extension"].refusal.code == "extension.already_requested"
    assert "approve_joint_extension" not in verdicts_of(joint.other_head)


def test_the_request_waits_in_the_government_heads_inbox_not_the_chiefs(joint):
    case = _request(joint, joint_case(joint))
    assert [c.pk for c in selectors.inbox(joint.head).extension_requests] == [case.pk]
    assert selectors.inbox(joint.hall.chief).extension_requests == []
    assert selectors.inbox(joint.other_head).extension_requests == []


def test_verify_history_covers_the_joint_extension_events(joint):
    case = _request(joint, joint_case(joint))
    case = s.case_approve_joint_extension(case_id=case.id, actor=joint.head, workdays=10, reason="同意",
                                          at=at(2026, 10, 13))
    out = StringIO()
    call_command("verify_history", "--case", case.number, stdout=out)
    assert "有问题 0 件" in out.getvalue()
