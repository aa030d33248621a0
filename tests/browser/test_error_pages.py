"""An unknown address in a browser: the site's own 404 page, in Chinese, styled, with the way home."""

from __future__ import annotations

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_unknown_address_shows_the_chinese_404_page(page, screenshot_dir):
    # given a visitor with a mistyped address (the live server runs with DEBUG off)
    response = page.goto("/online/progres/")
    # then the site answers 404 with its own page in Chinese, in its own frame and style
    assert response is not None
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    heading = page.locator("h1#error-title")
    assert heading.inner_text() == "页面不存在"
    assert "Not Found" not in page.content()
    assert page.locator("header.top a.brand").is_visible()  # the project's base template
    assert page.evaluate("getComputedStyle(document.querySelector('.error-page')).borderTopStyle") == "solid"
    page.screenshot(path=os.path.join(screenshot_dir, "error-404.png"), full_page=True)
    # and a link leads home
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_url("**/")
    assert page.locator("h1#error-title").count() == 0
