"""Electronic supervision in a real browser, on the demo county with its case load: the supervisor
sees the yellow and red cases, opens a red one to see why it is late, issues a supervision order
to its department, the department's chief representative replies, and the supervisor closes it out."""

from __future__ import annotations

import os

import pytest
import yaml

from onewindow.cases.selectors import case_view
from onewindow.core.timesource import now
from onewindow.demo.loader import DATA_DIR, load_demo
from onewindow.organization.models import Posting, Staff
from onewindow.organization.rules import Role
from onewindow.supervision import rules as r
from onewindow.supervision import selectors as sel
from onewindow.supervision import services as sv
from onewindow.supervision.models import SupervisionOrder, Warning
from onewindow.supervision.views import LIST_PAGE_SIZE
from tests.browser import helpers
from tests.browser.helpers import log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = yaml.safe_load((DATA_DIR / "organization.yaml").read_text(encoding="utf-8"))["password"]
LIVE = [str(s) for s in r.LIVE_STATES]
# The deadline rules whose warning explains its due date (the dashboard's "why it is late").
LATE_RULES = (r.Code.STATUTORY_OVERDUE, r.Code.PROMISED_OVERDUE)


def log_in(page, username: str) -> None:
    helpers.log_in(page, username, DEMO_PASSWORD)


def submit(page, form: str) -> None:
    """Post the form matched by ``form`` (a CSS selector) and wait for the page it redirects to."""
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").click()


def column_sum(page, testid: str, nth: int) -> int:
    cells = page.get_by_test_id(testid).locator(f"tbody tr td:nth-of-type({nth})").all_inner_texts()
    return sum(int(c) for c in cells)


def chiefs_by_department() -> dict[int, str]:
    """Department id → the user name of a chief representative posted to it (demo data)."""
    return dict(Posting.objects.filter(role=Role.CHIEF_REPRESENTATIVE, department__isnull=False,
                                       staff__user__is_active=True)
                .order_by("staff__user__username").values_list("department_id", "staff__user__username"))


def late_warning_with_a_chief() -> tuple[Warning, str]:
    """A live red deadline warning on a case whose department has a chief login; 工商局 (``chief``) and a
    statutory breach if there is one."""
    chiefs = chiefs_by_department()
    candidates = list(Warning.objects.filter(level=r.Level.RED, rule__in=LATE_RULES, state__in=LIVE,
                                             case__isnull=False, department_id__in=list(chiefs))
                      .select_related("case", "department", "region"))
    assert candidates, "the demo has no red deadline warning on a department with a chief representative"
    candidates.sort(key=lambda w: (w.department.code != "GSJ", not w.severe, w.pk))
    warning = candidates[0]
    return warning, chiefs[warning.department_id]


