"""The staff pages: plan roll-up, export, import (errors listed, nothing imported), task actions,
problem actions (self-verification refused on the page), the phone checklist making problems."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from onewindow.worktasks import services as s
from onewindow.worktasks.models import Problem, Task

from .helpers import plan_with_task

pytestmark = pytest.mark.django_db
BASE = "/staff/worktasks"


def _xlsx(rows) -> bytes:
    book = Workbook()
    book.active.append(["序号", "任务", "牵头单位", "责任单位", "责任人", "完成时限"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_plan_page_export_and_import(client, people):
    plan, task = plan_with_task(people)
    client.force_login(people.admin.user)
    page = client.get(f"{BASE}/plans/{plan.pk}/")
    assert page.status_code == 200
    assert "云溪县税务局" in page.content.decode()
    export = client.get(f"{BASE}/plans/{plan.pk}/export.xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = SimpleUploadedFile("p.xlsx", _xlsx([["9", "坏行", "", "云溪县税务局", "李四", "5个工作日"],
                                              ["10", "好行", "云溪县工商局", "云溪县税务局", "李四", "5个工作日"]]))
    r = client.post(f"{BASE}/plans/{plan.pk}/import/", {"file": bad})
    assert r.status_code == 400
    assert "请填写牵头单位" in r.content.decode()
    assert plan.tasks.count() == 1
    good = SimpleUploadedFile("p.xlsx", _xlsx([["10", "好行", "云溪县工商局", "云溪县税务局", "李四", "5个工作日"]]))
    r = client.post(f"{BASE}/plans/{plan.pk}/import/", {"file": good})
    assert r.status_code == 302
    assert plan.tasks.count() == 2


def test_task_page_report_and_refusal(client, people):
    _plan, task = plan_with_task(people)
    client.force_login(people.tax_reviewer.user)
    assert client.get(f"{BASE}/tasks/{task.pk}/").status_code == 200
    client.post(f"{BASE}/tasks/{task.pk}/act/report/", {"department": people.tax.pk, "progress": "40",
                                                        "text": "进行中"})
    assert task.units.get(department=people.tax).progress == 40
    r = client.post(f"{BASE}/tasks/{task.pk}/act/urge/", {"note": "x"}, follow=True)
    assert "没有" in r.content.decode()  # not a supervisor
    client.force_login(people.other_admin.user)
    assert client.get(f"{BASE}/tasks/{task.pk}/").status_code == 404


def test_problem_page_and_checklist(client, people):
    insp = s.inspection_create(actor=people.admin, region_id=people.hall.county.pk, kind="inspection", title="明察",
                               planned_on=date(2026, 10, 14), window_ids=[people.hall.window.pk],
                               criteria=["presence", "dress"])
    client.force_login(people.admin.user)
    assert client.get(f"{BASE}/inspections/{insp.pk}/checklist/").status_code == 200
    w = people.hall.window.pk
    client.post(f"{BASE}/inspections/{insp.pk}/checklist/", {f"fail-{w}-presence": "1", f"note-{w}-presence": "无人",
                                                             f"note-{w}-dress": "未勾选不算"})
    problem = Problem.objects.get()
    assert problem.finding.criterion == "presence"
    client.post(f"{BASE}/problems/{problem.pk}/act/assign/", {"department": people.tax.pk,
                                                              "responsible": people.tax_reviewer.pk})
    client.force_login(people.tax_reviewer.user)
    client.post(f"{BASE}/problems/{problem.pk}/act/plan/", {"measures": "AB岗", "due_workdays": "5"})
    client.post(f"{BASE}/problems/{problem.pk}/act/submit/", {"note": "完成"})
    client.force_login(people.tax_chief.user)
    r = client.post(f"{BASE}/problems/{problem.pk}/act/verify/", {"note": "自验"}, follow=True)
    assert "责任单位不能自己核验" in r.content.decode()
    client.force_login(people.gsj_chief.user)
    client.post(f"{BASE}/problems/{problem.pk}/act/verify/", {"note": "现场核验"})
    assert Problem.objects.get().state == "closed"
    assert client.get(f"{BASE}/problems/").status_code == 200
    assert Task.objects.count() == 0
