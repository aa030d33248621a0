"""The screens people use, at a phone's width (390 px) and a hall PC's (1 366 px): no page scrolls
sideways, the ledger keeps every cell on one line, a phone's menu folds behind a button, and
tables wider than the screen scroll inside their own box. Screenshots go to ``screenshot_dir``
(``$ONEWINDOW_SCREENSHOTS`` to look at them)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test import Client

from onewindow.cases import services as case_services
from onewindow.cases.rules import Applicant
from onewindow.online import services as online_services
from tests.notifications.sending import HERE, PhoneSender
from tests.online.helpers import COMPANY_CODE, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
HALL_PC = {"width": 1366, "height": 768}
# The longest names of the demo county: what squeezed the ledger's cells onto several lines.
LONG_ITEM = "结合民用建筑修建防空地下室审批"
LONG_COMPANY = "云溪县和顺农业发展合伙企业（普通合伙）"

NO_PAGE_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
# The cells whose text runs over more than one line: the tops of the text's line boxes, counted
# with half a line of tolerance (an inline-block beside the text may sit a pixel lower).
WRAPPED_CELLS = """table => {
  const wrapped = [];
  for (const td of table.querySelectorAll("tbody td")) {
    const half = parseFloat(getComputedStyle(td).fontSize) * 0.6;
    const tops = [];
    const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (!walker.currentNode.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(walker.currentNode);
      for (const rect of range.getClientRects()) if (rect.width > 0) tops.push(rect.top);
    }
    tops.sort((a, b) => a - b);
    const lines = tops.filter((top, i) => i === 0 || top - tops[i - 1] > half).length;
    if (lines > 1) wrapped.push(td.innerText.trim());
  }
  return wrapped;
}"""


@pytest.fixture(autouse=True)
def _phones(settings):
    """SMS go to :class:`PhoneSender`'s inbox, where ``register`` reads the applicant's code."""
    PhoneSender.inbox = []
    settings.ONEWINDOW = {**settings.ONEWINDOW, "SENDERS": {"sms": f"{HERE}.PhoneSender"}}


@pytest.fixture
def busy_day(hall):
    """The hall on a day with cases of a long item name, for a company with a long name: received,
    accepted, one waiting to be accepted (the clerk's inbox and the day's ledger are not empty)."""
    version = hall.item.current_version
    version.name = LONG_ITEM
    version.delivery_methods = ["window", "post"]
    version.save(update_fields=["name", "delivery_methods"])
    company = Applicant(kind="company", name=LONG_COMPANY, id_type="uscc", id_number=COMPANY_CODE,
                        phone="13800000000", legal_representative="张三")
    for i in range(3):
        case = case_services.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code,
                                         applicant=company if i % 2 == 0 else hall.applicant(),
                                         materials=hall.checklist(), window_number="01")
        if i:
            case_services.case_accept(case_id=case.id, actor=hall.clerk)
    return hall


def _context(browser, live_server, size: dict[str, int], user=None):
    """A browser context of this size; logged in as ``user`` (a real session, made by Django's
    test client, handed to the browser as its cookie)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport=size, is_mobile=size["width"] < 600, has_touch=size["width"] < 600)
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user, backend=online_services.LOGIN_BACKEND)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    return context


@pytest.mark.parametrize("size", [PHONE, HALL_PC], ids=["390px", "1366px"])
def test_the_main_screens_fit_and_the_ledger_keeps_its_cells_on_one_line(browser, live_server, busy_day, size,
                                                                          screenshot_dir):
    code = busy_day.item.implementation_code
    applicant = register()
    width = size["width"]
    screens = [
        (None, "portal-home", "/"),
        (None, "guide", f"/items/{code}/"),
        (applicant, "apply", f"/online/apply/{code}/"),
        (busy_day.clerk.user, "clerk-inbox", "/staff/inbox/"),
        (busy_day.reviewer.user, "reviewer-inbox", "/staff/inbox/"),
        (busy_day.clerk.user, "ledger", "/staff/ledger/"),
    ]
    for user, name, url in screens:
        context = _context(browser, live_server, size, user)
        try:
            page = context.new_page()
            response = page.goto(url)
            assert response is not None, name
            assert response.status == 200, (name, response.status)
            page.screenshot(path=os.path.join(screenshot_dir, f"{name}-{width}.png"), full_page=True)
            # no page scrolls sideways
            assert page.evaluate(NO_PAGE_SCROLL), (name, width, page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"))
            if name == "clerk-inbox":
                assert page.get_by_test_id("section-to_accept").locator("tbody tr").count() == 1
            if name == "reviewer-inbox":  # the stages to claim, each with its 认领 button
                assert page.get_by_test_id("section-tasks").get_by_role("button", name="认领").count() == 2
            if name.endswith("inbox"):  # case numbers, dates and buttons do not wrap either
                for table in page.locator("main table").all():
                    assert table.evaluate(WRAPPED_CELLS) == [], (name, width)
            if name == "ledger":
                ledger = page.get_by_test_id("ledger-lines")
                assert ledger.locator("tbody tr").count() == 3
                # no cell of the ledger breaks onto a second line (30 个工作日, case numbers, names)
                assert ledger.evaluate(WRAPPED_CELLS) == [], width
                # a ledger wider than the screen scrolls inside its box, the case number in view
                box = page.locator(".table-wrap", has=ledger)
                if box.evaluate("b => b.scrollWidth > b.clientWidth"):
                    assert box.evaluate("b => getComputedStyle(b).overflowX") == "auto"
        finally:
            context.close()


def test_a_phone_folds_the_menu_behind_a_button(browser, live_server, busy_day, screenshot_dir):
    context = _context(browser, live_server, PHONE)
    try:
        page = context.new_page()
        for url in ["/", f"/items/{busy_day.item.implementation_code}/", "/online/results/", "/staff/login/"]:
            page.goto(url)
            # the header is one line: the name of the site and the menu button (it was a ~270 px block)
            assert page.locator("header.top").bounding_box()["height"] < 80, url
            assert not page.get_by_role("link", name="办件公示").is_visible()
        toggle = page.get_by_role("button", name="菜单")
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.get_by_role("link", name="办件公示").is_visible()
        assert page.locator("#lang-select").is_visible()
        page.screenshot(path=os.path.join(screenshot_dir, "menu-open-390.png"))
        page.get_by_role("link", name="办件公示").click()
        page.wait_for_url("**/online/results/")
        # Escape folds it again, focus back on the button
        toggle.click()
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator("#lang-select").is_visible()
    finally:
        context.close()
    # on a hall PC there is no button: the menu is always there
    context = _context(browser, live_server, HALL_PC)
    try:
        page = context.new_page()
        page.goto("/")
        assert not page.get_by_role("button", name="菜单").is_visible()
        assert page.get_by_role("link", name="办件公示").is_visible()
    finally:
        context.close()


def test_published_results_scroll_inside_their_box_on_a_phone(browser, live_server, busy_day, screenshot_dir):
    context = _context(browser, live_server, PHONE)
    try:
        page = context.new_page()
        page.goto("/online/results/")
        table = page.get_by_test_id("results")
        assert table.locator("tbody tr").count() == 2
        page.screenshot(path=os.path.join(screenshot_dir, "results-390.png"), full_page=True)
        # the page does not scroll sideways; the table does, inside its box, its cells on one line
        assert page.evaluate(NO_PAGE_SCROLL)
        box = page.locator(".table-wrap", has=table)
        assert box.evaluate("b => b.scrollWidth > b.clientWidth && getComputedStyle(b).overflowX === 'auto'")
        assert table.evaluate(WRAPPED_CELLS) == []
    finally:
        context.close()
