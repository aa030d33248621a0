"""Every 4xx an operation can answer is in the OpenAPI document, in the shape it is answered in.

400: the edge's NUL refusal and any DomainError, on every operation; 422: schema validation, on
every operation with parameters or a body; 401/403: on every operation behind authentication;
404/409/429 where an operation produces them. Then real answers are checked against the shape.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from onewindow.accounts.services import api_token_issue

METHODS = ("get", "post", "put", "patch", "delete")
ERROR_SCHEMAS = {"#/components/schemas/ErrorOut", "#/components/schemas/ImportErrorOut"}

# (method, path) → the statuses it produces beyond the ones every operation of its kind can give.
SPECIFIC = {
    ("get", "/api/v1/items/{code}"): {404},
    ("get", "/api/v1/calendar/deadline"): {404},
    ("get", "/api/v1/certificates/verify"): {429},
    ("post", "/api/v1/cases"): {404},
    ("post", "/api/v1/cases/import"): {404},
    ("get", "/api/v1/cases/{number}"): {404},
    ("post", "/api/v1/cases/{number}/actions/{action}"): {404, 409},
    ("get", "/api/v1/supervision/indicators"): {404},
    ("get", "/api/v1/public/progress"): {404, 429},
}


@pytest.fixture(scope="module")
def document(django_db_blocker) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return Client().get("/api/v1/openapi.json").json()


def operations(document: dict[str, Any]):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def expected_statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    statuses = {400} | SPECIFIC.get((method, path), set())
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    if operation.get("security"):
        statuses |= {401, 403}
    return statuses


def test_every_operation_documents_every_error_it_can_answer(document):
    for method, path, operation in operations(document):
        documented = {int(s) for s in operation["responses"] if 400 <= int(s) < 500}
        assert expected_statuses(method, path, operation) <= documented, (method, path, sorted(documented))
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"]["application/json"]["schema"]["$ref"] in ERROR_SCHEMAS, (path, status)


def test_the_operations_named_in_the_table_exist(document):
    found = {(m, p) for m, p, _ in operations(document)}
    assert set(SPECIFIC) <= found


def test_the_import_422_documents_its_problems(document):
    schemas = document["components"]["schemas"]
    responses = document["paths"]["/api/v1/cases/import"]["post"]["responses"]
    assert responses["422"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ImportErrorOut"
    body = schemas["ImportErrorBody"]
    assert body["properties"]["problems"]["items"]["$ref"] == "#/components/schemas/ImportProblemOut"
    assert set(schemas["ImportProblemOut"]["properties"]) == {"index", "code", "message", "field"}


def error_of(response) -> dict[str, Any]:
    """The ``error`` of an answer, after checking it has the documented ErrorOut shape."""
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert isinstance(error["code"], str)
    assert isinstance(error["message"], str)
    assert error["field"] is None or isinstance(error["field"], str)
    return error


@pytest.mark.django_db
def test_real_error_answers_have_the_documented_shape_and_a_chinese_message(client, hall):
    token = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=hall.clerk.user.username).token}"}
    assert error_of(client.get("/api/v1/items?q=%00"))["code"] == "nul_byte"
    assert error_of(client.get("/api/v1/organization/me"))["code"] == "unauthenticated"
    assert error_of(client.get("/api/v1/items/nothing-here"))["code"] == "item.not_found"
    r = client.get("/api/v1/organization/staff?offset=-1", **token)
    assert r.status_code == 422
    error = error_of(r)
    assert error["field"] == "offset"
    assert "不得小于 0" in error["message"]


@pytest.mark.django_db
def test_the_rate_limit_answers_429_in_the_error_shape_with_retry_after(client, hall):
    cache.clear()
    answers = [client.get("/api/v1/certificates/verify?number=X-0001") for _ in range(61)]
    limited = answers[-1]
    assert limited.status_code == 429
    error = error_of(limited)
    assert (error["code"], error["field"]) == ("rate_limited", None)
    assert error["message"].startswith("请求过于频繁")
    assert int(limited["Retry-After"]) > 0
    cache.clear()