def test_supervisor_orders_a_red_case_and_the_department_replies(page, screenshot_dir):
    # given the demo county with its case load, swept once
    load_demo(with_cases=True)
    sv.sweep(now=now())
    # the supervisor of 云溪县 sees its warnings, not those of the second demo county 青禾县
    live = Warning.objects.filter(state__in=LIVE, region__code__startswith="990121")
    yellow_n, red_n = live.filter(level=r.Level.YELLOW).count(), live.filter(level=r.Level.RED).count()
    assert yellow_n > 0
    assert red_n > 0
    warning, chief = late_warning_with_a_chief()
    case, department = warning.case, warning.department
    [row] = sel.with_explanations([warning])
    assert row.explanation
    assert any("工作日" in line for line in row.explanation)
    supervisor_name = Staff.objects.get(user__username="supervisor").name
    chief_name = Staff.objects.get(user__username=chief).name

    # when the supervisor logs in and follows the staff home's link to the dashboard
    log_in(page, "supervisor")
    page.click("a[href='/staff/supervision/']")
    page.wait_for_url("**/staff/supervision/")
    # then the live counts per department add up to the county's yellow and red warnings
    assert column_sum(page, "counts", 2) == yellow_n  # td 1 region, 2 yellow, 3 red, 4 severe
    assert column_sum(page, "counts", 3) == red_n
    counts_row = page.get_by_test_id("counts").locator(f"tr[data-department='{department.pk}']")
    assert counts_row.locator("th").inner_text().strip() == department.name
    assert int(counts_row.locator("td:nth-of-type(3)").inner_text()) >= 1
    # the red list holds only red warnings, our case among them, its due date explained beside it
    red_rows = page.get_by_test_id("red").locator("tbody tr[data-warning]")
    assert red_rows.count() == min(red_n, LIST_PAGE_SIZE)
    assert red_rows.count() == page.locator("[data-testid=red] tbody tr.sv-red").count()
    assert page.get_by_test_id("yellow").locator("tbody tr.sv-yellow").count() > 0
    red_row = page.locator(f"[data-testid=red] tr[data-warning='{warning.pk}']")
    assert red_row.locator(f"a[href='/staff/cases/{case.number}/']").inner_text() == case.number
    assert department.name in red_row.inner_text()
    red_row.locator("details summary").click()
    assert red_row.locator("ul.sv-explain li").all_inner_texts() == row.explanation
    page.screenshot(path=os.path.join(screenshot_dir, "supervision-dashboard.png"), full_page=True)

    # when they open the red warning, they see why it is late: the message and the due date counted
    with page.expect_navigation():
        red_row.locator(f"a[href='/staff/supervision/warnings/{warning.pk}/']").click()
    assert page.url.endswith(f"/staff/supervision/warnings/{warning.pk}/")
    assert warning.message in page.locator("main").inner_text()
    assert page.locator("section.sv-red").count() == 1
    lines = page.locator("ul.sv-explain li").all_inner_texts()
    assert lines == row.explanation
    assert any("工作日" in line for line in lines)
    # and the case page itself: its clock is past the due date and explains it the same way
    with page.expect_navigation():
        page.click(f"main a[href='/staff/cases/{case.number}/']")
    assert page.url.endswith(f"/staff/cases/{case.number}/")
    level = case_view(case).clock.warning_level
    assert level in ("red", "statutory_breach")
    assert f"warn-{level}" in (page.get_by_test_id("clock").get_attribute("class") or "").split()
    due_name = "statutory_due" if warning.rule == r.Code.STATUTORY_OVERDUE else "promised_due"
    page.click(f"#due-{due_name} summary")
    assert page.locator(f"#due-{due_name} ol.explain li").all_inner_texts() == row.explanation
    page.go_back()
    page.wait_for_url(f"**/staff/supervision/warnings/{warning.pk}/")

    # when they issue a supervision order about the warning, to the case's department (chosen already)
    issue = "form[action='/staff/supervision/orders/issue/']:has(input[name=warning])"
    page.locator(f"details:has({issue}) > summary").first.click()
    assert page.input_value("#id_o_department") == str(department.pk)
    assert case.number in page.input_value("#id_o_subject")
    requirement = f"请于3个工作日内说明办件 {case.number} 超期原因并加快办理"
    page.fill("#id_o_requirement", requirement)
    page.fill("#id_o_days", "3")
    submit(page, issue)
    order = SupervisionOrder.objects.select_related("department", "case", "warning").get()
    assert page.url.endswith(f"/staff/supervision/orders/{order.pk}/")
    assert (order.department, order.case, order.warning, order.state) == (department, case, warning, r.OrderState.ISSUED)
    assert order.issued_by.name == supervisor_name
    assert order.reply_workdays == 3
    assert order.number in page.locator("h1").inner_text()
    facts = page.locator("dl.facts").inner_text()
    for text in (r.ORDER_STATE_LABELS[r.OrderState.ISSUED], department.name, requirement, case.number,
                 order.reply_due.isoformat()):
        assert text in facts
    page.screenshot(path=os.path.join(screenshot_dir, "supervision-order-issued.png"), full_page=True)
    log_out(page)

    # when the department's chief representative logs in, finds the order in their supervision record
    log_in(page, chief)
    page.goto("/staff/supervision/record/")  # no link to it from the staff home (see the report)
    mine = page.get_by_test_id("orders").locator(f"tr[data-order='{order.pk}']")
    assert order.number in mine.inner_text()
    with page.expect_navigation():
        mine.locator(f"a[href='/staff/supervision/orders/{order.pk}/']").click()
    # and replies with an explanation and the measures taken
    assert page.locator("form[action$='/close/']").count() == 0  # only a supervisor closes out
    explanation = f"办件 {case.number} 因现场核查排期冲突超期，已向申请人说明"
    measures = "已安排专人加班办理，今日内作出决定；每日核对临近期限的办件"
    page.fill("#id_explanation", explanation)
    page.fill("#id_measures", measures)
    submit(page, f"form[action='/staff/supervision/orders/{order.pk}/reply/']")
    assert page.url.endswith(f"/staff/supervision/orders/{order.pk}/")
    order.refresh_from_db()
    assert order.state == r.OrderState.REPLIED
    assert order.replied_by.name == chief_name
    assert order.replied_on_time
    facts = page.locator("dl.facts").inner_text()
    assert r.ORDER_STATE_LABELS[r.OrderState.REPLIED] in facts
    assert explanation in facts
    assert measures in facts
    assert page.locator("form[action$='/reply/']").count() == 0
    log_out(page)

    # then the supervisor sees the reply among the open orders of the dashboard and closes it out (销号)
    log_in(page, "supervisor")
    page.goto("/staff/supervision/")
    open_order = page.get_by_test_id("orders").locator(f"tr[data-order='{order.pk}']")
    assert order.number in open_order.inner_text()
    with page.expect_navigation():
        open_order.locator(f"a[href='/staff/supervision/orders/{order.pk}/']").click()
    facts = page.locator("dl.facts").inner_text()
    assert explanation in facts
    assert measures in facts
    assert chief_name in facts
    close_note = "情况属实，整改措施可行，予以销号"
    page.fill("#id_close_note", close_note)
    submit(page, f"form[action='/staff/supervision/orders/{order.pk}/close/']")
    order.refresh_from_db()
    assert order.state == r.OrderState.CLOSED
    assert order.close_note == close_note
    facts = page.locator("dl.facts").inner_text()
    assert r.ORDER_STATE_LABELS[r.OrderState.CLOSED] in facts
    assert close_note in facts
    history = page.locator("ol.sv-history").inner_text()
    for text in (requirement, explanation, close_note, supervisor_name, chief_name):
        assert text in history
    assert page.locator("form[action$='/close/'], form[action$='/return/'], form[action$='/reply/']").count() == 0
    page.screenshot(path=os.path.join(screenshot_dir, "supervision-order-closed.png"), full_page=True)
    # the warning's history records the order (by number: the warning page does not link to it)
    page.goto(f"/staff/supervision/warnings/{warning.pk}/")
    assert order.number in page.locator("ol.sv-history").inner_text()
