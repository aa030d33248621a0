"""Issue 13, defect 6: under the Content-Security-Policy the pages still work in a real browser —
htmx's live search on the intake page, Swagger UI on the API docs — and the browser reports no
violation (an inline script or style the policy refused would be one)."""

from __future__ import annotations

import pytest

from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.pinyin import pinyin_initials
from tests.browser.helpers import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    return found


def test_htmx_and_swagger_ui_work_under_the_policy(page, hall):
    hall.clerk.user.set_password(PASSWORD)
    hall.clerk.user.save(update_fields=["password"])
    version = ServiceItemVersion.objects.get(pk=hall.item.current_version_id)
    version.pinyin_initials = pinyin_initials(version.name)
    version.save(update_fields=["pinyin_initials"])
    violations = _violations(page)
    log_in(page, hall.clerk.user.username)
    page.goto("/staff/intake/")
    page.fill("#id_q", version.pinyin_initials[:4])  # htmx asks for the matching items as one types
    page.locator("#item-results a.item-choice").first.wait_for()
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "onewindow API" in page.locator(".swagger-ui .info .title").inner_text()
    assert violations == []
