"""The pages of issue 21's remaining items: the create pages (plan, task, problem, inspection,
campaign), the campaign page (phases, written reports handed in as files, late ones red), photos on
the checklist shown on the problem, and the public notice — on its schedule, following status
changes, and without personal data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.core.timesource import local_date
from onewindow.worktasks import services as s
from onewindow.worktasks.models import Campaign, CampaignReport, FindingPhoto, Inspection, Plan, Problem, Task

from .helpers import at, image, pdf

pytestmark = pytest.mark.django_db
BASE = "/staff/worktasks"


def _campaign(p, *, publish_from=None, days_back: int = 30):
    today = local_date()
    start = today - timedelta(days=days_back)
    return s.campaign_create(actor=p.admin, region_id=p.hall.county.pk, title="“大整改”专项行动", starts_on=start,
                             ends_on=today + timedelta(days=30), publish_from=publish_from,
                             phases=[s.PhaseInput("大排查", start, today), s.PhaseInput("大考评", today, today)])


# -- create pages --------------------------------------------------------------------------------


def test_create_a_plan_a_task_a_problem_and_an_inspection_on_pages(client, people):
    client.force_login(people.admin.user)
    assert "新建工作计划" in client.get(f"{BASE}/").content.decode()
    r = client.post(f"{BASE}/plans/new/", {"title": "2027年效能计划", "year": "2027"})
    plan = Plan.objects.get(title="2027年效能计划")
    assert r.status_code == 302
    assert r["Location"] == f"{BASE}/plans/{plan.pk}/"
    assert client.get(f"{BASE}/plans/{plan.pk}/tasks/new/").status_code == 200
    r = client.post(f"{BASE}/plans/{plan.pk}/tasks/new/", {
        "title": "推行一窗受理", "lead": people.hall.dept.pk, "units": [people.tax.pk],
        f"owner-{people.tax.pk}": "李科长", "starts_on": "2026-10-12", "due_workdays": "10", "standard": "GB/T 36112"})
    task = Task.objects.get(title="推行一窗受理")
    assert r.status_code == 302
    assert task.units.get().owner_name == "李科长"
    # No lead unit: the page comes back naming the rule, nothing created.
    r = client.post(f"{BASE}/plans/{plan.pk}/tasks/new/", {"title": "无牵头", "units": [people.tax.pk],
                                                           f"owner-{people.tax.pk}": "李", "due_workdays": "5",
                                                           "starts_on": "2026-10-12"})
    assert r.status_code == 400
    assert "请填写牵头单位" in r.content.decode()
    assert not Task.objects.filter(title="无牵头").exists()
    r = client.post(f"{BASE}/problems/new/", {"title": "办事指南未更新", "source": "self_inspection",
                                              "evidence": "自查发现"})
    problem = Problem.objects.get(title="办事指南未更新")
    assert r["Location"] == f"{BASE}/problems/{problem.pk}/"
    r = client.post(f"{BASE}/inspections/new/", {"kind": "inspection", "title": "十月明察",
                                                 "planned_on": "2026-10-14", "windows": [people.hall.window.pk]})
    insp = Inspection.objects.get(title="十月明察")
    assert r["Location"] == f"{BASE}/inspections/{insp.pk}/checklist/"
    r = client.post(f"{BASE}/inspections/new/", {"kind": "mystery", "title": "暗访", "planned_on": "2026-10-14",
                                                 "windows": [people.hall.window.pk]}, follow=True)
    assert "暗访须记录等候时间" in r.content.decode()


def test_a_unit_clerk_cannot_create_a_plan(client, people):
    client.force_login(people.tax_reviewer.user)
    assert client.post(f"{BASE}/plans/new/", {"title": "x", "year": "2027"}).status_code == 403
    assert not Plan.objects.exists()


# -- campaigns -----------------------------------------------------------------------------------


def test_campaign_created_on_its_page_with_phases(client, people):
    client.force_login(people.admin.user)
    r = client.post(f"{BASE}/campaigns/new/", {
        "title": "大整改", "starts_on": "2026-09-14", "ends_on": "2026-11-13",
        "phase_name": ["大学习", "大排查", ""], "phase_from": ["2026-09-14", "2026-09-14", ""],
        "phase_to": ["2026-11-13", "2026-10-12", ""]})
    c = Campaign.objects.get()
    assert r["Location"] == f"{BASE}/campaigns/{c.pk}/"
    assert list(c.phases.values_list("name", flat=True)) == ["大学习", "大排查"]
    page = client.get(f"{BASE}/campaigns/{c.pk}/").content.decode()
    assert page.count('data-testid="phase-row"') == 2
    r = client.post(f"{BASE}/campaigns/new/", {"title": "坏", "starts_on": "2026-09-14", "ends_on": "2026-11-13",
                                               "phase_name": ["大督查"], "phase_from": ["2026-08-01"],
                                               "phase_to": ["2026-10-01"]}, follow=True)
    assert "超出专项行动的起止日期" in r.content.decode()


def test_written_reports_required_handed_in_as_files_and_late_ones_red(client, people):
    c = _campaign(people)
    today = local_date()
    s.campaign_require_reports(actor=people.admin, campaign_id=c.pk, title="自查报告", due_on=today - timedelta(days=3),
                               department_ids=[people.hall.dept.pk, people.tax.pk],
                               at=at((today - timedelta(days=20)).year, (today - timedelta(days=20)).month,
                                     (today - timedelta(days=20)).day))
    client.force_login(people.admin.user)
    r = client.post(f"{BASE}/campaigns/{c.pk}/act/require/", {"title": "整改报告", "due_on": today.isoformat(),
                                                              "departments": [people.tax.pk]})
    assert r.status_code == 302
    assert CampaignReport.objects.filter(title="整改报告").count() == 1
    page = client.get(f"{BASE}/campaigns/{c.pk}/").content.decode()
    assert page.count('data-testid="report-late"') == 2  # both 自查报告 past their day, not handed in
    client.force_login(people.tax_reviewer.user)
    page = client.get(f"{BASE}/campaigns/{c.pk}/").content.decode()
    assert page.count('data-testid="report-submit"') == 2  # 税务局's two, not 工商局's
    tax_report = CampaignReport.objects.get(title="自查报告", department=people.tax)
    r = client.post(f"{BASE}/campaigns/{c.pk}/act/submit/", {"report": tax_report.pk, "text": "见附件",
                                                             "attachment": pdf()})
    tax_report.refresh_from_db()
    assert tax_report.submitted_at is not None
    assert tax_report.late
    f = client.get(f"{BASE}/campaign-reports/{tax_report.pk}/file/")
    assert f.status_code == 200
    assert f["Content-Disposition"].startswith("attachment;")
    assert f.content.startswith(b"%PDF")
    # A renamed executable is refused by its content, naming the material.
    other = CampaignReport.objects.get(title="整改报告")
    r = client.post(f"{BASE}/campaigns/{c.pk}/act/submit/", {
        "report": other.pk, "attachment": SimpleUploadedFile("r.pdf", b"MZ\x90\x00")}, follow=True)
    assert "不是 PDF、JPEG 或 PNG" in r.content.decode()
    # Another county's staff do not learn the campaign exists.
    client.force_login(people.other_admin.user)
    assert client.get(f"{BASE}/campaigns/{c.pk}/").status_code == 404
    assert client.get(f"{BASE}/campaign-reports/{tax_report.pk}/file/").status_code == 404


def test_experience_visit_from_the_campaign_page_findings_become_its_problems(client, people):
    c = _campaign(people)
    client.force_login(people.admin.user)
    r = client.post(f"{BASE}/inspections/new/", {
        "kind": "experience", "campaign": c.pk, "title": "体验办理营业执照", "planned_on": local_date().isoformat(),
        "windows": [people.hall.window.pk], "wait_minutes": "40", "visits_needed": "2",
        "applied_for": "营业执照设立登记", "answers": "要求补交材料"})
    visit = Inspection.objects.get(kind="experience")
    assert r["Location"] == f"{BASE}/inspections/{visit.pk}/checklist/"
    w = people.hall.window.pk
    client.post(f"{BASE}/inspections/{visit.pk}/checklist/", {f"fail-{w}-signage": "1",
                                                              f"note-{w}-signage": "办事指南与要求不一致"})
    problem = Problem.objects.get()
    assert problem.campaign_ref == c
    assert "办事指南与要求不一致" in client.get(f"{BASE}/campaigns/{c.pk}/").content.decode()


# -- photos ----------------------------------------------------------------------------------------


def test_photos_on_the_checklist_are_shown_on_the_problem(client, people):
    insp = s.inspection_create(actor=people.admin, region_id=people.hall.county.pk, kind="inspection", title="明察",
                               planned_on=date(2026, 10, 14), window_ids=[people.hall.window.pk],
                               criteria=["presence", "dress"])
    client.force_login(people.admin.user)
    w = people.hall.window.pk
    page = client.get(f"{BASE}/inspections/{insp.pk}/checklist/").content.decode()
    assert f'name="photo-{w}-presence"' in page
    assert 'enctype="multipart/form-data"' in page
    client.post(f"{BASE}/inspections/{insp.pk}/checklist/", {
        f"fail-{w}-presence": "1", f"note-{w}-presence": "窗口无人",
        f"photo-{w}-presence": [SimpleUploadedFile("a.jpg", image("JPEG")), SimpleUploadedFile("b.png", image())]})
    problem = Problem.objects.get()
    photos = list(FindingPhoto.objects.filter(finding=problem.finding).order_by("id"))
    assert len(photos) == 2
    page = client.get(f"{BASE}/problems/{problem.pk}/").content.decode()
    assert page.count('data-testid="photo"') == 2
    assert f"{BASE}/photos/{photos[0].pk}/" in page
    served = client.get(f"{BASE}/photos/{photos[0].pk}/")
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Security-Policy"] == "sandbox; default-src 'none'"
    # A refused photo: nothing recorded, the inspector is told why.
    r = client.post(f"{BASE}/inspections/{insp.pk}/checklist/", {
        f"fail-{w}-dress": "1", f"note-{w}-dress": "未佩戴工牌",
        f"photo-{w}-dress": SimpleUploadedFile("c.jpg", b"%PDF-1.4\n%%EOF\n")}, follow=True)
    assert "现场照片须为 JPEG 或 PNG 图片" in r.content.decode()
    assert Problem.objects.count() == 1
    client.force_login(people.other_admin.user)
    assert client.get(f"{BASE}/photos/{photos[0].pk}/").status_code == 404


# -- the public notice ------------------------------------------------------------------------------


PERSONAL = ("王五", "13912345678", "110101199003077777")


def _problems_with_personal_data(p, c):
    """Two problems of the campaign whose evidence, notes and people carry personal data."""
    pr = s.problem_record(actor=p.admin, region_id=p.hall.county.pk, title="窗口工作人员上班时间玩手机",
                          source="complaint", evidence=f"群众{PERSONAL[0]}（{PERSONAL[1]}，身份证{PERSONAL[2]}）投诉",
                          campaign_id=c.pk)
    s.problem_act(actor=p.admin, problem_id=pr.pk, action="assign", department_id=p.tax.pk,
                  responsible_id=p.tax_reviewer.pk)
    s.problem_act(actor=p.tax_reviewer, problem_id=pr.pk, action="plan", measures="加强考勤，每日巡查",
                  due_workdays=10)
    s.problem_act(actor=p.tax_reviewer, problem_id=pr.pk, action="submit", note=f"已约谈{PERSONAL[0]}所述人员")
    other = s.problem_record(actor=p.admin, region_id=p.hall.county.pk, title="收费项目未公示", source="audit",
                             evidence=f"审计发现，联系人电话 {PERSONAL[1]}", campaign_id=c.pk)
    return pr, other


def test_the_public_notice_shows_no_personal_data(client, people):
    c = _campaign(people, publish_from=local_date())
    pr, _other = _problems_with_personal_data(people, c)
    s.problem_act(actor=people.gsj_chief, problem_id=pr.pk, action="verify", note=f"现场核验，{PERSONAL[0]}确认")
    page = client.get(f"/notices/campaigns/{c.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "窗口工作人员上班时间玩手机" in html
    assert "加强考勤，每日巡查" in html
    assert "云溪县税务局" in html
    assert "已销号" in html
    assert local_date().isoformat() in html
    staff_names = [people.tax_reviewer.name, people.gsj_chief.name, people.admin.name]
    for leak in (*PERSONAL, *staff_names, pr.number, "约谈", "现场核验"):
        assert leak not in html, leak
    assert html.count('data-testid="notice-row"') == 2


def test_the_notice_is_hidden_before_its_day_and_follows_status_changes(client, people):
    c = _campaign(people, publish_from=local_date() + timedelta(days=1))
    pr, other = _problems_with_personal_data(people, c)
    assert client.get(f"/notices/campaigns/{c.pk}/").status_code == 404
    assert "“大整改”专项行动" not in client.get("/notices/campaigns/").content.decode()
    s.campaign_schedule_notice(actor=people.admin, campaign_id=c.pk, publish_from=local_date())
    html = client.get(f"/notices/campaigns/{c.pk}/").content.decode()
    assert "整改完成，待核验销号" in html
    assert "已列入问题清单" in html
    assert "“大整改”专项行动" in client.get("/notices/campaigns/").content.decode()
    s.problem_act(actor=people.admin, problem_id=other.pk, action="assign", department_id=people.hall.dept.pk,
                  responsible_id=people.gsj_reviewer.pk)
    html = client.get(f"/notices/campaigns/{c.pk}/").content.decode()
    assert "已列入问题清单" not in html
    assert "已明确责任单位" in html
    assert client.get("/notices/campaigns/999999/").status_code == 404
