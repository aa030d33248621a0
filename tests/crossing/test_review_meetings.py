"""联审会: the lead department of a joint case convenes the co-handlers' review meeting and records
its result, which reaches the applicant as one numbered written notice (联审意见告知书) listing
every material to supplement at once. Services, API, refusals, the notice, the applicant's view."""

from __future__ import annotations

import pytest

from onewindow.cases import meeting_services as m
from onewindow.cases.history import verify_case
from onewindow.cases.models import Case
from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.documents.models import Document
from onewindow.online.selectors import progress_of
from tests.cases.api_helpers import Api
from tests.cases.helpers import accepted_case, at, last_event

from .helpers import build_joint, joint_case

pytestmark = pytest.mark.django_db


def test_a_meeting_is_convened_with_every_co_handler_and_its_result_told_once(hall) -> None:
    joint = build_joint(hall, co_handlers=2)
    case = joint_case(joint)
    case = m.case_schedule_review_meeting(case_id=case.id, actor=hall.reviewer, kind="joint_review", on="2026-10-12",
                                          place="中心三楼联审室", at=at(2026, 9, 30))
    scheduled = last_event(case)
    assert scheduled.payload["departments"] == sorted(["云溪县工商局", "云溪县住建局", "云溪县环保局"])
    assert scheduled.payload["kind_label"] == "联审会"
    with pytest.raises(DomainError) as early:
        m.case_record_review_meeting(case_id=case.id, actor=hall.reviewer, outcome="passed", opinion="同意",
                                     at=at(2026, 10, 9))
    assert early.value.code == "meeting.not_yet"
    case = m.case_record_review_meeting(case_id=case.id, actor=hall.chief, outcome="supplement",
                                        opinion="项目选址需补充环评与消防意见", at=at(2026, 10, 12, 16),
                                        materials=["环境影响登记表\n消防设计说明", " "])
    held = last_event(case)
    assert held.payload["materials"] == ["环境影响登记表", "消防设计说明"]
    notice = Document.objects.get(case=case, kind="review_meeting_notice")
    assert notice.event_seq == held.seq
    assert notice.content["materials"] == ["环境影响登记表", "消防设计说明"]
    assert notice.content["outcome_label"] == "需补充完善材料"
    assert "联" in notice.number
    timeline = progress_of(Case.objects.get(pk=case.pk)).timeline
    assert [e.kind for e in timeline][-2:] == ["review_meeting_scheduled", "review_meeting_held"]
    assert ("需补充完善的材料", "环境影响登记表、消防设计说明") in timeline[-1].details
    assert verify_case(Case.objects.get(pk=case.pk)).ok
    # a second meeting may follow once the first one's result is recorded
    m.case_schedule_review_meeting(case_id=case.id, actor=hall.chief, kind="evaluation", on="2026-10-20",
                                   place="中心三楼联审室", at=at(2026, 10, 13))


def test_every_refusal_names_its_rule_and_writes_nothing(hall) -> None:
    joint = build_joint(hall)
    case = joint_case(joint)
    version = case.row_version

    def refused(code: str, call=m.case_schedule_review_meeting, **kw) -> None:
        base = {"actor": hall.reviewer, "kind": "joint_review", "on": "2026-10-12", "place": "联审室",
                "at": at(2026, 9, 30)}
        if call is m.case_record_review_meeting:
            base = {"actor": hall.reviewer, "outcome": "passed", "opinion": "同意", "at": at(2026, 10, 12)}
        with pytest.raises((DomainError, PermissionDenied)) as exc:
            call(case_id=case.id, **{**base, **kw})
        assert exc.value.code == code
        assert Case.objects.get(pk=case.pk).row_version == version

    refused("meeting.kind_invalid", kind="party")
    refused("meeting.date_invalid", on="12/10/2026")
    refused("meeting.date_past", on="2026-09-01")
    refused("meeting.place_required", place=" ")
    refused("forbidden.case.review", actor=hall.clerk)
    refused("forbidden.case.review", actor=joint.co_reviewer)  # the lead convenes, not a co-handler
    refused("meeting.not_scheduled", call=m.case_record_review_meeting)
    refused("meeting.outcome_invalid", call=m.case_record_review_meeting, outcome="maybe")
    refused("meeting.materials_required", call=m.case_record_review_meeting, outcome="supplement")
    refused("meeting.materials_unexpected", call=m.case_record_review_meeting, materials=["a"])
    m.case_schedule_review_meeting(case_id=case.id, actor=hall.reviewer, kind="joint_review", on="2026-10-12",
                                   place="联审室", at=at(2026, 9, 30))
    version = Case.objects.get(pk=case.pk).row_version
    refused("meeting.already_scheduled")
    plain = accepted_case(hall)
    with pytest.raises(DomainError) as exc:
        m.case_schedule_review_meeting(case_id=plain.id, actor=hall.reviewer, kind="joint_review", on="2026-10-12",
                                       place="联审室", at=at(2026, 9, 30))
    assert exc.value.code == "meeting.not_joint"


def test_the_api_convenes_and_records(hall, client) -> None:
    joint = build_joint(hall)
    case = joint_case(joint, recent=True)
    api = Api(client, hall.reviewer)
    path = f"/cases/{case.number}/actions"
    from onewindow.core.timesource import local_date

    today = local_date().isoformat()
    bad = api.post(f"{path}/schedule_review_meeting", {"kind": "joint_review", "on": today})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "place"
    assert api.post(f"{path}/schedule_review_meeting", {"kind": "examination", "on": today,
                                                        "place": "联审室"}).status_code == 200
    done = api.post(f"{path}/record_review_meeting", {"outcome": "passed", "opinion": "各部门均同意"})
    assert done.status_code == 200
    assert Document.objects.filter(case_id=case.pk, kind="review_meeting_notice").count() == 1
