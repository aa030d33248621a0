"""What the staff journeys share: the demo password the journeys set, and logging in by the form."""

from __future__ import annotations

import re

PASSWORD = "Yunxi-journey-2026"


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log in on the staff login form (with :data:`PASSWORD` unless told another)."""
    page.goto("/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/staff/")


def log_out(page) -> None:
    """Log out by the header's button and wait for the public home page."""
    page.locator("form[action='/staff/logout/'] button").click()
    page.wait_for_url(re.compile(r".*/$"))


def submit_form(page, key: str) -> None:
    """Post one action form of the case page and wait for the page it redirects to."""
    with page.expect_navigation():
        page.click(f"#submit-{key}")


def status(page) -> str:
    return page.get_by_test_id("status").inner_text().strip()
