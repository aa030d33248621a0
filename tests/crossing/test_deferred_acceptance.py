"""容缺受理: accept with deferrable materials owed, listed with their date on the acceptance notice;
the grant decision (or the certificate, per item) waits for them; a deadline row the sweep watches;
a missed date leaves the department free to deny with reasons. Every action and refusal."""

from __future__ import annotations

import pytest

from onewindow.cases import guards
from onewindow.cases import services as s
from onewindow.cases.history import events_of
from onewindow.cases.models import Case
from onewindow.catalog.models import Material
from onewindow.core.errors import DomainError
from onewindow.documents.models import Document
from onewindow.documents.render import render_html
from onewindow.lifecycle.models import Deadline
from onewindow.workdays.selectors import snapshot_for
from tests.cases.api_helpers import Api
from tests.cases.helpers import at, last_event, review_all, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def deferrable(hall):
    """场所证明 (optional) and 营业执照副本 (required) may be deferred; the intake lacks 营业执照副本."""
    Material.objects.filter(version=hall.item.current_version, name="营业执照副本").update(deferrable=True)
    return submit(hall, missing=("营业执照副本",))


def _accept(hall, case, **kw) -> Case:
    args = {"materials": ["营业执照副本"], "workdays": 5, "at": at(2026, 9, 29)} | kw
    return s.case_accept_with_deferred_materials(case_id=case.id, actor=hall.clerk, **args)


def _deadline(case) -> Deadline:
    return Deadline.objects.get(subject_type="case", subject_id=case.pk, kind="supplement", key="deferred")


def test_accepted_with_a_material_owed_the_notice_lists_it_and_its_date(hall, deferrable):
    case = _accept(hall, deferrable)
    due = snapshot_for(case.region.code).add_workdays(case.accepted_on, 5)
    assert case.status == "in_review"
    assert case.deferred_owed == ["营业执照副本"]
    assert case.deferred_due == due
    accepted = last_event(case)
    assert accepted.kind == "accepted"
    assert accepted.payload["deferred_materials"] == ["营业执照副本"]
    assert accepted.payload["deferred_due"] == due.isoformat()
    notice = Document.objects.get(case=case, kind="acceptance_notice")
    assert notice.content["deferred_materials"] == ["营业执照副本"]
    assert notice.content["deferred_due"] == due.isoformat()
    html = render_html("acceptance_notice", notice.content)
    assert "容缺受理" in html
    assert "营业执照副本" in html
    assert "前补交" in html
    row = _deadline(case)
    assert row.state == "open"
    assert row.due_on == due
    assert row.title == "容缺材料补交期限"


def test_the_grant_waits_for_the_material_a_denial_does_not(hall, deferrable):
    case = review_all(hall, _accept(hall, deferrable), at(2026, 9, 30))
    with pytest.raises(DomainError) as exc:
        s.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 9))
    assert exc.value.code == "deferred.materials_owed"
    assert exc.value.field == "materials"
    view = Case.objects.get(pk=case.pk)
    verdicts = {v.key: v for v in guards.verdicts(view, hall.chief, events=events_of(view), tasks=list(view.tasks.all()))}
    assert verdicts["decide-grant"].refusal.code == "deferred.materials_owed"
    assert verdicts["decide-deny"].allowed
    case = s.case_receive_deferred_materials(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"],
                                             at=at(2026, 10, 9))
    assert case.deferred_owed == []
    received = last_event(case)
    assert received.kind == "deferred_materials_received"
    assert received.payload["remaining"] == []
    assert _deadline(case).state == "closed"
    assert _deadline(case).closed_reason == "容缺材料已补齐"
    case = s.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 12))
    assert case.status == "granted"


def test_a_missed_date_lets_the_department_deny_with_reasons(hall, deferrable):
    case = review_all(hall, _accept(hall, deferrable), at(2026, 9, 30))
    assert _deadline(case).due_on < at(2026, 10, 14).date()
    case = s.case_decide(case_id=case.id, actor=hall.chief, grant=False, reasons="逾期未补交营业执照副本",
                         at=at(2026, 10, 14))
    assert case.status == "concluded"
    assert case.outcome == "deny"
    assert _deadline(case).state == "closed"


def test_an_item_may_hold_back_only_the_certificate(hall):
    # (set before the first case: a published version is read once per process)
    version = hall.item.current_version
    version.__class__.objects.filter(pk=version.pk).update(deferred_blocks="certificate")
    Material.objects.filter(version=version, name="营业执照副本").update(deferrable=True)
    case = review_all(hall, _accept(hall, submit(hall, missing=("营业执照副本",))), at(2026, 9, 30))
    case = s.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 10, 9))
    with pytest.raises(DomainError) as exc:
        s.case_issue_certificate(case_id=case.id, actor=hall.clerk, at=at(2026, 10, 9))
    assert exc.value.code == "deferred.materials_owed"
    s.case_receive_deferred_materials(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 10, 10))
    assert s.case_issue_certificate(case_id=case.id, actor=hall.clerk, at=at(2026, 10, 10)).status == "certificate_issued"


