"""The monthly assessment in a real browser (Chinese UI): November's draft of 云溪县's windows → the
market department's chief representative objects to a line item → the center administrator
accepts the objection (the line struck, the score recomputed) → publishes → issues the market
window's report and downloads its PDF, which names the window."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from onewindow.assessment.models import Objection, Report
from onewindow.organization.rules import Role
from tests.assessment.helpers import november_draft
from tests.browser import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click(page, selector) -> None:
    """Click what submits a form and wait for the page it leads to."""
    with page.expect_navigation():
        (page.locator(selector) if isinstance(selector, str) else selector).click()


def test_draft_objection_decision_publication_and_report_pdf(page, two_counties):
    county = two_counties.a
    assessment = november_draft(county)
    line = assessment.scores.get(subject_id=county.market_window.id).lines.get()
    detail = f"/staff/assessment/{assessment.pk}/"

    # The market department's chief representative objects to the window's inspection line.
    helpers.log_in(page, county.staff[Role.CHIEF_REPRESENTATIVE].user.username, two_counties.password)
    page.goto(detail)
    score = page.get_by_test_id("score").filter(has_text="市场监管窗口")
    expect(score).to_contain_text("96")
    form = score.locator(f"form:has(input[name=line_id][value='{line.pk}'])")
    form.locator("input[name=reason]").fill("督查所指问题已当场整改，附整改照片")
    click(page, form.locator("button[type=submit]"))
    expect(page.locator(".messages")).to_contain_text("异议已提交")
    expect(page.get_by_test_id("score").filter(has_text="市场监管窗口")).to_contain_text("待处理")
    helpers.log_out(page)

    # The center administrator accepts it: the line is struck and the window back at 100.
    helpers.log_in(page, county.staff[Role.CENTER_ADMIN].user.username, two_counties.password)
    page.goto(detail)
    score = page.get_by_test_id("score").filter(has_text="市场监管窗口")
    decide = score.locator("form:has(input[name=objection_id])")
    decide.locator("input[name=reason]").fill("整改照片属实，采纳")
    click(page, decide.locator("button[name=accept][value='1']"))
    expect(page.locator(".messages")).to_contain_text("异议已处理")
    score = page.get_by_test_id("score").filter(has_text="市场监管窗口")
    expect(score.locator("h2")).to_contain_text("100")
    expect(score).to_contain_text("已撤销")
    assert Objection.objects.get(line=line).state == "accepted"

    # Publication freezes it; the objection forms are gone.
    click(page, page.get_by_test_id("publish"))
    expect(page.locator(".messages")).to_contain_text("考核结果已发布")
    expect(page.locator("form[action$='/object/']")).to_have_count(0)

    # The market window's report: numbered, its PDF downloaded and read.
    report_form = page.get_by_test_id("report-form")
    report_form.locator("select[name=subject_id]").select_option(str(county.market_window.id))
    click(page, page.get_by_test_id("issue-report"))
    expect(page).to_have_url(re.compile(r"/staff/assessment/reports/\d+/$"))
    report = Report.objects.get()
    expect(page.locator("body")).to_contain_text(report.number)
    # The link's PDF fetched with the page's own session (served inline: a headless browser's PDF
    # viewer may or may not turn it into a download, so the test reads the response itself).
    href = page.get_by_test_id("report-pdf").get_attribute("href")
    response = page.context.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    data = response.body()
    assert data.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, check=True, capture_output=True).stdout
    text = text.decode("utf-8")
    assert "市场监管窗口" in text
    assert report.number in text
