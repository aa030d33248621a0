"""Every write of work tasks and problems: one function per action, one transaction, the
permission checked, the record locked, the event chained and the deadline rows written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction

from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.center_settings import yellow_share
from onewindow.lifecycle.deadlines import by_identity, changes
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.lifecycle.transitions import Refused
from onewindow.organization.models import Department, Region, Staff
from onewindow.organization.rules import is_within
from onewindow.workdays.explain import explain_deadline
from onewindow.workdays.selectors import snapshot_for

from . import rules as r
from .models import (
    Milestone,
    Plan,
    Problem,
    ProblemEvent,
    Task,
    TaskEvent,
    TaskReport,
    TaskUnit,
    WorktasksSequence,
)
from .permissions import Perm, require
from .rules import PROBLEM_TABLE, TASK_TABLE, ProblemAction, ProblemState, TaskAction
from .subjects import PROBLEM_SUBJECT, TASK_SUBJECT, problem_deadlines, task_deadlines

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _number(region: Region, year: int, kind: str) -> str:
    last = next_value(WorktasksSequence, {"region_id": region.pk, "year": year, "kind": kind})
    return f"{region.prefix}-{kind}{year}-{last:05d}"


def _move(table: Any, action: Any, state: Any) -> Any:
    try:
        return table.next_state(action, state)
    except Refused as exc:
        raise DomainError(exc.code, exc.message, field="action") from None


def _text(value: str | None, field: str, what: str, *, required: bool = True, limit: int = 4000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"worktasks.{field}_required", f"请填写{what}", field=field)
    if len(value) > limit:
        raise DomainError(f"worktasks.{field}_too_long", f"{what}最多 {limit} 字", field=field)
    return value


def _check_version(record: Any, expected: int | None) -> None:
    if expected is not None and expected != record.row_version:
        raise Conflict("record.stale", "该记录已被他人更新，请刷新后重试", field="row_version")


@dataclass(frozen=True)
class Due:
    due_on: date
    yellow_from: date | None
    explanation: str


def due_for(region: Region, start: date, *, workdays: int | None = None, due_on: date | None = None,
            what: str) -> Due:
    """A deadline in working days after ``start`` or on a calendar date, with its yellow line on the
    center's share, explained (the workdays engine counts; nothing here counts days by hand)."""
    snapshot = snapshot_for(region.code)
    share = yellow_share(region.code)
    if workdays is not None:
        if workdays <= 0:
            raise DomainError("worktasks.workdays_invalid", "工作日时限须为正数", field="due_workdays")
        x = explain_deadline(snapshot, start, workdays)
        offset = r.yellow_offset(workdays, share)
        yellow = snapshot.add_workdays(start, offset) if offset is not None else None
        return Due(x.due, yellow, f"{what}：" + "；".join(x.text("zh")))
    if due_on is None:
        raise DomainError("worktasks.due_required", "请填写完成时限（工作日或日期）", field="due_on")
    if due_on < start:
        raise DomainError("worktasks.due_before_start", "完成时限不能早于起始日", field="due_on")
    n = snapshot.workdays_between(start, due_on)
    offset = r.yellow_offset(n, share) if n > 0 else None
    yellow = snapshot.add_workdays(start, offset) if offset is not None else None
    return Due(due_on, yellow, f"{what}：{due_on.isoformat()}（起始日 {start.isoformat()} 后第 {n} 个工作日）")


# -- plans and tasks -------------------------------------------------------------------------------------


def plan_create(*, actor: Staff, region_id: int, title: str, year: int, at: datetime | None = None) -> Plan:
    """A new plan of ``region``."""
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound("区划不存在", code="region.not_found", field="region")
    require(actor, Perm.PLAN_MANAGE, region=region)
    return Plan.objects.create(region=region, title=_text(title, "title", "计划名称", limit=200), year=year,
                               created_by=actor, created_at=at or current_time())


@dataclass(frozen=True)
class UnitInput:
    """A responsible unit of a task and its named owner (a staff member, or just a name)."""

    department_id: int
    owner_name: str = ""
    owner_id: int | None = None


