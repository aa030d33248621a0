"""A village agent's filing through the township to the county, in a real browser (村代办 + 上报件):
the agent (on a phone) files the county item with the villager's e-signature authorization and
finds it on their day page with the paper owed; the township clerk records the paper and refers it
with the preliminary opinion; the county clerk finds the referral in the inbox, picks it up and
accepts it; the agent follows it, and another agent cannot open it."""

from __future__ import annotations

import os

import pytest

from onewindow.cases.models import Case
from tests.browser.helpers import PASSWORD, log_in, log_out, status, submit_form
from tests.cases.helpers import VALID_ID
from tests.crossing.helpers import build_township

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_SIZE = {"width": 390, "height": 844}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_agents_filing_goes_through_the_township_to_the_county(browser, live_server, page, hall,
                                                                  screenshot_dir):
    world = build_township(hall)
    for staff in (hall.clerk, world.town_clerk, *world.agents):
        staff.user.set_password(PASSWORD)
        staff.user.save(update_fields=["password"])
    code = hall.item.implementation_code

    # -- the agent files on a phone, with the villager's e-signature authorization -----------------
    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                viewport=PHONE_SIZE, is_mobile=True, has_touch=True)
    phone.set_default_timeout(15_000)
    try:
        agent = phone.new_page()
        log_in(agent, world.agents[0].user.username)
        agent.goto(f"/staff/intake/?item={code}")
        for i in range(3):
            agent.check(f"#id_m{i}-state-received")
        agent.fill("#id_name", "张三")
        agent.fill("#id_id_number", VALID_ID)
        agent.fill("#id_phone", "13800000000")
        with agent.expect_navigation():
            agent.click("#intake-submit")
        assert "授权委托书" in agent.content()  # refused: no authorization yet
        assert not Case.objects.exists()
        for i in range(3):
            agent.check(f"#id_m{i}-state-received")
        agent.fill("#id_authorization_esign", "ES-20261102-0001")
        with agent.expect_navigation():
            agent.click("#intake-submit")
        case = Case.objects.get()
        assert agent.url.endswith(f"/staff/cases/{case.number}/")
        assert "城关镇" in agent.get_by_test_id("received-at").inner_text()
        assert "待上报" in agent.get_by_test_id("received-at").inner_text()
        assert "待送达" in agent.get_by_test_id("paper").inner_text()
        assert "无" in agent.get_by_test_id("agent-fees").inner_text()
        # their day page: the paper to bring comes first, and it fits the phone
        agent.goto("/staff/agent/")
        owed = agent.get_by_test_id("agent-paper_owed")
        assert case.number in owed.inner_text()
        assert "张*" in owed.inner_text()
        assert _fits(agent)
        agent.screenshot(path=os.path.join(screenshot_dir, "agent-day.png"), full_page=True)
    finally:
        phone.close()

    # -- the township clerk records the paper and refers it ----------------------------------------
    url = f"/staff/cases/{case.number}/"
    log_in(page, world.town_clerk.user.username)
    page.goto("/staff/inbox/")
    assert case.number in page.get_by_test_id("section-to_refer").inner_text()
    page.goto(url)
    submit_form(page, "receive_paper")
    assert "已送达" in page.get_by_test_id("paper").inner_text()
    page.fill("#f-refer-opinion", "初审：材料齐全，符合受理条件")
    submit_form(page, "refer")
    assert "已上报待接收" in page.get_by_test_id("received-at").inner_text()
    log_out(page)

    # -- the county clerk picks it up from the inbox and accepts it ---------------------------------
    log_in(page, hall.clerk.user.username)
    page.goto("/staff/inbox/")
    page.get_by_test_id("section-referrals").get_by_role("link", name=case.number).click()
    page.wait_for_url(f"**{url}")
    assert "accept" not in [k.get_attribute("id") for k in page.locator("button[id^=submit-]").all()]
    submit_form(page, "accept_referral")
    assert "已接收" in page.get_by_test_id("received-at").inner_text()
    submit_form(page, "accept")
    assert status(page) == "审查中"
    kinds = page.locator("[data-testid=timeline] li").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert [k for k in kinds if k in ("submitted", "paper_received", "referred", "referral_accepted", "accepted")] == [
        "submitted", "paper_received", "referred", "referral_accepted", "accepted"]
    log_out(page)

    # -- another village's agent cannot open it ------------------------------------------------------
    log_in(page, world.agents[1].user.username)
    response = page.goto(url)
    assert response is not None
    assert response.status == 404
