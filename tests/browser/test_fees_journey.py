"""The fees journey: a clerk issues a bill on the case, the applicant pays online through the
shipped local provider (its signed callback reaches the live server over HTTP), the certificate
unblocks, and the finance officer reconciles the day with the bank's file and closes it."""

from __future__ import annotations

import pytest

from onewindow.core.timesource import local_date
from onewindow.fees.matching import Row
from onewindow.fees.models import Bill
from onewindow.fees.statements import bank_profiles, statement_csv
from onewindow.organization.rules import Role
from tests.browser.helpers import PASSWORD, log_in, log_out, status, submit_form
from tests.fees.helpers import add_fees, granted, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bill_is_issued_paid_online_unblocks_the_certificate_and_the_day_closes(page, counter, tmp_path,
                                                                                  screenshot_dir):
    hall = counter
    add_fees(hall.item)
    case = granted(hall)
    finance = staff("finance", hall.county, Role.CENTER_ADMIN)
    finance.user.set_password(PASSWORD)
    finance.user.save(update_fields=["password"])

    # The clerk computes the bill from the item's schedule and confirms it.
    log_in(page, "clerk")
    page.goto(f"/staff/cases/{case.number}/")
    page.get_by_test_id("case-fees").click()
    with page.expect_navigation():
        page.locator("[data-testid=issue-bill] button[type=submit]").click()
    with page.expect_navigation():
        page.get_by_test_id("confirm-bill").click()
    assert page.get_by_test_id("bill-state").inner_text() == "待缴费"
    code = page.get_by_test_id("payment-code").inner_text().strip()
    page.screenshot(path=f"{screenshot_dir}/fees-bill.png", full_page=True)
    log_out(page)

    # The applicant pays online where the SMS and the notice's QR code lead.
    page.goto(f"/pay/{code}/")
    page.get_by_test_id("pay-online").click()
    with page.expect_navigation():
        page.get_by_test_id("confirm-pay").click()
    assert "政务服务中心已确认收款" in page.get_by_test_id("charge-done").inner_text()
    page.goto(f"/pay/{code}/")
    assert page.get_by_test_id("pay-state").inner_text() == "已缴费"

    # The certificate is no longer blocked.
    log_in(page, "clerk")
    page.goto(f"/staff/cases/{case.number}/")
    submit_form(page, "issue_certificate")
    assert status(page) == "待送达"
    log_out(page)

    # The finance officer reconciles the day with the bank's file and closes it.
    bill = Bill.objects.get(payment_code=code)
    statement = tmp_path / "bank.csv"
    statement.write_bytes(statement_csv(bank_profiles()["local"], [
        Row(2, code, bill.total_fen, "BK1"), Row(3, "12345678901234567890", 100, "BK2")]))
    log_in(page, "finance")
    page.goto("/staff/fees/reconciliations/")
    page.fill("input[name=day]", local_date().isoformat())
    page.set_input_files("input[name=statement]", str(statement))
    with page.expect_navigation():
        page.locator("[data-testid=upload-statement] button[type=submit]").click()
    assert "已匹配 1 笔" in page.get_by_test_id("rec-summary").inner_text()
    page.fill("[data-testid=mismatches] input[name=reason]", "他行误入款，已联系银行退回")
    with page.expect_navigation():
        page.locator("[data-testid=mismatches] button[type=submit]").click()
    with page.expect_navigation():
        page.get_by_test_id("close-day").click()
    page.screenshot(path=f"{screenshot_dir}/fees-reconciliation.png", full_page=True)
    assert page.get_by_test_id("rec-state").inner_text() == "已关账"
