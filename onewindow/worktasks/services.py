"""Every write of work tasks and problems: one function per action, one transaction, the
permission checked, the record locked, the event chained and the deadline rows written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.core.uploads import IMAGE_TYPES, CheckedFile, check_file
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
    Campaign,
    CampaignEvent,
    CampaignPhase,
    CampaignReport,
    Finding,
    FindingPhoto,
    Inspection,
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
from .subjects import (
    CAMPAIGN_REPORT_SUBJECT,
    PROBLEM_SUBJECT,
    TASK_SUBJECT,
    campaign_report_deadlines,
    problem_deadlines,
    task_deadlines,
)

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
                   campaign: str = "", campaign_id: int | None = None, window_id: int | None = None,
                   finding_id: int | None = None, at: datetime | None = None) -> Problem:
    """A problem enters the 问题清单 with its source and evidence (and, with ``campaign_id``, in a
    campaign of the same region, whose public notice then lists it)."""
    at = at or current_time()
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound("区划不存在", code="region.not_found", field="region")
    require(actor, Perm.PROBLEM_MANAGE, region=region)
    try:
        src = r.Source(source)
    except ValueError:
        raise DomainError("worktasks.source_invalid", "问题来源无效", field="source") from None
    drive = None
    if campaign_id is not None:
        drive = Campaign.objects.filter(pk=campaign_id).select_related("region").first()
        if drive is None:
            raise NotFound("专项行动不存在", code="campaign.not_found", field="campaign")
        if not is_within(region.code, drive.region.code):
            raise DomainError("worktasks.campaign_outside_region", "问题所在区划不属于该专项行动", field="campaign")
        campaign = drive.title
    with transaction.atomic():
        state = _move(PROBLEM_TABLE, ProblemAction.RECORD, None)
        problem = Problem.objects.create(
            region=region, number=_number(region, local_date(at).year, "WT"), campaign=campaign[:200],
            campaign_ref=drive, title=_text(title, "title", "问题描述", limit=300), source=src,
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


def inspection_create(*, actor: Staff, region_id: int, kind: str, title: str, planned_on: date | None,
                      window_ids: list[int], criteria: list[str] | None = None, wait_minutes: int | None = None,
                      answers: str = "", visits_needed: int | None = None, campaign_id: int | None = None,
                      applied_for: str = "", at: datetime | None = None) -> Inspection:
    """An inspection plan (明察: which windows, which criteria), a mystery visit (暗访) or a
    campaign's experience visit (体验: a staff member applies for ``applied_for`` as a citizen would)
    — the last two recorded as the citizen lived them; the window is not told, so nothing is sent
    to it. Findings of any of them become problems through :func:`finding_record`."""
    from onewindow.organization.models import Window

    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound("区划不存在", code="region.not_found", field="region")
    require(actor, Perm.INSPECT, region=region)
    if planned_on is None:
        raise DomainError("worktasks.planned_on_required", "请填写检查日期", field="planned_on")
    if kind not in r.INSPECTION_KINDS:
        raise DomainError("worktasks.inspection_kind_invalid", "检查方式须为明察、暗访或体验", field="kind")
    criteria = list(criteria or r.CRITERIA)
    bad = [c for c in criteria if c not in r.CRITERIA]
    if bad:
        raise DomainError("worktasks.criterion_unknown", f"未知检查项：{'、'.join(bad)}", field="criteria")
    windows = list(Window.objects.filter(pk__in=window_ids, region__code__startswith=region.prefix))
    if not window_ids or len(windows) != len(set(window_ids)):
        raise DomainError("worktasks.windows_invalid", "请选择本区划的窗口", field="windows")
    if kind in r.CITIZEN_VISITS and wait_minutes is None:
        raise DomainError("worktasks.wait_required", f"{r.INSPECTION_KINDS[kind]}须记录等候时间（分钟）",
                          field="wait_minutes")
    drive = None
    if campaign_id is not None:
        drive = Campaign.objects.select_related("region").filter(pk=campaign_id).first()
        if drive is None:
            raise NotFound("专项行动不存在", code="campaign.not_found", field="campaign")
        if not is_within(region.code, drive.region.code):
            raise DomainError("worktasks.campaign_outside_region", "检查所在区划不属于该专项行动", field="campaign")
    if kind == "experience":
        if drive is None:
            raise DomainError("worktasks.campaign_required", "体验须属于一个专项行动", field="campaign")
        applied_for = _text(applied_for, "applied_for", "体验办理的事项", limit=200)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            region=region, kind=kind, title=_text(title, "title", "检查名称", limit=200), planned_on=planned_on,
            criteria=criteria, inspector=actor, wait_minutes=wait_minutes, answers=answers.strip(),
            visits_needed=visits_needed, campaign=drive, applied_for=(applied_for or "").strip()[:200],
            created_at=at or current_time())
        inspection.windows.set(windows)
        if drive is not None:
            _campaign_event(_locked_campaign(drive.pk), "visit_recorded", actor, at or current_time(),
                            inspection.title, {"inspection": inspection.pk, "kind": kind})
    return inspection


MAX_PHOTOS_PER_FINDING = 5


def _checked_photos(photos: list[Any] | None, field: str) -> list[CheckedFile]:
    """Each photo checked as every upload of the project is (content type, size, pixels), and an
    image: a PDF is a scan, not a photo of a window."""
    photos = [p for p in photos or [] if p is not None]
    if len(photos) > MAX_PHOTOS_PER_FINDING:
        raise DomainError("worktasks.photos_too_many", f"每项问题最多上传 {MAX_PHOTOS_PER_FINDING} 张照片", field=field)
    out = []
    for photo in photos:
        checked = check_file(photo, material="现场照片", field=field)
        if checked.content_type not in IMAGE_TYPES:
            raise DomainError("worktasks.photo_not_image", "现场照片须为 JPEG 或 PNG 图片", field=field)
        out.append(checked)
    return out


def _store_photos(finding: Finding, photos: list[CheckedFile], at: datetime) -> None:
    for checked in photos:
        photo = FindingPhoto(finding=finding, content_type=checked.content_type, sha256=checked.sha256,
                             original_name=checked.original_name, at=at)
        photo.file.save(f"{checked.sha256[:16]}.{checked.extension}", ContentFile(checked.data), save=False)
        photo.save()


def finding_record(*, actor: Staff, inspection_id: int, criterion: str, note: str, window_id: int | None = None,
                   as_problem: bool = True, photos: list[Any] | None = None,
                   at: datetime | None = None) -> tuple[Finding, Problem | None]:
    """A checklist item found wanting at a window, with its photos; by default it enters the 问题清单
    at once (source inspection, the finding as its evidence, in the visit's campaign if any)."""
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
    checked = _checked_photos(photos, "photos")
    with transaction.atomic():
        finding = Finding.objects.create(inspection=inspection, window_id=window_id, criterion=criterion, note=note,
                                         at=at)
        _store_photos(finding, checked, at)
        problem = None
        if as_problem:
            label = r.INSPECTION_KINDS[inspection.kind]
            problem = problem_record(
                actor=actor, region_id=inspection.region_id, title=f"{r.CRITERIA[criterion]}：{note}"[:300],
                source=r.Source.INSPECTION, evidence=f"{label}“{inspection.title}”{inspection.planned_on}：{note}",
                window_id=window_id, finding_id=finding.pk, campaign_id=inspection.campaign_id, at=at)
    return finding, problem


@dataclass(frozen=True)
class ChecklistLine:
    """One line of the inspector's checklist found wanting: window, criterion, note, photos."""

    window_id: int | None
    criterion: str
    note: str
    photos: list[Any]


def checklist_record(*, actor: Staff, inspection_id: int, lines: list[ChecklistLine],
                     at: datetime | None = None) -> list[tuple[Finding, Problem | None]]:
    """The checklist as submitted: every line a finding and a problem, all or none (a refused
    photo on the third line leaves the first two unrecorded, so the inspector sends it again)."""
    at = at or current_time()
    with transaction.atomic():
        return [finding_record(actor=actor, inspection_id=inspection_id, criterion=line.criterion, note=line.note,
                               window_id=line.window_id, photos=line.photos, at=at) for line in lines]


# -- campaigns: phases, written reports (书面报送), the public notice's schedule ---------------------------


def _campaign_event(campaign: Campaign, kind: str, actor: Staff | None, at: datetime, note: str = "",
                    payload: dict | None = None) -> CampaignEvent:
    return event_append(CampaignEvent(campaign=campaign, kind=kind, at=at, actor=actor, note=note,
                                      payload=payload or {}),
                        subject_label=campaign.number, previous=campaign.events.order_by("-seq").first())


def _locked_campaign(campaign_id: int) -> Campaign:
    campaign = Campaign.objects.select_for_update().select_related("region").filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("专项行动不存在", code="campaign.not_found", field="campaign")
    return campaign


@dataclass(frozen=True)
class PhaseInput:
    """A phase of a campaign: its name and dates (inclusive)."""

    name: str
    starts_on: date
    ends_on: date


def campaign_create(*, actor: Staff, region_id: int, title: str, starts_on: date | None, ends_on: date | None,
                    phases: list[PhaseInput], publish_from: date | None = None,
                    at: datetime | None = None) -> Campaign:
    """A rectification campaign of ``region`` with its phases (each within the campaign's dates)
    and, optionally, the day its public notice goes up."""
    at = at or current_time()
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound("区划不存在", code="region.not_found", field="region")
    require(actor, Perm.CAMPAIGN_MANAGE, region=region)
    title = _text(title, "title", "专项行动名称", limit=200)
    if starts_on is None:
        raise DomainError("worktasks.starts_on_required", "请填写开始日期", field="starts_on")
    if ends_on is None:
        raise DomainError("worktasks.ends_on_required", "请填写结束日期", field="ends_on")
    if ends_on < starts_on:
        raise DomainError("worktasks.campaign_dates_invalid", "结束日期不能早于开始日期", field="ends_on")
    if not phases:
        raise DomainError("worktasks.phases_required", "请至少填写一个阶段", field="phases")
    for phase in phases:
        name = _text(phase.name, "phases", "阶段名称", limit=100)
        if phase.ends_on < phase.starts_on:
            raise DomainError("worktasks.phase_dates_invalid", f"阶段“{name}”的结束日期早于开始日期", field="phases")
        if phase.starts_on < starts_on or phase.ends_on > ends_on:
            raise DomainError("worktasks.phase_outside_campaign", f"阶段“{name}”超出专项行动的起止日期",
                              field="phases")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            region=region, number=_number(region, starts_on.year, "ZX"), title=title, starts_on=starts_on,
            ends_on=ends_on, publish_from=publish_from, created_by=actor, created_at=at)
        CampaignPhase.objects.bulk_create([
            CampaignPhase(campaign=campaign, order=i, name=p.name.strip()[:100], starts_on=p.starts_on,
                          ends_on=p.ends_on) for i, p in enumerate(phases, start=1)])
        _campaign_event(campaign, "created", actor, at, title, {
            "phases": [[p.name.strip(), p.starts_on.isoformat(), p.ends_on.isoformat()] for p in phases],
            "publish_from": publish_from.isoformat() if publish_from else None})
    return campaign


