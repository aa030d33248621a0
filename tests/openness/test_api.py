"""POST /disclosure-requests, GET /disclosure-requests/{number}, POST …/actions/{action}: staff
auth, answers in their documented shapes (checked against the OpenAPI document), errors with
code and field, idempotency, stale versions."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.accounts.services import api_token_issue
from onewindow.openness.models import DisclosureRequest
from onewindow.organization.rules import Role

from .helpers import FULL_ID, PHONE, id_number

pytestmark = pytest.mark.django_db
BASE = "/api/v1/disclosure-requests"


def bearer(staff) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=staff.user.username).token}"}


def body(dept_id: int, **changes) -> dict:
    return {"department_id": dept_id, "channel": "post", "received_on": date.today().isoformat(),
            "applicant": {"kind": "person", "name": "李四", "id_number": FULL_ID, "phone": PHONE},
            "description": "某某文件", "delivery": "post"} | changes


@pytest.fixture
def staff(two_counties):
    a = two_counties.a
    return {"clerk": bearer(a.staff[Role.CLERK]), "reviewer": bearer(a.staff[Role.REVIEWER]),
            "chief": bearer(a.staff[Role.CHIEF_REPRESENTATIVE]), "other": bearer(two_counties.b.staff[Role.REVIEWER]),
            "dept": a.market.id}


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/v1/openapi.json").json()


def check_shape(openapi: dict, schema_name: str, data: dict) -> None:
    """Every required property of the documented schema is in the answer, and nothing else."""
    schema = openapi["components"]["schemas"][schema_name]
    assert set(schema.get("required", [])) <= set(data)
    assert set(data) <= set(schema["properties"])


def test_needs_a_staff_login(client, staff) -> None:
    assert client.post(BASE, body(staff["dept"]), content_type="application/json").status_code == 401
    assert client.get(f"{BASE}/X").status_code == 401


def test_the_operations_are_documented(openapi) -> None:
    paths = openapi["paths"]
    assert {"post"} <= set(paths[BASE])
    assert "get" in paths[BASE + "/{number}"]
    responses = paths[BASE + "/{number}/actions/{action}"]["post"]["responses"]
    assert {"200", "400", "403", "404", "409", "422"} <= set(responses)
    for name in ("ReplyIn", "ExtendIn", "RequestClarificationIn"):
        assert name in openapi["components"]["schemas"]


def test_file_read_and_act(client, staff, openapi) -> None:
    created = client.post(BASE, body(staff["dept"]), content_type="application/json", **staff["clerk"])
    assert created.status_code == 201, created.content
    data = created.json()
    check_shape(openapi, "RequestOut", data)
    assert data["applicant_id_masked"] != FULL_ID
    assert FULL_ID not in created.content.decode()
    number = data["number"]
    r = client.post(f"{BASE}/{number}/actions/start_consultation", {"third_party": "某公司"},
                    content_type="application/json", **staff["reviewer"])
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "consulting"
    r = client.post(f"{BASE}/{number}/actions/end_consultation", {"opinion": "agree"},
                    content_type="application/json", **staff["reviewer"])
    assert r.json()["state"] == "received"
    r = client.post(f"{BASE}/{number}/actions/extend", {"workdays": 10, "reason": "量大"},
                    content_type="application/json", **staff["chief"])
    assert r.json()["extension_workdays"] == 10
    r = client.post(f"{BASE}/{number}/actions/reply", {"answer": "partially_disclosed", "reasons": "部分涉密",
                                                        "grounds": ["state_secret"]},
                    content_type="application/json", **staff["reviewer"])
    assert r.status_code == 200
    assert r.json()["reply_number"].startswith("云溪依复")
    detail = client.get(f"{BASE}/{number}", **staff["reviewer"])
    assert detail.status_code == 200
    d = detail.json()
    check_shape(openapi, "RequestDetailOut", d)
    assert [h["label"] for h in d["history"]] == ["收到申请", "征求第三方意见", "第三方意见征询结束", "延长答复期限",
                                                  "作出答复"]
    assert d["clock"]["extension_workdays"] == 10
    assert FULL_ID not in detail.content.decode()
    assert PHONE not in detail.content.decode()


def test_errors_name_their_field(client, staff) -> None:
    bad_id = body(staff["dept"], applicant={"kind": "person", "name": "李四", "id_number": id_number()[:-1] + "X",
                                            "phone": PHONE})
    r = client.post(BASE, bad_id, content_type="application/json", **staff["clerk"])
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "applicant_id_number"
    r = client.post(BASE, {"channel": "post"}, content_type="application/json", **staff["clerk"])
    assert r.status_code == 422
    number = client.post(BASE, body(staff["dept"]), content_type="application/json", **staff["clerk"]).json()["number"]
    r = client.post(f"{BASE}/{number}/actions/fly", {}, content_type="application/json", **staff["reviewer"])
    assert (r.status_code, r.json()["error"]["code"]) == (400, "disclosure.action_unknown")
    r = client.post(f"{BASE}/{number}/actions/extend", {"workdays": "many", "reason": "x"},
                    content_type="application/json", **staff["chief"])
    assert (r.status_code, r.json()["error"]["field"]) == (400, "workdays")
    r = client.post(f"{BASE}/{number}/actions/extend", {"workdays": 5, "reason": "x", "bogus": 1},
                    content_type="application/json", **staff["chief"])
    assert (r.status_code, r.json()["error"]["field"]) == (400, "bogus")
    r = client.post(f"{BASE}/{number}/actions/reply", "[1]", content_type="application/json", **staff["reviewer"])
    assert r.status_code == 400
    r = client.post(f"{BASE}/{number}/actions/extend", {"workdays": 5, "reason": "x"},
                    content_type="application/json", **staff["reviewer"])
    assert r.status_code == 403


def test_other_county_sees_404_and_stale_version_409(client, staff) -> None:
    number = client.post(BASE, body(staff["dept"]), content_type="application/json", **staff["clerk"]).json()["number"]
    assert client.get(f"{BASE}/{number}", **staff["other"]).status_code == 404
    r = client.post(f"{BASE}/{number}/actions/withdraw", {"expected_version": 0},
                    content_type="application/json", **staff["reviewer"])
    assert (r.status_code, r.json()["error"]["code"]) == (409, "disclosure.changed")


def test_filing_is_idempotent(client, staff) -> None:
    key = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    first = client.post(BASE, body(staff["dept"]), content_type="application/json", **staff["clerk"], **key)
    again = client.post(BASE, body(staff["dept"]), content_type="application/json", **staff["clerk"], **key)
    assert first.json()["number"] == again.json()["number"]
    assert DisclosureRequest.objects.count() == 1
