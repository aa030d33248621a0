"""GET /api/v1/projects and /api/v1/projects/{id}: filters, paging, the lines with their cases'
status and clock, visibility, and the 4xx refusals."""

from __future__ import annotations

import pytest

from onewindow.projects import services as s

from .helpers import at, company_case, project

pytestmark = pytest.mark.django_db


def test_list_filters_and_paging(client, world):
    first, second = project(world), project(world)
    client.force_login(world.supervisor.user)
    body = client.get("/api/v1/projects?limit=1").json()
    assert [p["number"] for p in body["items"]] == [first.number]
    assert body["items"][0]["level_label"] == "县重点"
    body = client.get(f"/api/v1/projects?limit=1&cursor={body['next_cursor']}").json()
    assert [p["number"] for p in body["items"]] == [second.number]
    assert body["next_cursor"] is None
    assert client.get("/api/v1/projects?level=city").json()["items"] == []
    assert len(client.get("/api/v1/projects?county=990121000000&state=planning").json()["items"]) == 2
    for query, field in (("level=x", "level"), ("state=x", "state"), ("cursor=zz", "cursor"), ("limit=0", "limit")):
        r = client.get(f"/api/v1/projects?{query}")
        assert r.status_code == 400, query
        assert r.json()["error"]["field"] == field
    assert client.get("/api/v1/projects?county=12").status_code in (400, 422)


def test_detail_shows_lines_with_case_status_and_clock(client, world):
    p = project(world)
    case = company_case(world)
    s.line_link_case(actor=world.hall.chief, project_id=p.pk, line_id=p.lines.get(order=1).pk,
                     case_number=case.number, at=at(2026, 10, 13))
    client.force_login(world.proxy.user)
    body = client.get(f"/api/v1/projects/{p.pk}").json()
    line = body["lines"][0]
    assert line["case"] == case.number
    assert line["case_status"] == "审查中"
    assert line["urgent"] == "marked"
    assert line["case_promised_due"] is not None
    assert body["self_checks"][-1]["month"] == "2026-10"
    assert body["lines"][1]["case"] is None


def test_detail_hidden_from_other_county_and_unknown(client, world):
    p = project(world)
    client.force_login(world.other_admin.user)
    r = client.get(f"/api/v1/projects/{p.pk}")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "project.not_found"
    assert client.get("/api/v1/projects").json()["items"] == []
    client.force_login(world.admin.user)
    assert client.get("/api/v1/projects/999999").status_code == 404
    assert "/api/v1/projects/{project_id}" in client.get("/api/v1/openapi.json").json()["paths"]


def test_anonymous_is_401(client, world):
    assert client.get("/api/v1/projects").status_code == 401
