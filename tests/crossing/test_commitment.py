"""告知承诺制: accept an eligible item on the applicant's commitment instead of the missing
materials; the acceptance notice states the conditions and the verification date; a verification
deadline row the sweep watches until the result is recorded. Every action and refusal."""

from __future__ import annotations

import pytest

from onewindow.cases import guards
from onewindow.cases import services as s
from onewindow.cases.history import events_of
from onewindow.cases.models import Case
from onewindow.catalog.models import ServiceItemVersion
from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.documents.models import Document
from onewindow.documents.render import render_html
from onewindow.lifecycle.models import Deadline
from onewindow.workdays.selectors import snapshot_for
from tests.cases.api_helpers import Api
from tests.cases.helpers import at, last_event, review_all, submit

pytestmark = pytest.mark.django_db

CONDITIONS = ["经营场所符合消防安全要求", "从业人员持有健康证明"]


@pytest.fixture
def eligible(hall):
    """The hall's item, commitment-eligible with a 10-working-day verification period; the intake
    lacks 营业执照副本. (Set before the first case: a published version is read once per process.)"""
    ServiceItemVersion.objects.filter(pk=hall.item.current_version_id).update(commitment_eligible=True,
                                                                              verification_workdays=10)
    return submit(hall, missing=("营业执照副本",))


def _accept(hall, case, **kw) -> Case:
    args = {"materials": ["营业执照副本"], "conditions": CONDITIONS, "at": at(2026, 9, 29)} | kw
    return s.case_accept_on_commitment(case_id=case.id, actor=hall.clerk, **args)


def _deadline(case) -> Deadline:
    return Deadline.objects.get(subject_type="case", subject_id=case.pk, kind="reply", key="verification")


def _granted(hall, case) -> Case:
    case = review_all(hall, case, at(2026, 9, 30))
    return s.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 9))


def test_accepted_on_commitment_the_notice_states_conditions_and_verification_date(hall, eligible):
    case = _accept(hall, eligible)
    due = snapshot_for(case.region.code).add_workdays(case.accepted_on, 10)
    assert case.status == "in_review"
    assert case.commitment_conditions == CONDITIONS
    assert case.verification_due == due
    assert case.verification_result == "pending"
    accepted = last_event(case)
    assert accepted.kind == "accepted"
    assert accepted.payload["commitment"] is True
    assert accepted.payload["commitment_materials"] == ["营业执照副本"]
    assert accepted.payload["verification_due"] == due.isoformat()
    notice = Document.objects.get(case=case, kind="acceptance_notice")
    assert notice.number
    assert notice.content["commitment_conditions"] == CONDITIONS
    html = render_html("acceptance_notice", notice.content)
    assert "告知承诺制" in html
    assert "经营场所符合消防安全要求" in html
    assert "从业人员持有健康证明" in html
    assert "营业执照副本" in html
    assert "撤销" in html
    row = _deadline(case)
    assert (row.state, row.due_on, row.title) == ("open", due, "告知承诺核查期限")


def test_the_case_is_decided_on_the_commitment_and_verified_after(hall, eligible):
    case = _granted(hall, _accept(hall, eligible))
    assert case.status == "granted"
    assert _deadline(case).state == "open"  # the verification outlives the decision
    case = s.case_record_verification(case_id=case.id, actor=hall.chief, truthful=True, findings="现场核查属实",
                                      at=at(2026, 10, 12))
    assert case.verification_result == "true"
    event = last_event(case)
    assert event.kind == "commitment_verified"
    assert event.payload == {"truthful": True, "findings": "现场核查属实", "late": False}
    row = _deadline(case)
    assert (row.state, row.closed_reason) == ("closed", "已登记核查结果")


def test_a_false_commitment_is_recorded_late_after_conclusion(hall, eligible):
    case = _granted(hall, _accept(hall, eligible))
    case = s.case_issue_certificate(case_id=case.id, actor=hall.clerk, at=at(2026, 10, 9))
    case = s.case_deliver(case_id=case.id, actor=hall.clerk, method="window", at=at(2026, 10, 9))
    assert case.status == "concluded"
    assert _deadline(case).state == "open"
    case = s.case_record_verification(case_id=case.id, actor=hall.chief, truthful=False,
                                      findings="经营场所未通过消防验收", at=at(2026, 10, 30))
    assert case.status == "concluded"
    assert case.verification_result == "false"
    assert last_event(case).payload["late"] is True


