"""The case API (DESIGN.md §5): submit, act, read as of a moment, import — with idempotency and conflicts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onewindow.cases.models import Case, CaseEvent
from onewindow.core.timesource import now
from onewindow.organization.models import Posting

from .api_helpers import Api, center_admin, history, submission
from .helpers import VALID_ID, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_api(client, hall) -> Api:
    return Api(client, hall.clerk)


def test_submit_with_an_idempotency_key_creates_one_case(clerk_api, hall):
    first = clerk_api.post("/cases", submission(hall), key="intake-0001")
    again = clerk_api.post("/cases", submission(hall), key="intake-0001")
    assert first.status_code == 201
    assert again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1
    # The same key with another body is refused, not answered with the first case.
    other = clerk_api.post("/cases", submission(hall, is_urgent=True), key="intake-0001")
    assert other.status_code == 400
    assert other.json()["error"]["code"] == "idempotency_key.reused"
    assert clerk_api.post("/cases", submission(hall), key="intake-0002").json()["number"] != first.json()["number"]


def test_bad_input_names_the_field_and_saves_nothing(clerk_api, hall):
    bad_id = submission(hall, applicant={**submission(hall)["applicant"], "id_number": "110105194912310021"})
    r = clerk_api.post("/cases", bad_id)
    assert r.status_code == 400
    assert r.json()["error"] == {"code": "applicant.id_number_invalid", "field": "applicant.id_number",
                                 "message": r.json()["error"]["message"]}
    assert "GB 11643" in r.json()["error"]["message"]
    r = clerk_api.post("/cases", {"item_code": hall.item.implementation_code})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "applicant"
    r = clerk_api.post("/cases", submission(hall, item_code="990121XXX"))
    assert r.status_code == 404
    assert r.json()["error"]["field"] == "item_code"
    assert Case.objects.count() == 0


def test_the_whole_lifecycle_through_the_api(client, clerk_api, hall):
    number = clerk_api.post("/cases", submission(hall)).json()["number"]
    reviewer, reviewer2, chief = Api(client, hall.reviewer), Api(client, hall.reviewer2), Api(client, hall.chief)
    r = clerk_api.post(f"/cases/{number}/actions/accept", {})
    assert r.status_code == 200
    assert r.json()["status"] == "in_review"
    assert [t["stage_name"] for t in r.json()["tasks"]] == ["审查"]
    assert reviewer.post(f"/cases/{number}/actions/claim", {"stage_order": 2}).json()["tasks"][0]["assignee"] == "reviewer"
    # Claimed by reviewer: a colleague cannot complete it.
    r = reviewer2.post(f"/cases/{number}/actions/complete_stage", {"stage_order": 2, "opinion": "同意"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "task.claimed_by_other"
    reviewer.post(f"/cases/{number}/actions/complete_stage", {"stage_order": 2, "opinion": "材料齐全"})
    reviewer.post(f"/cases/{number}/actions/complete_stage", {"stage_order": 3, "opinion": "现场符合"})
    r = reviewer2.post(f"/cases/{number}/actions/complete_stage", {"stage_order": 3, "opinion": "同意"})
    assert r.status_code == 200
    assert r.json()["current_stage"] is None
    r = chief.post(f"/cases/{number}/actions/decide", {"grant": True})
    assert r.json()["status"] == "granted"
    assert r.json()["issuance_due"]
    assert clerk_api.post(f"/cases/{number}/actions/issue_certificate", {}).json()["status"] == "certificate_issued"
    r = clerk_api.post(f"/cases/{number}/actions/deliver", {"method": "post"})
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "tracking_number"
    r = clerk_api.post(f"/cases/{number}/actions/deliver", {"method": "window"})
    assert r.json()["status"] == "concluded"
    assert r.json()["visits"] == 1  # a pickup is no visit
    detail = clerk_api.get(f"/cases/{number}").json()
    assert [e["kind"] for e in detail["timeline"]] == [
        "submitted", "accepted", "task_claimed", "stage_completed", "stage_signed", "stage_completed", "decided",
        "certificate_issued", "delivered", "concluded"]
    assert detail["clock"]["phase"] == "stopped"
    assert detail["clock"]["timeliness"] == "early"


def test_the_clock_as_of_a_moment(clerk_api, hall):
    number = clerk_api.post("/cases", submission(hall)).json()["number"]
    submitted = Case.objects.get(number=number).submitted_at
    clerk_api.post(f"/cases/{number}/actions/accept", {})
    before = clerk_api.get(f"/cases/{number}?as_of={(submitted - timedelta(seconds=1)).isoformat()}").json()
    assert before["timeline"] == []
    assert before["clock"]["phase"] == "not_submitted"
    r = clerk_api.get(f"/cases/{number}?as_of={submitted.isoformat()}")
    assert [e["kind"] for e in r.json()["timeline"]] == ["submitted"]
    assert r.json()["clock"]["phase"] == "acceptance"
    later = clerk_api.get(f"/cases/{number}?as_of={(now() + timedelta(days=60)).isoformat()}").json()
    assert later["clock"]["warning_level"] == "statutory_breach"
    assert later["explanations"]["promised_due"]["text"]["zh"]
    bad = clerk_api.get(f"/cases/{number}?as_of=yesterday")
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "as_of"


def test_a_stale_version_is_a_conflict(clerk_api, hall):
    created = clerk_api.post("/cases", submission(hall)).json()
    number, seen = created["number"], created["row_version"]
    assert clerk_api.post(f"/cases/{number}/actions/accept", {"expected_version": seen}).status_code == 200
    r = clerk_api.post(f"/cases/{number}/actions/refuse", {"expected_version": seen, "reason": "r",
                                                              "legal_basis": "b"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "case.changed"
    assert Case.objects.get(number=number).status == "in_review"


def test_unknown_actions_and_inputs_are_refused(clerk_api, hall):
    number = clerk_api.post("/cases", submission(hall)).json()["number"]
    r = clerk_api.post(f"/cases/{number}/actions/approve_everything", {})
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "action"
    r = clerk_api.post(f"/cases/{number}/actions/refuse", {"reason": "x", "legal_basis": "y", "colour": "red"})
    assert r.json()["error"]["field"] == "colour"
    r = clerk_api.post(f"/cases/{number}/actions/refuse", {"reason": "x"})
    assert r.json()["error"]["field"] == "legal_basis"
    r = clerk_api.post(f"/cases/{number}/actions/request_supplement", {"materials": "申请书"})
    assert r.json()["error"]["field"] == "materials"
    assert CaseEvent.objects.filter(case__number=number).count() == 1


def test_other_counties_and_other_roles(client, clerk_api, hall):
    number = clerk_api.post("/cases", submission(hall)).json()["number"]
    outsider = Api(client, hall.outsider)
    assert outsider.get(f"/cases/{number}").status_code == 404
    assert outsider.post(f"/cases/{number}/actions/accept", {}).status_code == 404
    r = Api(client, hall.reviewer).post(f"/cases/{number}/actions/accept", {})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden.case.accept"
    assert client.get(f"/api/v1/cases/{number}").status_code == 401


def test_import_replays_a_history_through_the_rules(client, hall):
    api = Api(client, center_admin(hall))
    r = api.post("/cases/import", history(
        hall,
        {"action": "accept", "at": at(2026, 9, 29).isoformat(), "actor": "clerk"},
        {"action": "complete_stage", "at": at(2026, 9, 30).isoformat(), "actor": "reviewer", "stage_order": 2,
         "opinion": "同意"},
        {"action": "start_special_procedure", "at": at(2026, 10, 8).isoformat(), "actor": "reviewer",
         "procedure": "expert_review", "reason": "技术复杂", "announced_workdays": 5},
    ))
    assert r.status_code == 201, r.json()
    case = Case.objects.get(number=r.json()["number"])
    assert case.status == "special_procedure"
    assert case.is_paused
    assert case.channel == "window"
    assert case.events.get(seq=1).at == at(2026, 9, 28)


def test_import_reports_every_violation_against_its_event_and_saves_nothing(client, hall):
    api = Api(client, center_admin(hall))
    r = api.post("/cases/import", history(
        hall,
        {"action": "request_supplement", "at": at(2026, 9, 28, 11).isoformat(), "actor": "clerk",
         "materials": ["申请书"]},
        {"action": "supplement", "at": at(2026, 9, 29).isoformat(), "actor": "clerk", "materials": ["申请书"]},
        # 一次告知: a second notice may not add 场所证明
        {"action": "request_supplement", "at": at(2026, 9, 30).isoformat(), "actor": "clerk",
         "materials": ["场所证明"]},
        {"action": "accept", "at": at(2026, 9, 30, 11).isoformat(), "actor": "clerk"},
        # beyond the cap of 10 working days
        {"action": "grant_extension", "at": at(2026, 10, 9).isoformat(), "actor": "chief", "workdays": 12,
         "reason": "复杂"},
        {"action": "decide", "at": at(2026, 10, 10).isoformat(), "actor": "chief", "grant": True},
    ))
    assert r.status_code == 422
    problems = r.json()["error"]["problems"]
    assert [(p["index"], p["code"]) for p in problems] == [
        (2, "clock.supplement_adds_materials"), (4, "clock.extension_beyond_cap"), (5, "decision.stages_open")]
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0


def test_import_needs_the_import_power(clerk_api, hall):
    r = clerk_api.post("/cases/import", history(hall))
    assert r.status_code == 422
    assert r.json()["error"]["problems"][0]["code"] == "forbidden.case.import"
    assert Case.objects.count() == 0


def test_the_openapi_document_lists_the_case_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/cases", "/api/v1/cases/import", "/api/v1/cases/{number}",
                 "/api/v1/cases/{number}/actions/{action}"):
        assert path in paths
    assert "complete_stage (stage_order, opinion, agree?)" in paths["/api/v1/cases/{number}/actions/{action}"]["post"][
        "description"]


def test_a_posting_removed_mid_case_removes_the_power(clerk_api, hall):
    number = clerk_api.post("/cases", submission(hall)).json()["number"]
    Posting.objects.filter(staff=hall.clerk).delete()
    hall.clerk.refresh_from_db()
    assert clerk_api.post(f"/cases/{number}/actions/accept", {}).status_code == 404


def test_import_replays_an_online_case_with_the_applicants_own_steps(client, hall, django_user_model):
    from onewindow.core.timesource import now as current_time
    from onewindow.online.models import ApplicantProfile

    me = django_user_model.objects.create_user(username="13900000009", password="Applicant-Pass-1")
    # The applicant consented to imports into the account (issue 13: never without it).
    ApplicantProfile.objects.create(user=me, phone="13900000009", phone_verified_at=current_time(), real_name="张三",
                                    id_type="resident_id", id_number=VALID_ID, created_at=current_time(),
                                    import_consent_at=current_time())
    record = {**history(
        hall,
        {"action": "request_supplement", "at": at(2026, 9, 29).isoformat(), "actor": "clerk",
         "materials": ["营业执照副本"]},
        {"action": "supplement", "at": at(2026, 9, 30).isoformat(), "actor": "applicant",
         "materials": ["营业执照副本"]},
        {"action": "accept", "at": at(2026, 10, 8).isoformat(), "actor": "clerk"},
    ), "applicant_account": me.username, "window_number": None}
    record.pop("submitted_by")
    r = Api(client, center_admin(hall)).post("/cases/import", record)
    assert r.status_code == 201, r.json()
    case = Case.objects.get(number=r.json()["number"])
    assert case.channel == "online"
    assert case.applicant_account == me
    assert case.visits == 0
    assert case.events.get(kind="supplemented").actor_label == "申请人 张三（由 centeradmin 导入）"
