"""At the window, in a real browser: a receipt right after intake; 受理 withheld, with the reason,
while a required material is missing; the one-time notice, the supplement (warned that it is a
second visit), and then acceptance."""

from __future__ import annotations

import pytest

from onewindow.cases.models import Case
from tests.browser.helpers import log_in, status, submit_form
from tests.cases.helpers import VALID_ID

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_missing_a_material_is_not_accepted_until_it_is_supplemented(page, counter):
    # given the clerk takes in an application whose business licence copy was not brought
    log_in(page, counter.clerk.user.username)
    page.goto(f"/staff/intake/?item={counter.item.implementation_code}")
    page.get_by_test_id("chosen-item").wait_for()
    page.check("#id_m0-state-received")
    page.check("#id_m1-state-missing")
    page.check("#id_m2-state-received")
    page.fill("#id_name", "张三")
    page.fill("#id_id_number", VALID_ID)
    with page.expect_navigation():
        page.click("#intake-submit")
    case = Case.objects.get()
    assert status(page) == "已收件"
    # then the receipt is offered at once, and it is a PDF
    receipt = page.locator("#print-receipt")
    assert receipt.is_visible()
    response = page.request.get(receipt.get_attribute("href"))
    assert response.ok
    assert response.body().startswith(b"%PDF-")
    # and 受理 is not offered: the page says why, and what to do instead
    assert page.locator("#submit-accept").count() == 0
    reason = page.get_by_test_id("withheld-accept").inner_text()
    assert "缺少必要材料：营业执照副本，请一次性告知补正" in reason
    assert page.is_checked("#form-request_supplement input[value='营业执照副本']")
    submit_form(page, "request_supplement")
    assert status(page) == "待补正"
    # when the applicant comes back with it, the clerk is told this is a second visit
    assert "本次将是第 2 次到现场，超过承诺的最多 1 次" in page.locator("#form-supplement").inner_text()
    submit_form(page, "supplement")
    assert status(page) == "已收件"
    # then the case can be accepted, and no new material can be asked any more
    assert page.get_by_test_id("withheld-accept").count() == 0
    assert page.locator("#form-request_supplement input[value='申请书']").count() == 0
    submit_form(page, "accept")
    assert status(page) == "审查中"
    case.refresh_from_db()
    assert case.visits == 2
    assert case.documents.filter(kind="acceptance_notice").exists()
