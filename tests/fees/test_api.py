"""The fees API: a case's bills, issuing one, the reconciliation upload and read; in the OpenAPI
document with their errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.accounts.services import api_token_issue
from onewindow.fees.matching import Row
from onewindow.fees.statements import bank_profiles, statement_csv

from .helpers import granted, lines

pytestmark = pytest.mark.django_db


def token(staff) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=staff.user.username).token}"}


def test_a_bill_is_issued_and_listed(fh, client):
    case = granted(fh.hall)
    made = client.post(f"/api/v1/cases/{case.number}/bills", data={"lines": lines(fh.fees)},
                       content_type="application/json", **token(fh.hall.clerk))
    listed = client.get(f"/api/v1/cases/{case.number}/bills", **token(fh.hall.clerk))
    assert (made.status_code, made.json()["state"], [b["number"] for b in listed.json()]) == (
        201, "issued", [made.json()["number"]])


def test_a_fee_off_the_schedule_is_a_400_naming_the_line(fh, client):
    case = granted(fh.hall)
    answer = client.post(f"/api/v1/cases/{case.number}/bills", data={"lines": [{"fee_item": 999999}]},
                         content_type="application/json", **token(fh.hall.clerk))
    assert (answer.status_code, answer.json()["error"]["code"], answer.json()["error"]["field"]) == (
        400, "fees.off_schedule", "lines[0].fee_item")


def test_a_reviewer_gets_403(fh, client):
    case = granted(fh.hall)
    answer = client.post(f"/api/v1/cases/{case.number}/bills", data={"lines": lines(fh.fees)},
                         content_type="application/json", **token(fh.hall.reviewer))
    assert answer.status_code == 403


def test_an_unknown_case_is_404(fh, client):
    assert client.get("/api/v1/cases/nope/bills", **token(fh.hall.clerk)).status_code == 404


def test_the_same_idempotency_key_issues_once(fh, client):
    case = granted(fh.hall)
    headers = {**token(fh.hall.clerk), "HTTP_IDEMPOTENCY_KEY": "k1"}
    first = client.post(f"/api/v1/cases/{case.number}/bills", data={"lines": lines(fh.fees)},
                        content_type="application/json", **headers)
    again = client.post(f"/api/v1/cases/{case.number}/bills", data={"lines": lines(fh.fees)},
                        content_type="application/json", **headers)
    assert (again.status_code, again.json()["number"]) == (201, first.json()["number"])


def test_a_statement_is_uploaded_and_the_day_read(fh, client):
    data = statement_csv(bank_profiles()["local"], [Row(2, "12345678901234567890", 100, "B1")])
    made = client.post("/api/v1/reconciliations", data={"day": "2026-10-09", "bank": "local",
                                                       "statement": SimpleUploadedFile("d.csv", data)},
                       **token(fh.finance))
    read = client.get("/api/v1/reconciliations/2026-10-09", **token(fh.finance))
    assert (made.status_code, [m["kind"] for m in read.json()["mismatches"]]) == (201, ["unknown_code"])


def test_a_clerk_cannot_upload_a_statement(fh, client):
    data = statement_csv(bank_profiles()["local"], [])
    answer = client.post("/api/v1/reconciliations", data={"day": "2026-10-09", "bank": "local",
                                                         "statement": SimpleUploadedFile("d.csv", data)},
                         **token(fh.hall.clerk))
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "forbidden.fees.reconcile")


def test_a_day_not_reconciled_is_404(fh, client):
    assert client.get("/api/v1/reconciliations/2026-10-09", **token(fh.finance)).status_code == 404


@pytest.mark.parametrize(("method", "path", "statuses"), [
    ("get", "/api/v1/cases/{number}/bills", {404}),
    ("post", "/api/v1/cases/{number}/bills", {400, 403, 404, 409, 422}),
    ("post", "/api/v1/payments/callback/{provider}", {400, 404, 422}),
    ("post", "/api/v1/reconciliations", {400, 403, 409, 422}),
    ("get", "/api/v1/reconciliations/{day}", {404, 422}),
])
def test_the_operations_are_in_the_openapi_document_with_their_errors(client, method, path, statuses):
    operation = client.get("/api/v1/openapi.json").json()["paths"][path][method]
    assert statuses <= {int(s) for s in operation["responses"]}
