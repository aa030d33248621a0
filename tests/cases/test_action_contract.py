"""The case actions' input contract (API v1) is written down, not read from the services' signatures.

The OpenAPI document names one schema per action; these tests pin each of them, so renaming a
service argument cannot silently change the API, and internal arguments (``applicant``, which
only the applicant's own online steps pass) are no input anywhere.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from onewindow.accounts.services import api_token_issue
from onewindow.cases.actions import ACTIONS, perform
from onewindow.cases.models import CaseEvent
from onewindow.core.errors import DomainError
from tests.cases.helpers import VALID_ID

ACT = "/api/v1/cases/{number}/actions/{action}"
INT64 = "-9223372036854775808..9223372036854775807"

# action: (schema name, {input: "type[range] = default"}): what API v1 accepts, besides expected_version.
CONTRACT: dict[str, tuple[str, dict[str, str]]] = {
    "accept": ("AcceptIn", {"note": 'string = ""'}),
    "request_supplement": ("RequestSupplementIn", {"materials": "array[string]", "note": 'string = ""'}),
    "supplement": ("SupplementIn", {"materials": "array[string]", "at_window": "boolean = true"}),
    "refuse": ("RefuseIn", {"reason": "string", "legal_basis": "string", "where_to_apply": 'string = ""'}),
    "conclude_instant": ("ConcludeInstantIn", {"result": 'string = ""'}),
    "complete_stage": ("CompleteStageIn", {"stage_order": "integer[0..32767]", "opinion": "string",
                                           "agree": "boolean = true"}),
    "chase_stage": ("ChaseStageIn", {"stage_order": "integer[0..32767]", "note": 'string = ""'}),
    "claim": ("ClaimIn", {"stage_order": "integer[0..32767]"}),
    "release": ("ReleaseIn", {"stage_order": "integer[0..32767]"}),
    "reassign": ("ReassignIn", {"stage_order": "integer[0..32767]",
                                "assignee_id": "integer[1..9223372036854775807]"}),
    "start_special_procedure": ("StartSpecialProcedureIn", {"procedure": "string", "reason": "string",
                                                            "announced_workdays": f"integer[{INT64}]"}),
    "end_special_procedure": ("EndSpecialProcedureIn", {"result": "string"}),
    "start_publicity": ("StartPublicityIn", {}),
    "request_extension": ("RequestExtensionIn", {"workdays": "integer[0..32767]", "reason": "string"}),
    "grant_extension": ("GrantExtensionIn", {"workdays": "integer[0..32767]", "reason": "string"}),
    "decline_extension": ("DeclineExtensionIn", {"reason": "string"}),
    "request_joint_extension": ("RequestJointExtensionIn", {"workdays": "integer[0..32767]", "reason": "string"}),
    "approve_joint_extension": ("ApproveJointExtensionIn", {"workdays": "integer[0..32767]", "reason": "string"}),
    "decline_joint_extension": ("DeclineJointExtensionIn", {"reason": "string"}),
    "accept_with_deferred_materials": ("AcceptWithDeferredMaterialsIn", {
        "materials": "array[string]", "workdays": f"integer[{INT64}]", "note": 'string = ""'}),
    "receive_deferred_materials": ("ReceiveDeferredMaterialsIn", {"materials": "array[string]"}),
    "accept_on_commitment": ("AcceptOnCommitmentIn", {
        "materials": "array[string] = []", "conditions": "array[string]", "note": 'string = ""'}),
    "record_verification": ("RecordVerificationIn", {"truthful": "boolean", "findings": "string"}),
    "record_objection": ("RecordObjectionIn", {"against_seq": f"integer[{INT64}]", "content": "string"}),
    "answer_objection": ("AnswerObjectionIn", {"objection_no": f"integer[{INT64}]", "answer": "string",
                                               "reasons": "string"}),
    "mark_urgent": ("MarkUrgentIn", {"reason": "string"}),
    "revoke": ("RevokeIn", {"reason": "string"}),
    "refer": ("ReferIn", {"opinion": "string"}),
    "accept_referral": ("AcceptReferralIn", {"note": 'string = ""'}),
    "return_referral": ("ReturnReferralIn", {"reasons": "string"}),
    "receive_paper": ("ReceivePaperIn", {"note": 'string = ""'}),
    "assign_handler": ("AssignHandlerIn", {"handler_id": "integer[1..9223372036854775807]", "reason": "string"}),
    "schedule_review_meeting": ("ScheduleReviewMeetingIn", {"kind": "string", "on": "string", "place": "string",
                                                            "note": 'string = ""'}),
    "record_review_meeting": ("RecordReviewMeetingIn", {"outcome": "string", "opinion": "string",
                                                        "materials": "array[string] = []"}),
    "revoke_certificate": ("RevokeCertificateIn", {"certificate_number": "string", "reason": "string",
                                                   "legal_basis": "string"}),
    "decide": ("DecideIn", {"grant": "boolean", "reasons": 'string = ""'}),
    "issue_certificate": ("IssueCertificateIn", {}),
    "deliver": ("DeliverIn", {"method": "string", "tracking_number": 'string = ""', "note": 'string = ""'}),
    "withdraw": ("WithdrawIn", {"reason": 'string = ""'}),
}


class Api:
    """A staff member's API client (bearer token)."""

    def __init__(self, client, staff) -> None:
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=staff.user.username).token}"}

    def post(self, path: str, body: Any):
        return self.client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **self.auth)

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", **self.auth)


