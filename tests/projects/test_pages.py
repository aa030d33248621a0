"""The staff pages of major projects: list (summary, filters, paging), new project, the project's
page (lines with their cases' status and clock, linking, green channel, self-check, completion),
the quarterly view and its Excel export; who may see and do what."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from onewindow.cases.models import Case
from onewindow.projects.models import Project

from .helpers import company_case, project

pytestmark = pytest.mark.django_db


def test_list_summary_filters_and_new_link(client, world):
    project(world)
    client.force_login(world.admin.user)
    page = client.get("/staff/projects/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "共 1 个项目" in html
    assert 'data-testid="project-new"' in html
    assert html.count('data-testid="project-row"') == 1
    assert client.get("/staff/projects/?level=province").content.decode().count('data-testid="project-row"') == 0
    assert client.get("/staff/projects/?level=bogus&county=x&page=abc").status_code == 200


def test_supervisor_reads_but_neither_creates_nor_acts(client, world):
    p = project(world)
    client.force_login(world.supervisor.user)
    assert client.get("/staff/projects/").status_code == 200
    assert client.get("/staff/projects/new/").status_code == 403
    html = client.get(f"/staff/projects/{p.pk}/").content.decode()
    assert 'data-testid="link-case"' not in html
    assert 'data-testid="self-check"' not in html
    case = company_case(world)
    line = p.lines.get(order=1)
    assert client.post(f"/staff/projects/{p.pk}/act/link/", {"line": line.pk, "case_number": case.number}).status_code == 403
    assert not Case.objects.filter(pk=case.pk, project_line__isnull=False).exists()


def test_other_county_sees_nothing(client, world):
    p = project(world)
    client.force_login(world.other_admin.user)
    assert client.get(f"/staff/projects/{p.pk}/").status_code == 404
    assert "共 0 个项目" in client.get("/staff/projects/").content.decode()


def test_new_project_form_creates_and_refuses_with_400(client, world):
    client.force_login(world.admin.user)
    assert client.get("/staff/projects/new/").status_code == 200
    data = {"name": "云溪县光伏电站项目", "investor": "云溪县阳光电力有限公司", "investment": "8800", "level": "city",
            "proxy": world.proxy.pk, "starts_on": "2026-12-01", "due_on": "2027-06-30",
            "line-1-title": "建设项目用地预审", "line-1-department": world.hall.dept.pk, "line-1-planned_on": "2027-01-20"}
    bad = client.post("/staff/projects/new/", {**data, "investment": "很多"})
    assert bad.status_code == 400
    assert "总投资须为数字" in bad.content.decode()
    bad = client.post("/staff/projects/new/", {**data, "line-1-planned_on": "2027-13-01"})
    assert bad.status_code == 400
    assert not Project.objects.exists()
    ok = client.post("/staff/projects/new/", data)
    p = Project.objects.get()
    assert ok.status_code == 302
    assert ok["Location"] == f"/staff/projects/{p.pk}/"
    assert p.lines.count() == 1


def test_proxy_links_chief_marks_then_self_check(client, world):
    p = project(world)
    case = company_case(world)
    line = p.lines.get(order=1)
    client.force_login(world.proxy.user)
    html = client.get(f"/staff/projects/{p.pk}/").content.decode()
    assert case.number in html  # offered among the investor's joint cases
    r = client.post(f"/staff/projects/{p.pk}/act/link/", {"line": line.pk, "case_choice": case.number}, follow=True)
    assert "已请首席代表标记急办" in r.content.decode()
    r = client.post(f"/staff/projects/{p.pk}/act/link/", {"line": line.pk, "case_number": case.number}, follow=True)
    assert "已关联办件" in r.content.decode()  # the line's message names the refusal
    client.force_login(world.hall.chief.user)
    html = client.get(f"/staff/projects/{p.pk}/").content.decode()
    assert 'data-testid="mark-urgent"' in html
    assert "审查中" in html  # the case's status, read through the case engine
    assert "剩" in html or "超期" in html  # and its clock
    client.post(f"/staff/projects/{p.pk}/act/urgent/", {"line": line.pk})
    case.refresh_from_db()
    assert case.is_urgent
    r = client.post(f"/staff/projects/{p.pk}/act/self_check/", {
        "month": "2026-11-01", "department": world.hall.dept.pk, "progress": "用地预审已受理", "problems": "无",
        "next_steps": "跟进"}, follow=True)
    assert "已填报 2026年11月 的月度自查" in r.content.decode()
    r = client.post(f"/staff/projects/{p.pk}/act/self_check/", {"month": "x"}, follow=True)
    assert "自查月份须为日期" in r.content.decode()
    assert client.post(f"/staff/projects/{p.pk}/act/nonsense/").status_code == 404


def test_quarter_view_and_export(client, world):
    p = project(world, planned=date(2026, 11, 20))
    client.force_login(world.supervisor.user)
    page = client.get("/staff/projects/quarter/?quarter=2026Q4")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2026年第4季度" in html
    assert html.count('data-testid="quarter-row"') == 1
    assert client.get("/staff/projects/quarter/?quarter=2026Q9").status_code == 400
    Project.objects.filter(pk=p.pk).update(investor="=HYPERLINK(\"http://x\")")
    export = client.get("/staff/projects/quarter/export.xlsx?quarter=2026Q4")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "项目编号"
    assert rows[3][2] == "=HYPERLINK(\"http://x\")"
    assert sheet.cell(row=4, column=3).data_type == "s"
