"""The browser harness: Playwright's sync API driving Debian's Chromium against pytest-django's
live server. Start every module here with

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

``browser`` makes tests/conftest.py move it to the end of the run; transactional database access
lets the live server, which runs in another thread, see the test's rows.

Playwright's own browser download cannot work on a closed network, so the Debian package
(``chromium``, installed by ``scripts/debian-packages.sh test``) is launched by path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.pinyin import pinyin_initials
from tests.browser.helpers import PASSWORD

CHROMIUM = os.environ.get("ONEWINDOW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an asyncio loop on the main thread; Django would then refuse ORM
    calls from test code as "async unsafe". They are safe here: nothing else runs on that loop."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_allow_orm_beside_playwright: None):
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install the Debian package "
                    "(scripts/debian-packages.sh test) or set ONEWINDOW_CHROMIUM")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_context(browser, live_server, transactional_db):
    """A fresh context (cookies, storage) per test, in Chinese, against the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    """A page whose relative URLs go to the live server: ``page.goto("/staff/")``."""
    return browser_context.new_page()


@pytest.fixture
def screenshot_dir(tmp_path_factory) -> str:
    """Where screenshots go: ``$ONEWINDOW_SCREENSHOTS`` if set (to look at them), else a temp dir."""
    wanted = os.environ.get("ONEWINDOW_SCREENSHOTS")
    if wanted:
        os.makedirs(wanted, exist_ok=True)
        return wanted
    return str(tmp_path_factory.mktemp("screenshots"))


@pytest.fixture
def counter(hall):
    """The hall with real passwords (the login form is used) and the pinyin initials search uses."""
    for staff in (hall.clerk, hall.reviewer, hall.reviewer2, hall.chief):
        staff.user.set_password(PASSWORD)
        staff.user.save(update_fields=["password"])
    for version in ServiceItemVersion.objects.all():
        version.pinyin_initials = pinyin_initials(version.name)
        version.save(update_fields=["pinyin_initials"])
    return hall
