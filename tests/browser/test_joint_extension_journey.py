"""A joint case (联办件) with two co-handling departments and a government-approved extension, in a
real browser: the two co-handlers (住建局, 环保局) give their opinions, each from its own inbox and
stage; the lead department's chief representative
asks the county government head for 10 more working days (行政许可法 第四十二条第二款), the head
finds the request in the inbox and approves it, the lead reviewer completes the last stage, and the
chief grants the case; the history names who approved the extension."""

from __future__ import annotations

import pytest

from onewindow.cases.models import Case
from tests.browser.helpers import PASSWORD, log_in, log_out, status, submit_form
from tests.crossing.helpers import build_joint, joint_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_joint_case_with_two_co_handlers_and_a_government_approved_extension(page, hall):
    joint = build_joint(hall, co_handlers=2)
    assert joint.co_reviewer2 is not None
    for staff in (hall.reviewer, hall.chief, joint.co_reviewer, joint.co_reviewer2, joint.head):
        staff.user.set_password(PASSWORD)
        staff.user.save(update_fields=["password"])
    case = joint_case(joint, recent=True)
    before = case.statutory_due
    url = f"/staff/cases/{case.number}/"
    # the co-handler (住建局) gives its opinion on its own stage
    log_in(page, joint.co_reviewer.user.username)
    page.goto(url)
    page.fill("#f-complete_stage-3-opinion", "住建部门同意")
    submit_form(page, "complete_stage-3")
    log_out(page)
    # the second co-handler (环保局) on its own stage, in its own inbox
    log_in(page, joint.co_reviewer2.user.username)
    page.goto("/staff/inbox/")
    assert case.number in page.get_by_test_id("section-tasks").inner_text()
    page.goto(url)
    page.fill("#f-complete_stage-4-opinion", "环保部门同意")
    submit_form(page, "complete_stage-4")
    log_out(page)
    # the lead's chief representative reads both opinions side by side, may not grant it, and asks
    # the government head instead
    log_in(page, hall.chief.user.username)
    page.goto(url)
    side_by_side = page.get_by_test_id("co-handlers").inner_text()
    assert "住建部门同意" in side_by_side
    assert "环保部门同意" in side_by_side
    assert "本级人民政府负责人批准" in page.content()
    page.fill("#f-request_joint_extension-workdays", "10")
    page.fill("#f-request_joint_extension-reason", "工商部门需补充现场核查")
    submit_form(page, "request_joint_extension")
    assert Case.objects.get(pk=case.pk).extension_requested_days == 10
    log_out(page)
    # the government head finds it in the inbox and approves it
    log_in(page, joint.head.user.username)
    page.goto("/staff/inbox/")
    page.click(f"a[href='{url}']")
    page.wait_for_url(f"**{url}")
    page.fill("#f-approve_joint_extension-reason", "工商部门需补充现场核查")
    submit_form(page, "approve_joint_extension")
    extended = Case.objects.get(pk=case.pk)
    assert extended.statutory_due > before
    assert extended.extension_requested_days is None
    assert "云溪县人民政府负责人 xianzhang" in page.content()  # 批准人, on the history
    log_out(page)
    # the lead reviewer completes the last stage and the chief grants
    log_in(page, hall.reviewer.user.username)
    page.goto(url)
    page.fill("#f-complete_stage-2-opinion", "工商部门同意")
    submit_form(page, "complete_stage-2")
    log_out(page)
    log_in(page, hall.chief.user.username)
    page.goto(url)
    page.fill("#f-decide-grant-reasons", "符合法定条件")
    submit_form(page, "decide-grant")
    assert status(page) == "准予许可待制证"