def _unit_departments(plan: Plan, units: list[UnitInput]) -> list[tuple[Department, UnitInput]]:
    if not units:
        raise DomainError("worktasks.units_required", "请至少填写一个责任单位", field="units")
    out: list[tuple[Department, UnitInput]] = []
    seen: set[int] = set()
    depts = Department.objects.select_related("region").in_bulk([u.department_id for u in units])
    for u in units:
        dept = depts.get(u.department_id)
        if dept is None:
            raise NotFound("责任单位不存在", code="department.not_found", field="units")
        if not is_within(dept.region.code, plan.region.code):
            raise DomainError("worktasks.unit_outside_region",
                              f"责任单位“{dept.name}”不属于本计划的区划（{plan.region.name}）", field="units")
        if dept.pk in seen:
            raise DomainError("worktasks.unit_duplicate", f"责任单位“{dept.name}”重复", field="units")
        if not (u.owner_name or "").strip() and u.owner_id is None:
            raise DomainError("worktasks.owner_required", f"请填写“{dept.name}”的责任人", field="units")
        seen.add(dept.pk)
        out.append((dept, u))
    return out


def task_create(*, actor: Staff, plan_id: int, title: str, lead_id: int | None, units: list[UnitInput],
                starts_on: date, due_workdays: int | None = None, due_on: date | None = None,
                parent_id: int | None = None, code: str = "", deliverable: str = "", standard: str = "",
                measures: str = "", milestones: list[tuple[str, date]] | None = None,
                at: datetime | None = None) -> Task:
    """A task of a plan with its lead unit, responsible units (each with an owner), the six 定,
    milestones and a deadline (working days or a date) written as a Deadline row."""
    at = at or current_time()
    with transaction.atomic():
        plan = Plan.objects.select_related("region").filter(pk=plan_id).first()
        if plan is None:
            raise NotFound("工作计划不存在", code="plan.not_found", field="plan")
        require(actor, Perm.PLAN_MANAGE, region=plan.region)
        state = _move(TASK_TABLE, TaskAction.CREATE, None)
        title = _text(title, "title", "任务名称", limit=300)
        if lead_id is None:
            raise DomainError("worktasks.lead_required", "请填写牵头单位", field="lead")
        lead = Department.objects.select_related("region").filter(pk=lead_id).first()
        if lead is None:
            raise NotFound("牵头单位不存在", code="department.not_found", field="lead")
        if not is_within(lead.region.code, plan.region.code):
            raise DomainError("worktasks.lead_outside_region",
                              f"牵头单位“{lead.name}”不属于本计划的区划（{plan.region.name}）", field="lead")
        chosen = _unit_departments(plan, units)
        parent = None
        if parent_id is not None:
            parent = Task.objects.filter(pk=parent_id, plan=plan).first()
            if parent is None:
                raise NotFound("上级任务不存在", code="task.parent_not_found", field="parent")
        due = due_for(plan.region, starts_on, workdays=due_workdays, due_on=due_on, what="任务完成时限")
        for name, day in milestones or []:
            if day > due.due_on:
                raise DomainError("worktasks.milestone_after_due", f"节点“{name}”晚于任务完成时限", field="milestones")
        task = Task.objects.create(
            plan=plan, parent=parent, number=_number(plan.region, plan.year, "RW"), code=code[:20], title=title,
            lead=lead, deliverable=deliverable, standard=standard, measures=measures, starts_on=starts_on,
            due_on=due.due_on, due_workdays=due_workdays, yellow_from=due.yellow_from,
            due_explanation=due.explanation, state=state)
        TaskUnit.objects.bulk_create([
            TaskUnit(task=task, department=dept, owner_id=u.owner_id,
                     owner_name=(u.owner_name or "").strip()[:64] or
                     str(Staff.objects.filter(pk=u.owner_id).values_list("name", flat=True).first() or ""))
            for dept, u in chosen])
        Milestone.objects.bulk_create([Milestone(task=task, title=name[:200], due_on=day)
                                       for name, day in milestones or []])
        _task_event(task, "created", actor, at, f"创建任务，牵头单位 {lead.name}",
                    {"units": [d.pk for d, _u in chosen], "due_on": due.due_on.isoformat()})
        deadlines_write(subject_type=TASK_SUBJECT, subject_id=task.pk, region_id=plan.region_id,
                        specs=task_deadlines(task), at=at)
    return task


def _task_event(task: Task, kind: str, actor: Staff | None, at: datetime, note: str = "",
                payload: dict | None = None) -> TaskEvent:
    return event_append(TaskEvent(task=task, kind=kind, at=at, actor=actor, note=note, payload=payload or {}),
                        subject_label=task.number, previous=task.events.order_by("-seq").first())


def _locked_task(task_id: int) -> Task:
    task = Task.objects.select_for_update().select_related("plan__region").filter(pk=task_id).first()
    if task is None:
        raise NotFound("工作任务不存在", code="task.not_found", field="task")
    return task