def test_the_verification_deadline_warns_when_missed(hall, eligible):
    from onewindow.supervision import services as sv
    from onewindow.supervision.models import Warning

    case = _accept(hall, eligible)
    row = _deadline(case)
    sv.sweep(now=at(2026, 10, 30, 1))
    assert Warning.objects.get(deadline=row).rule == "deadline_overdue"


def test_an_ineligible_item_is_refused_and_nothing_written(hall):
    case = submit(hall, missing=("营业执照副本",))
    with pytest.raises(DomainError) as exc:
        _accept(hall, case)
    assert (exc.value.code, exc.value.field) == ("commitment.not_eligible", "action")
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.status, fresh.row_version, fresh.verification_result) == ("submitted", case.row_version, "")
    assert not Deadline.objects.filter(subject_type="case", subject_id=case.pk, key="verification").exists()


@pytest.mark.parametrize(("kw", "code", "field"), [
    ({"conditions": []}, "commitment.conditions_required", "conditions"),
    ({"conditions": ["  ", "\n"]}, "commitment.conditions_required", "conditions"),
    ({"materials": ["申请书"]}, "commitment.not_missing", "materials"),
    ({"materials": []}, "commitment.unlisted", "materials"),
])
def test_refusals_name_the_rule_and_write_nothing(hall, eligible, kw, code, field):
    with pytest.raises(DomainError) as exc:
        _accept(hall, eligible, **kw)
    assert (exc.value.code, exc.value.field) == (code, field)
    fresh = Case.objects.get(pk=eligible.pk)
    assert (fresh.status, fresh.row_version) == ("submitted", eligible.row_version)


def test_conditions_from_the_form_are_split_by_line(hall, eligible):
    case = _accept(hall, eligible, conditions=["经营场所符合消防安全要求\r\n\n从业人员持有健康证明"])
    assert case.commitment_conditions == CONDITIONS


def test_who_may_accept_and_verify(hall, eligible):
    with pytest.raises(PermissionDenied):
        s.case_accept_on_commitment(case_id=eligible.id, actor=hall.reviewer, materials=["营业执照副本"],
                                    conditions=CONDITIONS, at=at(2026, 9, 29))
    case = _accept(hall, eligible)
    with pytest.raises(PermissionDenied):
        s.case_record_verification(case_id=case.id, actor=hall.clerk, truthful=True, findings="属实",
                                   at=at(2026, 9, 30))
    with pytest.raises(PermissionDenied):
        s.case_record_verification(case_id=case.id, actor=hall.outsider, truthful=True, findings="属实",
                                   at=at(2026, 9, 30))


def test_verification_refusals(hall, eligible):
    plain = s.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    with pytest.raises(DomainError) as exc:
        s.case_record_verification(case_id=plain.id, actor=hall.chief, truthful=True, findings="属实",
                                   at=at(2026, 9, 30))
    assert exc.value.code == "verification.not_commitment"
    case = _accept(hall, eligible)
    with pytest.raises(DomainError) as exc:
        s.case_record_verification(case_id=case.id, actor=hall.chief, truthful=True, findings=" ", at=at(2026, 9, 30))
    assert (exc.value.code, exc.value.field) == ("verification.findings_required", "findings")
    case = s.case_record_verification(case_id=case.id, actor=hall.chief, truthful=True, findings="属实",
                                      at=at(2026, 9, 30))
    with pytest.raises(DomainError) as exc:
        s.case_record_verification(case_id=case.id, actor=hall.chief, truthful=False, findings="再查",
                                   at=at(2026, 10, 1))
    assert exc.value.code == "verification.already_recorded"
    assert Case.objects.get(pk=case.pk).verification_result == "true"