def campaign_schedule_notice(*, actor: Staff, campaign_id: int, publish_from: date | None, note: str = "",
                             at: datetime | None = None) -> Campaign:
    """Set (or, with None, withdraw) the day the campaign's public notice goes up."""
    at = at or current_time()
    with transaction.atomic():
        campaign = _locked_campaign(campaign_id)
        require(actor, Perm.CAMPAIGN_MANAGE, region=campaign.region)
        campaign.publish_from = publish_from
        campaign.row_version += 1
        campaign.save(update_fields=["publish_from", "row_version"])
        _campaign_event(campaign, "notice_scheduled", actor, at, note,
                        {"publish_from": publish_from.isoformat() if publish_from else None})
    return campaign


def campaign_require_reports(*, actor: Staff, campaign_id: int, title: str, due_on: date,
                             department_ids: list[int], at: datetime | None = None) -> list[CampaignReport]:
    """书面报送: each of these units owes the campaign a written report ``title`` by ``due_on``; each
    is a record with a Deadline row, so the supervision sweep warns yellow and red on it."""
    at = at or current_time()
    with transaction.atomic():
        campaign = _locked_campaign(campaign_id)
        require(actor, Perm.CAMPAIGN_MANAGE, region=campaign.region)
        title = _text(title, "title", "报送材料名称", limit=200)
        if not department_ids:
            raise DomainError("worktasks.units_required", "请至少选择一个报送单位", field="departments")
        depts = Department.objects.select_related("region").in_bulk(list(set(department_ids)))
        for pk in department_ids:
            dept = depts.get(pk)
            if dept is None:
                raise NotFound("报送单位不存在", code="department.not_found", field="departments")
            if not is_within(dept.region.code, campaign.region.code):
                raise DomainError("worktasks.unit_outside_region", f"报送单位“{dept.name}”不属于本区划",
                                  field="departments")
        if CampaignReport.objects.filter(campaign=campaign, title=title, department_id__in=depts).exists():
            raise DomainError("worktasks.report_already_required", f"已要求这些单位报送“{title}”", field="title")
        today = local_date(at)
        due = due_for(campaign.region, min(today, due_on), due_on=due_on, what="书面报送时限")
        reports = [CampaignReport.objects.create(campaign=campaign, department=depts[pk], title=title,
                                                 due_on=due.due_on, yellow_from=due.yellow_from)
                   for pk in dict.fromkeys(department_ids)]
        for report in reports:
            deadlines_write(subject_type=CAMPAIGN_REPORT_SUBJECT, subject_id=report.pk, region_id=campaign.region_id,
                            specs=campaign_report_deadlines(report), at=at)
        _campaign_event(campaign, "reports_required", actor, at, title,
                        {"due_on": due.due_on.isoformat(), "departments": list(dict.fromkeys(department_ids))})
    return reports


