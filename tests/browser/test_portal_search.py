"""Finding an item on a phone: the home page's search box, the results, the guide, the bundle."""

from __future__ import annotations

import os

import pytest

from onewindow.demo.loader import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
RESTAURANT = "990121-YJS-001"


@pytest.fixture
def phone(browser, live_server, transactional_db):
    """A phone-sized page in Chinese against the live server, with the demo county loaded."""
    load_demo()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_initials_typed_on_the_home_page_lead_to_the_licence_guide(phone, screenshot_dir):
    page = phone
    # given the home page on a phone
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    # when the visitor types yyzz into the search box (found by its label) and presses Enter
    box = page.locator("#q")
    assert page.locator("label[for=q]").is_visible()
    box.fill("yyzz")
    box.press("Enter")
    page.wait_for_url("**/search/?q=yyzz*")
    # then the first result is a 营业执照 item, highlighted, and the page fits the screen
    first = page.locator("ol.results > li").first
    assert "营业执照" in first.locator("h3").inner_text()
    assert first.locator("mark").first.inner_text() == "营业执照"
    assert _fits(page)
    page.screenshot(path=os.path.join(screenshot_dir, "search-yyzz-phone.png"), full_page=True)
    # when they open it, its guide shows, with the process drawn and nothing wider than the phone
    name = first.locator("h3 a").inner_text()
    first.locator("h3 a").click()
    page.wait_for_url("**/items/*/")
    assert page.locator("h1").inner_text() == name
    assert page.get_by_test_id("flow").is_visible()
    assert page.get_by_test_id("materials").is_visible()
    assert _fits(page)
    page.screenshot(path=os.path.join(screenshot_dir, "guide-phone.png"), full_page=True)


def test_a_life_event_leads_to_the_restaurant_bundle_guide_by_keyboard(phone, screenshot_dir):
    page = phone
    page.goto("/")
    page.locator("#q").fill("我要开餐馆")
    page.locator("#q").press("Enter")
    page.wait_for_url("**/search/*")
    first = page.locator("ol.results > li").first
    assert first.get_attribute("data-kind") == "bundle"
    assert first.get_attribute("data-code") == RESTAURANT
    # the bundle's items follow it, each saying it belongs to the bundle
    assert page.locator("ol.results > li").nth(1).locator(".via").is_visible()
    assert _fits(page)
    # the link can be reached with the keyboard and shows where focus is
    link = first.locator("h3 a")
    link.focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/bundles/{RESTAURANT}/")
    assert page.locator("h1").inner_text() == "我要开餐馆"
    assert page.get_by_test_id("materials").locator("tbody tr").count() > 10
    assert _fits(page)
    page.screenshot(path=os.path.join(screenshot_dir, "bundle-phone.png"), full_page=True)
