"""The center's monthly meeting: the minutes recorded and each decision a work task of the year's
plan of meeting decisions (lead unit, owner, deadline in working days); the page."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.hall import meeting_services
from onewindow.hall.meeting_services import DecisionInput
from onewindow.hall.models import Meeting
from onewindow.worktasks.models import Plan, Task

from .helpers import at

pytestmark = pytest.mark.django_db


def record(lobby, actor=None, decisions=None, **kwargs):
    dept = lobby.hall.dept
    return meeting_services.meeting_record(
        actor=actor or lobby.admin, region=lobby.hall.county, held_on=date(2026, 9, 28), title="9月中心例会",
        minutes="通报窗口效能；研究延时服务。", at=at(15, 0),
        decisions=[DecisionInput("周六上午延时服务方案", dept.pk, "王科长", 10)] if decisions is None else decisions,
        **kwargs)


def test_each_decision_becomes_a_task_of_the_years_plan(lobby):
    meeting = record(lobby)
    decision = meeting.decisions.get()
    task = decision.task
    assert task.plan.title == "2026年中心例会决定事项"
    assert task.lead == lobby.hall.dept
    assert task.title == "9月中心例会决定1：周六上午延时服务方案"
    assert task.units.get().owner_name == "王科长"
    assert task.starts_on == date(2026, 9, 28)
    assert task.due_workdays == 10
    assert task.due_on == date(2026, 10, 16)  # ten working days over the National Day holidays
    # the next meeting of the year adds to the same plan
    record(lobby)
    assert Plan.objects.filter(title="2026年中心例会决定事项").count() == 1
    assert Task.objects.count() == 2


def test_a_meeting_needs_minutes_and_each_decision_text(lobby):
    with pytest.raises(DomainError) as exc:
        meeting_services.meeting_record(actor=lobby.admin, region=lobby.hall.county, held_on=date(2026, 9, 28),
                                        title="例会", minutes=" ", decisions=[])
    assert exc.value.field == "minutes"
    with pytest.raises(DomainError) as exc:
        record(lobby, decisions=[DecisionInput(" ", lobby.hall.dept.pk, "王", 10)])
    assert exc.value.field == "decision1_text"
    assert not Meeting.objects.exists()


def test_a_bad_lead_unit_leaves_nothing_behind(lobby):
    with pytest.raises(DomainError):
        record(lobby, decisions=[DecisionInput("事项", lobby.hall.dept.pk, "王", 10),
                                 DecisionInput("事项二", 999999, "李", 10)])
    assert not Meeting.objects.exists()
    assert not Task.objects.exists()


def test_only_the_center_administrator_records(lobby):
    with pytest.raises(PermissionDenied):
        record(lobby, actor=lobby.clerk1)


def test_the_page_records_a_meeting_and_lists_its_tasks(lobby):
    client = Client()
    client.force_login(lobby.admin.user)
    answer = client.post("/staff/hall/meetings/", {
        "held_on": "2026-09-28", "title": "9月中心例会", "minutes": "纪要", "decision1_text": "整改窗口空岗",
        "decision1_lead": str(lobby.hall.dept.pk), "decision1_owner": "王科长", "decision1_workdays": "5"})
    assert answer.status_code == 302
    page = client.get("/staff/hall/meetings/").content.decode()
    task = Task.objects.get()
    assert "整改窗口空岗" in page
    assert task.number in page
    bad = client.post("/staff/hall/meetings/", {"held_on": "2026-09-28", "title": "例会", "minutes": ""})
    assert bad.status_code == 400
    client.force_login(lobby.clerk1.user)
    assert client.get("/staff/hall/meetings/").status_code == 403
