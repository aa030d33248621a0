"""A bundle application (一件事一次办) end to end in a real browser: the citizen reads the guide of
我要开餐馆, applies online with one form (the situation chosen, each material once, one left out);
the window clerk reviews both children in one form — the missing one asked in one combined notice —
the citizen answers it online once; the back offices of two departments review, decide and issue
each child's licence; a child's result cannot be handed over alone; the clerk delivers both at
once, and the application is concluded for the citizen to see."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from onewindow.cases.models import BundleApplication, Case
from onewindow.core.timesource import now
from tests.browser.helpers import PASSWORD, log_in, log_out, status, submit_form
from tests.crossing.helpers import PERSONAL_SHOP, RESTAURANT, build_restaurant
from tests.notifications.sending import HERE, PhoneSender
from tests.online.helpers import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _phones(settings):
    PhoneSender.inbox = []
    settings.ONEWINDOW = {**settings.ONEWINDOW, "SENDERS": {"sms": f"{HERE}.PhoneSender"}}


def _code_texted_to() -> str:
    for recipient, body in reversed(PhoneSender.inbox):
        if recipient == PHONE and (found := re.search(r"(?<!\d)\d{6}(?!\d)", body)):
            return found.group(0)
    raise AssertionError("no code was texted")


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _settle(page, case: Case, reviewer: str, chief: str, clerk: str) -> None:
    """The back office of the child's department: review, grant; the window issues the licence."""
    url = f"/staff/cases/{case.number}/"
    log_in(page, reviewer)
    page.goto(url)
    page.fill("#f-complete_stage-2-opinion", "经审查符合条件")
    submit_form(page, "complete_stage-2")
    log_out(page)
    log_in(page, chief)
    page.goto(url)
    page.fill("#f-decide-grant-reasons", "符合法定条件")
    submit_form(page, "decide-grant")
    log_out(page)
    log_in(page, clerk)
    page.goto(url)
    submit_form(page, "issue_certificate")
    assert status(page) == "待送达"


def test_a_restaurant_applied_online_is_handled_by_two_departments_and_delivered_once(browser, live_server, page,
                                                                                     hall):
    world = build_restaurant(hall)
    for staff in (hall.clerk, hall.reviewer, hall.chief, world.food_reviewer, world.food_chief):
        staff.user.set_password(PASSWORD)
        staff.user.save(update_fields=["password"])
    register(PHONE, at_=now() - timedelta(hours=1))
    citizen = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    citizen.set_default_timeout(15_000)
    try:
        me = citizen.new_page()
        # -- the citizen reads the guide and applies with one form -----------------------------------
        me.goto(f"/bundles/{RESTAURANT}/")
        assert PERSONAL_SHOP in me.get_by_test_id("bundle-situations").inner_text()
        me.click("#bundle-apply")
        me.wait_for_url("**/online/login/**")
        me.fill("#id_phone", PHONE)
        me.click("#send-code")
        me.fill("#id_code", _code_texted_to())
        me.click("#login-submit")
        me.wait_for_url(f"**/online/bundles/{RESTAURANT}/apply/")
        me.check("#situation-1")  # 以个体工商户形式经营的
        with me.expect_navigation():
            me.click("#apply-situations")
        items = me.get_by_test_id("chosen-items").inner_text()
        assert "个体工商户设立登记" in items
        assert "食品经营许可证核发" in items
        assert "有限责任公司设立登记" not in items
        materials = me.get_by_test_id("merged-materials").inner_text()
        assert materials.count("经营场所证明") == 1  # asked once for both items
        # 0 登记申请书, 1 身份证明, 2 经营场所证明, 3 食品经营许可申请书 (left out), 4 管理制度 (optional)
        for index, name in [(0, "申请书.pdf"), (1, "身份证.pdf"), (2, "租赁合同.pdf")]:
            me.set_input_files(f"#id_material_{index}", _pdf(name))
        with me.expect_navigation():
            me.click("#bundle-apply-submit")
        me.wait_for_url("**/online/bundle-applications/*/")
        app = BundleApplication.objects.get()
        shop = Case.objects.get(bundle_application=app, item=world.shop)
        food = Case.objects.get(bundle_application=app, item=world.food)
        assert me.get_by_test_id("bundle-status").inner_text().strip() == "办理中"
        assert shop.number in me.get_by_test_id("children").inner_text()

        # -- the window clerk reviews both children in one form -------------------------------------
        log_in(page, hall.clerk.user.username)
        page.goto("/staff/bundles/")
        page.click(f"a[href='/staff/bundles/{app.number}/']")
        page.wait_for_url(f"**/staff/bundles/{app.number}/")
        review = page.get_by_test_id(f"review-{food.number}")
        assert review.locator(f"#supplement-{food.number}").is_checked()  # the missing one, pre-ticked
        assert page.locator(f"#accept-{shop.number}").is_checked()
        with page.expect_navigation():
            page.click("#review-submit")
        assert f"{app.number}-BZ01" in page.get_by_test_id("notices").inner_text()
        assert page.get_by_test_id("bundle-status").inner_text().strip() == "待补正"

        # -- the citizen answers the one notice once ------------------------------------------------
        me.reload()
        notice = me.get_by_test_id("supplement-notice")
        assert "食品经营许可申请书" in notice.inner_text()
        me.set_input_files("#id_supplement_0", _pdf("食品经营许可申请书.pdf"))
        with me.expect_navigation():
            me.click("#bundle-supplement-submit")
        assert me.get_by_test_id("bundle-status").inner_text().strip() == "办理中"

        # -- the clerk accepts the supplemented child; two back offices handle their children --------
        page.reload()
        with page.expect_navigation():
            page.click("#review-submit")
        assert Case.objects.get(pk=food.pk).status == "in_review"
        log_out(page)
        _settle(page, shop, hall.reviewer.user.username, hall.chief.user.username, hall.clerk.user.username)
        # a child's result is never handed over alone: the page says where it goes
        assert "统一送达" in page.content()
        log_out(page)
        _settle(page, food, world.food_reviewer.user.username, world.food_chief.user.username,
                hall.clerk.user.username)

        # -- one delivery of both results; the application is concluded ------------------------------
        page.goto(f"/staff/bundles/{app.number}/")
        assert page.get_by_test_id("bundle-status").inner_text().strip() == "待统一送达"
        page.select_option("#id_method", "window")
        with page.expect_navigation():
            page.click("#deliver-submit")
        assert page.get_by_test_id("bundle-status").inner_text().strip() == "已办结"
        assert {c.status for c in app.children.all()} == {"concluded"}
        kinds = list(app.events.order_by("seq").values_list("kind", flat=True))
        assert kinds[-2:] == ["delivered", "concluded"]
        me.reload()
        assert me.get_by_test_id("bundle-status").inner_text().strip() == "已办结"
        assert "已办结 2 个" in me.get_by_test_id("bundle-progress").inner_text()
    finally:
        citizen.close()
