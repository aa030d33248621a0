"""The API: /work-tasks, /work-tasks/{id}/reports, /problems, /problems/{id}/actions/{action},
/inspections — answers and refusals as the OpenAPI document declares them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from onewindow.accounts.services import api_token_issue
from onewindow.worktasks import services as s

from .helpers import plan_with_task

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, staff) -> None:
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=staff.user.username).token}"}

    def post(self, path: str, body: dict):
        return self.client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json",
                                **self.auth)

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", **self.auth)


@pytest.fixture
def document(db):
    return Client().get("/api/v1/openapi.json").json()


def conforms(document: dict, path: str, method: str, response) -> None:
    responses = document["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, (path, method, response.status_code)
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "field"}


def test_work_tasks(people, document):
    plan, task = plan_with_task(people)
    admin = Api(people.admin)
    body = {"plan": plan.pk, "title": "新任务", "lead": people.hall.dept.pk, "starts_on": "2026-10-12",
            "due_workdays": 5, "units": [{"department": people.tax.pk, "owner_name": "李四"}]}
    r = admin.post("/work-tasks", body)
    conforms(document, "/api/v1/work-tasks", "post", r)
    assert r.status_code == 201
    assert r.json()["lead"] == "云溪县工商局"
    r = admin.post("/work-tasks", {**body, "lead": None})
    conforms(document, "/api/v1/work-tasks", "post", r)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "worktasks.lead_required")
    r = admin.get(f"/work-tasks?plan={plan.pk}")
    conforms(document, "/api/v1/work-tasks", "get", r)
    assert len(r.json()["items"]) == 2
    tax = Api(people.tax_reviewer)
    path = f"/work-tasks/{task.pk}/reports"
    r = tax.post(path, {"department": people.tax.pk, "text": "进展", "progress": 30})
    conforms(document, "/api/v1/work-tasks/{task_id}/reports", "post", r)
    assert r.status_code == 201
    s.task_close(actor=people.admin, task_id=task.pk)
    r = tax.post(path, {"department": people.tax.pk, "text": "迟报", "progress": 100})
    conforms(document, "/api/v1/work-tasks/{task_id}/reports", "post", r)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "work_task.transition_refused.report")
    r = tax.post(path, {"department": people.tax.pk, "text": "x", "progress": 101})
    assert r.status_code == 422


def test_problems(people, document):
    admin = Api(people.admin)
    r = admin.post("/problems", {"title": "窗口脱岗", "source": "inspection", "evidence": "照片"})
    conforms(document, "/api/v1/problems", "post", r)
    pid = r.json()["id"]
    act = "/api/v1/problems/{problem_id}/actions/{action}"
    r = admin.post(f"/problems/{pid}/actions/assign", {"department": people.tax.pk,
                                                        "responsible": people.tax_reviewer.pk})
    conforms(document, act, "post", r)
    tax = Api(people.tax_reviewer)
    tax.post(f"/problems/{pid}/actions/plan", {"measures": "AB岗", "due_workdays": 5})
    r = tax.post(f"/problems/{pid}/actions/submit", {"note": "完成"})
    assert r.json()["state"] == "submitted"
    r = Api(people.tax_chief).post(f"/problems/{pid}/actions/verify", {"note": "自验"})
    conforms(document, act, "post", r)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "worktasks.self_verification")
    r = admin.post(f"/problems/{pid}/actions/verify", {"note": "核验", "row_version": 1})
    conforms(document, act, "post", r)
    assert r.status_code == 409
    r = admin.post(f"/problems/{pid}/actions/verify", {"note": "核验"})
    assert r.json()["state"] == "closed"
    r = admin.post(f"/problems/{pid}/actions/destroy", {})
    conforms(document, act, "post", r)
    assert r.status_code == 404
    r = admin.get("/problems?state=closed")
    conforms(document, "/api/v1/problems", "get", r)
    assert [p["id"] for p in r.json()["items"]] == [pid]
    r = Api(people.tax_reviewer).post("/problems", {"title": "x", "source": "audit", "evidence": "y"})
    conforms(document, "/api/v1/problems", "post", r)
    assert r.status_code == 403


def test_inspections(people, document):
    admin = Api(people.admin)
    r = admin.post("/inspections", {"title": "明察", "planned_on": str(date(2026, 10, 14)),
                                    "windows": [people.hall.window.pk], "criteria": ["presence"]})
    conforms(document, "/api/v1/inspections", "post", r)
    assert r.status_code == 201
    r = admin.post("/inspections", {"kind": "mystery", "title": "暗访", "planned_on": "2026-10-14",
                                    "windows": [people.hall.window.pk]})
    conforms(document, "/api/v1/inspections", "post", r)
    assert (r.status_code, r.json()["error"]["field"]) == (400, "wait_minutes")
    r = admin.get("/inspections")
    conforms(document, "/api/v1/inspections", "get", r)
    assert len(r.json()["items"]) == 1


# -- lists: filters and cursor paging (as GET /api/v1/cases) ----------------------------------------


def _all(api, path: str, limit: int) -> list[dict]:
    out, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        r = api.get(f"{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
        assert r.status_code == 200, r.content
        out += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return out


def test_work_task_list_filters_and_pages(people, document):
    plan, task = plan_with_task(people)
    for n in range(4):
        s.task_create(actor=people.admin, plan_id=plan.pk, title=f"任务{n}", lead_id=people.tax.pk,
                      units=[s.UnitInput(people.tax.pk, "李")], starts_on=date(2026, 10, 12),
                      due_on=date(2026, 10, 20 + n))
    admin = Api(people.admin)
    r = admin.get(f"/work-tasks?plan={plan.pk}&limit=2")
    conforms(document, "/api/v1/work-tasks", "get", r)
    assert len(r.json()["items"]) == 2
    assert r.json()["next_cursor"]
    ids = [t["id"] for t in _all(admin, f"/work-tasks?plan={plan.pk}", 2)]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids)) == 5
    assert [t["title"] for t in _all(admin, f"/work-tasks?lead={people.tax.pk}", 50)] == [f"任务{n}" for n in range(4)]
    assert [t["id"] for t in _all(admin, f"/work-tasks?unit={people.hall.dept.pk}", 50)] == [task.pk]
    assert len(_all(admin, "/work-tasks?due_from=2026-10-21&due_to=2026-10-22", 50)) == 2
    assert len(_all(admin, "/work-tasks?state=closed", 50)) == 0
    for bad in ("/work-tasks?cursor=zzz", "/work-tasks?limit=0", "/work-tasks?state=nope"):
        r = admin.get(bad)
        conforms(document, "/api/v1/work-tasks", "get", r)
        assert r.status_code == 400
    assert admin.get("/work-tasks?cursor=zzz").json()["error"]["field"] == "cursor"
    # Another county's administrator sees none of them.
    assert _all(Api(people.other_admin), "/work-tasks", 50) == []


def test_problem_and_inspection_lists_filter_and_page(people, document):
    admin = Api(people.admin)
    c = s.campaign_create(actor=people.admin, region_id=people.hall.county.pk, title="大整改",
                          starts_on=date(2026, 9, 14), ends_on=date(2026, 11, 13),
                          phases=[s.PhaseInput("大排查", date(2026, 9, 14), date(2026, 10, 12))])
    for n in range(3):
        admin.post("/problems", {"title": f"问题{n}", "source": "audit" if n else "complaint", "evidence": "e",
                                 "campaign_id": c.pk if n < 2 else None})
    assert len(_all(admin, "/problems", 1)) == 3
    assert [p["title"] for p in _all(admin, f"/problems?campaign={c.pk}", 50)] == ["问题0", "问题1"]
    assert [p["title"] for p in _all(admin, "/problems?source=complaint", 50)] == ["问题0"]
    assert len(_all(admin, "/problems?state=recorded,assigned", 50)) == 3
    assert len(_all(admin, f"/problems?region={people.hall.county.code}", 50)) == 3
    r = admin.get("/problems?state=bogus")
    conforms(document, "/api/v1/problems", "get", r)
    assert (r.status_code, r.json()["error"]["field"]) == (400, "state")
    r = admin.post("/inspections", {"kind": "experience", "campaign": c.pk, "title": "体验办照",
                                    "planned_on": "2026-09-20", "windows": [people.hall.window.pk],
                                    "wait_minutes": 30, "applied_for": "营业执照"})
    assert r.status_code == 201
    assert r.json()["campaign"] == c.pk
    admin.post("/inspections", {"title": "明察", "planned_on": "2026-10-14", "windows": [people.hall.window.pk]})
    assert [i["kind"] for i in _all(admin, "/inspections", 1)] == ["experience", "inspection"]
    assert [i["title"] for i in _all(admin, "/inspections?kind=experience", 50)] == ["体验办照"]
    assert [i["title"] for i in _all(admin, "/inspections?planned_from=2026-10-01", 50)] == ["明察"]
    assert len(_all(admin, f"/inspections?campaign={c.pk}", 50)) == 1
    r = admin.get("/inspections?kind=x")
    conforms(document, "/api/v1/inspections", "get", r)
    assert r.status_code == 400


def test_worktasks_schema_names_are_prefixed(document):
    names = set(document["components"]["schemas"])
    ours = {n for n in names if n.startswith("Worktasks")}
    assert {"WorktasksTaskOut", "WorktasksTaskListOut", "WorktasksProblemListOut", "WorktasksInspectionListOut",
            "WorktasksProblemIn", "WorktasksInspectionIn"} <= ours
    assert not {"WorkTaskOut", "ProblemOut", "InspectionOut", "TaskIn", "UnitIn"} & names
