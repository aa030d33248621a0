"""Open government in a real browser: a citizen files a disclosure request online; staff ask once
for clarification, register it, consult a third party, the chief representative extends the time
and replies with a partial disclosure; the citizen sees the reply and the deadline history. Then a
villager checks their subsidy at the village query point."""

from __future__ import annotations

from decimal import Decimal

import pytest

from onewindow.openness.fund_services import distributions_import, fund_create
from onewindow.openness.models import DisclosureRequest
from onewindow.organization.models import Region
from onewindow.organization.rules import RegionLevel, Role
from tests.browser import helpers
from tests.openness.helpers import fund_row, fund_workbook, id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page, action: str, fill: dict[str, str] | None = None) -> None:
    """Open an action's panel on the request page, fill it and post it."""
    page.get_by_test_id(f"action-{action}").click()
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    with page.expect_navigation():
        page.get_by_test_id(f"submit-{action}").click()


def test_citizen_request_through_clarification_consultation_extension_and_partial_reply(page, two_counties):
    market = two_counties.a.market
    # A citizen files online, without an account.
    page.goto("/openness/requests/new/")
    page.select_option("#f-kind", "person")
    page.fill("#f-name", "陈晓明")
    page.fill("#f-id", id_number("99012119850612001"))
    page.fill("#f-phone", "13912345678")
    page.select_option("#f-dept", str(market.id))
    page.fill("#f-desc", "2025 年食品经营许可检查记录")
    with page.expect_navigation():
        page.click("#file-submit")
    number = page.get_by_test_id("number").inner_text().strip()
    code = page.get_by_test_id("code").inner_text().strip()
    assert DisclosureRequest.objects.get(number=number).channel == "online"

    # The reviewer asks once for clarification, registers it, and consults a third party.
    helpers.log_in(page, two_counties.a.user(Role.REVIEWER).username, two_counties.password)
    page.goto(f"/staff/openness/requests/{number}/")
    act(page, "request_clarification", {"#points": "请写明所需检查记录的经营者名称"})
    assert page.get_by_test_id("state").inner_text() == "待补正"
    assert page.get_by_test_id("action-request_clarification").count() == 0
    act(page, "receive_clarification")
    act(page, "start_consultation", {"#third_party": "云溪县某某餐饮有限公司"})
    assert page.get_by_test_id("state").inner_text() == "征求第三方意见"
    assert page.get_by_test_id("reply-due").inner_text() == "暂停计时"
    act(page, "end_consultation")
    assert page.get_by_test_id("action-extend").count() == 0  # only the chief representative extends
    helpers.log_out(page)

    # The chief representative extends the time and replies with a partial disclosure.
    helpers.log_in(page, two_counties.a.user(Role.CHIEF_REPRESENTATIVE).username, two_counties.password)
    page.goto(f"/staff/openness/requests/{number}/")
    act(page, "extend", {"#workdays": "15", "#reason": "检查记录较多，需要逐份区分处理"})
    assert DisclosureRequest.objects.get(number=number).extension_workdays == 15
    page.get_by_test_id("action-reply").click()
    page.select_option("#answer", "partially_disclosed")
    page.check("input[name=grounds][value=third_party]")
    page.fill("#reasons", "检查记录中涉及经营者商业秘密的内容不予公开，其余内容予以公开")
    with page.expect_navigation():
        page.get_by_test_id("submit-reply").click()
    assert page.get_by_test_id("answer").inner_text().startswith("部分公开")
    helpers.log_out(page)

    # The citizen sees the reply and how the deadline moved.
    page.goto("/openness/requests/status/")
    page.fill("#s-number", number)
    page.fill("#s-code", code)
    with page.expect_navigation():
        page.click("#status-submit")
    assert page.get_by_test_id("answer").inner_text().startswith("部分公开")
    assert page.get_by_test_id("reply-number").inner_text().startswith("云溪依复〔")
    history = page.get_by_test_id("deadline-history").locator("tbody tr").all_inner_texts()
    labels = [row.split("\t")[1] for row in history]
    assert labels == ["收到申请", "告知补正", "收到补正后的申请", "征求第三方意见", "第三方意见征询结束", "延长答复期限",
                      "作出答复"]
    assert "经负责人同意延长 15 个工作日" in history[5]
    assert "13912345678" not in page.content()


def test_villager_checks_their_subsidy_at_the_village_page(page, two_counties):
    a = two_counties.a
    village = Region.objects.create(code="990121001201", name="河湾村委会", level=RegionLevel.VILLAGE,
                                    parent=a.township)
    admin = a.staff[Role.CENTER_ADMIN]
    fund = fund_create(department_id=a.civil.id, code="GDDL-2026", name="耕地地力保护补贴", basis="财农〔2016〕26号",
                       standard="每亩 118 元", period="2026 年", total=Decimal("100000"), actor=admin)
    person_id = id_number("99012119650301001")
    distributions_import(fund_id=fund.id, actor=admin, data=fund_workbook([
        fund_row(**{"姓名": "李大山", "身份证号码": person_id, "金额（元）": "1180.00"}),
        fund_row(**{"姓名": "王小河", "身份证号码": id_number("99012119700101002"), "金额（元）": "590.00"})]))

    page.set_viewport_size({"width": 1080, "height": 1920})  # the kiosk's portrait screen
    page.goto(f"/openness/funds/village/{village.code}/")
    assert "李**" in page.get_by_test_id("entries").last.inner_text()
    page.fill("#name", "李大山")
    page.fill("#id_number", person_id)
    with page.expect_navigation():
        page.click("#check-submit")
    mine = page.get_by_test_id("mine").inner_text()
    assert "1180.00" in mine
    assert "王**" not in mine
    assert person_id not in page.content()

    page.fill("#name", "李大山")
    page.fill("#id_number", id_number("99012119990101009"))
    with page.expect_navigation():
        page.click("#check-submit")
    assert page.get_by_test_id("not-found").is_visible()
