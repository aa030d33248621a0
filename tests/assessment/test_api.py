"""The assessment API: list, detail with ranked scores and evidence, objections; against OpenAPI."""

from __future__ import annotations

import pytest

from onewindow.accounts.services import api_token_issue
from onewindow.organization.rules import Role

from .helpers import november_draft


def token(staff) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=staff.user.username).token}"}


def test_list_detail_and_objection(two_counties, client):
    county = two_counties.a
    assessment = november_draft(county)
    admin = token(county.staff[Role.CENTER_ADMIN])
    page = client.get("/api/v1/assessments?period=2026-11&subject=window", **admin).json()
    assert [a["id"] for a in page["results"]] == [assessment.id]
    assert client.get("/api/v1/assessments?period=2026-10&subject=window", **admin).json()["count"] == 0

    detail = client.get(f"/api/v1/assessments/{assessment.id}", **admin).json()
    ranked = [(s["subject"][:2], s["rank"], s["total"]) for s in detail["scores"]]
    assert ranked == [("01", 1, "100.00"), ("02", 2, "96.00")]
    [line] = detail["scores"][1]["lines"]
    assert (line["item"], line["count"], line["amount"]) == ("inspection", 2, "-4.00")
    assert line["evidence"] == [{"label": "督查记录", "url": ""}]

    chief = token(county.staff[Role.CHIEF_REPRESENTATIVE])
    answer = client.post(f"/api/v1/assessments/{assessment.id}/objections", {"line_id": line["id"], "reason": "已整改"},
                         content_type="application/json", **chief)
    assert answer.status_code == 201, answer.content
    assert answer.json()["state"] == "pending"
    again = client.post(f"/api/v1/assessments/{assessment.id}/objections", {"line_id": line["id"], "reason": "再提"},
                        content_type="application/json", **chief)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "objection_pending")


def test_refusals(two_counties, client):
    county = two_counties.a
    assessment = november_draft(county)
    line_id = assessment.scores.get(subject_id=county.market_window.id).lines.get().id
    clerk = token(county.staff[Role.CLERK])
    other = token(two_counties.b.staff[Role.CENTER_ADMIN])
    assert client.get(f"/api/v1/assessments/{assessment.id}", **clerk).status_code == 404
    assert client.get(f"/api/v1/assessments/{assessment.id}", **other).status_code == 404
    assert client.get("/api/v1/assessments", **other).json()["count"] == 0
    bad = client.get("/api/v1/assessments?period=2026-13", **token(county.staff[Role.CENTER_ADMIN]))
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "period_invalid")
    supervisor = token(county.staff[Role.SUPERVISOR])
    refused = client.post(f"/api/v1/assessments/{assessment.id}/objections", {"line_id": line_id, "reason": "x"},
                          content_type="application/json", **supervisor)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "objection_outside_department")
    missing = client.post(f"/api/v1/assessments/{assessment.id}/objections", {"line_id": 999999, "reason": "x"},
                          content_type="application/json", **supervisor)
    assert missing.status_code == 404


@pytest.mark.parametrize("method, path, statuses", [
    ("get", "/api/v1/assessments", {"200", "400", "401", "403", "422"}),
    ("get", "/api/v1/assessments/{assessment_id}", {"200", "400", "401", "403", "404", "422"}),
    ("post", "/api/v1/assessments/{assessment_id}/objections", {"201", "400", "401", "403", "404", "409", "422"}),
])
def test_the_operations_are_in_the_openapi_document_with_their_errors(client, db, method, path, statuses):
    operation = client.get("/api/v1/openapi.json").json()["paths"][path][method]
    assert set(operation["responses"]) == statuses