def task_report(*, actor: Staff, task_id: int, department_id: int, text: str, progress: int,
                attachment: Any = None, at: datetime | None = None) -> TaskReport:
    """A responsible unit reports progress (its share done, its words, optionally a file)."""
    at = at or current_time()
    with transaction.atomic():
        task = _locked_task(task_id)
        _move(TASK_TABLE, TaskAction.REPORT, task.state)
        unit = TaskUnit.objects.filter(task=task, department_id=department_id).first()
        if unit is None:
            raise DomainError("worktasks.not_a_unit", "该单位不是本任务的责任单位", field="department")
        require(actor, Perm.TASK_REPORT, region=task.plan.region, department=department_id)
        try:
            share = r.percent(progress)
        except ValueError:
            raise DomainError("worktasks.progress_invalid", "进度须为 0 到 100 的整数", field="progress") from None
        if attachment is not None and getattr(attachment, "size", 0) > MAX_ATTACHMENT_BYTES:
            raise DomainError("worktasks.attachment_too_large", "附件不能超过 10 MB", field="attachment")
        report = TaskReport.objects.create(task=task, department_id=department_id,
                                           text=_text(text, "text", "进展情况"), progress=share, actor=actor, at=at)
        if attachment is not None:
            report.attachment.save(getattr(attachment, "name", "attachment"), attachment, save=True)
        unit.progress = share
        unit.save(update_fields=["progress"])
        _task_event(task, "reported", actor, at, report.text, {"department": department_id, "progress": share})
        task.row_version += 1
        task.save(update_fields=["row_version"])
    return report


def task_consolidate(*, actor: Staff, task_id: int, summary: str, at: datetime | None = None,
                     row_version: int | None = None) -> Task:
    """The lead unit consolidates the units' reports: the task's progress is their mean."""
    at = at or current_time()
    with transaction.atomic():
        task = _locked_task(task_id)
        _check_version(task, row_version)
        _move(TASK_TABLE, TaskAction.CONSOLIDATE, task.state)
        require(actor, Perm.TASK_REPORT, region=task.plan.region, department=task.lead_id)
        shares = list(task.units.values_list("progress", flat=True))
        task.progress = round(sum(shares) / len(shares)) if shares else 0
        task.summary = _text(summary, "summary", "汇总情况")
        task.row_version += 1
        task.save(update_fields=["progress", "summary", "row_version"])
        _task_event(task, "consolidated", actor, at, task.summary, {"progress": task.progress})
    return task


def task_urge(*, actor: Staff, task_id: int, note: str, at: datetime | None = None) -> Task:
    """督办: a supervisor urges a task past (or near) its deadline; recorded on the task's history."""
    at = at or current_time()
    with transaction.atomic():
        task = _locked_task(task_id)
        _move(TASK_TABLE, TaskAction.URGE, task.state)
        require(actor, Perm.TASK_URGE, region=task.plan.region)
        today = local_date(at)
        if (task.yellow_from is None or today < task.yellow_from) and today <= task.due_on:
            raise DomainError("worktasks.urge_not_late", "任务尚未临期或逾期，无需督办", field="task")
        task.urged_count += 1
        task.row_version += 1
        task.save(update_fields=["urged_count", "row_version"])
        _task_event(task, "urged", actor, at, _text(note, "note", "督办意见"),
                    {"overdue": today > task.due_on})
    return task


def task_close(*, actor: Staff, task_id: int, note: str = "", at: datetime | None = None) -> Task:
    """The task is done: its deadline row closes (warnings about it resolve)."""
    at = at or current_time()
    with transaction.atomic():
        task = _locked_task(task_id)
        before = by_identity(task_deadlines(task))
        task.state = _move(TASK_TABLE, TaskAction.CLOSE, task.state)
        require(actor, Perm.PLAN_MANAGE, region=task.plan.region)
        task.closed_on = local_date(at)
        task.progress = 100
        task.row_version += 1
        task.save(update_fields=["state", "closed_on", "progress", "row_version"])
        _task_event(task, "closed", actor, at, note)
        deadlines_write(subject_type=TASK_SUBJECT, subject_id=task.pk, region_id=task.plan.region_id,
                        specs=changes(before, task_deadlines(task)), at=at)
    return task


# -- problems → responsibilities → rectifications ---------------------------------------------------------


def _problem_event(problem: Problem, kind: str, actor: Staff | None, at: datetime, note: str = "",
                   payload: dict | None = None) -> ProblemEvent:
    return event_append(ProblemEvent(problem=problem, kind=kind, at=at, actor=actor, note=note,
                                     payload=payload or {}),
                        subject_label=problem.number, previous=problem.events.order_by("-seq").first())


