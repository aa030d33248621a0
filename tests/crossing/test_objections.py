"""异议: an objection to a refusal, a supplement notice or a decision is recorded; the handler
answers it in writing with reasons by its date (a deadline row); the answer is a numbered notice."""

from __future__ import annotations

import pytest

from onewindow.cases import services as s
from onewindow.cases.history import events_of
from onewindow.cases.models import Case
from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.documents.models import Document
from onewindow.documents.render import render_html
from onewindow.lifecycle.models import Deadline
from onewindow.workdays.selectors import snapshot_for
from tests.cases.api_helpers import Api
from tests.cases.helpers import accepted_case, at, last_event, review_all, submit

pytestmark = pytest.mark.django_db


def _refused(hall) -> Case:
    case = submit(hall)
    return s.case_refuse(case_id=case.id, actor=hall.clerk, reason="不属于本机关职权范围", legal_basis="《行政许可法》第三十二条",
                         where_to_apply="市场监督管理局", at=at(2026, 9, 29))


def _object(hall, case, **kw) -> Case:
    args = {"against_seq": last_event(case).seq, "content": "本事项属于贵局职权", "at": at(2026, 9, 30)} | kw
    return s.case_record_objection(case_id=case.id, actor=hall.clerk, **args)


def _row(case, no=1) -> Deadline:
    return Deadline.objects.get(subject_type="case", subject_id=case.pk, kind="reply", key=f"objection-{no}")


def test_an_objection_to_a_refusal_is_answered_in_writing_with_reasons(hall):
    refused = _refused(hall)
    case = _object(hall, refused)
    due = snapshot_for(case.region.code).add_workdays(at(2026, 9, 30).date(), 5)
    assert case.status == "refused"
    assert case.objections == [{"no": 1, "against_seq": refused.row_version, "against_kind": "refused",
                                "content": "本事项属于贵局职权", "due": due.isoformat(), "answered": False}]
    assert last_event(case).kind == "objection_recorded"
    assert last_event(case).payload["against_label"] == "不予受理"
    row = _row(case)
    assert (row.state, row.due_on, row.title) == ("open", due, "异议答复期限（第1件）")
    case = s.case_answer_objection(case_id=case.id, actor=hall.chief, objection_no=1, answer="维持不予受理",
                                   reasons="该事项由市级部门实施", at=at(2026, 10, 9))
    event = last_event(case)
    assert event.kind == "objection_answered"
    assert event.payload["late"] is False
    assert case.objections[0]["answered"] is True
    assert _row(case).state == "closed"
    notice = Document.objects.get(case=case, kind="objection_reply")
    assert "答" in notice.number
    html = render_html("objection_reply", notice.content)
    for text in ("本事项属于贵局职权", "维持不予受理", "该事项由市级部门实施", "行政复议"):
        assert text in html


def test_objections_to_a_supplement_notice_and_a_decision(hall):
    case = s.case_request_supplement(case_id=submit(hall, missing=("营业执照副本",)).id, actor=hall.clerk,
                                     materials=["营业执照副本"], at=at(2026, 9, 29))
    case = _object(hall, case, content="营业执照副本已提交")
    assert case.objections[0]["against_kind"] == "supplement_requested"
    case = review_all(hall, accepted_case(hall), at(2026, 9, 30))
    case = s.case_decide(case_id=case.id, actor=hall.chief, grant=False, reasons="不符合条件", at=at(2026, 10, 9))
    decided = next(e.seq for e in events_of(case) if e.kind == "decided")
    case = _object(hall, case, content="符合条件", against_seq=decided, at=at(2026, 10, 10))
    assert (case.status, case.objections[0]["against_kind"]) == ("concluded", "decided")


def test_the_answer_is_late_after_the_date_and_the_sweep_warns(hall):
    from onewindow.supervision import services as sv
    from onewindow.supervision.models import Warning

    case = _object(hall, _refused(hall))
    sv.sweep(now=at(2026, 10, 30, 1))
    assert Warning.objects.get(deadline=_row(case)).rule == "deadline_overdue"
    case = s.case_answer_objection(case_id=case.id, actor=hall.chief, objection_no=1, answer="维持", reasons="理由",
                                   at=at(2026, 10, 30))
    assert last_event(case).payload["late"] is True


