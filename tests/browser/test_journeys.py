"""First journeys in a real browser: the public home, a staff login, the lockout."""

from __future__ import annotations

import os

import pytest

from onewindow.organization.rules import ROLE_LABELS, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_home_shows_departments_and_items_in_chinese(page, two_counties, screenshot_dir):
    # given two counties with published items; when a visitor opens the home page
    response = page.goto("/")
    assert response is not None
    assert response.status == 200
    # then the page is in Chinese and lists every department with its items
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    for county in (two_counties.a, two_counties.b):
        assert page.get_by_role("heading", name=county.market.name).is_visible()
        assert page.get_by_text(county.market_item.current_version.name).is_visible()
        assert page.get_by_text(county.civil_item.current_version.name).is_visible()
    # the stylesheet is served and applied (the header is the accent colour)
    background = page.eval_on_selector("header.top", "e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(164, 22, 26)"
    page.screenshot(path=os.path.join(screenshot_dir, "home.png"), full_page=True)


def test_public_home_fits_a_phone_and_starts_with_the_skip_link(browser, live_server, two_counties,
                                                                 screenshot_dir):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 360, "height": 740},
                                  is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto("/")
        # no sideways scrolling on a narrow screen
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # the first Tab lands on "skip to content", and following it moves focus to the main region
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.screenshot(path=os.path.join(screenshot_dir, "home-phone.png"))
    finally:
        context.close()


def test_staff_member_logs_in_and_sees_their_roles(page, two_counties, screenshot_dir):
    clerk = two_counties.a.staff[Role.CLERK]
    page.goto("/staff/")
    assert page.url.endswith("/staff/login/?next=/staff/")
    page.fill("#id_username", clerk.user.username)
    page.fill("#id_password", two_counties.password)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/staff/")
    roles = page.get_by_test_id("roles")
    assert roles.inner_text().strip() == ROLE_LABELS[Role.CLERK]
    assert page.get_by_role("heading", name=clerk.name).is_visible()
    assert page.get_by_text(two_counties.a.market_window.name).first.is_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "workbench.png"), full_page=True)
    # the organization page lists this county only
    page.goto("/staff/organization/")
    departments = page.get_by_test_id("departments").inner_text()
    assert two_counties.a.market.name in departments
    assert two_counties.b.market.name not in departments
    # logging out is a POST from the header button
    page.locator("form[action='/staff/logout/'] button").click()
    page.wait_for_url("**/")
    assert page.goto("/staff/").url.endswith("/staff/login/?next=/staff/")


def test_five_wrong_passwords_show_the_lockout_page(page, two_counties, screenshot_dir):
    page.goto("/staff/login/")
    statuses = []
    for attempt in range(5):
        page.fill("#id_username", "a_reviewer")
        page.fill("#id_password", f"wrong-{attempt}")
        with page.expect_navigation() as navigation:
            page.press("#id_password", "Enter")
        statuses.append(navigation.value.status)
        if attempt < 4:
            assert page.locator(".error[role=alert]").is_visible()
    assert statuses == [200, 200, 200, 200, 429]
    assert page.locator("[role=alert]").is_visible()
    assert page.locator("#id_password").count() == 0
    page.screenshot(path=os.path.join(screenshot_dir, "locked.png"))
    # the right password does not get through while the lock holds
    page.goto("/staff/login/")
    page.fill("#id_username", "a_reviewer")
    page.fill("#id_password", two_counties.password)
    with page.expect_navigation() as navigation:
        page.press("#id_password", "Enter")
    assert navigation.value.status == 429


def test_a_center_admin_sets_the_yellow_share_of_the_center(page, two_counties, screenshot_dir):
    from decimal import Decimal

    from onewindow.supervision.models import SupervisionSettings

    admin = two_counties.a.staff[Role.CENTER_ADMIN]
    page.goto("/staff/login/")
    page.fill("#id_username", admin.user.username)
    page.fill("#id_password", two_counties.password)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/staff/")
    page.goto("/staff/supervision/")
    page.get_by_role("link", name="设置").click()
    page.wait_for_url("**/staff/supervision/settings/")
    assert "默认设置" in page.get_by_test_id("settings-source").inner_text()
    # a share of 1.5 is refused, naming the field and keeping what was typed
    page.fill("#id_yellow_share", "1.5")
    with page.expect_navigation():
        page.get_by_role("button", name="保存设置").click()
    assert "黄牌比例" in page.get_by_role("alert").inner_text()
    assert page.locator("#id_yellow_share").get_attribute("aria-invalid") == "true"
    assert not SupervisionSettings.objects.exists()
    page.fill("#id_yellow_share", "0.60")
    with page.expect_navigation():
        page.get_by_role("button", name="保存设置").click()
    assert "设置已保存" in page.content()
    assert "本中心的自有设置" in page.get_by_test_id("settings-source").inner_text()
    assert page.locator("#id_yellow_share").input_value() == "0.60"
    page.screenshot(path=os.path.join(screenshot_dir, "supervision-settings.png"), full_page=True)
    assert SupervisionSettings.objects.get(region=two_counties.a.region).yellow_share == Decimal("0.60")