def problem_record(*, actor: Staff, region_id: int, title: str, source: str, evidence: str,
                   campaign: str = "", window_id: int | None = None, finding_id: int | None = None,
                   at: datetime | None = None) -> Problem:
    """A problem enters the 问题清单 with its source and evidence."""
    at = at or current_time()
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound("区划不存在", code="region.not_found", field="region")
    require(actor, Perm.PROBLEM_MANAGE, region=region)
    try:
        src = r.Source(source)
    except ValueError:
        raise DomainError("worktasks.source_invalid", "问题来源无效", field="source") from None
    with transaction.atomic():
        state = _move(PROBLEM_TABLE, ProblemAction.RECORD, None)
        problem = Problem.objects.create(
            region=region, number=_number(region, local_date(at).year, "WT"), campaign=campaign[:200],
            title=_text(title, "title", "问题描述", limit=300), source=src,
            evidence=_text(evidence, "evidence", "问题证据"), window_id=window_id, finding_id=finding_id,
            state=state, recorded_at=at)
        _problem_event(problem, "recorded", actor, at, problem.title, {"source": src.value})
    return problem


def _locked_problem(problem_id: int) -> Problem:
    problem = Problem.objects.select_for_update().select_related("region").filter(pk=problem_id).first()
    if problem is None:
        raise NotFound("问题不存在", code="problem.not_found", field="problem")
    return problem


def problem_act(*, actor: Staff, problem_id: int, action: str, note: str = "", department_id: int | None = None,
                responsible_id: int | None = None, measures: str = "", due_workdays: int | None = None,
                due_on: date | None = None, recheck_months: int = r.RECHECK_MONTHS_DEFAULT,
                row_version: int | None = None, at: datetime | None = None) -> Problem:
    """One step of a problem's lifecycle (``action`` a :class:`ProblemAction` value other than record).

    assign: the responsible unit and person; plan: measures and a deadline (working days or a date);
    progress / submit: the responsible unit; verify (销号): someone of ANOTHER unit, with evidence in
    ``note``, schedules the 回头看 ``recheck_months`` later; reject, recheck_pass, reopen.
    """
    at = at or current_time()
    try:
        act = ProblemAction(action)
    except ValueError:
        raise NotFound("没有这种操作", code="problem.action_unknown", field="action") from None
    if act == ProblemAction.RECORD:
        raise NotFound("没有这种操作", code="problem.action_unknown", field="action")
    with transaction.atomic():
        problem = _locked_problem(problem_id)
        _check_version(problem, row_version)
        before = by_identity(problem_deadlines(problem))
        target = _move(PROBLEM_TABLE, act, ProblemState(problem.state))
        region = problem.region
        payload: dict[str, Any] = {}
        today = local_date(at)
        if act == ProblemAction.ASSIGN:
            require(actor, Perm.PROBLEM_MANAGE, region=region)
            dept = Department.objects.select_related("region").filter(pk=department_id).first()
            if dept is None:
                raise DomainError("worktasks.department_required", "请指定责任单位", field="department")
            if not is_within(dept.region.code, region.code):
                raise DomainError("worktasks.unit_outside_region", f"责任单位“{dept.name}”不属于本区划",
                                  field="department")
            person = Staff.objects.filter(pk=responsible_id).first() if responsible_id else None
            if person is None:
                raise DomainError("worktasks.responsible_required", "请指定责任人", field="responsible")
            problem.department, problem.responsible = dept, person
            payload = {"department": dept.pk, "responsible": person.pk}
        elif act in (ProblemAction.PLAN, ProblemAction.PROGRESS, ProblemAction.SUBMIT):
            require(actor, Perm.PROBLEM_RECTIFY, region=region, department=problem.department_id)
            if act == ProblemAction.PLAN:
                problem.measures = _text(measures, "measures", "整改措施")
                due = due_for(region, today, workdays=due_workdays, due_on=due_on, what="整改时限")
                problem.due_on, problem.yellow_from, problem.due_explanation = (due.due_on, due.yellow_from,
                                                                                due.explanation)
                payload = {"due_on": due.due_on.isoformat()}
            else:
                note = _text(note, "note", "整改进展" if act == ProblemAction.PROGRESS else "整改完成情况")
        elif act in (ProblemAction.VERIFY, ProblemAction.REJECT):
            require(actor, Perm.PROBLEM_MANAGE, region=region)
            if actor.department_id is not None and actor.department_id == problem.department_id:
                raise DomainError("worktasks.self_verification",
                                  "销号核验须由责任单位以外的人员进行，责任单位不能自己核验", field="actor")
            note = _text(note, "note", "核验情况和证据")
            if act == ProblemAction.VERIFY:
                problem.verified_by = actor
                problem.closed_on = today
                problem.recheck_on = r.add_months(today, max(1, int(recheck_months)))
                payload = {"recheck_on": problem.recheck_on.isoformat()}
        else:  # the 回头看
            require(actor, Perm.PROBLEM_MANAGE, region=region)
            note = _text(note, "note", "回头看情况")
            if act == ProblemAction.REOPEN:
                problem.reopened_count += 1
                problem.verified_by = None
                problem.closed_on = None
                due = due_for(region, today, workdays=due_workdays, due_on=due_on, what="重新整改时限")
                problem.due_on, problem.yellow_from, problem.due_explanation = (due.due_on, due.yellow_from,
                                                                                due.explanation)
                payload = {"due_on": due.due_on.isoformat()}
        problem.state = target
        problem.row_version += 1
        problem.save()
        _problem_event(problem, act.value, actor, at, note, payload)
        deadlines_write(subject_type=PROBLEM_SUBJECT, subject_id=problem.pk, region_id=problem.region_id,
                        specs=changes(before, problem_deadlines(problem)), at=at)
    return problem