def test_the_verdicts_offer_the_actions(hall, eligible):
    view = Case.objects.get(pk=eligible.pk)
    keys = {v.key for v in guards.verdicts(view, hall.clerk, events=events_of(view), tasks=[]) if v.allowed}
    assert "accept_on_commitment" in keys
    case = _accept(hall, eligible)
    view = Case.objects.get(pk=case.pk)
    verdicts = {v.key: v for v in guards.verdicts(view, hall.chief, events=events_of(view),
                                                  tasks=list(view.tasks.all()))}
    assert verdicts["record_verification"].allowed


def test_through_the_api(client, hall):
    ServiceItemVersion.objects.filter(pk=hall.item.current_version_id).update(commitment_eligible=True)
    clerk, chief = Api(client, hall.clerk), Api(client, hall.chief)
    body = {"item_code": hall.item.implementation_code, "window_number": "01",
            "applicant": {"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": "11010519491231002X"},
            "materials": [{"name": "申请书", "state": "received"}, {"name": "营业执照副本", "state": "missing"}]}
    number = clerk.post("/cases", body).json()["number"]
    r = clerk.post(f"/cases/{number}/actions/accept_on_commitment", {"materials": ["营业执照副本"]})
    assert r.status_code in (400, 422)
    r = clerk.post(f"/cases/{number}/actions/accept_on_commitment",
                   {"materials": ["营业执照副本"], "conditions": []})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "commitment.conditions_required"
    r = clerk.post(f"/cases/{number}/actions/accept_on_commitment",
                   {"materials": ["营业执照副本"], "conditions": CONDITIONS})
    assert r.status_code == 200
    assert r.json()["commitment_conditions"] == CONDITIONS
    assert r.json()["verification_result"] == "pending"
    assert r.json()["verification_due"]
    r = chief.post(f"/cases/{number}/actions/record_verification", {"truthful": "yes", "findings": "属实"})
    assert r.status_code in (400, 422)
    r = chief.post(f"/cases/{number}/actions/record_verification", {"truthful": True, "findings": "属实"})
    assert r.status_code == 200
    assert r.json()["verification_result"] == "true"
    shown = chief.get(f"/cases/{number}").json()
    assert (shown["verification_result"], shown["commitment_conditions"]) == ("true", CONDITIONS)


def test_the_staff_page_offers_commitment_acceptance(client, hall, eligible):
    client.force_login(hall.clerk.user)
    body = client.get(f"/staff/cases/{eligible.number}/").content.decode()
    assert "告知承诺受理" in body
    assert "核查期限" in body


# -- revocation on a false commitment --------------------------------------------------------------


def _false(hall, eligible, *, certificate: bool = True) -> Case:
    case = _granted(hall, _accept(hall, eligible))
    if certificate:
        case = s.case_issue_certificate(case_id=case.id, actor=hall.clerk, at=at(2026, 10, 9))
    return s.case_record_verification(case_id=case.id, actor=hall.chief, truthful=False,
                                      findings="经营场所未通过消防验收", at=at(2026, 10, 12))


def test_a_false_commitment_revokes_decision_certificate_with_notice_and_credit_record(client, hall, eligible):
    from onewindow.cases.models import CreditRecord
    from onewindow.documents.models import Certificate

    case = _false(hall, eligible)
    certificate = Certificate.objects.get(case=case)
    case = s.case_revoke(case_id=case.id, actor=hall.chief, reason="承诺不实，依法撤销", at=at(2026, 10, 13))
    assert (case.status, case.outcome, case.verification_result) == ("concluded", "revoked", "revoked")
    assert case.concluded_at is not None
    event = last_event(case)
    assert event.kind == "decision_revoked"
    assert event.payload == {"reason": "承诺不实，依法撤销", "findings": "经营场所未通过消防验收",
                             "certificates": [certificate.number], "credit_recorded": True}
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert "承诺不实" in certificate.revoked_reason
    notice = Document.objects.get(case=case, kind="revocation_notice")
    assert "撤" in notice.number
    html = render_html("revocation_notice", notice.content)
    for text in ("撤销该准予决定", certificate.number, "经营场所未通过消防验收", "承诺不实，依法撤销", "信用记录",
                 "经营场所符合消防安全要求"):
        assert text in html
    record = CreditRecord.objects.get(case=case)
    assert (record.kind, record.applicant_name, record.event_seq) == ("false_commitment", case.applicant_name, event.seq)
    assert "经营场所未通过消防验收" in record.reason
    body = client.get(f"/verify/{certificate.number}").content.decode()
    assert "撤销" in body
    assert "承诺不实" in body


