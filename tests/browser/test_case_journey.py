"""A case from the window to its delivery, in a real browser: the clerk receives and accepts it,
two reviewers review it (one stage needs both signatures), the chief representative grants it,
the certificate is issued, the clerk hands it over at the window, and anyone can verify it."""

from __future__ import annotations

import os

import pytest

from onewindow.cases.models import Case
from onewindow.catalog.pinyin import pinyin_initials
from onewindow.documents.models import Certificate
from tests.browser.helpers import log_in, log_out, status, submit_form
from tests.cases.helpers import VALID_ID

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_a_case_from_the_window_to_delivery(page, counter, screenshot_dir):
    item_name = counter.item.current_version.name
    # given a clerk at window 01; when they open intake from the workbench
    log_in(page, counter.clerk.user.username)
    page.click("a[href='/staff/intake/']")
    page.wait_for_url("**/staff/intake/")
    # they find the item by its pinyin initials, as they type; Arrow Down + Enter chooses it
    page.fill("#id_q", pinyin_initials(item_name)[:4])
    first = page.locator("#item-results a.item-choice").first
    first.wait_for()
    assert item_name in first.inner_text()
    page.wait_for_function("document.querySelector('#item-results [data-q]').dataset.q === "
                           "document.getElementById('id_q').value")
    page.focus("#id_q")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('item-choice')")
    page.keyboard.press("Enter")
    page.get_by_test_id("chosen-item").wait_for()
    assert page.locator("#chosen-title").inner_text() == item_name
    # focus is on the first material's answer, and every material is ticked received
    assert page.evaluate("document.activeElement.name") == "m0-state"
    for i in range(3):
        page.check(f"#id_m{i}-state-received")
    page.fill("#id_name", "张三")
    page.fill("#id_id_number", VALID_ID)
    page.fill("#id_phone", "13800000000")
    assert page.input_value("#id_window_number") == counter.window.number
    page.screenshot(path=os.path.join(screenshot_dir, "intake.png"), full_page=True)
    with page.expect_navigation():
        page.click("#intake-submit")
    case = Case.objects.get()
    assert page.url.endswith(f"/staff/cases/{case.number}/")
    assert status(page) == "已收件"
    assert VALID_ID not in page.content()  # masked until someone asks
    # the clerk accepts it
    submit_form(page, "accept")
    assert status(page) == "审查中"
    assert page.locator("#due-promised_due").is_visible()
    log_out(page)

    # the first reviewer finds it in the inbox with the same warning level its page shows
    log_in(page, counter.reviewer.user.username)
    page.goto("/staff/inbox/")
    row_level = page.locator(f"tr[data-number='{case.number}'] .tag.level").first.get_attribute("class")
    page.goto(f"/staff/cases/{case.number}/")
    assert page.get_by_test_id("warning-level").get_attribute("class") == row_level
    # and claims the review stage and completes it, then signs the verification
    submit_form(page, "claim-2")
    page.fill("#f-complete_stage-2-opinion", "材料齐全，符合法定形式")
    submit_form(page, "complete_stage-2")
    page.fill("#f-complete_stage-3-opinion", "现场核查符合")
    submit_form(page, "complete_stage-3")
    assert page.locator("#form-complete_stage-3").count() == 0  # one reviewer cannot sign twice
    log_out(page)

    # the second reviewer sees who signed first and adds the second signature
    log_in(page, counter.reviewer2.user.username)
    page.goto(f"/staff/cases/{case.number}/")
    assert counter.reviewer.name in page.locator("#form-complete_stage-3").inner_text()
    page.fill("#f-complete_stage-3-opinion", "同意")
    submit_form(page, "complete_stage-3")
    log_out(page)

    # the chief representative grants it and issues the certificate
    log_in(page, counter.chief.user.username)
    page.goto(f"/staff/cases/{case.number}/")
    page.fill("#f-decide-grant-reasons", "符合法定条件")
    submit_form(page, "decide-grant")
    assert status(page) == "准予许可待制证"
    submit_form(page, "issue_certificate")
    assert status(page) == "待送达"
    log_out(page)

    # the clerk hands it over at the window: the case is concluded
    log_in(page, counter.clerk.user.username)
    page.goto(f"/staff/cases/{case.number}/")
    page.get_by_label("窗口领取").check()
    submit_form(page, "deliver")
    assert status(page) == "已办结"
    timeline = page.get_by_test_id("timeline").inner_text()
    for text in ("收件", "受理", "审核", "核查签字", "决定", "制证", "送达", "办结", "符合法定条件"):
        assert text in timeline
    page.screenshot(path=os.path.join(screenshot_dir, "case-concluded.png"), full_page=True)
    case.refresh_from_db()
    assert case.status == "concluded"
    assert case.visits == 1  # a pickup is no visit

    # anyone can verify the certificate, without logging in
    log_out(page)
    certificate = Certificate.objects.get(case=case)
    page.goto(f"/verify/{certificate.number}")
    assert "有效" in page.locator("main").inner_text()
