"""Work tasks: creation with the six 定, deadlines as rows, reports, consolidation, 督办, close,
and every refusal."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.lifecycle.deadlines import Kind
from onewindow.lifecycle.selectors import verify_events
from onewindow.lifecycle.services import deadlines_of
from onewindow.workdays.selectors import snapshot_for
from onewindow.worktasks import services as s
from onewindow.worktasks.models import TaskEvent

from .helpers import at, plan_with_task

pytestmark = pytest.mark.django_db


def test_task_created_with_units_milestone_and_deadline_row(people):
    _plan, task = plan_with_task(people)
    expected = snapshot_for(people.hall.county.code).add_workdays(date(2026, 10, 12), 10)
    assert task.due_on == expected
    assert task.yellow_from is not None
    assert task.yellow_from < task.due_on
    assert "任务完成时限" in task.due_explanation
    units = {u.department_id: u.owner_name for u in task.units.all()}
    assert units == {people.hall.dept.pk: "张科长", people.tax.pk: "wt_tax"}
    assert task.milestones.count() == 1
    [row] = deadlines_of("work_task", task.pk)
    assert (row.kind, row.due_on, row.state, row.department_id) == (Kind.REPLY, expected, "open", people.hall.dept.pk)


def test_calendar_date_deadline(people):
    _plan, task = plan_with_task(people, due_workdays=None, due_on=date(2026, 12, 31))
    assert task.due_on == date(2026, 12, 31)
    assert deadlines_of("work_task", task.pk)[0].due_on == date(2026, 12, 31)


def test_task_without_lead_refused(people):
    plan, _task = plan_with_task(people)
    with pytest.raises(DomainError) as e:
        s.task_create(actor=people.admin, plan_id=plan.pk, title="无牵头", lead_id=None,
                      units=[s.UnitInput(people.tax.pk, "李")], starts_on=date(2026, 10, 12), due_workdays=5)
    assert (e.value.code, e.value.field) == ("worktasks.lead_required", "lead")


def test_unit_outside_region_refused(people):
    plan, _task = plan_with_task(people)
    from onewindow.organization.models import Department

    outside = Department.objects.get(region=people.hall.other_county, code="GSJ")
    with pytest.raises(DomainError) as e:
        s.task_create(actor=people.admin, plan_id=plan.pk, title="跨区", lead_id=people.hall.dept.pk,
                      units=[s.UnitInput(outside.pk, "王")], starts_on=date(2026, 10, 12), due_workdays=5)
    assert e.value.code == "worktasks.unit_outside_region"
    assert plan.tasks.count() == 1  # nothing half-written


def test_unit_without_owner_refused(people):
    plan, _task = plan_with_task(people)
    with pytest.raises(DomainError) as e:
        s.task_create(actor=people.admin, plan_id=plan.pk, title="无人", lead_id=people.hall.dept.pk,
                      units=[s.UnitInput(people.tax.pk)], starts_on=date(2026, 10, 12), due_workdays=5)
    assert e.value.code == "worktasks.owner_required"


def test_only_the_office_creates_tasks(people):
    with pytest.raises(PermissionDenied):
        s.plan_create(actor=people.tax_reviewer, region_id=people.hall.county.pk, title="x", year=2026)
    with pytest.raises(PermissionDenied):
        s.plan_create(actor=people.other_admin, region_id=people.hall.county.pk, title="x", year=2026)


def test_units_report_and_lead_consolidates(people):
    _plan, task = plan_with_task(people)
    s.task_report(actor=people.tax_reviewer, task_id=task.pk, department_id=people.tax.pk, text="已完成方案",
                  progress=60, at=at(2026, 10, 14))
    s.task_report(actor=people.gsj_reviewer, task_id=task.pk, department_id=people.hall.dept.pk, text="推进中",
                  progress=20, at=at(2026, 10, 14))
    task = s.task_consolidate(actor=people.gsj_reviewer, task_id=task.pk, summary="总体进度四成",
                              at=at(2026, 10, 15))
    assert task.progress == 40
    assert list(TaskEvent.objects.filter(task=task).order_by("seq").values_list("kind", flat=True)) == [
        "created", "reported", "reported", "consolidated"]
    assert verify_events(TaskEvent.objects.filter(task=task).order_by("seq"), task.number) == []


def test_report_by_another_unit_refused(people):
    _plan, task = plan_with_task(people)
    with pytest.raises(PermissionDenied):
        s.task_report(actor=people.tax_reviewer, task_id=task.pk, department_id=people.hall.dept.pk, text="冒报",
                      progress=10)


def test_report_progress_out_of_range_refused(people):
    _plan, task = plan_with_task(people)
    with pytest.raises(DomainError) as e:
        s.task_report(actor=people.tax_reviewer, task_id=task.pk, department_id=people.tax.pk, text="x",
                      progress=140)
    assert e.value.field == "progress"


def test_report_on_closed_task_refused(people):
    _plan, task = plan_with_task(people)
    s.task_close(actor=people.admin, task_id=task.pk, at=at(2026, 10, 20))
    assert deadlines_of("work_task", task.pk)[0].state == "closed"
    with pytest.raises(DomainError) as e:
        s.task_report(actor=people.tax_reviewer, task_id=task.pk, department_id=people.tax.pk, text="迟报",
                      progress=100)
    assert e.value.code == "work_task.transition_refused.report"


def test_urge_a_late_task(people):
    _plan, task = plan_with_task(people, due_workdays=3)
    with pytest.raises(DomainError) as e:
        s.task_urge(actor=people.supervisor, task_id=task.pk, note="抓紧", at=at(2026, 10, 12))
    assert e.value.code == "worktasks.urge_not_late"
    with pytest.raises(PermissionDenied):
        s.task_urge(actor=people.admin, task_id=task.pk, note="抓紧", at=at(2026, 11, 2))
    task = s.task_urge(actor=people.supervisor, task_id=task.pk, note="已逾期，限三日内完成", at=at(2026, 11, 2))
    assert task.urged_count == 1
    assert task.events.order_by("-seq").first().payload == {"overdue": True}


def test_unknown_task(people):
    with pytest.raises(NotFound):
        s.task_report(actor=people.tax_reviewer, task_id=999999, department_id=people.tax.pk, text="x", progress=1)


def test_the_sweep_warns_yellow_then_red_and_resolves_on_close(people):
    from onewindow.supervision.models import Warning
    from onewindow.supervision.sweep import sweep

    _plan, task = plan_with_task(people)
    sweep(now=at(2026, 10, 12, 9))
    sweep(now=at(task.yellow_from.year, task.yellow_from.month, task.yellow_from.day, 9))
    yellow = Warning.objects.get(subject_type="work_task", subject_id=task.pk, rule="deadline_near")
    assert yellow.level == "yellow"
    after = snapshot_for(people.hall.county.code).add_workdays(task.due_on, 1)
    sweep(now=at(after.year, after.month, after.day, 9))
    red = Warning.objects.get(subject_type="work_task", subject_id=task.pk, rule="deadline_overdue")
    assert red.level == "red"
    s.task_close(actor=people.admin, task_id=task.pk, at=at(after.year, after.month, after.day, 10))
    sweep(now=at(after.year, after.month, after.day, 11))
    red.refresh_from_db()
    assert red.state == "resolved"


def test_milestone_after_deadline_refused(people):
    plan, _task = plan_with_task(people)
    with pytest.raises(DomainError) as e:
        s.task_create(actor=people.admin, plan_id=plan.pk, title="节点晚", lead_id=people.hall.dept.pk,
                      units=[s.UnitInput(people.tax.pk, "李")], starts_on=date(2026, 10, 12), due_workdays=5,
                      milestones=[("验收", date(2026, 12, 1))])
    assert e.value.code == "worktasks.milestone_after_due"


def test_report_with_an_attachment(people, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    _plan, task = plan_with_task(people)
    report = s.task_report(actor=people.tax_reviewer, task_id=task.pk, department_id=people.tax.pk, text="附方案",
                           progress=10, attachment=SimpleUploadedFile("方案.pdf", b"%PDF-1.4 test"))
    assert report.attachment.name.startswith("worktasks/reports/")
    assert report.attachment.read() == b"%PDF-1.4 test"
