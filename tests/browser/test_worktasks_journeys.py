"""Work tasks and rectification in a real browser (Chinese UI), on the demo county:

1. the office imports a plan from Excel, a unit reports progress on a task, and a supervisor
   issues a 督办 on a late task;
2. an inspection finding ticked on the phone checklist becomes a problem, the unit rectifies it,
   its own chief may not close it out, another unit verifies (销号), and the 回头看 reopens it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from openpyxl import Workbook

from onewindow.core.timesource import local_date
from onewindow.demo.loader import DATA_DIR, load_demo
from onewindow.organization.models import Department, Region, Staff, Window
from onewindow.worktasks import services as svc
from onewindow.worktasks.models import Problem, Task
from tests.browser import helpers
from tests.browser.helpers import log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = yaml.safe_load((DATA_DIR / "organization.yaml").read_text(encoding="utf-8"))["password"]
COUNTY = "990121000000"


def log_in(page, username: str) -> None:
    helpers.log_in(page, username, DEMO_PASSWORD)


def click(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_import_report_and_urge(page, tmp_path):
    load_demo()
    county = Region.objects.get(code=COUNTY)
    gsj = Department.objects.get(region=county, code="GSJ")
    admin = Staff.objects.get(user__username="admin")
    plan = svc.plan_create(actor=admin, region_id=county.pk, title="效能提升计划", year=local_date().year)
    sheet = tmp_path / "plan.xlsx"
    book = Workbook()
    book.active.append(["序号", "任务", "牵头单位", "责任单位", "责任人", "完成时限"])
    book.active.append(["1", "推行一窗受理", gsj.name, gsj.name, "王科长", "20个工作日"])
    book.save(sheet)

    # when the office imports the plan
    log_in(page, "admin")
    page.goto(f"/staff/worktasks/plans/{plan.pk}/")
    page.set_input_files("#id_file", str(sheet))
    click(page, "form[enctype] button[type=submit]")
    assert "已导入 1 项任务" in page.get_by_test_id("message").inner_text()
    task = Task.objects.get(plan=plan)
    log_out(page)

    # and the unit's chief reports progress
    log_in(page, "chief")
    page.goto(f"/staff/worktasks/tasks/{task.pk}/")
    page.fill("#id_progress", "40")
    page.fill("#id_text", "已完成窗口整合方案")
    click(page, "form[action$='/act/report/'] button")
    assert task.units.get().progress == 40
    log_out(page)

    # then a late task gets a 督办 from the supervisor
    late = svc.task_create(actor=admin, plan_id=plan.pk, title="清理证明事项", lead_id=gsj.pk,
                           units=[svc.UnitInput(gsj.pk, "王科长")], starts_on=local_date() - timedelta(days=40),
                           due_on=local_date() - timedelta(days=3))
    log_in(page, "supervisor")
    page.goto(f"/staff/worktasks/tasks/{late.pk}/")
    assert page.get_by_test_id("late").is_visible()
    page.fill("#id_note", "已逾期，请三日内完成")
    click(page, "form[action$='/act/urge/'] button")
    assert "已督办 1 次" in page.get_by_test_id("summary").inner_text()


def test_finding_rectified_verified_and_reopened(page):
    load_demo()
    county = Region.objects.get(code=COUNTY)
    gsj = Department.objects.get(region=county, code="GSJ")
    admin = Staff.objects.get(user__username="admin")
    chief = Staff.objects.get(user__username="chief")
    window = Window.objects.filter(region=county).order_by("number").first()
    insp = svc.inspection_create(actor=admin, region_id=county.pk, kind="inspection", title="窗口明察",
                                 planned_on=local_date(), window_ids=[window.pk], criteria=["presence", "dress"])

    # when the inspector ticks a finding on the checklist
    log_in(page, "admin")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/staff/worktasks/inspections/{insp.pk}/checklist/")
    page.check(f"input[name='fail-{window.pk}-presence']")
    page.fill(f"#note-{window.pk}-presence", "窗口无人")
    click(page, "[data-testid=save-checklist]")
    problem = Problem.objects.get(finding__inspection=insp)
    page.set_viewport_size({"width": 1280, "height": 900})

    # and assigns it to 工商局 and its chief
    page.goto(f"/staff/worktasks/problems/{problem.pk}/")
    page.select_option("#id_department_assign", str(gsj.pk))
    page.select_option("#id_responsible", str(chief.pk))
    click(page, "[data-testid=act-assign]")
    log_out(page)

    # the unit rectifies and asks for the close-out, but may not close it out itself
    log_in(page, "chief")
    page.goto(f"/staff/worktasks/problems/{problem.pk}/")
    page.fill("#id_measures", "建立AB岗制度")
    page.fill("#id_due_plan", "10")
    click(page, "[data-testid=act-plan]")
    page.fill("#id_note_submit", "已整改")
    click(page, "[data-testid=act-submit]")
    page.fill("#id_note_verify", "自己核验")
    click(page, "[data-testid=act-verify]")
    assert "责任单位不能自己核验" in page.get_by_test_id("message").inner_text()
    log_out(page)

    # then another unit (the center's office) verifies, and the 回头看 reopens it
    log_in(page, "admin")
    page.goto(f"/staff/worktasks/problems/{problem.pk}/")
    page.fill("#id_note_verify", "现场核验到位")
    click(page, "[data-testid=act-verify]")
    assert page.get_by_test_id("state").inner_text() == "已销号"
    page.fill("#id_note_reopen", "回头看发现反弹")
    page.fill("#id_due_reopen", "5")
    click(page, "[data-testid=act-reopen]")
    assert page.get_by_test_id("state").inner_text() == "整改中"
    assert Problem.objects.get(pk=problem.pk).reopened_count == 1


def test_campaign_report_photo_and_public_notice(page, tmp_path):
    """3. a unit hands in its written report on the campaign page (late: red); an experience visit's
    finding is recorded with a photo on the phone checklist, the photo shows on the problem; the
    public notice lists the problem and its status, without the people."""
    import io

    from PIL import Image

    from onewindow.worktasks.models import CampaignReport

    load_demo()
    county = Region.objects.get(code=COUNTY)
    gsj = Department.objects.get(region=county, code="GSJ")
    admin = Staff.objects.get(user__username="admin")
    window = Window.objects.filter(region=county).order_by("number").first()
    today = local_date()
    campaign = svc.campaign_create(
        actor=admin, region_id=county.pk, title="营商环境大整改", starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=20), publish_from=today,
        phases=[svc.PhaseInput("大排查", today - timedelta(days=20), today), svc.PhaseInput("大考评", today, today)])
    [report] = svc.campaign_require_reports(actor=admin, campaign_id=campaign.pk, title="三张清单",
                                            due_on=today - timedelta(days=2), department_ids=[gsj.pk])
    visit = svc.inspection_create(actor=admin, region_id=county.pk, kind="experience", title="体验办照",
                                  planned_on=today, window_ids=[window.pk], criteria=["signage"], wait_minutes=30,
                                  applied_for="营业执照设立登记", campaign_id=campaign.pk)
    pdf = tmp_path / "三张清单.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    photo = tmp_path / "photo.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 120, 200)).save(buf, "JPEG")
    photo.write_bytes(buf.getvalue())

    # the unit's chief sees its report owed and late, and hands it in
    log_in(page, "chief")
    page.goto(f"/staff/worktasks/campaigns/{campaign.pk}/")
    assert page.get_by_test_id("report-late").is_visible()
    page.set_input_files(f"#id_file_{report.pk}", str(pdf))
    click(page, "[data-testid=report-submit]")
    assert "已保存" in page.get_by_test_id("message").inner_text()
    assert CampaignReport.objects.get(pk=report.pk).submitted_at is not None
    log_out(page)

    # the office records the experience visit's finding with a photo, at phone width
    log_in(page, "admin")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/staff/worktasks/inspections/{visit.pk}/checklist/")
    page.check(f"input[name='fail-{window.pk}-signage']")
    page.fill(f"#note-{window.pk}-signage", "办事指南与要求不一致")
    page.set_input_files(f"#photo-{window.pk}-signage", str(photo))
    click(page, "[data-testid=save-checklist]")
    problem = Problem.objects.get(finding__inspection=visit)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/staff/worktasks/problems/{problem.pk}/")
    img = page.get_by_test_id("photo")
    assert img.is_visible()
    assert page.evaluate("document.querySelector('[data-testid=photo]').naturalWidth") == 120
    log_out(page)

    # and anyone reads the public notice
    page.goto(f"/notices/campaigns/{campaign.pk}/")
    rows = page.get_by_test_id("notice-row")
    assert "办事指南与要求不一致" in rows.first.inner_text()
    assert "已列入问题清单" in rows.first.inner_text()
    assert admin.name not in page.content()
