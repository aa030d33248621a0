"""Progress without logging in: case number + query code, the same answer for every failure, rate limited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.core.uploads import check_file
from onewindow.online import services
from tests.cases.helpers import at

from .helpers import PDF

pytestmark = pytest.mark.django_db

API = "/api/v1/public/progress"


@pytest.fixture
def case(hall, me) -> Case:
    """An online application, a supplement notice, the supplement, acceptance, a special procedure."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    case = services.draft_submit(account=me, item_code=hall.item.implementation_code, token=None, data={},
                                 files=[check_file(upload, material="申请书", field="f")], at=at(2026, 9, 1))
    case_services.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"],
                                          at=at(2026, 9, 2))
    case_services.case_supplement(case_id=case.id, actor=None, applicant=me, materials=["营业执照副本"],
                                  at=at(2026, 9, 3))
    case_services.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 4))
    task = case.tasks.order_by("stage_order").first()
    case_services.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=task.stage_order,
                                      opinion="材料齐全", at=at(2026, 9, 7))
    case_services.case_start_special_procedure(case_id=case.id, actor=hall.chief, procedure="expert_review",
                                               reason="需组织专家评审", announced_workdays=5, at=at(2026, 9, 8))
    return Case.objects.get(pk=case.id)


def test_the_right_code_shows_the_public_timeline(client, case, hall):
    response = client.get(API, {"number": case.number, "code": case.query_code.lower()})
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == case.number
    assert body["status"] == "special_procedure"
    # the applicant's name masked, no ID number anywhere
    assert body["applicant"] == "张*"
    assert "11010519491231002X" not in response.content.decode()
    assert [e["kind"] for e in body["timeline"]] == [
        "submitted", "supplement_requested", "supplemented", "accepted", "stage_completed",
        "special_procedure_started"]
    assert body["timeline"][1]["details"] == [["补正材料", "营业执照副本"]]
    # stages done, the current one, those to come
    states = [(s["label"], s["state"]) for s in body["steps"]]
    assert states[:4] == [("提交申请", "done"), ("受理", "done"), ("审查", "done"), ("现场核查", "current")]
    assert states[-1] == ("办结", "pending")
    # the special procedure with its notice's facts, the clock paused
    assert body["paused"] is True
    assert body["special_procedures"][0]["label"] == "专家评审"
    assert body["special_procedures"][0]["announced_workdays"] == 5
    # while paused the due dates are not known yet; the working days left are frozen
    assert [d["name"] for d in body["dues"]] == []
    assert body["remaining_workdays"] is not None
    # internal things stay internal: no staff names, no stage opinions
    assert "材料齐全" not in response.content.decode()
    assert "reviewer" not in response.content.decode()
    # when the procedure ends, the due dates return with their explanation in plain Chinese, pause included
    case_services.case_end_special_procedure(case_id=case.id, actor=hall.chief, result="专家评审通过",
                                             at=at(2026, 9, 10))
    body = client.get(API, {"number": case.number, "code": case.query_code}).json()
    promised = next(d for d in body["dues"] if d["name"] == "promised_due")
    assert promised["label"] == "承诺办结期限"
    assert promised["due"] == case_services.Case.objects.get(
        pk=case.id).promised_due.isoformat()
    assert any("工作日" in line for line in promised["explanation"])
    assert any("专家评审" in line for line in promised["explanation"])
    assert not any(d["name"] == "acceptance_due" for d in body["dues"])  # accepted: no longer running
    assert body["special_procedures"][0]["ended_on"] == "2026-09-10"
    assert body["special_procedures"][0]["result"] == "专家评审通过"


def test_the_page_shows_the_same_progress(client, case):
    response = client.post(reverse("online:progress"), {"number": case.number, "code": case.query_code})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="progress"' in page
    assert "张*" in page
    assert "专家评审" in page
    assert 'data-state="current"' in page
    assert 'data-testid="paused"' in page


def test_a_wrong_code_and_an_unknown_number_answer_identically(client, case):
    wrong = client.get(API, {"number": case.number, "code": "ZZZZZZZZ"})
    unknown = client.get(API, {"number": "990121-2026-999999", "code": case.query_code})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json() == {
        "error": {"code": "progress.not_found", "message": "办件编号或查询码不正确", "field": None}}
    # the page too: the same status and message, nothing about the case
    pages = [client.post(reverse("online:progress"), {"number": n, "code": c})
             for n, c in ((case.number, "ZZZZZZZZ"), ("990121-2026-999999", case.query_code))]
    assert [p.status_code for p in pages] == [404, 404]
    for p in pages:
        text = p.content.decode()
        assert "办件编号或查询码不正确" in text
        assert 'data-testid="progress"' not in text
        assert "张*" not in text
    stripped = [re.sub(r'value="[^"]*"', "", p.content.decode()) for p in pages]
    assert stripped[0] == stripped[1]


def test_missing_input_is_a_plain_400(client):
    response = client.get(API, {"number": "990121-2026-000001"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "code"


def test_lookups_are_rate_limited_per_address_with_retry_after(client, case, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "PROGRESS_RATE_LIMIT": "3/m"}
    for _ in range(2):
        assert client.get(API, {"number": case.number, "code": "ZZZZZZZZ"}).status_code == 404
    # the page and the API share one count
    assert client.post(reverse("online:progress"), {"number": case.number, "code": "ZZZZZZZZ"}).status_code == 404
    limited = client.get(API, {"number": case.number, "code": case.query_code})
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"
    page = client.post(reverse("online:progress"), {"number": case.number, "code": case.query_code})
    assert page.status_code == 429
    assert int(page["Retry-After"]) >= 1
    # another address is not affected
    other = client.get(API, {"number": case.number, "code": case.query_code}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert API in paths
    assert "get" in paths[API]


def test_the_stages_of_a_refused_and_of_an_instant_case(hall):
    from onewindow.cases.rules import MaterialCheck
    from onewindow.online.selectors import progress_of

    refused = case_services.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code,
                                        applicant=hall.applicant(), materials=hall.checklist(), window_number="01",
                                        at=at(2026, 9, 1))
    case_services.case_refuse(case_id=refused.id, actor=hall.clerk, reason="不属于本机关职权范围",
                              legal_basis="行政许可法第三十二条", where_to_apply="云溪县市场监督管理局", at=at(2026, 9, 2))
    p = progress_of(Case.objects.get(pk=refused.id))
    assert [(s.label, s.state) for s in p.steps] == [("提交申请", "done"), ("不予受理", "done")]
    assert p.timeline[-1].details == [("理由", "不属于本机关职权范围"), ("依据", "行政许可法第三十二条"),
                                      ("可向以下机关申请", "云溪县市场监督管理局")]
    # nothing runs any more: the acceptance date is shown as it ended
    assert [(d.name, d.ended) for d in p.dues] == [("acceptance_due", "已于2026年9月2日作出不予受理决定")]
    assert p.remaining_workdays is None
    names = hall.instant_item.current_version.materials.values_list("name", flat=True)
    instant = case_services.case_submit(actor=hall.clerk, item_code=hall.instant_item.implementation_code,
                                        applicant=hall.applicant(), window_number="01", at=at(2026, 9, 3),
                                        materials=[MaterialCheck(n, "received") for n in names])
    case_services.case_conclude_instant(case_id=instant.id, actor=hall.clerk, at=at(2026, 9, 3, 11))
    p = progress_of(Case.objects.get(pk=instant.id))
    assert [(s.label, s.state) for s in p.steps] == [("提交申请", "done"), ("受理", "done"), ("办结", "done")]