def submission(hall) -> dict[str, Any]:
    return {"item_code": hall.item.implementation_code, "window_number": "01",
            "applicant": {"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": VALID_ID},
            "materials": [{"name": n, "state": "received"}
                          for n in hall.item.current_version.materials.values_list("name", flat=True)]}


def compact(prop: dict[str, Any]) -> str:
    """A property's type, range and item type in one line: ``integer[0..32767]``, ``array[string]``."""
    if "anyOf" in prop:
        return "|".join(compact(p) for p in prop["anyOf"])
    text = prop["type"]
    if text == "array":
        text += f"[{prop['items']['type']}]"
    if "minimum" in prop:
        text += f"[{prop['minimum']}..{prop['maximum']}]"
    return text


@pytest.fixture(scope="module")
def document(django_db_blocker) -> dict[str, Any]:
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/v1/openapi.json").json()


def test_the_openapi_document_pins_each_actions_input_schema(document):
    components = document["components"]["schemas"]
    body = document["paths"][ACT]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert [ref["$ref"] for ref in body["anyOf"]] == [f"#/components/schemas/{name}" for name, _ in CONTRACT.values()]
    assert list(ACTIONS) == list(CONTRACT)
    for action, (name, inputs) in CONTRACT.items():
        schema = components[name]
        assert schema["additionalProperties"] is False, action  # an unknown input is refused, not ignored
        required = set(schema.get("required", []))
        found = {key: compact(prop) + ("" if key in required else f" = {json.dumps(prop.get('default'))}")
                 for key, prop in schema["properties"].items()}
        assert found.pop("expected_version") == "integer[0..2147483647]|null = null", action
        assert found == inputs, action


def test_no_action_schema_lists_an_internal_argument(document):
    components = document["components"]["schemas"]
    for name, _inputs in CONTRACT.values():
        assert "applicant" not in components[name]["properties"], name
        assert "actor" not in components[name]["properties"], name
        assert "case_id" not in components[name]["properties"], name
    assert "applicant" not in document["paths"][ACT]["post"]["description"]


@pytest.mark.parametrize(("action", "params"), [("supplement", {"materials": ["营业执照"], "applicant": 1}),
                                               ("withdraw", {"reason": "不办了", "applicant": 1})])
def test_the_action_table_refuses_an_internal_argument_before_any_service_runs(action, params):
    with pytest.raises(DomainError) as refused:
        perform(action, case_id=1, actor=None, params=params)
    assert refused.value.code == "invalid_input"
    assert refused.value.field == "applicant"


@pytest.mark.django_db
def test_the_api_refuses_applicant_as_an_input(client, hall):
    clerk = Api(client, hall.clerk)
    number = clerk.post("/cases", submission(hall)).json()["number"]
    r = clerk.post(f"/cases/{number}/actions/withdraw", {"reason": "不办了", "applicant": hall.clerk.user.pk})
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "applicant"
    assert CaseEvent.objects.filter(case__number=number).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "body", "field"), [
    ("claim", {"stage_order": 2**64}, "stage_order"),
    ("reassign", {"stage_order": 2, "assignee_id": 2**70}, "assignee_id"),
    ("request_extension", {"workdays": 10**30, "reason": "r"}, "workdays"),
    ("accept", {"expected_version": 2**64}, "expected_version"),
    ("claim", {"stage_order": True}, "stage_order"),
    ("decide", {"grant": "yes"}, "grant"),
])
def test_out_of_range_and_mistyped_inputs_are_refused_with_the_field_named(client, hall, action, body, field):
    clerk = Api(client, hall.clerk)
    number = clerk.post("/cases", submission(hall)).json()["number"]
    r = clerk.post(f"/cases/{number}/actions/{action}", body)
    assert r.status_code == 400
    assert r.json()["error"] == {"code": "invalid_input", "message": r.json()["error"]["message"], "field": field}


@pytest.mark.django_db
def test_inputs_typed_as_before_still_work(client, hall):
    clerk, reviewer = Api(client, hall.clerk), Api(client, hall.reviewer)
    number = clerk.post("/cases", submission(hall)).json()["number"]
    seen = clerk.get(f"/cases/{number}").json()["row_version"]
    assert clerk.post(f"/cases/{number}/actions/accept", {"expected_version": str(seen)}).status_code == 400
    assert clerk.post(f"/cases/{number}/actions/accept", {"expected_version": seen}).status_code == 200
    claimed = reviewer.post(f"/cases/{number}/actions/claim", {"stage_order": "2"})  # digits as text, as a form posts
    assert claimed.status_code == 200
    assert claimed.json()["tasks"][0]["assignee"] == "reviewer"


@pytest.mark.django_db
def test_a_body_that_is_not_an_object_is_refused(client, hall):
    clerk = Api(client, hall.clerk)
    number = clerk.post("/cases", submission(hall)).json()["number"]
    for raw in ("[1, 2]", "{not json"):
        r = client.post(f"/api/v1/cases/{number}/actions/accept", data=raw, content_type="application/json",
                        **clerk.auth)
        assert r.status_code == 400
        assert r.json()["error"]["field"] == "body"