@pytest.mark.parametrize(("kw", "code", "field"), [
    ({"materials": []}, "deferred.materials_required", "materials"),
    ({"materials": ["申请书"]}, "deferred.not_deferrable", "materials"),
    ({"materials": ["营业执照副本"], "workdays": 0}, "deferred.workdays_invalid", "workdays"),
    ({"materials": ["营业执照副本"], "workdays": 21}, "deferred.workdays_invalid", "workdays"),
])
def test_refusals_name_the_rule_and_write_nothing(hall, deferrable, kw, code, field):
    with pytest.raises(DomainError) as exc:
        _accept(hall, deferrable, **kw)
    assert (exc.value.code, exc.value.field) == (code, field)
    case = Case.objects.get(pk=deferrable.pk)
    assert case.status == "submitted"
    assert case.row_version == deferrable.row_version


def test_a_missing_material_the_catalog_does_not_mark_deferrable_is_refused(hall):
    # 营业执照副本 is missing and not deferrable: 一次性告知, not 容缺.
    case = submit(hall, missing=("营业执照副本",))
    with pytest.raises(DomainError) as exc:
        _accept(hall, case)
    assert exc.value.code == "deferred.not_deferrable"


def test_a_material_already_received_is_not_owed(hall, deferrable):
    with pytest.raises(DomainError) as exc:
        _accept(hall, submit(hall))
    assert exc.value.code == "deferred.not_owed"


def test_every_owed_deferrable_material_is_listed(hall):
    version = hall.item.current_version
    Material.objects.filter(version=version, name__in=["营业执照副本", "场所证明"]).update(deferrable=True, required=True)
    with pytest.raises(DomainError) as exc:
        _accept(hall, submit(hall, missing=("营业执照副本", "场所证明")))
    assert exc.value.code == "deferred.unlisted"
    assert "场所证明" in exc.value.message


def test_receiving_what_is_not_owed_is_refused(hall, deferrable):
    case = _accept(hall, deferrable)
    with pytest.raises(DomainError) as exc:
        s.case_receive_deferred_materials(case_id=case.id, actor=hall.clerk, materials=["申请书"], at=at(2026, 9, 30))
    assert exc.value.code == "deferred.not_owed"
    with pytest.raises(DomainError) as exc:
        s.case_receive_deferred_materials(case_id=case.id, actor=hall.reviewer, materials=["营业执照副本"],
                                          at=at(2026, 9, 30))
    assert exc.value.code == "forbidden.case.submit"


def test_through_the_api(client, hall):
    Material.objects.filter(version=hall.item.current_version, name="营业执照副本").update(deferrable=True)
    clerk = Api(client, hall.clerk)
    body = {"item_code": hall.item.implementation_code, "window_number": "01",
            "applicant": {"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": "11010519491231002X"},
            "materials": [{"name": "申请书", "state": "received"}, {"name": "营业执照副本", "state": "missing"}]}
    number = clerk.post("/cases", body).json()["number"]
    r = clerk.post(f"/cases/{number}/actions/accept_with_deferred_materials", {"materials": ["申请书"], "workdays": 5})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "deferred.not_deferrable"
    r = clerk.post(f"/cases/{number}/actions/accept_with_deferred_materials",
                   {"materials": ["营业执照副本"], "workdays": 5})
    assert r.status_code == 200
    assert r.json()["deferred_owed"] == ["营业执照副本"]
    assert r.json()["deferred_due"]
    r = clerk.post(f"/cases/{number}/actions/receive_deferred_materials", {"materials": ["营业执照副本"]})
    assert r.status_code == 200
    assert r.json()["deferred_owed"] == []


def test_the_staff_page_offers_deferred_acceptance(client, hall, deferrable):
    client.force_login(hall.clerk.user)
    body = client.get(f"/staff/cases/{deferrable.number}/").content.decode()
    assert "容缺受理" in body
    assert "补交期限" in body


def test_a_missed_date_raises_a_supervision_warning(hall, deferrable):
    from onewindow.supervision import services as sv
    from onewindow.supervision.models import Warning

    case = _accept(hall, deferrable)
    row = _deadline(case)
    sv.sweep(now=at(2026, 10, 14, 1))  # the day after the due date (2026-10-13 … the 12th)
    warning = Warning.objects.get(deadline=row)
    assert warning.rule == "deadline_overdue"
    assert warning.case_id == case.pk
