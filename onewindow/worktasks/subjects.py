"""Work tasks and problems as record types of the lifecycle kernel: their deadlines as rows (the
supervision sweep raises yellow and red warnings on them), their chained histories, their titles."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.registry import ChainReport, DeadlineRules, Described, SubjectType, register_subject
from onewindow.lifecycle.selectors import verify_events

from .models import Campaign, CampaignEvent, CampaignReport, Problem, ProblemEvent, Task, TaskEvent
from .rules import PROBLEM_RUNNING, PROBLEM_STATE_LABELS, ProblemState, TaskState

TASK_SUBJECT = "work_task"
PROBLEM_SUBJECT = "problem"
CAMPAIGN_SUBJECT = "campaign"
CAMPAIGN_REPORT_SUBJECT = "campaign_report"

# Supervision's rule codes, by name only (the arrows point down).
_RULES = DeadlineRules(yellow="deadline_near", overdue="deadline_overdue")


def task_deadlines(task: Task) -> list[DeadlineSpec]:
    """The task's completion deadline: running until the task is closed."""
    spec = DeadlineSpec(Kind.REPLY, task.due_on, department_id=task.lead_id, title="任务完成时限",
                        yellow_from=task.yellow_from, explanation=task.due_explanation)
    return [spec] if task.state == TaskState.OPEN else [spec.closed("任务已完成")]


def problem_deadlines(problem: Problem) -> list[DeadlineSpec]:
    """The rectification deadline: running while the problem is being rectified."""
    if problem.due_on is None:
        return []
    spec = DeadlineSpec(Kind.REPLY, problem.due_on, department_id=problem.department_id,
                        responsible_id=problem.responsible_id, title="整改时限", yellow_from=problem.yellow_from,
                        explanation=problem.due_explanation)
    if problem.state in PROBLEM_RUNNING:
        return [spec]
    return [spec.closed(f"问题{PROBLEM_STATE_LABELS[ProblemState(problem.state)]}")]


def campaign_report_deadlines(report: CampaignReport) -> list[DeadlineSpec]:
    """A written report's deadline (书面报送): running until the unit hands it in."""
    spec = DeadlineSpec(Kind.REPLY, report.due_on, department_id=report.department_id,
                        title=f"书面报送：{report.title}"[:120], yellow_from=report.yellow_from,
                        explanation=f"专项行动要求于 {report.due_on.isoformat()} 前报送")
    return [spec] if report.submitted_at is None else [spec.closed("已报送")]


def _describe_tasks(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=f"{number}（{title}）"[:120]) for pk, number, title in
            Task.objects.filter(id__in=list(ids)).values_list("id", "number", "title")}


def _describe_problems(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=f"{number}（{title}）"[:120]) for pk, number, title in
            Problem.objects.filter(id__in=list(ids)).values_list("id", "number", "title")}


def _describe_reports(ids: Sequence[int]) -> dict[int, Described]:
    return {rep.pk: Described(title=f"{rep.campaign.number} {rep.department.name}：{rep.title}"[:120])
            for rep in CampaignReport.objects.filter(id__in=list(ids)).select_related("campaign", "department")}


def _describe_campaigns(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=f"{number}（{title}）"[:120]) for pk, number, title in
            Campaign.objects.filter(id__in=list(ids)).values_list("id", "number", "title")}


def _verify_campaigns(label: str | None) -> Iterator[ChainReport]:
    campaigns = Campaign.objects.order_by("id")
    if label is not None:
        campaigns = campaigns.filter(number=label)
    for campaign in campaigns.iterator(chunk_size=500):
        events = CampaignEvent.objects.filter(campaign=campaign).order_by("seq")
        yield ChainReport(CAMPAIGN_SUBJECT, campaign.number, verify_events(events, campaign.number))


def _verify_tasks(label: str | None) -> Iterator[ChainReport]:
    tasks = Task.objects.order_by("id")
    if label is not None:
        tasks = tasks.filter(number=label)
    for task in tasks.iterator(chunk_size=500):
        events = TaskEvent.objects.filter(task=task).order_by("seq")
        yield ChainReport(TASK_SUBJECT, task.number, verify_events(events, task.number))


def _verify_problems(label: str | None) -> Iterator[ChainReport]:
    problems = Problem.objects.order_by("id")
    if label is not None:
        problems = problems.filter(number=label)
    for problem in problems.iterator(chunk_size=500):
        events = ProblemEvent.objects.filter(problem=problem).order_by("seq")
        yield ChainReport(PROBLEM_SUBJECT, problem.number, verify_events(events, problem.number))


def register() -> None:
    register_subject(SubjectType(key=TASK_SUBJECT, noun="工作任务", describe=_describe_tasks, verify=_verify_tasks,
                                 deadline_rules={Kind.REPLY: _RULES}))
    register_subject(SubjectType(key=PROBLEM_SUBJECT, noun="整改问题", describe=_describe_problems,
                                 verify=_verify_problems, deadline_rules={Kind.REPLY: _RULES}))
    # A campaign's history is one chain (phases, reports required and handed in, publication);
    # each written report owed is a record of its own for its deadline row.
    register_subject(SubjectType(key=CAMPAIGN_SUBJECT, noun="专项行动", describe=_describe_campaigns,
                                 verify=_verify_campaigns))
    register_subject(SubjectType(key=CAMPAIGN_REPORT_SUBJECT, noun="书面报送", describe=_describe_reports,
                                 deadline_rules={Kind.REPLY: _RULES}))
