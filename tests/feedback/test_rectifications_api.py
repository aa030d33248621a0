"""The rectification API: every action through /api/v1/rectifications/{number}/actions/{action},
its refusals, all checked against the OpenAPI document."""

from __future__ import annotations

import pytest

from onewindow.feedback.rectifications_api import RectificationOut
from tests.feedback.helpers import Api, bad_rating, conforms

pytestmark = pytest.mark.django_db
ACT = "/api/v1/rectifications/{number}/actions/{action}"


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json()


def _act(api, rect_number, action, body, document):
    answer = api.post(f"/rectifications/{rect_number}/actions/{action}", body)
    conforms(document, ACT, "post", answer)
    return answer


def test_verify_rectify_visit_through_the_api(client, hall, people, document):
    number = bad_rating(hall).rectification.number
    chief = Api(client, hall.chief)
    got = chief.get(f"/rectifications/{number}")
    assert got.status_code == 200
    conforms(document, "/api/v1/rectifications/{number}", "get", got)
    version = RectificationOut.model_validate(got.json()).row_version

    answer = _act(chief, number, "verify", {"note": "已电话联系申请人，情况属实", "row_version": version}, document)
    assert answer.status_code == 200, answer.json()
    rect = RectificationOut.model_validate(answer.json())
    assert (rect.state, rect.finding) == ("rectifying", "已电话联系申请人，情况属实")

    stale = _act(chief, number, "rectify", {"note": "x", "row_version": version}, document)
    assert (stale.status_code, stale.json()["error"]["code"]) == (409, "record.stale")

    answer = _act(chief, number, "rectify", {"note": "已加强窗口培训", "row_version": rect.row_version}, document)
    assert answer.status_code == 200, answer.json()
    rect = RectificationOut.model_validate(answer.json())
    assert (rect.outcome, rect.visit_due is not None) == ("rectified", True)

    bad = _act(Api(client, people.admin), number, "visit", {"note": "已回访", "satisfaction": "very"}, document)
    assert (bad.status_code, bad.json()["error"]["field"]) == (400, "satisfaction")
    answer = _act(Api(client, people.admin), number, "visit", {"note": "已回访", "satisfaction": "satisfied"},
                  document)
    assert answer.status_code == 200, answer.json()
    assert RectificationOut.model_validate(answer.json()).closed_at is not None


def test_refusals_are_documented_4xx(client, hall, people, document):
    number = bad_rating(hall).rectification.number
    chief = Api(client, hall.chief)
    empty = _act(chief, number, "verify", {"note": " "}, document)
    assert (empty.status_code, empty.json()["error"]["field"]) == (400, "finding")
    wrong_state = _act(chief, number, "visit", {"note": "x", "satisfaction": "satisfied"}, document)
    assert (wrong_state.status_code, wrong_state.json()["error"]["field"]) == (400, "action")
    unknown = _act(chief, number, "explode", {}, document)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "rectification.action_unknown")
    hidden = _act(Api(client, people.other_admin), number, "verify", {"note": "x"}, document)
    assert (hidden.status_code, hidden.json()["error"]["code"]) == (404, "rectification.not_found")
    malformed = _act(chief, number, "verify", {"row_version": "x"}, document)
    assert malformed.status_code == 422
    assert Api(client).post(f"/rectifications/{number}/actions/verify", {"note": "x"}).status_code == 401


def test_an_invalid_rating_needs_a_second_staff_member(client, hall, people, document):
    number = bad_rating(hall).rectification.number
    chief = Api(client, hall.chief)
    marked = _act(chief, number, "mark_invalid", {"note": "与办件无关的恶意评价"}, document)
    assert marked.status_code == 200, marked.json()
    same = _act(chief, number, "confirm_invalid", {"note": "确认"}, document)
    assert (same.status_code, same.json()["error"]["code"]) == (400, "rectification.same_confirmer")
    answer = _act(Api(client, people.supervisor), number, "confirm_invalid", {"note": "复核属实"}, document)
    assert answer.status_code == 200, answer.json()
    assert RectificationOut.model_validate(answer.json()).outcome == "invalid"


def test_someone_of_the_region_without_the_permission_is_refused(client, hall, document):
    number = bad_rating(hall).rectification.number
    answer = _act(Api(client, hall.clerk), number, "verify", {"note": "x"}, document)
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "forbidden.rect.handle")
