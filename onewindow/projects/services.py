"""Every write of major projects: one function per action, one transaction, the permission checked,
the project locked, the event chained and the deadline rows written.

A plan line's approval runs as a case of the investor (a joint or bundle case); linking it puts the
case on the green channel through the case engine's own service
(:func:`onewindow.cases.services.case_mark_urgent`), by a chief representative — when the proxy
links it, the request is recorded and the chief marks it (:func:`line_mark_urgent`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.cases.states import TERMINAL, Status
from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.core.sequences import next_value
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.deadlines import DeadlineSpec, by_identity, changes
from onewindow.lifecycle.services import deadlines_write, event_append
from onewindow.lifecycle.transitions import Refused
from onewindow.organization.models import Department, Region, Staff
from onewindow.organization.permissions import Action, can
from onewindow.organization.rules import is_within
from onewindow.workdays.selectors import snapshot_for

from . import permissions as perms
from . import rules as r
from .models import PlanLine, Project, ProjectEvent, ProjectsSequence, SelfCheck
from .rules import PROJECT_TABLE, ProjectAction, ProjectState, UrgentState
from .subjects import PROJECT_SUBJECT, project_deadlines

MAX_LINES = 50


class EventKind:
    CREATED = "created"
    CASE_LINKED = "case_linked"
    URGENT_REQUESTED = "urgent_requested"
    URGENT_MARKED = "urgent_marked"
    LINE_DONE = "line_done"
    SELF_CHECK_OPENED = "self_check_opened"
    SELF_CHECK_FILED = "self_check_filed"
    COMPLETED = "completed"


EVENT_LABELS = {EventKind.CREATED: "登记项目", EventKind.CASE_LINKED: "关联审批办件",
                EventKind.URGENT_REQUESTED: "申请急办（绿色通道）", EventKind.URGENT_MARKED: "标记急办（绿色通道）",
                EventKind.LINE_DONE: "审批办结", EventKind.SELF_CHECK_OPENED: "月度自查开始计时",
                EventKind.SELF_CHECK_FILED: "填报月度自查", EventKind.COMPLETED: "项目审批全部完成"}


def _move(action: ProjectAction, state: str | None) -> ProjectState:
    try:
        return PROJECT_TABLE.next_state(action, ProjectState(state) if state is not None else None)
    except Refused as exc:
        raise DomainError(exc.code, exc.message, field="action") from None


def _text(value: str | None, field: str, what: str, *, required: bool = True, limit: int = 4000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"project.{field}_required", f"请填写{what}", field=field)
    if len(value) > limit:
        raise DomainError(f"project.{field}_too_long", f"{what}最多 {limit} 字", field=field)
    return value


def _lock(project_id: int, expected_version: int | None = None) -> Project:
    project = (Project.objects.select_for_update(of=("self",)).select_related("region")
               .filter(pk=project_id).first())
    if project is None:
        raise NotFound("重点项目不存在", code="project.not_found", field="project")
    if expected_version is not None and expected_version != project.row_version:
        raise Conflict("record.stale", "该项目已被他人更新，请刷新后重试", field="row_version")
    return project


def _append(project: Project, kind: str, actor: Staff | None, at: datetime, note: str = "",
            payload: dict[str, Any] | None = None) -> ProjectEvent:
    previous = ProjectEvent.objects.filter(project=project).order_by("-seq").first()
    return event_append(ProjectEvent(project=project, kind=kind, at=at, actor=actor, note=note, payload=payload or {}),
                        subject_label=project.number, previous=previous)


def _write_deadlines(project: Project, before: list[DeadlineSpec], at: datetime) -> None:
    deadlines_write(subject_type=PROJECT_SUBJECT, subject_id=project.pk, region_id=project.region_id,
                    specs=changes(by_identity(before), project_deadlines(project)), at=at)


def _save(project: Project, *fields: str) -> None:
    project.row_version += 1
    project.save(update_fields=["row_version", *fields])


def self_check_due(region: Region, month: date) -> date:
    """The fifth working day of the month after ``month`` (the region's calendar)."""
    try:
        return snapshot_for(region.code).add_workdays(r.month_end(month), r.SELF_CHECK_DUE_WORKDAY)
    except Exception as exc:  # CalendarRangeError: the calendar is not published that far
        raise DomainError("project.calendar_missing", f"工作日历未覆盖 {month:%Y年%m月} 的次月，无法计算自查期限",
                          field="month") from exc


def _open_checks(project: Project, today: date, at: datetime) -> list[SelfCheck]:
    """Open the self-check of every month from the project's first month to ``today``'s that has
    none yet (the check of a month is due in the next one)."""
    if project.state == ProjectState.DONE:
        return []
    have = set(project.self_checks.values_list("month", flat=True))
    month = r.month_start(local_date(project.created_at))
    opened: list[SelfCheck] = []
    while month <= r.month_start(today):
        if month not in have:
            opened.append(SelfCheck.objects.create(project=project, month=month,
                                                   due_on=self_check_due(project.region, month)))
        month = r.next_month(month)
    for check in opened:
        _append(project, EventKind.SELF_CHECK_OPENED, None, at, payload={"month": f"{check.month:%Y-%m}",
                                                                          "due": check.due_on.isoformat()})
    return opened


# -- create ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    """One approval item of the plan: its name, the responsible department, its planned date."""

    title: str
    department_id: int | None
    planned_on: date | None


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("project.investment_invalid", "总投资须为数字（万元）", field="investment") from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
        raise DomainError("project.investment_invalid", "总投资须为大于 0 的金额（万元）", field="investment")
    return amount.quantize(Decimal("0.01"))


def project_create(*, actor: Staff, region_id: int, name: str, investor: str, investment: Any, level: str,
                   proxy_id: int | None, starts_on: date, due_on: date, lines: list[LineInput], note: str = "",
                   at: datetime | None = None) -> Project:
    """登记重点项目: the center administrator records a project with its approval plan; each line's
    planned date and the current month's self-check become deadline rows."""
    at = at or current_time()
    with transaction.atomic():
        region = Region.objects.filter(pk=region_id).first()
        if region is None:
            raise NotFound("区划不存在", code="region.not_found", field="region")
        perms.require_create(actor, region)
        state = _move(ProjectAction.CREATE, None)
        name = _text(name, "name", "项目名称", limit=200)
        investor = _text(investor, "investor", "投资主体（企业名称）", limit=100)
        amount = _amount(investment)
        if level not in {v.value for v in r.Level}:
            raise DomainError("project.level_invalid", "项目级别须为省重点、市重点或县重点", field="level")
        proxy = Staff.objects.select_related("region").filter(pk=proxy_id).first() if proxy_id else None
        if proxy is None:
            raise DomainError("project.proxy_required", "请指定中心的全程代办员", field="proxy")
        if not is_within(proxy.region.code, region.code) or not perms.VIEW_ROLES & {
                p.role for p in proxy.postings.all()}:
            raise DomainError("project.proxy_outside_region", f"代办员“{proxy.name}”不是{region.name}中心的工作人员",
                              field="proxy")
        if due_on < starts_on:
            raise DomainError("project.due_before_start", "审批完成时限不能早于计划开工日期", field="due_on")
        if not lines:
            raise DomainError("project.lines_required", "请至少填写一项审批事项", field="lines")
        if len(lines) > MAX_LINES:
            raise DomainError("project.lines_too_many", f"审批事项最多 {MAX_LINES} 项", field="lines")
        depts = Department.objects.select_related("region").in_bulk(
            [ln.department_id for ln in lines if ln.department_id is not None])
        checked: list[tuple[str, Department, date]] = []
        for n, ln in enumerate(lines, 1):
            title = _text(ln.title, "lines", f"第 {n} 项审批事项名称", limit=200)
            dept = depts.get(ln.department_id) if ln.department_id is not None else None
            if dept is None:
                raise DomainError("project.line_department_required", f"第 {n} 项审批事项须选择责任单位", field="lines")
            if not is_within(dept.region.code, region.code):
                raise DomainError("project.line_department_outside_region",
                                  f"第 {n} 项的责任单位“{dept.name}”不属于{region.name}", field="lines")
            if ln.planned_on is None:
                raise DomainError("project.line_date_required", f"第 {n} 项审批事项须填写计划办结日期", field="lines")
            if ln.planned_on > due_on:
                raise DomainError("project.line_after_due", f"第 {n} 项的计划办结日期晚于项目审批完成时限", field="lines")
            checked.append((title, dept, ln.planned_on))
        seq = next_value(ProjectsSequence, {"region_id": region.pk, "year": at.year})
        project = Project.objects.create(
            region=region, number=f"{region.prefix}-XM{at.year}-{seq:04d}", name=name, investor=investor,
            investment=amount, level=level, proxy=proxy, starts_on=starts_on, due_on=due_on, state=state,
            note=_text(note, "note", "项目概况", required=False), created_by=actor, created_at=at)
        PlanLine.objects.bulk_create([PlanLine(project=project, order=n, title=title, department=dept, planned_on=day)
                                      for n, (title, dept, day) in enumerate(checked, 1)])
        _append(project, EventKind.CREATED, actor, at, payload={
            "name": name, "investor": investor, "investment": str(amount), "level": level, "proxy": proxy.pk,
            "lines": [{"order": n, "title": t, "department": d.pk, "planned_on": day.isoformat()}
                      for n, (t, d, day) in enumerate(checked, 1)]})
        _open_checks(project, r.month_start(local_date(at)), at)
        _write_deadlines(project, [], at)
        return project


# -- plan lines and their cases ----------------------------------------------------------------------------


def _line(project: Project, line_id: int) -> PlanLine:
    line = project.lines.select_related("case", "department").filter(pk=line_id).first()
    if line is None:
        raise NotFound("审批计划事项不存在", code="project.line_not_found", field="line")
    return line


def case_is_eligible(case: Case) -> bool:
    """A joint case (联办件) or a case of a one-thing bundle (一件事)."""
    return bool(case.item_version.is_joint) or case.bundle_application_id is not None


def _done_on(case: Case) -> date | None:
    if case.status == Status.CONCLUDED and case.concluded_at is not None:
        return local_date(case.concluded_at)
    return None


def line_link_case(*, actor: Staff, project_id: int, line_id: int, case_number: str, at: datetime | None = None,
                   expected_version: int | None = None) -> PlanLine:
    """关联审批办件: the proxy or the line's chief representative links the investor's joint or bundle
    case to a plan line. A chief representative who may mark the case urgent does so at once
    (reason 重点项目绿色通道); otherwise the request is recorded for the chief to act on."""
    at = at or current_time()
    number = (case_number or "").strip()
    with transaction.atomic():
        project = _lock(project_id, expected_version)
        perms.require_act(actor, project, "关联审批办件")
        state = _move(ProjectAction.LINK_CASE, project.state)
        if not number:
            raise DomainError("project.case_number_required", "请选择或填写办件编号", field="case_number")
        line = _line(project, line_id)
        if line.case_id is not None:
            raise DomainError("project.line_already_linked", f"审批事项“{line.title}”已关联办件 {line.case.number}",
                              field="line")
        case = (Case.objects.select_for_update(of=("self",)).select_related("region", "department", "item",
                                                                             "item_version")
                .filter(number=number).first())
        if case is None:
            raise NotFound(f"办件 {number} 不存在", code="project.case_not_found", field="case_number")
        if not is_within(case.region.code, project.region.code):
            raise DomainError("project.case_outside_region", f"办件 {number} 不属于{project.region.name}",
                              field="case_number")
        if case.applicant_name != project.investor:
            raise DomainError("project.case_not_investor",
                              f"办件 {number} 的申请人不是本项目的投资主体“{project.investor}”", field="case_number")
        if not case_is_eligible(case):
            raise DomainError("project.case_not_joint_or_bundle", f"办件 {number} 不是联办件或一件事办件",
                              field="case_number")
        if case.status in TERMINAL:
            raise DomainError("project.case_closed", f"办件 {number} 已结束（{case.get_status_display()}），不能走绿色通道",
                              field="case_number")
        if PlanLine.objects.filter(case=case).exists():
            raise DomainError("project.case_already_linked", f"办件 {number} 已关联到重点项目的审批事项",
                              field="case_number")
        before = project_deadlines(project)
        line.case = case
        line.linked_at = at
        _append(project, EventKind.CASE_LINKED, actor, at, payload={
            "line": line.order, "title": line.title, "case": case.number})
        if case.is_urgent:
            line.urgent = UrgentState.MARKED
            _append(project, EventKind.URGENT_MARKED, actor, at, note="办件此前已是急办件",
                    payload={"line": line.order, "case": case.number})
        elif can(actor, Action.CASE_GRANT_EXTENSION, region=case.region, department=case.department, item=case.item):
            case_services.case_mark_urgent(case_id=case.pk, actor=actor, reason=r.URGENT_REASON, at=at)
            line.urgent = UrgentState.MARKED
            _append(project, EventKind.URGENT_MARKED, actor, at, payload={"line": line.order, "case": case.number,
                                                                          "reason": r.URGENT_REASON})
        else:
            line.urgent = UrgentState.REQUESTED
            _append(project, EventKind.URGENT_REQUESTED, actor, at,
                    note=f"请{case.department.name}首席代表标记急办", payload={
                        "line": line.order, "case": case.number, "department": case.department_id})
        line.save(update_fields=["case", "linked_at", "urgent"])
        project.state = state
        _save(project, "state")
        _write_deadlines(project, before, at)
        return line


def line_mark_urgent(*, actor: Staff, project_id: int, line_id: int, at: datetime | None = None,
                     expected_version: int | None = None) -> PlanLine:
    """标记急办: the chief representative of the case's department marks the linked case urgent on
    the proxy's request (the case engine checks the chief's power)."""
    at = at or current_time()
    with transaction.atomic():
        project = _lock(project_id, expected_version)
        _move(ProjectAction.MARK_URGENT, project.state)
        line = _line(project, line_id)
        if line.case is None:
            raise DomainError("project.line_not_linked", f"审批事项“{line.title}”尚未关联办件", field="line")
        if line.urgent != UrgentState.REQUESTED:
            raise DomainError("project.urgent_not_requested", f"审批事项“{line.title}”没有待处理的急办申请", field="line")
        case_services.case_mark_urgent(case_id=line.case.pk, actor=actor, reason=r.URGENT_REASON, at=at)
        line.urgent = UrgentState.MARKED
        line.save(update_fields=["urgent"])
        _append(project, EventKind.URGENT_MARKED, actor, at, payload={"line": line.order, "case": line.case.number,
                                                                      "reason": r.URGENT_REASON})
        _save(project)
        return line


def project_sync(*, project_id: int, at: datetime | None = None) -> int:
    """Bring a project up to date with its cases and the calendar: a line whose case has concluded is
    done (its deadline row closes), and the self-check of each month so far is open. Run by every
    supervision sweep; returns how many lines it marked done."""
    at = at or current_time()
    with transaction.atomic():
        project = _lock(project_id)
        if project.state == ProjectState.DONE:
            return 0
        before = project_deadlines(project)
        done = 0
        for line in project.lines.select_related("case").filter(done_on__isnull=True, case__isnull=False):
            assert line.case is not None  # filtered on it
            day = _done_on(line.case)
            if day is None:
                continue
            line.done_on = day
            line.save(update_fields=["done_on"])
            status = r.line_status(line.planned_on, day, day)
            _append(project, EventKind.LINE_DONE, None, at, payload={
                "line": line.order, "case": line.case.number, "done_on": day.isoformat(), "status": status.value})
            done += 1
        opened = _open_checks(project, local_date(at), at)
        if done or opened:
            _save(project)
            _write_deadlines(project, before, at)
        return done


def projects_sync(*, at: datetime | None = None) -> int:
    """:func:`project_sync` of every project still running."""
    return sum(project_sync(project_id=pk, at=at) for pk in
               Project.objects.exclude(state=ProjectState.DONE).order_by("id").values_list("id", flat=True))


def project_complete(*, actor: Staff, project_id: int, at: datetime | None = None,
                     expected_version: int | None = None) -> Project:
    """办结项目: the proxy (or a responsible chief representative) closes the project once every
    approval of its plan is done; the open self-check deadlines close with it."""
    at = at or current_time()
    with transaction.atomic():
        project = _lock(project_id, expected_version)
        perms.require_act(actor, project, "办结项目")
        state = _move(ProjectAction.COMPLETE, project.state)
        pending = [ln.title for ln in project.lines.all() if ln.done_on is None]
        if pending:
            raise DomainError("project.lines_pending", f"尚有 {len(pending)} 项审批未办结：{'、'.join(pending[:5])}",
                              field="action")
        before = project_deadlines(project)
        project.state = state
        project.done_on = local_date(at)
        _save(project, "state", "done_on")
        _append(project, EventKind.COMPLETED, actor, at)
        after = [s if s.state != "open" else s.closed("项目已完成") for s in project_deadlines(project)]
        deadlines_write(subject_type=PROJECT_SUBJECT, subject_id=project.pk, region_id=project.region_id,
                        specs=changes(by_identity(before), after), at=at)
        return project


# -- monthly self-checks ---------------------------------------------------------------------------------


def self_check_file(*, actor: Staff, project_id: int, month: date, department_id: int | None, progress: str,
                    problems: str, next_steps: str, at: datetime | None = None,
                    expected_version: int | None = None) -> SelfCheck:
    """月度自查: a responsible department's chief representative (or the proxy, naming the
    department) files the month's self-check — progress, problems, next steps; its deadline closes."""
    at = at or current_time()
    with transaction.atomic():
        project = _lock(project_id, expected_version)
        perms.require_act(actor, project, "填报月度自查")
        _move(ProjectAction.SELF_CHECK, project.state)
        month = r.month_start(month)
        if month > r.month_start(local_date(at)):
            raise DomainError("project.month_future", "不能填报尚未开始的月份的自查", field="month")
        responsible = perms.responsible_departments(project)
        mine = perms.chief_departments(actor, project)
        if department_id is None:
            if len(mine) != 1:
                raise DomainError("project.department_required", "请选择填报单位", field="department")
            department_id = next(iter(mine))
        if department_id not in responsible:
            raise DomainError("project.department_not_responsible", "填报单位须为本项目审批计划的责任单位",
                              field="department")
        if not perms.is_proxy(actor, project) and department_id not in mine:
            raise DomainError("project.department_not_yours", "首席代表只能以本单位名义填报自查", field="department")
        progress = _text(progress, "progress", "进展情况")
        problems = _text(problems, "problems", "存在问题（没有请填“无”）")
        next_steps = _text(next_steps, "next_steps", "下步打算")
        before = project_deadlines(project)
        check = project.self_checks.filter(month=month).first()
        if check is None:
            check = SelfCheck.objects.create(project=project, month=month, due_on=self_check_due(project.region, month))
        elif check.submitted_at is not None:
            raise DomainError("project.self_check_filed", f"{month:%Y年%m月}的自查已于 {local_date(check.submitted_at)} 填报",
                              field="month")
        check.department_id = department_id
        check.progress, check.problems, check.next_steps = progress, problems, next_steps
        check.submitted_by, check.submitted_at = actor, at
        check.save()
        late = local_date(at) > check.due_on
        _append(project, EventKind.SELF_CHECK_FILED, actor, at, payload={
            "month": f"{month:%Y-%m}", "department": department_id, "due": check.due_on.isoformat(), "late": late})
        _save(project)
        _write_deadlines(project, before, at)
        return check
