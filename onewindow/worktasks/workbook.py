"""A plan as an Excel sheet, both ways: the import of a plan laid out as such plans are written
(one task a row: 序号, 任务, 牵头单位, 责任单位, 责任人, 完成时限, 成果, 标准, 措施), and the export of its
progress roll-up (every cell through the project's safe-cell rule).

The import checks every row through the same service that creates a task, inside one transaction
with a savepoint per row: if any row is refused, everything is rolled back and every error is
listed (row, field, code, message). Nothing is half-imported.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from openpyxl import Workbook, load_workbook

from onewindow.core.errors import DomainError
from onewindow.core.spreadsheet import append_row
from onewindow.organization.models import Department, Staff

from . import services as s
from .models import Plan, Task
from .permissions import Perm, require
from .rules import TASK_STATE_LABELS, TaskState
from .selectors import is_late, rollup_by_branch, rollup_by_unit

COLUMNS = {"序号": "code", "任务": "title", "工作任务": "title", "牵头单位": "lead", "责任单位": "units",
           "责任人": "owners", "完成时限": "due", "成果": "deliverable", "定任务": "deliverable",
           "标准": "standard", "措施": "measures"}
REQUIRED = ("title", "lead", "units", "owners", "due")
_SPLIT = re.compile(r"[、，,;；/\s]+")
_WORKDAYS = re.compile(r"^(\d+)\s*个?工作日$")
MAX_ROWS = 2000


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    code: str
    message: str


@dataclass
class ImportResult:
    created: list[Task] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class ImportRefused(DomainError):
    """The sheet had errors: nothing was imported; ``errors`` lists every one."""

    def __init__(self, errors: list[RowError]) -> None:
        first = errors[0]
        super().__init__("worktasks.import_errors",
                         f"导入失败，共 {len(errors)} 处错误，未导入任何任务（第 {first.row} 行：{first.message}）",
                         field="file")
        self.errors = errors


def _due(value: object) -> tuple[int | None, date | None]:
    if isinstance(value, datetime):
        return None, value.date()
    if isinstance(value, date):
        return None, value
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    text = str(value or "").strip()
    m = _WORKDAYS.match(text)
    if m:
        return int(m.group(1)), None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d"):
        try:
            return None, datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _rows(content: bytes) -> tuple[list[str | None], list[tuple[int, list[object]]]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError("worktasks.import_not_excel", "文件不是有效的 Excel 工作簿（.xlsx）", field="file") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    names = [COLUMNS.get(str(h).strip()) if h is not None else None for h in header]
    missing = [k for k in REQUIRED if k not in names]
    if missing:
        raise DomainError("worktasks.import_columns_missing",
                          "表头缺少列：" + "、".join(sorted({c for c, v in COLUMNS.items() if v in missing})),
                          field="file")
    body = []
    for i, row in enumerate(rows, start=2):
        if i - 1 > MAX_ROWS:
            raise DomainError("worktasks.import_too_many", f"一次最多导入 {MAX_ROWS} 行", field="file")
        if any(v not in (None, "") for v in row):
            body.append((i, list(row)))
    return names, body


def plan_import(*, actor: Staff, plan_id: int, content: bytes, starts_on: date,
                at: datetime | None = None) -> ImportResult:
    """Import the tasks of ``content`` (an .xlsx) into a plan; :class:`ImportRefused` with every
    row's error if any row is refused (and then nothing is imported)."""
    plan = Plan.objects.select_related("region").filter(pk=plan_id).first()
    if plan is None:
        raise DomainError("plan.not_found", "工作计划不存在", field="plan")
    require(actor, Perm.PLAN_MANAGE, region=plan.region)
    names, body = _rows(content)
    depts = {d.name: d for d in Department.objects.filter(region__code__startswith=plan.region.prefix)}
    result = ImportResult()
    by_code: dict[str, Task] = {}
    with transaction.atomic():
        for line, values in body:
            rec = {n: values[i] if i < len(values) else None for i, n in enumerate(names) if n}
            try:
                with transaction.atomic():
                    task = _import_row(actor, plan, rec, depts, by_code, starts_on, at)
            except DomainError as exc:
                result.errors.append(RowError(line, exc.field or "", exc.code, exc.message))
                continue
            result.created.append(task)
            if task.code:
                by_code[task.code] = task
        if result.errors:
            transaction.set_rollback(True)
    if result.errors:
        raise ImportRefused(result.errors)
    return result


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _import_row(actor: Staff, plan: Plan, rec: dict, depts: dict[str, Department], by_code: dict[str, Task],
                starts_on: date, at: datetime | None) -> Task:
    lead_name = _text(rec.get("lead"))
    if not lead_name:
        raise DomainError("worktasks.lead_required", "请填写牵头单位", field="牵头单位")
    lead = depts.get(lead_name)
    if lead is None:
        raise DomainError("worktasks.unit_unknown", f"本区划没有单位“{lead_name}”", field="牵头单位")
    unit_names = [n for n in _SPLIT.split(_text(rec.get("units"))) if n]
    owners = [n for n in _SPLIT.split(_text(rec.get("owners"))) if n]
    if not unit_names:
        raise DomainError("worktasks.units_required", "请至少填写一个责任单位", field="责任单位")
    if len(owners) == 1 and len(unit_names) > 1:
        owners = owners * len(unit_names)
    if len(owners) != len(unit_names):
        raise DomainError("worktasks.owners_mismatch", "责任人须与责任单位一一对应（用“、”分隔）", field="责任人")
    units = []
    for name, owner in zip(unit_names, owners, strict=True):
        dept = depts.get(name)
        if dept is None:
            raise DomainError("worktasks.unit_outside_region", f"本计划的区划没有单位“{name}”", field="责任单位")
        units.append(s.UnitInput(dept.pk, owner))
    try:
        workdays, due_on = _due(rec.get("due"))
    except ValueError:
        raise DomainError("worktasks.due_invalid", "完成时限须为日期（2026-06-30）或“N个工作日”", field="完成时限") from None
    code = _text(rec.get("code"))
    parent = by_code.get(code.rsplit(".", 1)[0]) if "." in code else None
    try:
        return s.task_create(actor=actor, plan_id=plan.pk, title=_text(rec.get("title")), lead_id=lead.pk,
                             units=units, starts_on=starts_on, due_workdays=workdays, due_on=due_on,
                             parent_id=parent.pk if parent else None, code=code,
                             deliverable=_text(rec.get("deliverable")), standard=_text(rec.get("standard")),
                             measures=_text(rec.get("measures")), at=at)
    except DomainError as exc:
        label = {"title": "任务", "due_on": "完成时限", "due_workdays": "完成时限", "units": "责任单位",
                 "lead": "牵头单位"}.get(exc.field or "", exc.field or "")
        raise DomainError(exc.code, exc.message, field=label) from None


def plan_export(plan: Plan, today: date) -> bytes:
    """The plan's tasks and its roll-ups by unit and by branch, as an .xlsx (safe cells)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "任务"
    append_row(sheet, ["编号", "序号", "任务", "牵头单位", "责任单位（责任人）", "完成时限", "状态", "进度%", "逾期",
                       "督办次数"])
    for t in plan.tasks.select_related("lead").prefetch_related("units__department").order_by("id"):
        units = "、".join(f"{u.department.name}（{u.owner_name}）" for u in t.units.all())
        append_row(sheet, [t.number, t.code, t.title, t.lead.name, units, t.due_on,
                           TASK_STATE_LABELS[TaskState(t.state)], t.progress, "是" if is_late(t, today) else "",
                           t.urged_count])
    for title, lines in (("按单位", rollup_by_unit(plan, today)), ("按任务分支", rollup_by_branch(plan, today))):
        ws = book.create_sheet(title)
        append_row(ws, ["名称", "任务数", "已完成", "逾期", "平均进度%"])
        for line in lines:
            append_row(ws, [line.label, line.tasks, line.closed, line.late, line.progress])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
