"""The citizen's voice in a real browser (Chinese UI), on the demo county:

1. an applicant rates a concluded case 不满意 with a reason; the department's chief verifies and
   rectifies, the center records the return visit; the applicant sees the outcome;
2. a 12345 batch is imported (dispatched on arrival), signed for, answered and closed;
3. an overdue work order is red on the supervisor's dashboard.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import yaml

from onewindow.cases.models import Case
from onewindow.core.timesource import now
from onewindow.demo.cases import load_demo_cases
from onewindow.demo.loader import DATA_DIR, load_demo
from onewindow.feedback import services as feedback
from onewindow.feedback.models import Rectification, WorkOrder
from onewindow.organization.models import Department, Posting, Region, Staff
from onewindow.organization.rules import Role
from onewindow.supervision import services as sv
from tests.browser import helpers
from tests.browser.helpers import log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = yaml.safe_load((DATA_DIR / "organization.yaml").read_text(encoding="utf-8"))["password"]
COUNTY = "990121000000"


def log_in(page, username: str) -> None:
    helpers.log_in(page, username, DEMO_PASSWORD)


def submit(page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").click()


def chief_of(department_id: int) -> str:
    return (Posting.objects.filter(role=Role.CHIEF_REPRESENTATIVE, department_id=department_id)
            .order_by("staff__user__username").values_list("staff__user__username", flat=True).first())


def test_an_applicant_rates_badly_and_sees_the_rectification(page, screenshot_dir):
    # given the demo county with its case load (no ratings yet)
    load_demo()
    load_demo_cases()
    case = (Case.objects.filter(region__code=COUNTY, status="concluded")
            .exclude(department_id__in=[]).order_by("-concluded_at").first())
    chief = chief_of(case.department_id)
    assert chief is not None

    # when the applicant opens the rating page with the case number and query code and rates 不满意
    page.goto(f"/rate-case/?number={case.number}&code={case.query_code}")
    page.locator("input[name=level][value=dissatisfied]").check()
    page.locator("input[name=reasons][value=slow]").check()
    page.fill("#id_comment", "等候时间太长")
    submit(page, "[data-testid=rating-form]")
    # then the page shows the rating and the rectification waiting for verification
    assert "不满意" in page.get_by_test_id("my-rating").inner_text()
    assert page.get_by_test_id("rectification-state").inner_text() == "整改进度：待核实"
    rect = Rectification.objects.get(rating__case=case)

    # when the department's chief representative verifies and rectifies
    log_in(page, chief)
    page.goto("/staff/feedback/rectifications/")
    with page.expect_navigation():
        page.click(f"a:text('{rect.number}')")
    page.fill("#id_verify_note", "已电话联系申请人，情况属实")
    submit(page, "[data-testid=rect-action-verify]")
    assert page.get_by_test_id("rect-state").inner_text() == "整改中"
    page.fill("#id_rectify_note", "高峰时段增开窗口")
    submit(page, "[data-testid=rect-action-rectify]")
    assert page.get_by_test_id("rect-state").inner_text() == "待回访"
    log_out(page)

    # and the center records the return visit
    log_in(page, "admin")
    page.goto(f"/staff/feedback/rectifications/{rect.pk}/")
    page.fill("#id_visit_note", "申请人认可整改结果")
    page.select_option("#id_visit_satisfaction", "satisfied")
    submit(page, "[data-testid=rect-action-visit]")
    assert page.get_by_test_id("rect-state").inner_text() == "已办结"
    log_out(page)

    # then the applicant sees the outcome
    page.goto(f"/rate-case/?number={case.number}&code={case.query_code}")
    assert page.get_by_test_id("rectification-state").inner_text() == "整改进度：已办结"
    assert "高峰时段增开窗口" in page.get_by_test_id("rectification-outcome").inner_text()
    page.screenshot(path=os.path.join(screenshot_dir, "feedback-rating-outcome.png"), full_page=True)

    # and adds the one follow-up (追评); the form is gone afterwards
    page.fill("#id_follow_comment", "整改后再去办事，快多了")
    submit(page, "[data-testid=follow-up-form]")
    assert "整改后再去办事，快多了" in page.get_by_test_id("my-follow-up").inner_text()
    assert page.get_by_test_id("follow-up-form").count() == 0


def test_a_hotline_batch_is_imported_dispatched_answered_and_closed(page, tmp_path):
    load_demo()
    county = Region.objects.get(code=COUNTY)
    department = Department.objects.filter(region=county, code="GSJ").first() or county.departments.first()
    chief = chief_of(department.pk)
    received = (now() - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    due = (now() + timedelta(days=5)).strftime("%Y-%m-%d 18:00")
    batch = tmp_path / "12345.csv"
    batch.write_text("工单编号,来电时间,来电人,联系电话,诉求内容,诉求类别,承办单位,办结时限\n"
                     f"HL-001,{received},市民,,咨询营业执照办理材料,咨询,{department.name},{due}\n"
                     f"HL-002,不是日期,市民,,投诉,投诉,{department.name},{due}\n", encoding="utf-8")

    # when the center administrator imports the batch
    log_in(page, "admin")
    page.goto("/staff/feedback/import/")
    page.set_input_files("#id_file", str(batch))
    submit(page, "form[enctype]")
    # then one order is created and dispatched, the bad row is reported by row
    assert page.get_by_test_id("import-created").inner_text() == "1"
    assert "import.date_invalid" in page.get_by_test_id("import-problem").inner_text()
    order = WorkOrder.objects.get(external_number="HL-001")
    assert (order.state, order.department_id) == ("dispatched", department.pk)
    log_out(page)

    # when the department's chief signs for it and answers
    log_in(page, chief)
    page.goto("/staff/feedback/?scope=department")
    with page.expect_navigation():
        page.click(f"a:text('{order.number}')")
    submit(page, "[data-testid=action-claim]")
    assert page.get_by_test_id("order-state").inner_text() == "办理中"
    page.fill("#id_answer", "需携带身份证和经营场所证明")
    submit(page, "[data-testid=action-answer]")
    assert page.get_by_test_id("order-state").inner_text() == "已答复"
    log_out(page)

    # and the center closes it
    log_in(page, "admin")
    page.goto(f"/staff/feedback/orders/{order.pk}/")
    submit(page, "[data-testid=action-close]")
    assert page.get_by_test_id("order-state").inner_text() == "已办结"


def test_an_overdue_order_is_red_on_the_supervisor_dashboard(page, screenshot_dir):
    load_demo()
    county = Region.objects.get(code=COUNTY)
    department = Department.objects.filter(region=county, code="GSJ").first() or county.departments.first()
    admin = Staff.objects.get(user__username="admin")
    long_ago = now() - timedelta(days=21)
    order = feedback.order_receive(region=county, kind="complaint", content="窗口工作人员长时间离岗",
                                   actor=admin, at=long_ago)
    feedback.order_dispatch(order_id=order.pk, department_id=department.pk, actor=admin, at=long_ago)
    sv.sweep(now=now())

    log_in(page, "supervisor")
    page.goto("/staff/supervision/")
    red = page.get_by_test_id("red").locator("tbody tr.sv-red", has_text=order.number)
    assert red.count() == 1
    assert "逾期未办" in red.inner_text()
    page.screenshot(path=os.path.join(screenshot_dir, "feedback-overdue-red.png"), full_page=True)
    # and the order's own page shows it red
    with page.expect_navigation():
        red.locator(f"a:text('{order.number}')").first.click()
    assert page.get_by_test_id("order-due").get_attribute("data-light") == "red"


def test_the_callers_phone_is_masked_until_revealed_with_a_reason(page):
    # given a complaint with the caller's mobile number
    load_demo()
    county = Region.objects.get(code=COUNTY)
    admin = Staff.objects.get(user__username="admin")
    order = feedback.order_receive(region=county, kind="complaint", content="窗口排队太久", caller_name="王五",
                                   caller_phone="13912341234", actor=admin)
    # when the center administrator opens it, the number is masked
    log_in(page, "admin")
    page.goto(f"/staff/feedback/orders/{order.pk}/")
    assert page.get_by_test_id("caller-phone").inner_text().startswith("139****1234")
    # and when they choose why and ask for the full number, it is shown (htmx) and recorded
    page.select_option("#reveal-reason", "visit")
    page.click("#show-caller-phone")
    assert page.get_by_test_id("full-phone").inner_text() == "13912341234"
    event = order.events.get(kind="phone_revealed")
    assert (event.actor_id, event.payload["reason"]) == (admin.pk, "visit")
