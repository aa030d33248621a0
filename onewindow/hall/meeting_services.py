"""The center's monthly meeting (中心月度例会): its minutes recorded, and each decision turned into a
work task (worktasks: lead unit, owner, deadline in working days, supervised like any task) in the
year's plan of meeting decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from onewindow.core.errors import DomainError
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import Action, require
from onewindow.worktasks.models import Plan
from onewindow.worktasks.services import UnitInput, plan_create, task_create

from .models import Meeting, MeetingDecision

MAX_DECISIONS = 20


@dataclass(frozen=True)
class DecisionInput:
    """A decision: what, which department leads it, who owns it, in how many working days."""

    text: str
    lead_id: int
    owner_name: str
    due_workdays: int


def decisions_plan_title(year: int) -> str:
    return f"{year}年中心例会决定事项"


def _plan(region: Region, year: int, actor: Staff, at: datetime) -> Plan:
    plan = Plan.objects.filter(region=region, year=year, title=decisions_plan_title(year)).first()
    return plan or plan_create(actor=actor, region_id=region.pk, title=decisions_plan_title(year), year=year, at=at)


def meeting_record(*, actor: Staff, region: Region, held_on: date, title: str, minutes: str,
                   decisions: list[DecisionInput], attendees: str = "", at: datetime | None = None) -> Meeting:
    """Record a meeting's minutes; each decision becomes a task of the year's plan of meeting
    decisions, led by its department, starting on the meeting day (center administrators)."""
    at = at or current_time()
    require(actor, Action.ORGANIZATION_EDIT, region=region)
    title, minutes = title.strip(), minutes.strip()
    if not title:
        raise DomainError("hall.meeting_title", "请填写会议名称", field="title")
    if not minutes:
        raise DomainError("hall.meeting_minutes", "请填写会议纪要", field="minutes")
    if len(decisions) > MAX_DECISIONS:
        raise DomainError("hall.meeting_decisions", f"一次最多记录{MAX_DECISIONS}项决定", field="decisions")
    for n, d in enumerate(decisions, start=1):
        if not d.text.strip():
            raise DomainError("hall.meeting_decision_text", f"第{n}项决定未填写内容", field=f"decision{n}_text")
        if not 1 <= d.due_workdays <= 250:
            raise DomainError("hall.meeting_decision_due", f"第{n}项决定的时限应为1至250个工作日",
                              field=f"decision{n}_workdays")
    with transaction.atomic():
        meeting = Meeting.objects.create(region=region, held_on=held_on, title=title[:120], minutes=minutes,
                                         attendees=attendees.strip()[:400], recorded_by=actor, recorded_at=at)
        if decisions:
            plan = _plan(region, held_on.year, actor, at)
            for n, d in enumerate(decisions, start=1):
                task = task_create(actor=actor, plan_id=plan.pk, title=f"{meeting.title}决定{n}：{d.text.strip()}"[:300],
                                   lead_id=d.lead_id, units=[UnitInput(department_id=d.lead_id, owner_name=d.owner_name)],
                                   starts_on=held_on, due_workdays=d.due_workdays, code=f"{held_on:%m}.{n}",
                                   deliverable=d.text.strip(), at=at)
                MeetingDecision.objects.create(meeting=meeting, number=n, text=d.text.strip()[:300], task=task)
    return meeting