@pytest.mark.parametrize(("kw", "code", "field"), [
    ({"content": " "}, "objection.content_required", "content"),
    ({"content": "长" * 2001}, "objection.content_too_long", "content"),
    ({"against_seq": 1}, "objection.target_invalid", "against_seq"),  # the submission
    ({"against_seq": 99}, "objection.target_invalid", "against_seq"),
])
def test_record_refusals_write_nothing(hall, kw, code, field):
    refused = _refused(hall)
    with pytest.raises(DomainError) as exc:
        _object(hall, refused, **kw)
    assert (exc.value.code, exc.value.field) == (code, field)
    fresh = Case.objects.get(pk=refused.pk)
    assert (fresh.row_version, fresh.objections) == (refused.row_version, [])


def test_answer_refusals(hall):
    case = _object(hall, _refused(hall))
    for kw, code, field in [({"answer": ""}, "objection.answer_required", "answer"),
                            ({"reasons": " "}, "objection.reasons_required", "reasons"),
                            ({"objection_no": 2}, "objection.not_found", "objection_no")]:
        args = {"objection_no": 1, "answer": "维持", "reasons": "理由", "at": at(2026, 10, 1)} | kw
        with pytest.raises(DomainError) as exc:
            s.case_answer_objection(case_id=case.id, actor=hall.chief, **args)
        assert (exc.value.code, exc.value.field) == (code, field)
    with pytest.raises(PermissionDenied):
        s.case_answer_objection(case_id=case.id, actor=hall.clerk, objection_no=1, answer="维持", reasons="理由",
                                at=at(2026, 10, 1))
    with pytest.raises(PermissionDenied):
        s.case_record_objection(case_id=case.id, actor=hall.outsider, against_seq=case.objections[0]["against_seq"],
                                content="异议", at=at(2026, 10, 1))
    s.case_answer_objection(case_id=case.id, actor=hall.chief, objection_no=1, answer="维持", reasons="理由",
                            at=at(2026, 10, 1))
    with pytest.raises(DomainError) as exc:
        s.case_answer_objection(case_id=case.id, actor=hall.chief, objection_no=1, answer="再答", reasons="理由",
                                at=at(2026, 10, 2))
    assert exc.value.code == "objection.already_answered"


def test_through_the_api(client, hall):
    refused = _refused(hall)
    clerk, chief = Api(client, hall.clerk), Api(client, hall.chief)
    r = clerk.post(f"/cases/{refused.number}/actions/record_objection", {"against_seq": 1, "content": "异议"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "objection.target_invalid"
    r = clerk.post(f"/cases/{refused.number}/actions/record_objection",
                   {"against_seq": refused.row_version, "content": "异议"})
    assert r.status_code == 200
    assert r.json()["objections"][0]["answered"] is False
    r = chief.post(f"/cases/{refused.number}/actions/answer_objection",
                   {"objection_no": 1, "answer": "维持", "reasons": "理由"})
    assert r.status_code == 200
    shown = chief.get(f"/cases/{refused.number}").json()
    assert shown["objections"][0]["answered"] is True


def test_the_staff_pages_record_and_answer(client, hall):
    refused = _refused(hall)
    client.force_login(hall.clerk.user)
    assert "登记异议" in client.get(f"/staff/cases/{refused.number}/").content.decode()
    r = client.post(f"/staff/cases/{refused.number}/act/record_objection/",
                    {"against_seq": str(refused.row_version), "content": "属于贵局职权",
                     "expected_version": str(refused.row_version)})
    assert r.status_code == 302
    case = Case.objects.get(pk=refused.pk)
    client.force_login(hall.chief.user)
    assert "答复第1件异议" in client.get(f"/staff/cases/{case.number}/").content.decode()
    r = client.post(f"/staff/cases/{case.number}/act/answer_objection/",
                    {"objection_no": "1", "answer": "维持", "reasons": "市级实施",
                     "expected_version": str(case.row_version)})
    assert r.status_code == 302
    assert Case.objects.get(pk=case.pk).objections[0]["answered"] is True
