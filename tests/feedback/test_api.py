"""The ratings and work-order API, checked against its OpenAPI document and its schemas."""

from __future__ import annotations

import pytest

from onewindow.feedback.api import OrderDetailOut, WorkOrderOut
from onewindow.feedback.ratings_api import RatingOut, RatingPage
from tests.feedback.helpers import Api, concluded_case, conforms

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json()


def test_a_citizen_rates_and_staff_read_the_ratings(client, hall, people, document):
    case = concluded_case(hall)
    anonymous = Api(client)
    answer = anonymous.post("/ratings", {"level": "dissatisfied", "reasons": ["slow"], "channel": "progress",
                                         "case_number": case.number, "query_code": case.query_code})
    assert answer.status_code == 201, answer.json()
    conforms(document, "/api/v1/ratings", "post", answer)
    rating = RatingOut.model_validate(answer.json())
    assert rating.rectification_number is not None
    again = anonymous.post("/ratings", {"level": "satisfied", "channel": "progress", "case_number": case.number,
                                        "query_code": case.query_code})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "rating.already_rated"
    conforms(document, "/api/v1/ratings", "post", again)
    listed = Api(client, people.admin).get("/ratings?bad=true")
    assert listed.status_code == 200
    page = RatingPage.model_validate(listed.json())
    assert page.count == 1
    assert Api(client, people.other_admin).get("/ratings").json()["count"] == 0
    assert Api(client).get("/ratings").status_code == 401


def test_a_bad_rating_input_is_a_4xx_naming_the_field(client, hall, document):
    case = concluded_case(hall)
    answer = Api(client).post("/ratings", {"level": "dissatisfied", "channel": "progress", "case_number": case.number,
                                           "query_code": case.query_code})
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "reasons"
    conforms(document, "/api/v1/ratings", "post", answer)
    missing = Api(client).post("/ratings", {"channel": "progress"})
    assert missing.status_code == 422
    conforms(document, "/api/v1/ratings", "post", missing)


def test_a_work_order_through_the_api(client, hall, people, document):
    desk, dispatcher, department = Api(client, hall.clerk), Api(client, people.admin), Api(client, hall.reviewer)
    made = desk.post("/feedback", {"kind": "complaint", "content": "材料被反复退回", "handling": "written",
                                   "caller_phone": "13900000003"}, key="intake-1")
    assert made.status_code == 201, made.json()
    conforms(document, "/api/v1/feedback", "post", made)
    number = WorkOrderOut.model_validate(made.json()).number
    assert desk.post("/feedback", {"kind": "complaint", "content": "材料被反复退回", "handling": "written",
                                   "caller_phone": "13900000003"}, key="intake-1").json()["number"] == number
    path = "/api/v1/feedback/{number}/actions/{action}"
    step = dispatcher.post(f"/feedback/{number}/actions/dispatch", {"department": hall.dept.id, "row_version": 0})
    assert step.status_code == 200, step.json()
    conforms(document, path, "post", step)
    stale = dispatcher.post(f"/feedback/{number}/actions/withdraw", {"reason": "x", "row_version": 0})
    assert stale.status_code == 409
    conforms(document, path, "post", stale)
    assert "claim" in department.get(f"/feedback/{number}").json()["allowed_actions"]
    assert department.post(f"/feedback/{number}/actions/claim", {}).status_code == 200
    answered = department.post(f"/feedback/{number}/actions/answer", {"answer": "已整改", "substantiated": False})
    assert answered.json()["state"] == "answered"
    refused = department.post(f"/feedback/{number}/actions/answer", {"answer": "again", "substantiated": False})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "feedback.transition_refused.answer"
    unknown = department.post(f"/feedback/{number}/actions/fly", {})
    assert unknown.status_code == 404
    detail = dispatcher.get(f"/feedback/{number}")
    conforms(document, "/api/v1/feedback/{number}", "get", detail)
    body = OrderDetailOut.model_validate(detail.json())
    assert [e.kind for e in body.events] == ["received", "dispatched", "claimed", "answered"]
    assert body.deadline is not None
    assert body.deadline.state == "closed"
    assert dispatcher.get("/feedback/NOPE").status_code == 404
    assert Api(client, people.other_admin).get(f"/feedback/{number}").status_code == 404


def test_the_hotline_import_reports_each_row(client, hall, people, document):
    rows = [{"工单编号": "12345-7", "来电时间": "2026-10-12 09:00", "来电人": "王五", "联系电话": "", "诉求内容": "咨询",
             "诉求类别": "咨询", "承办单位": "GSJ", "办结时限": "2026-10-16 18:00"},
            {"工单编号": "12345-8", "来电时间": "昨天", "来电人": "", "联系电话": "", "诉求内容": "投诉",
             "诉求类别": "投诉", "承办单位": "GSJ", "办结时限": "2026-10-16"}]
    answer = Api(client, people.admin).post("/feedback/import", {"region": hall.county.code, "rows": rows})
    assert answer.status_code == 200, answer.json()
    conforms(document, "/api/v1/feedback/import", "post", answer)
    assert len(answer.json()["created"]) == 1
    assert answer.json()["problems"] == [{"row": 2, "field": "received_at", "code": "import.date_invalid",
                                          "message": "来电时间“昨天”无法识别，应为 YYYY-MM-DD HH:MM"}]
    forbidden = Api(client, hall.clerk).post("/feedback/import", {"region": hall.county.code, "rows": rows})
    assert forbidden.status_code == 403