# -- inspections and mystery visits ------------------------------------------------------------------------


def inspection_create(*, actor: Staff, region_id: int, kind: str, title: str, planned_on: date,
                      window_ids: list[int], criteria: list[str] | None = None, wait_minutes: int | None = None,
                      answers: str = "", visits_needed: int | None = None, at: datetime | None = None) -> Any:
    """An inspection plan (明察: which windows, which criteria) or a mystery visit (暗访: recorded as
    the citizen lived it — the window is not told, so nothing is sent to it)."""
    from onewindow.organization.models import Window

    from .models import Inspection

    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound("区划不存在", code="region.not_found", field="region")
    require(actor, Perm.INSPECT, region=region)
    if kind not in r.INSPECTION_KINDS:
        raise DomainError("worktasks.inspection_kind_invalid", "检查方式须为明察或暗访", field="kind")
    criteria = list(criteria or r.CRITERIA)
    bad = [c for c in criteria if c not in r.CRITERIA]
    if bad:
        raise DomainError("worktasks.criterion_unknown", f"未知检查项：{'、'.join(bad)}", field="criteria")
    windows = list(Window.objects.filter(pk__in=window_ids, region__code__startswith=region.prefix))
    if not window_ids or len(windows) != len(set(window_ids)):
        raise DomainError("worktasks.windows_invalid", "请选择本区划的窗口", field="windows")
    if kind == "mystery" and wait_minutes is None:
        raise DomainError("worktasks.wait_required", "暗访须记录等候时间（分钟）", field="wait_minutes")
    with transaction.atomic():
        inspection = Inspection.objects.create(
            region=region, kind=kind, title=_text(title, "title", "检查名称", limit=200), planned_on=planned_on,
            criteria=criteria, inspector=actor, wait_minutes=wait_minutes, answers=answers.strip(),
            visits_needed=visits_needed, created_at=at or current_time())
        inspection.windows.set(windows)
    return inspection


def finding_record(*, actor: Staff, inspection_id: int, criterion: str, note: str, window_id: int | None = None,
                   as_problem: bool = True, at: datetime | None = None) -> tuple[Any, Problem | None]:
    """A checklist item found wanting at a window; by default it enters the 问题清单 at once (source
    inspection, the finding as its evidence)."""
    from .models import Finding, Inspection

    at = at or current_time()
    inspection = Inspection.objects.select_related("region").filter(pk=inspection_id).first()
    if inspection is None:
        raise NotFound("检查不存在", code="inspection.not_found", field="inspection")
    require(actor, Perm.INSPECT, region=inspection.region)
    if criterion not in inspection.criteria:
        raise DomainError("worktasks.criterion_not_planned", "该检查项不在本次检查范围内", field="criterion")
    if window_id is not None and not inspection.windows.filter(pk=window_id).exists():
        raise DomainError("worktasks.window_not_planned", "该窗口不在本次检查范围内", field="window")
    note = _text(note, "note", "发现的问题")
    with transaction.atomic():
        finding = Finding.objects.create(inspection=inspection, window_id=window_id, criterion=criterion, note=note,
                                         at=at)
        problem = None
        if as_problem:
            label = r.INSPECTION_KINDS[inspection.kind]
            problem = problem_record(
                actor=actor, region_id=inspection.region_id, title=f"{r.CRITERIA[criterion]}：{note}"[:300],
                source=r.Source.INSPECTION, evidence=f"{label}“{inspection.title}”{inspection.planned_on}：{note}",
                window_id=window_id, finding_id=finding.pk, at=at)
    return finding, problem
