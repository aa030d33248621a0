"""Major projects as a record type of the lifecycle kernel: each plan line's planned date and each
month's self-check are deadline rows of the project (the supervision sweep warns when a planned
date passes with its approval not done, or a self-check is not filed by its day), and the
project's history is one chain."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.urls import reverse

from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.registry import ChainReport, DeadlineRules, Described, SubjectType, register_subject
from onewindow.lifecycle.selectors import verify_events

from .models import PlanLine, Project, ProjectEvent, SelfCheck
from .rules import month_key

PROJECT_SUBJECT = "major_project"

# Supervision's rule codes, by name only (the arrows point down).
_RULES = DeadlineRules(yellow="deadline_near", overdue="deadline_overdue")


def line_deadline(line: PlanLine) -> DeadlineSpec:
    """A plan line's planned date: running until its approval is done."""
    spec = DeadlineSpec(Kind.REPLY, line.planned_on, key=f"line-{line.order}", department_id=line.department_id,
                        title=f"审批计划：{line.title}"[:100],
                        explanation=f"项目审批计划要求于 {line.planned_on.isoformat()} 前办结")
    return spec if line.done_on is None else spec.closed("审批已办结")


def check_deadline(check: SelfCheck, proxy_id: int | None = None, department_id: int | None = None) -> DeadlineSpec:
    """A month's self-check: due by the fifth working day of the next month, until filed. Its
    warnings go to the department of the plan's first line (the lead unit; a warning names a
    department) and name the proxy."""
    spec = DeadlineSpec(Kind.REPLY, check.due_on, key=month_key(check.month), responsible_id=proxy_id,
                        department_id=department_id,
                        title=f"{check.month.year}年{check.month.month}月月度自查",
                        explanation=f"月度自查应于次月第5个工作日（{check.due_on.isoformat()}）前填报")
    return spec if check.submitted_at is None else spec.closed("已填报")


def project_deadlines(project: Project) -> list[DeadlineSpec]:
    """Every deadline of the project now: its plan lines and its self-checks."""
    lines = sorted(project.lines.all(), key=lambda line: line.order)
    lead = lines[0].department_id if lines else None
    specs = [line_deadline(line) for line in lines]
    specs += [check_deadline(check, project.proxy_id, lead) for check in project.self_checks.all()]
    return specs


def _describe(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=f"{number}（{name}）"[:120]) for pk, number, name in
            Project.objects.filter(id__in=list(ids)).values_list("id", "number", "name")}


def _url(pk: int, _described: Described) -> str:
    return reverse("workbench:projects:detail", args=[pk])


def _verify(label: str | None) -> Iterator[ChainReport]:
    projects = Project.objects.order_by("id")
    if label is not None:
        projects = projects.filter(number=label)
    for project in projects.iterator(chunk_size=500):
        events = ProjectEvent.objects.filter(project=project).order_by("seq")
        yield ChainReport(PROJECT_SUBJECT, project.number, verify_events(events, project.number))


def register() -> None:
    register_subject(SubjectType(key=PROJECT_SUBJECT, noun="重点项目", describe=_describe, url=_url,
                                 verify=_verify, deadline_rules={Kind.REPLY: _RULES}))