def campaign_report_submit(*, actor: Staff, report_id: int, text: str, attachment: Any,
                           at: datetime | None = None) -> CampaignReport:
    """A unit hands in its written report (a file checked like every upload); its deadline row
    closes. After the day it is still taken, and stays marked late."""
    at = at or current_time()
    with transaction.atomic():
        report = (CampaignReport.objects.select_for_update().select_related("campaign__region", "department")
                  .filter(pk=report_id).first())
        if report is None:
            raise NotFound("报送要求不存在", code="campaign_report.not_found", field="report")
        require(actor, Perm.TASK_REPORT, region=report.campaign.region, department=report.department_id)
        if report.submitted_at is not None:
            raise DomainError("worktasks.report_already_submitted", "该材料已报送，不能重复报送", field="report")
        if attachment is None:
            raise DomainError("worktasks.attachment_required", "请上传书面报告文件", field="attachment")
        checked = check_file(attachment, material=report.title, field="attachment")
        before = by_identity(campaign_report_deadlines(report))
        report.text = _text(text, "text", "报送说明", required=False)
        report.submitted_at, report.submitted_by = at, actor
        report.attachment_type = checked.content_type
        report.attachment.save(f"{checked.sha256[:16]}.{checked.extension}", ContentFile(checked.data), save=False)
        report.save()
        late = local_date(at) > report.due_on
        campaign = _locked_campaign(report.campaign_id)
        _campaign_event(campaign, "report_submitted", actor, at, f"{report.department.name}：{report.title}",
                        {"report": report.pk, "department": report.department_id, "late": late})
        deadlines_write(subject_type=CAMPAIGN_REPORT_SUBJECT, subject_id=report.pk, region_id=campaign.region_id,
                        specs=changes(before, campaign_report_deadlines(report)), at=at)
    return report
