"""Import of a plan from Excel (row-level errors, nothing half-imported), the roll-up pages' reads
and the export."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.worktasks import services as s
from onewindow.worktasks import workbook as wb
from onewindow.worktasks.models import Task
from onewindow.worktasks.selectors import (
    inspection_findings_per_window,
    late_tasks_per_unit,
    problems_per_unit_and_state,
    rollup_by_branch,
    rollup_by_unit,
)

from .helpers import at

pytestmark = pytest.mark.django_db

HEADER = ["序号", "任务", "牵头单位", "责任单位", "责任人", "完成时限", "成果", "标准", "措施"]


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plan(p):
    return s.plan_create(actor=p.admin, region_id=p.hall.county.pk, title="2026年效能提升计划", year=2026)


def good_rows(p) -> list[list[object]]:
    return [
        ["1", "推进一窗通办", "云溪县工商局", "云溪县工商局、云溪县税务局", "张三、李四", date(2026, 12, 31), "综窗全覆盖", "", ""],
        ["1.1", "梳理事项清单", "云溪县税务局", "云溪县税务局", "李四", "10个工作日", "清单", "", ""],
        ["2", "减时限", "云溪县工商局", "云溪县工商局", "张三", "2026/11/30", "", "", ""],
    ]


def test_import_builds_the_tree(people):
    plan = _plan(people)
    result = wb.plan_import(actor=people.admin, plan_id=plan.pk, content=_xlsx(good_rows(people)),
                            starts_on=date(2026, 10, 12), at=at(2026, 10, 12))
    assert len(result.created) == 3
    child = Task.objects.get(plan=plan, code="1.1")
    assert child.parent.code == "1"
    assert child.units.get().owner_name == "李四"
    assert Task.objects.get(plan=plan, code="2").due_on == date(2026, 11, 30)


def test_import_with_errors_changes_nothing_and_lists_every_error(people):
    plan = _plan(people)
    rows = good_rows(people) + [
        ["3", "无牵头", "", "云溪县税务局", "李四", "5个工作日", "", "", ""],
        ["4", "外县单位", "云溪县工商局", "邻水县工商局", "王五", "5个工作日", "", "", ""],
        ["5", "时限乱写", "云溪县工商局", "云溪县工商局", "张三", "尽快", "", "", ""],
        ["6", "人数不符", "云溪县工商局", "云溪县工商局、云溪县税务局", "张三、李四、王五", "5个工作日", "", "", ""],
    ]
    with pytest.raises(wb.ImportRefused) as e:
        wb.plan_import(actor=people.admin, plan_id=plan.pk, content=_xlsx(rows), starts_on=date(2026, 10, 12))
    got = [(err.row, err.code) for err in e.value.errors]
    assert got == [(5, "worktasks.lead_required"), (6, "worktasks.unit_outside_region"),
                   (7, "worktasks.due_invalid"), (8, "worktasks.owners_mismatch")]
    assert Task.objects.filter(plan=plan).count() == 0


def test_import_refuses_bad_files(people):
    plan = _plan(people)
    with pytest.raises(DomainError) as e:
        wb.plan_import(actor=people.admin, plan_id=plan.pk, content=b"not excel", starts_on=date(2026, 10, 12))
    assert e.value.code == "worktasks.import_not_excel"
    book = Workbook()
    book.active.append(["任务"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(DomainError) as e:
        wb.plan_import(actor=people.admin, plan_id=plan.pk, content=out.getvalue(), starts_on=date(2026, 10, 12))
    assert e.value.code == "worktasks.import_columns_missing"
    with pytest.raises(PermissionDenied):
        wb.plan_import(actor=people.tax_reviewer, plan_id=plan.pk, content=_xlsx(good_rows(people)),
                       starts_on=date(2026, 10, 12))


def test_rollups_and_export_and_facts(people):
    plan = _plan(people)
    wb.plan_import(actor=people.admin, plan_id=plan.pk, content=_xlsx(good_rows(people)),
                   starts_on=date(2026, 10, 12), at=at(2026, 10, 12))
    child = Task.objects.get(plan=plan, code="1.1")
    s.task_report(actor=people.tax_reviewer, task_id=child.pk, department_id=people.tax.pk, text="进行中",
                  progress=50, at=at(2026, 10, 13))
    today = date(2026, 12, 1)  # task 2 (due 11-30) and 1.1 (10 working days) are late
    units = {line.label: line for line in rollup_by_unit(plan, today)}
    assert (units["云溪县税务局"].tasks, units["云溪县税务局"].late, units["云溪县税务局"].progress) == (2, 1, 25)
    assert units["云溪县工商局"].late == 1
    branches = rollup_by_branch(plan, today)
    assert [(b.label, b.tasks, b.late) for b in branches] == [("1 推进一窗通办", 2, 1), ("2 减时限", 1, 1)]
    assert late_tasks_per_unit(people.hall.county, today) == {people.tax.pk: 1, people.hall.dept.pk: 1}
    book = load_workbook(io.BytesIO(wb.plan_export(plan, today)))
    assert book.sheetnames == ["任务", "按单位", "按任务分支"]
    assert book["任务"].max_row == 4
    pr = s.problem_record(actor=people.admin, region_id=people.hall.county.pk, title="=HYPERLINK(1)",
                          source="audit", evidence="审计报告")
    assert problems_per_unit_and_state(people.hall.county) == {None: {"recorded": 1}}
    assert pr.title.startswith("=")
    assert inspection_findings_per_window(people.hall.county, date(2026, 1, 1), date(2026, 12, 31)) == {}


def test_export_cells_are_safe(people):
    plan = _plan(people)
    s.task_create(actor=people.admin, plan_id=plan.pk, title="=cmd|' /C calc'!A0", lead_id=people.hall.dept.pk,
                  units=[s.UnitInput(people.tax.pk, "李四")], starts_on=date(2026, 10, 12), due_workdays=5)
    cell = load_workbook(io.BytesIO(wb.plan_export(plan, date(2026, 10, 12))))["任务"]["C2"]
    assert cell.data_type == "s"
    assert cell.quotePrefix
