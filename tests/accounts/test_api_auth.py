"""The API's staff authentication: session with CSRF, non-staff refused, /me, OpenAPI."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory

from onewindow.api.auth import StaffSessionAuth
from onewindow.core.errors import PermissionDenied
from onewindow.organization.models import BackupPost
from onewindow.organization.rules import Role

ME = "/api/v1/organization/me"
SECRET = "a" * 32  # a well-formed CSRF secret, sent as cookie and header


def _session_request(user, method: str = "post", csrf: bool = False):
    request = getattr(RequestFactory(), method)("/api/v1/organization/anything",
                                                **({"HTTP_X_CSRFTOKEN": SECRET} if csrf else {}))
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "session-key"
    if csrf:
        request.COOKIES[settings.CSRF_COOKIE_NAME] = SECRET
    request.user = user
    return request


def test_session_auth_needs_csrf_for_unsafe_methods(two_counties):
    user = two_counties.a.user(Role.CLERK)
    with pytest.raises(PermissionDenied) as refused:
        StaffSessionAuth()(_session_request(user))
    assert refused.value.code == "csrf_failed"
    assert StaffSessionAuth()(_session_request(user, csrf=True)) == user
    assert StaffSessionAuth()(_session_request(user, method="get")) == user


def test_session_auth_ignores_requests_without_a_session_cookie(two_counties):
    request = RequestFactory().post("/api/v1/x")
    request.user = two_counties.a.user(Role.CLERK)
    assert StaffSessionAuth()(request) is None


def test_me_describes_the_caller(client, two_counties):
    me = two_counties.a
    chief = me.staff[Role.CHIEF_REPRESENTATIVE]
    BackupPost.objects.create(primary=chief, backup=me.staff[Role.REVIEWER])
    client.force_login(chief.user)
    body = client.get(ME).json()
    assert body["username"] == "a_chief_representative"
    assert body["name"] == chief.name
    assert body["region"] == {"code": "990121000000", "name": "云溪县"}
    assert body["roles"] == ["chief_representative"]
    assert body["postings"][0]["role_label"] == "首席代表"
    assert body["postings"][0]["department"]["code"] == "SCJG"
    grant = body["authorizations"][0]
    assert grant["power"] == "decide"
    assert grant["power_label"] == "审批决定"
    assert grant["in_force"] is True
    assert grant["item_code"] is None
    assert body["backed_up_by"] == [{"name": me.staff[Role.REVIEWER].name,
                                     "employee_number": me.staff[Role.REVIEWER].employee_number}]
    assert body["backs_up"] == []


def test_clerk_me_shows_the_window(client, two_counties):
    client.force_login(two_counties.a.user(Role.CLERK))
    posting = client.get(ME).json()["postings"][0]
    assert posting["window"]["number"] == "02"
    assert posting["department"] is None


def test_login_without_staff_record_is_forbidden_not_unauthenticated(client, db, django_user_model):
    client.force_login(django_user_model.objects.create_user("citizen", password="Citizen-pass-1"))
    response = client.get(ME)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden.not_staff"


def test_anonymous_is_401(client, db):
    for url in [ME, "/api/v1/organization/departments", "/api/v1/organization/windows", "/api/v1/organization/staff"]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["error"]["code"] == "unauthenticated"


def test_invalid_region_filter_is_a_400_not_a_500(client, two_counties):
    client.force_login(two_counties.a.user(Role.SUPERVISOR))
    response = client.get("/api/v1/organization/departments", {"region": "12x"})
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "region.invalid_code", "message": "区划代码须为12位数字：'12x'（区划代码）",
                                        "field": "region"}


def test_region_filter_narrows_to_a_subtree(client, two_counties, staff_factory):
    supervisor = staff_factory(Role.SUPERVISOR, two_counties.city)
    client.force_login(supervisor.user)
    everything = client.get("/api/v1/organization/departments").json()
    assert everything["count"] == 4
    county_b = client.get("/api/v1/organization/departments", {"region": "990122000000"}).json()
    assert {d["region"]["code"] for d in county_b["items"]} == {"990122000000"}
    assert county_b["count"] == 2


def test_lists_are_paginated(client, two_counties):
    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    page = client.get("/api/v1/organization/staff", {"limit": 2, "offset": 1}).json()
    assert page["count"] == len(two_counties.a.staff)  # one per role
    assert len(page["items"]) == 2


def test_openapi_documents_the_organization_api_in_chinese(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organization/me" in doc["paths"]
    operation = doc["paths"]["/api/v1/organization/staff"]["get"]
    assert operation["summary"] == "本人可见区划内的工作人员"
    schemes = doc["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["ApiTokenAuth"].items()
    assert schemes["StaffSessionAuth"]["in"] == "cookie"
    me = doc["components"]["schemas"]["MeOut"]["properties"]
    assert me["roles"]["description"] == "全部岗位的角色代码（去重）"