def test_revoke_without_a_certificate(hall, eligible):
    case = s.case_revoke(case_id=_false(hall, eligible, certificate=False).id, actor=hall.chief, reason="承诺不实",
                         at=at(2026, 10, 13))
    assert last_event(case).payload["certificates"] == []
    assert case.status == "concluded"


def test_revoke_refusals_write_nothing(hall, eligible):
    from onewindow.cases.models import CreditRecord

    case = _granted(hall, _accept(hall, eligible))
    with pytest.raises(DomainError) as exc:  # still pending
        s.case_revoke(case_id=case.id, actor=hall.chief, reason="不实", at=at(2026, 10, 10))
    assert (exc.value.code, exc.value.field) == ("revoke.commitment_not_false", "action")
    case = s.case_record_verification(case_id=case.id, actor=hall.chief, truthful=True, findings="属实",
                                      at=at(2026, 10, 12))
    with pytest.raises(DomainError) as exc:  # verified true
        s.case_revoke(case_id=case.id, actor=hall.chief, reason="不实", at=at(2026, 10, 13))
    assert exc.value.code == "revoke.commitment_not_false"
    assert not CreditRecord.objects.exists()
    assert Case.objects.get(pk=case.pk).outcome == "grant"


def test_revoke_needs_a_reason_the_decide_power_and_happens_once(hall, eligible):
    from onewindow.cases.models import CreditRecord

    case = _false(hall, eligible)
    with pytest.raises(DomainError) as exc:
        s.case_revoke(case_id=case.id, actor=hall.chief, reason="  ", at=at(2026, 10, 13))
    assert (exc.value.code, exc.value.field) == ("revoke.reason_required", "reason")
    with pytest.raises(PermissionDenied):
        s.case_revoke(case_id=case.id, actor=hall.clerk, reason="不实", at=at(2026, 10, 13))
    assert Case.objects.get(pk=case.pk).status == "certificate_issued"
    s.case_revoke(case_id=case.id, actor=hall.chief, reason="不实", at=at(2026, 10, 13))
    with pytest.raises(DomainError) as exc:
        s.case_revoke(case_id=case.id, actor=hall.chief, reason="再次", at=at(2026, 10, 14))
    assert exc.value.code == "revoke.commitment_not_false"
    assert CreditRecord.objects.count() == 1


def test_revoke_through_the_api(client, hall, eligible):
    case = _false(hall, eligible)
    chief = Api(client, hall.chief)
    r = chief.post(f"/cases/{case.number}/actions/revoke", {"reason": ""})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "revoke.reason_required"
    r = chief.post(f"/cases/{case.number}/actions/revoke", {"reason": "承诺不实"})
    assert r.status_code == 200
    assert (r.json()["outcome"], r.json()["verification_result"]) == ("revoked", "revoked")


def test_the_staff_page_records_verification_and_revokes(client, hall, eligible):
    case = _granted(hall, _accept(hall, eligible))
    client.force_login(hall.chief.user)
    assert "登记承诺核查结果" in client.get(f"/staff/cases/{case.number}/").content.decode()
    r = client.post(f"/staff/cases/{case.number}/act/record_verification/",
                    {"truthful": "false", "findings": "不实", "expected_version": str(case.row_version)})
    assert r.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.verification_result == "false"
    assert "撤销准予决定（承诺不实）" in client.get(f"/staff/cases/{case.number}/").content.decode()
    r = client.post(f"/staff/cases/{case.number}/act/revoke/", {"reason": "承诺不实",
                                                                "expected_version": str(case.row_version)})
    assert r.status_code == 302
    assert Case.objects.get(pk=case.pk).outcome == "revoked"
