"""Major projects' services: creation with its deadline rows, linking the investor's joint case
(green channel at once by the chief, or on the proxy's request), the sweep's sync, self-checks,
completion, and every refusal with nothing half-written."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.cases.models import Case
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.lifecycle.selectors import verify_all
from onewindow.lifecycle.services import deadlines_of
from onewindow.projects import services as s
from onewindow.projects.models import PlanLine, Project, ProjectEvent
from onewindow.projects.rules import LineStatus, ProjectState, UrgentState, line_status, parse_quarter
from onewindow.projects.subjects import PROJECT_SUBJECT
from onewindow.supervision.models import Warning
from onewindow.supervision.sweep import sweep

from .helpers import COMPANY, at, company_case, project

pytestmark = pytest.mark.django_db


def _rows(p: Project) -> dict[str, tuple[str, date | None]]:
    return {row.key: (row.state, row.due_on) for row in deadlines_of(PROJECT_SUBJECT, p.pk)}


def test_create_writes_lines_deadlines_and_the_months_self_check(world):
    p = project(world)
    assert p.number.startswith("990121-XM2026-")
    assert p.state == ProjectState.PLANNING
    assert [ln.title for ln in p.lines.all()] == ["建设项目用地预审与选址意见书", "建筑工程施工许可"]
    rows = _rows(p)
    assert rows["line-1"] == ("open", date(2026, 11, 20))
    assert rows["line-2"] == ("open", date(2026, 12, 20))
    # October's self-check is due by the 5th working day of November (2026-11-06 on the calendar).
    assert rows["check-2026-10"] == ("open", date(2026, 11, 6))
    assert [e.kind for e in ProjectEvent.objects.filter(project=p).order_by("seq")] == ["created", "self_check_opened"]
    assert all(r.ok for r in verify_all(PROJECT_SUBJECT))


@pytest.mark.parametrize(("change", "code"), [
    ({"name": " "}, "project.name_required"),
    ({"investor": ""}, "project.investor_required"),
    ({"investment": "abc"}, "project.investment_invalid"),
    ({"investment": "-5"}, "project.investment_invalid"),
    ({"level": "national"}, "project.level_invalid"),
    ({"proxy_id": None}, "project.proxy_required"),
    ({"due_on": date(2026, 9, 1)}, "project.due_before_start"),
    ({"lines": []}, "project.lines_required"),
    ({"lines": [s.LineInput("用地", None, date(2026, 11, 1))]}, "project.line_department_required"),
    ({"lines": ["late"]}, "project.line_after_due"),
    ({"lines": ["nodate"]}, "project.line_date_required"),
])
def test_create_refusals(world, change, code):
    kw = {"actor": world.admin, "region_id": world.hall.county.pk, "name": "项目", "investor": COMPANY,
          "investment": "100", "level": "city", "proxy_id": world.proxy.pk, "starts_on": date(2026, 10, 1),
          "due_on": date(2026, 12, 31), "lines": [s.LineInput("用地", world.hall.dept.pk, date(2026, 11, 1))],
          "at": at(2026, 10, 12)}
    kw.update(change)
    if kw["lines"] == ["late"]:
        kw["lines"] = [s.LineInput("用地", world.hall.dept.pk, date(2027, 1, 5))]
    if kw["lines"] == ["nodate"]:
        kw["lines"] = [s.LineInput("用地", world.hall.dept.pk, None)]
    with pytest.raises(DomainError) as exc:
        s.project_create(**kw)
    assert exc.value.code == code
    assert not Project.objects.exists()


def test_only_a_center_admin_of_the_region_creates(world):
    for who in (world.proxy, world.supervisor, world.hall.chief, world.other_admin):
        with pytest.raises(PermissionDenied):
            project(world) if who is None else s.project_create(
                actor=who, region_id=world.hall.county.pk, name="项目", investor=COMPANY, investment="1",
                level="county", proxy_id=world.proxy.pk, starts_on=date(2026, 10, 1), due_on=date(2026, 12, 31),
                lines=[s.LineInput("用地", world.hall.dept.pk, date(2026, 11, 1))], at=at(2026, 10, 12))
    assert not Project.objects.exists()


def test_proxy_outside_the_region_and_department_outside_refused(world):
    with pytest.raises(DomainError) as exc:
        s.project_create(actor=world.admin, region_id=world.hall.county.pk, name="项目", investor=COMPANY,
                         investment="1", level="county", proxy_id=world.hall.outsider.pk, starts_on=date(2026, 10, 1),
                         due_on=date(2026, 12, 31), lines=[s.LineInput("用地", world.hall.dept.pk, date(2026, 11, 1))],
                         at=at(2026, 10, 12))
    assert exc.value.code == "project.proxy_outside_region"
    other_dept = world.hall.outsider.department
    with pytest.raises(DomainError) as exc:
        s.project_create(actor=world.admin, region_id=world.hall.county.pk, name="项目", investor=COMPANY,
                         investment="1", level="county", proxy_id=world.proxy.pk, starts_on=date(2026, 10, 1),
                         due_on=date(2026, 12, 31), lines=[s.LineInput("用地", other_dept.pk, date(2026, 11, 1))],
                         at=at(2026, 10, 12))
    assert exc.value.code == "project.line_department_outside_region"


def test_chief_links_the_joint_case_and_marks_it_urgent_at_once(world):
    p = project(world)
    case = company_case(world)
    line = p.lines.get(order=1)
    s.line_link_case(actor=world.hall.chief, project_id=p.pk, line_id=line.pk, case_number=case.number,
                     at=at(2026, 10, 13))
    line.refresh_from_db()
    case.refresh_from_db()
    p.refresh_from_db()
    assert line.case_id == case.pk
    assert line.urgent == UrgentState.MARKED
    assert case.is_urgent
    assert case.urgent_reason == "重点项目绿色通道"
    assert case.events.filter(kind="marked_urgent").exists()
    assert p.state == ProjectState.APPROVING
    assert [e.kind for e in p.events.order_by("seq")][-2:] == ["case_linked", "urgent_marked"]


def test_proxy_links_and_asks_the_chief_marks(world):
    p = project(world)
    case = company_case(world)
    line = p.lines.get(order=1)
    s.line_link_case(actor=world.proxy, project_id=p.pk, line_id=line.pk, case_number=case.number,
                     at=at(2026, 10, 13))
    line.refresh_from_db()
    case.refresh_from_db()
    assert line.urgent == UrgentState.REQUESTED
    assert not case.is_urgent
    # The proxy cannot mark it (the case engine refuses: no chief representative's power).
    with pytest.raises(PermissionDenied):
        s.line_mark_urgent(actor=world.proxy, project_id=p.pk, line_id=line.pk, at=at(2026, 10, 13))
    s.line_mark_urgent(actor=world.hall.chief, project_id=p.pk, line_id=line.pk, at=at(2026, 10, 14))
    line.refresh_from_db()
    case.refresh_from_db()
    assert line.urgent == UrgentState.MARKED
    assert case.is_urgent
    with pytest.raises(DomainError) as exc:
        s.line_mark_urgent(actor=world.hall.chief, project_id=p.pk, line_id=line.pk, at=at(2026, 10, 14))
    assert exc.value.code == "project.urgent_not_requested"
    assert all(r.ok for r in verify_all(PROJECT_SUBJECT))


def test_link_refusals_leave_nothing_written(world):
    p = project(world)
    line = p.lines.get(order=1)
    single = company_case(world, joint=False)
    stranger = company_case(world, name="云溪县别家有限公司")
    good = company_case(world)

    def refused(actor, number, code, exc_type=DomainError, line_id=line.pk):
        with pytest.raises(exc_type) as exc:
            s.line_link_case(actor=actor, project_id=p.pk, line_id=line_id, case_number=number, at=at(2026, 10, 13))
        assert exc.value.code == code

    refused(world.supervisor, good.number, "forbidden.project.act", PermissionDenied)
    refused(world.admin, good.number, "forbidden.project.act", PermissionDenied)
    refused(world.proxy, "", "project.case_number_required")
    refused(world.proxy, "990121-2026-999999", "project.case_not_found", NotFound)
    refused(world.proxy, stranger.number, "project.case_not_investor")
    refused(world.proxy, single.number, "project.case_not_joint_or_bundle")
    refused(world.proxy, good.number, "project.line_not_found", NotFound, line_id=999999)
    assert not PlanLine.objects.filter(case__isnull=False).exists()
    assert not Case.objects.filter(is_urgent=True).exists()
    p.refresh_from_db()
    assert p.state == ProjectState.PLANNING
    s.line_link_case(actor=world.proxy, project_id=p.pk, line_id=line.pk, case_number=good.number,
                     at=at(2026, 10, 13))
    refused(world.proxy, good.number, "project.line_already_linked")
    refused(world.proxy, good.number, "project.case_already_linked", line_id=p.lines.get(order=2).pk)


def test_zjj_chief_acts_only_as_a_responsible_chief(world):
    p = project(world)
    case = company_case(world)
    # 住建局's chief is responsible for line 2; the case belongs to 工商局, so the chief asks.
    s.line_link_case(actor=world.zjj_chief, project_id=p.pk, line_id=p.lines.get(order=2).pk,
                     case_number=case.number, at=at(2026, 10, 13))
    assert p.lines.get(order=2).urgent == UrgentState.REQUESTED


def test_sync_marks_a_concluded_case_done_and_closes_its_deadline(world):
    p = project(world)
    case = company_case(world)
    line = p.lines.get(order=1)
    s.line_link_case(actor=world.hall.chief, project_id=p.pk, line_id=line.pk, case_number=case.number,
                     at=at(2026, 10, 13))
    Case.objects.filter(pk=case.pk).update(status="concluded", concluded_at=at(2026, 11, 2))
    assert s.project_sync(project_id=p.pk, at=at(2026, 11, 3)) == 1
    line.refresh_from_db()
    assert line.done_on == date(2026, 11, 2)
    rows = _rows(p)
    assert rows["line-1"][0] == "closed"
    # November's self-check opened by the sync.
    assert rows["check-2026-11"] == ("open", date(2026, 12, 7))
    assert s.project_sync(project_id=p.pk, at=at(2026, 11, 3)) == 0
    with pytest.raises(DomainError) as exc:
        s.project_complete(actor=world.proxy, project_id=p.pk, at=at(2026, 11, 3))
    assert exc.value.code == "project.lines_pending"


def test_complete_after_every_line_done(world):
    p = project(world)
    with pytest.raises(DomainError) as exc:
        s.project_complete(actor=world.proxy, project_id=p.pk, at=at(2026, 10, 13))
    assert exc.value.code == "project.transition_refused.complete"
    first, second = company_case(world), company_case(world)
    for line, case in zip(p.lines.order_by("order"), (first, second), strict=True):
        s.line_link_case(actor=world.proxy, project_id=p.pk, line_id=line.pk, case_number=case.number,
                         at=at(2026, 10, 13))
    Case.objects.filter(pk__in=[first.pk, second.pk]).update(status="concluded", concluded_at=at(2026, 11, 2))
    assert s.project_sync(project_id=p.pk, at=at(2026, 11, 3)) == 2
    with pytest.raises(PermissionDenied):
        s.project_complete(actor=world.supervisor, project_id=p.pk, at=at(2026, 11, 3))
    s.project_complete(actor=world.proxy, project_id=p.pk, at=at(2026, 11, 3))
    p.refresh_from_db()
    assert p.state == ProjectState.DONE
    assert all(state == "closed" for state, _due in _rows(p).values())


def test_self_check_by_a_responsible_chief_and_refusals(world):
    p = project(world)
    kw = {"project_id": p.pk, "month": date(2026, 10, 1), "progress": "用地预审材料已报送",
          "problems": "无", "next_steps": "跟进施工许可", "at": at(2026, 11, 4)}
    with pytest.raises(PermissionDenied):
        s.self_check_file(actor=world.supervisor, department_id=None, **kw)
    with pytest.raises(DomainError) as exc:
        s.self_check_file(actor=world.proxy, department_id=None, **kw)
    assert exc.value.code == "project.department_required"
    with pytest.raises(DomainError) as exc:
        s.self_check_file(actor=world.zjj_chief, department_id=world.hall.dept.pk, **kw)
    assert exc.value.code == "project.department_not_yours"
    with pytest.raises(DomainError) as exc:
        s.self_check_file(actor=world.zjj_chief, department_id=None, **{**kw, "progress": " "})
    assert exc.value.code == "project.progress_required"
    with pytest.raises(DomainError) as exc:
        s.self_check_file(actor=world.zjj_chief, department_id=None, **{**kw, "month": date(2026, 12, 1)})
    assert exc.value.code == "project.month_future"
    check = s.self_check_file(actor=world.zjj_chief, department_id=None, **kw)
    assert check.department_id == world.joint.co_dept.pk
    assert _rows(p)["check-2026-10"][0] == "closed"
    with pytest.raises(DomainError) as exc:
        s.self_check_file(actor=world.proxy, department_id=world.hall.dept.pk, **kw)
    assert exc.value.code == "project.self_check_filed"
    event = p.events.order_by("-seq").first()
    assert event.kind == "self_check_filed"
    assert event.payload["late"] is False


def test_line_status_and_quarters():
    assert line_status(date(2026, 11, 20), date(2026, 11, 20), date(2026, 12, 1)) == LineStatus.DONE_ON_TIME
    assert line_status(date(2026, 11, 20), date(2026, 11, 21), date(2026, 12, 1)) == LineStatus.DONE_LATE
    assert line_status(date(2026, 11, 20), None, date(2026, 11, 21)) == LineStatus.LATE
    assert line_status(date(2026, 11, 20), None, date(2026, 11, 20)) == LineStatus.RUNNING
    q = parse_quarter("2026q4")
    assert q is not None
    assert (q.first, q.last) == (date(2026, 10, 1), date(2026, 12, 31))
    assert parse_quarter("2026Q5") is None


def test_closed_case_unlinked_line_and_stale_version_refused(world):
    p = project(world)
    case = company_case(world)
    Case.objects.filter(pk=case.pk).update(status="withdrawn")
    line = p.lines.get(order=1)
    with pytest.raises(DomainError) as exc:
        s.line_link_case(actor=world.proxy, project_id=p.pk, line_id=line.pk, case_number=case.number,
                         at=at(2026, 10, 13))
    assert exc.value.code == "project.case_closed"
    with pytest.raises(DomainError) as exc:
        s.line_mark_urgent(actor=world.hall.chief, project_id=p.pk, line_id=line.pk, at=at(2026, 10, 13))
    assert exc.value.code == "project.transition_refused.mark_urgent"  # nothing runs yet
    with pytest.raises(DomainError) as exc:
        s.line_link_case(actor=world.proxy, project_id=p.pk, line_id=line.pk, case_number=case.number,
                         at=at(2026, 10, 13), expected_version=p.row_version + 7)
    assert exc.value.code == "record.stale"
    other = company_case(world)
    s.line_link_case(actor=world.proxy, project_id=p.pk, line_id=line.pk, case_number=other.number,
                     at=at(2026, 10, 13))
    with pytest.raises(DomainError) as exc:
        s.line_mark_urgent(actor=world.hall.chief, project_id=p.pk, line_id=p.lines.get(order=2).pk,
                           at=at(2026, 10, 13))
    assert exc.value.code == "project.line_not_linked"


def test_too_many_lines_refused(world):
    with pytest.raises(DomainError) as exc:
        s.project_create(actor=world.admin, region_id=world.hall.county.pk, name="项目", investor=COMPANY,
                         investment="1", level="county", proxy_id=world.proxy.pk, starts_on=date(2026, 10, 1),
                         due_on=date(2026, 12, 31),
                         lines=[s.LineInput(f"事项{n}", world.hall.dept.pk, date(2026, 11, 1)) for n in range(51)],
                         at=at(2026, 10, 12))
    assert exc.value.code == "project.lines_too_many"


def test_the_sweep_warns_on_a_missed_self_check_and_plan_date_and_resolves_once_done(world):
    p = project(world)
    sweep(now=at(2026, 11, 9, 9))  # October's self-check was due 2026-11-06
    late_check = Warning.objects.filter(subject_type=PROJECT_SUBJECT, subject_id=p.pk, rule="deadline_overdue")
    assert late_check.count() == 1
    assert late_check.get().department_id == world.hall.dept.pk  # the plan's first line's department
    case = company_case(world, when=at(2026, 11, 9))
    s.line_link_case(actor=world.hall.chief, project_id=p.pk, line_id=p.lines.get(order=1).pk,
                     case_number=case.number, at=at(2026, 11, 9))
    sweep(now=at(2026, 11, 23, 9))  # line 1 was planned for 2026-11-20, its case still in review
    assert Warning.objects.filter(subject_type=PROJECT_SUBJECT, subject_id=p.pk, rule="deadline_overdue",
                                  state="open").count() == 2
    Case.objects.filter(pk=case.pk).update(status="concluded", concluded_at=at(2026, 11, 24))
    sweep(now=at(2026, 11, 25, 9))  # the sync marks the line done, closing its deadline row
    sweep(now=at(2026, 11, 25, 10))  # and the next sweep resolves the warning
    assert p.lines.get(order=1).done_on == date(2026, 11, 24)
    assert Warning.objects.filter(subject_type=PROJECT_SUBJECT, subject_id=p.pk, rule="deadline_overdue",
                                  state="open").count() == 1  # October's self-check is still owed
