"""Bad input is answered with a 4xx naming the field, never a 500 (issue 13, defect 3).

NUL bytes anywhere a value arrives (path, query, form, JSON, headers) are refused by the edge
middleware before any view runs: PostgreSQL refuses them in text (DataError), SQLite stores them.
Values longer than their column, integers wider than theirs and malformed region codes are
refused by the schemas and forms, which take their bounds from the models. Run on SQLite and on
PostgreSQL (``DATABASE_URL``): the NUL cases only ever failed on PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from onewindow.accounts.services import api_token_issue
from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.rules import Applicant
from onewindow.cases.services import case_submit
from onewindow.core.errors import DomainError
from onewindow.online.lengths import REGISTRATION_MAX_LENGTHS
from onewindow.online.models import ApplicantProfile
from onewindow.online.rules import Registration, check_registration
from onewindow.organization.models import Posting, Staff
from onewindow.organization.rules import Role
from tests.cases.helpers import VALID_ID

pytestmark = pytest.mark.django_db


def bearer(staff: Staff) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=staff.user.username).token}"}


def post_json(client, path: str, body: Any, staff: Staff):
    return client.post(path, data=json.dumps(body), content_type="application/json", **bearer(staff))


def submission(h, **applicant: str) -> dict[str, Any]:
    return {"item_code": h.item.implementation_code, "window_number": "01",
            "applicant": {"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": VALID_ID,
                          "phone": "13800000000", **applicant},
            "materials": [{"name": n, "state": "received"}
                          for n in h.item.current_version.materials.values_list("name", flat=True)]}


def api_error(response) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


@pytest.fixture
def supervisor(hall) -> Staff:
    user = get_user_model().objects.create_user(username="supervisor", password="x-unused-Password1")
    staff = Staff.objects.create(user=user, name="监察员", employee_number="S1", region=hall.county)
    Posting.objects.create(staff=staff, role=Role.SUPERVISOR, region=hall.county)
    return staff


# --- NUL bytes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "field"), [
    ("/api/v1/public/progress?number=a%00b&code=x", "number"),
    ("/api/v1/certificates/verify?number=a%00b", "number"),
    ("/api/v1/items?q=a%00b", "q"),
    ("/api/v1/items/a%00b", "path"),
    ("/api/v1/calendar/deadline?start=2026-10-12&workdays=3&region=9901%0021000000", "region"),
])
def test_a_nul_byte_in_an_anonymous_api_call_is_a_400_in_the_api_shape(client, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert api_error(response) == {"code": "nul_byte", "message": "输入中含有不允许的空字符（NUL）", "field": field}


@pytest.mark.parametrize("url", ["/search/?q=a%00b", "/verify/a%00b", "/items/a%00b/", "/online/progress/?number=a%00b",
                                 "/verify/?number=%00"])
def test_a_nul_byte_in_a_public_page_is_an_html_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "空字符" in response.content.decode()


def test_a_nul_byte_in_a_staff_api_call_is_refused_before_it_reaches_the_case(client, hall):
    number = post_json(client, "/api/v1/cases", submission(hall), hall.clerk).json()["number"]
    r = post_json(client, f"/api/v1/cases/{number}/actions/accept", {"note": "a\u0000b"}, hall.clerk)
    assert r.status_code == 400
    assert api_error(r)["field"] == "note"
    r = post_json(client, "/api/v1/cases", submission(hall, name="张\u0000三"), hall.clerk)
    assert api_error(r)["field"] == "applicant.name"
    r = client.get(f"/api/v1/cases/{number}%00", **bearer(hall.clerk))
    assert r.status_code == 400
    assert CaseEvent.objects.filter(case__number=number).count() == 1


def test_a_raw_nul_byte_in_a_json_body_is_refused(client, hall):
    r = client.post("/api/v1/cases", data=b'{"item_code": "a\x00b"}', content_type="application/json",
                    **bearer(hall.clerk))
    assert r.status_code == 400
    assert api_error(r)["code"] == "nul_byte"


def test_a_nul_byte_in_a_form_field_is_refused(client, hall):
    client.force_login(hall.clerk.user)
    case_number = post_json(client, "/api/v1/cases", submission(hall), hall.clerk).json()["number"]
    case = Case.objects.get(number=case_number)
    r = client.post(f"/staff/cases/{case.number}/act/accept/", {"expected_version": case.row_version,
                                                                "note": "a\x00b"})
    assert r.status_code == 400
    assert "空字符" in r.content.decode()
    assert CaseEvent.objects.filter(case=case).count() == 1
    r = client.post("/staff/login/", {"username": "clerk\x00", "password": "x"})
    assert r.status_code == 400


def test_a_nul_byte_in_a_header_or_a_cookie_is_refused(client, hall):
    assert client.get("/api/v1/organization/me", HTTP_AUTHORIZATION="Bearer ow_a\x00b").status_code == 400
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/staff/").status_code == 400


def test_ordinary_input_still_passes_the_edge(client, hall):
    assert client.get("/search/?q=%E8%90%A5%E4%B8%9A").status_code == 200
    assert client.get("/api/v1/items?q=a%2500b").status_code == 200  # an escaped "%00" is text, not NUL
    r = post_json(client, "/api/v1/cases", submission(hall, name="张三\\u0000"), hall.clerk)
    assert r.status_code == 201  # a backslash and "u0000" typed as text are no NUL either


# --- lengths from the model ---------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [
    ("legal_representative", "法" * 65),
    ("agent_name", "代" * 65),
    ("agent_id_number", "1" * 33),
    ("name", "张" * 101),
    ("phone", "1" * 21),
])
def test_an_over_long_applicant_field_is_a_422_naming_it(client, hall, field, value):
    r = post_json(client, "/api/v1/cases", submission(hall, **{field: value}), hall.clerk)
    assert r.status_code == 422
    assert api_error(r)["field"] == f"applicant.{field}"
    assert Case.objects.count() == 0


def test_an_over_long_passport_number_is_refused_by_the_api(client, hall):
    body = submission(hall, id_type="passport", id_number="E" * 33)
    r = post_json(client, "/api/v1/cases", body, hall.clerk)
    assert r.status_code == 422
    assert api_error(r)["field"] == "applicant.id_number"


@pytest.mark.parametrize(("field", "value"), [
    ("legal_representative", "法" * 65),
    ("agent_name", "代" * 65),
    ("agent_id_number", "1" * 33),
    ("id_number", "E" * 33),
])
def test_an_over_long_field_on_the_staff_intake_form_is_a_form_error(client, hall, field, value):
    client.force_login(hall.clerk.user)
    data = {"item_code": hall.item.implementation_code, "kind": "person", "name": "张三", "id_type": "passport",
            "id_number": "E12345678", "phone": "13800000000", "window_number": "01",
            "m0-state": "received", "m1-state": "received", "m2-state": "received", field: value}
    r = client.post("/staff/intake/", data)
    assert r.status_code == 400  # the form again, with its errors
    assert "过长" in r.context["form"].errors[field]
    assert Case.objects.count() == 0


def test_the_intake_service_refuses_over_long_fields_whatever_the_channel(hall):
    # The importer and the online application reach the case through the service, not the schema.
    applicant = Applicant(kind="person", name="张三", id_type="passport", id_number="E12345678", agent_name="代" * 65)
    with pytest.raises(DomainError) as refused:
        case_submit(actor=hall.clerk, item_code=hall.item.implementation_code, applicant=applicant,
                    materials=hall.checklist(), window_number="01")
    assert refused.value.field == "applicant.agent_name"
    assert refused.value.code == "applicant.agent_name_too_long"


def test_an_online_registration_with_an_over_long_passport_number_names_the_field():
    registration = Registration(kind="person", real_name="张三", id_type="passport", id_number="E" * 33,
                                phone="13800000000")
    problems = check_registration(registration, max_lengths=REGISTRATION_MAX_LENGTHS)
    assert [(p.field, p.code) for p in problems] == [("id_number", "applicant.id_number_too_long")]
    assert REGISTRATION_MAX_LENGTHS["id_number"] == ApplicantProfile._meta.get_field("id_number").max_length


# --- typed query parameters -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/supervision/warnings?region=abc", "/api/v1/supervision/orders?region=abc",
                                 "/api/v1/organization/departments?region=abc"])
def test_a_malformed_region_code_is_a_4xx_naming_region(client, supervisor, url):
    r = client.get(url, **bearer(supervisor))
    assert r.status_code in (400, 422)
    assert api_error(r)["field"] == "region"


@pytest.mark.parametrize(("url", "field"), [
    ("/api/v1/supervision/warnings?offset=18446744073709551616", "offset"),
    ("/api/v1/supervision/warnings?limit=18446744073709551616", "limit"),
    ("/api/v1/supervision/warnings?department=18446744073709551616", "department"),
    ("/api/v1/supervision/orders?offset=18446744073709551616", "offset"),
    ("/api/v1/supervision/orders?department=18446744073709551616", "department"),
    ("/api/v1/organization/departments?offset=18446744073709551616", "offset"),
    ("/api/v1/organization/staff?limit=18446744073709551616", "limit"),
])
def test_paging_and_ids_beyond_64_bits_are_refused(client, supervisor, url, field):
    r = client.get(url, **bearer(supervisor))
    assert r.status_code in (400, 422)
    assert api_error(r)["field"] == field


@pytest.mark.parametrize("url", ["/api/v1/items/990121GSJ0000000001?version=18446744073709551616",
                                 "/items/990121GSJ0000000001/v18446744073709551616/",
                                 "/staff/supervision/warnings/18446744073709551616/",
                                 "/staff/calendar/18446744073709551616/"])
def test_integers_in_paths_and_queries_beyond_64_bits_are_no_server_error(client, hall, supervisor, url):
    client.force_login(supervisor.user)
    assert client.get(url).status_code in (302, 400, 404, 422)  # a year out of range redirects to this year
