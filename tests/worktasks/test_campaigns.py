"""Campaigns (seed 003): phases with dates, written reports owed by each unit (书面报送) with their
deadline rows and warnings, experience visits (体验) whose findings become problems, photos on
findings, and the public notice on its schedule without personal data."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.lifecycle.models import Deadline
from onewindow.lifecycle.registry import subject
from onewindow.worktasks import services as s
from onewindow.worktasks.models import FindingPhoto, Problem
from onewindow.worktasks.selectors import public_notice, report_is_late

from .helpers import at, image, pdf, png_claiming

pytestmark = pytest.mark.django_db

PHASES = [s.PhaseInput("大学习", date(2026, 9, 14), date(2026, 11, 13)),
          s.PhaseInput("大排查", date(2026, 9, 14), date(2026, 10, 12)),
          s.PhaseInput("大体验", date(2026, 9, 14), date(2026, 10, 22)),
          s.PhaseInput("大考评", date(2026, 10, 12), date(2026, 11, 13))]


def campaign(p, **kw):
    args = {"actor": p.admin, "region_id": p.hall.county.pk, "title": "优化营商环境“大整改”专项行动",
            "starts_on": date(2026, 9, 14), "ends_on": date(2026, 11, 13), "phases": PHASES,
            "at": at(2026, 9, 14)}
    args.update(kw)
    return s.campaign_create(**args)


# -- phases ------------------------------------------------------------------------------------------


def test_a_campaign_has_phases_with_dates_and_a_chained_history(people):
    c = campaign(people)
    assert [(ph.order, ph.name) for ph in c.phases.order_by("order")] == [
        (1, "大学习"), (2, "大排查"), (3, "大体验"), (4, "大考评")]
    assert c.number.endswith("ZX2026-00001")
    [report] = list(subject("campaign").verify(c.number))
    assert report.ok
    assert report.label == c.number


def test_campaign_refusals(people):
    with pytest.raises(DomainError) as e:
        campaign(people, phases=[s.PhaseInput("大督查", date(2026, 9, 1), date(2026, 10, 1))])
    assert e.value.code == "worktasks.phase_outside_campaign"
    with pytest.raises(DomainError) as e:
        campaign(people, phases=[s.PhaseInput("大督查", date(2026, 10, 9), date(2026, 10, 1))])
    assert e.value.code == "worktasks.phase_dates_invalid"
    with pytest.raises(DomainError) as e:
        campaign(people, phases=[])
    assert e.value.code == "worktasks.phases_required"
    with pytest.raises(DomainError) as e:
        campaign(people, ends_on=date(2026, 9, 1))
    assert e.value.code == "worktasks.campaign_dates_invalid"
    with pytest.raises(PermissionDenied):
        campaign(people, actor=people.tax_reviewer)


# -- written reports (书面报送) ------------------------------------------------------------------------


def test_each_unit_owes_a_report_with_a_deadline_row_and_the_sweep_warns(people):
    from onewindow.supervision.models import Warning
    from onewindow.supervision.sweep import sweep

    c = campaign(people)
    reports = s.campaign_require_reports(actor=people.admin, campaign_id=c.pk, title="问题清单和整改报告",
                                         due_on=date(2026, 9, 30), department_ids=[people.hall.dept.pk, people.tax.pk],
                                         at=at(2026, 9, 14))
    assert len(reports) == 2
    rows = Deadline.objects.filter(subject_type="campaign_report", state="open")
    assert {d.subject_id for d in rows} == {r.pk for r in reports}
    tax = next(r for r in reports if r.department_id == people.tax.pk)
    gsj = next(r for r in reports if r.department_id == people.hall.dept.pk)
    # 工商局 hands in on time; 税务局 does not: a yellow warning, then a red one.
    s.campaign_report_submit(actor=people.gsj_reviewer, report_id=gsj.pk, text="见附件", attachment=pdf(),
                             at=at(2026, 9, 29))
    sweep(now=at(tax.yellow_from.year, tax.yellow_from.month, tax.yellow_from.day, 9))
    assert Warning.objects.get(subject_type="campaign_report", subject_id=tax.pk, rule="deadline_near").level == "yellow"
    assert not Warning.objects.filter(subject_type="campaign_report", subject_id=gsj.pk).exists()
    sweep(now=at(2026, 10, 8, 9))
    red = Warning.objects.get(subject_type="campaign_report", subject_id=tax.pk, rule="deadline_overdue")
    assert red.level == "red"
    tax.refresh_from_db()
    assert report_is_late(tax, date(2026, 10, 8))
    # Handed in late: taken, the deadline closes and the warning resolves, and it stays marked late.
    done = s.campaign_report_submit(actor=people.tax_reviewer, report_id=tax.pk, text="补报", attachment=pdf(),
                                    at=at(2026, 10, 9))
    assert done.late
    assert report_is_late(done, date(2026, 10, 9))
    gsj.refresh_from_db()
    assert not gsj.late
    sweep(now=at(2026, 10, 9, 11))
    red.refresh_from_db()
    assert red.state == "resolved"
    assert c.events.filter(kind="report_submitted").count() == 2


def test_report_refusals(people):
    c = campaign(people)
    [rep] = s.campaign_require_reports(actor=people.admin, campaign_id=c.pk, title="自查报告",
                                       due_on=date(2026, 9, 30), department_ids=[people.tax.pk], at=at(2026, 9, 14))
    with pytest.raises(DomainError) as e:
        s.campaign_require_reports(actor=people.admin, campaign_id=c.pk, title="自查报告", due_on=date(2026, 9, 30),
                                   department_ids=[people.tax.pk], at=at(2026, 9, 14))
    assert e.value.code == "worktasks.report_already_required"
    other_dept = people.other_admin.postings.first()
    from onewindow.organization.models import Department
    far = Department.objects.create(region=people.hall.other_county, code="XXJ", name="邻水县某局")
    with pytest.raises(DomainError) as e:
        s.campaign_require_reports(actor=people.admin, campaign_id=c.pk, title="另一份", due_on=date(2026, 9, 30),
                                   department_ids=[far.pk], at=at(2026, 9, 14))
    assert e.value.code == "worktasks.unit_outside_region"
    del other_dept
    with pytest.raises(PermissionDenied):  # another unit cannot hand in 税务局's report
        s.campaign_report_submit(actor=people.gsj_reviewer, report_id=rep.pk, text="", attachment=pdf())
    with pytest.raises(DomainError) as e:
        s.campaign_report_submit(actor=people.tax_reviewer, report_id=rep.pk, text="", attachment=None)
    assert e.value.code == "worktasks.attachment_required"
    with pytest.raises(DomainError) as e:  # checked like every upload: by content, not by name
        s.campaign_report_submit(actor=people.tax_reviewer, report_id=rep.pk, text="",
                                 attachment=SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf"))
    assert e.value.code == "upload.type_refused"
    s.campaign_report_submit(actor=people.tax_reviewer, report_id=rep.pk, text="", attachment=pdf())
    with pytest.raises(DomainError) as e:
        s.campaign_report_submit(actor=people.tax_reviewer, report_id=rep.pk, text="", attachment=pdf())
    assert e.value.code == "worktasks.report_already_submitted"
    with pytest.raises(NotFound):
        s.campaign_report_submit(actor=people.tax_reviewer, report_id=999999, text="", attachment=pdf())


# -- experience visits (体验) and photos ------------------------------------------------------------------


def test_an_experience_visit_finding_becomes_a_problem_of_the_campaign(people):
    c = campaign(people)
    visit = s.inspection_create(actor=people.admin, region_id=people.hall.county.pk, kind="experience",
                                title="局长体验办理营业执照", planned_on=date(2026, 9, 20),
                                window_ids=[people.hall.window.pk], wait_minutes=50, visits_needed=2,
                                answers="窗口要求补交一份材料，办事指南未列", applied_for="营业执照设立登记",
                                campaign_id=c.pk, at=at(2026, 9, 20))
    finding, problem = s.finding_record(actor=people.admin, inspection_id=visit.pk, criterion="signage",
                                        note="办事指南与实际要求不一致", window_id=people.hall.window.pk,
                                        photos=[SimpleUploadedFile("a.jpg", image("JPEG"))], at=at(2026, 9, 20))
    assert problem.campaign_ref == c
    assert problem.campaign == c.title
    assert "体验" in problem.evidence
    assert FindingPhoto.objects.get(finding=finding).content_type == "image/jpeg"
    assert c.events.filter(kind="visit_recorded").exists()


def test_experience_visit_refusals(people):
    base = {"actor": people.admin, "region_id": people.hall.county.pk, "kind": "experience", "title": "体验",
            "planned_on": date(2026, 9, 20), "window_ids": [people.hall.window.pk], "wait_minutes": 5,
            "applied_for": "营业执照"}
    with pytest.raises(DomainError) as e:
        s.inspection_create(**base)
    assert e.value.code == "worktasks.campaign_required"
    c = campaign(people)
    with pytest.raises(DomainError) as e:
        s.inspection_create(**{**base, "campaign_id": c.pk, "applied_for": ""})
    assert e.value.code == "worktasks.applied_for_required"
    with pytest.raises(DomainError) as e:
        s.inspection_create(**{**base, "campaign_id": c.pk, "wait_minutes": None})
    assert e.value.code == "worktasks.wait_required"


def _inspection(p):
    return s.inspection_create(actor=p.admin, region_id=p.hall.county.pk, kind="inspection", title="明察",
                               planned_on=date(2026, 10, 14), window_ids=[p.hall.window.pk])


@pytest.mark.parametrize(("upload", "code"), [
    (SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n"), "worktasks.photo_not_image"),
    (SimpleUploadedFile("x.jpg", b"MZ\x90\x00 an exe"), "upload.type_refused"),
    (SimpleUploadedFile("x.png", png_claiming(30_000, 30_000)), "upload.image_too_large"),
])
def test_photos_are_checked_like_every_upload_and_nothing_is_recorded(people, upload, code):
    insp = _inspection(people)
    line_ok = s.ChecklistLine(people.hall.window.pk, "presence", "无人", [SimpleUploadedFile("a.png", image())])
    line_bad = s.ChecklistLine(people.hall.window.pk, "dress", "未佩戴工牌", [upload])
    with pytest.raises(DomainError) as e:
        s.checklist_record(actor=people.admin, inspection_id=insp.pk, lines=[line_ok, line_bad])
    assert e.value.code == code
    assert e.value.field == "photos"
    assert not Problem.objects.exists()
    assert not FindingPhoto.objects.exists()


def test_too_many_photos_refused(people):
    insp = _inspection(people)
    with pytest.raises(DomainError) as e:
        s.finding_record(actor=people.admin, inspection_id=insp.pk, criterion="presence", note="x",
                         photos=[SimpleUploadedFile(f"{i}.png", image()) for i in range(6)])
    assert e.value.code == "worktasks.photos_too_many"


# -- the public notice -------------------------------------------------------------------------------


def _campaign_problem(p, c):
    problem = s.problem_record(actor=p.admin, region_id=p.hall.county.pk, title="窗口工作人员上班时间玩手机",
                               source="complaint", evidence="群众王五（13912345678，身份证110101199003077777）投诉",
                               campaign_id=c.pk, at=at(2026, 9, 20))
    s.problem_act(actor=p.admin, problem_id=problem.pk, action="assign", department_id=p.tax.pk,
                  responsible_id=p.tax_reviewer.pk, at=at(2026, 9, 21))
    return problem


def test_nothing_is_public_before_the_publication_day(people):
    c = campaign(people, publish_from=date(2026, 10, 15))
    _campaign_problem(people, c)
    assert public_notice(c.pk, date(2026, 10, 14)) is None
    notice = public_notice(c.pk, date(2026, 10, 15))
    assert notice is not None
    assert notice[1][0].status == "已明确责任单位"
    s.campaign_schedule_notice(actor=people.admin, campaign_id=c.pk, publish_from=None)
    assert public_notice(c.pk, date(2026, 12, 1)) is None
    with pytest.raises(PermissionDenied):
        s.campaign_schedule_notice(actor=people.tax_reviewer, campaign_id=c.pk, publish_from=date(2026, 10, 1))
