"""Words on the pages: actions named by what they do, Chinese labels for codes, each language in
its own name, the English UI in English, one A4 page per acceptance notice."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.conf import settings
from django.utils import translation

from onewindow.cases import services as s
from onewindow.cases.models import Case
from onewindow.cases.outputs import _message
from onewindow.catalog.models import Material
from onewindow.documents import services as documents
from onewindow.notifications.models import OutboxMessage
from onewindow.notifications.services import deliver_due, notify
from onewindow.organization.models import Posting
from onewindow.organization.rules import Role
from tests.cases.helpers import at
from tests.documents.helpers import readable

pytestmark = pytest.mark.django_db


def _submit(h, **kw) -> Case:
    return s.case_submit(actor=h.clerk, item_code=h.item.implementation_code, applicant=h.applicant(),
                         materials=h.checklist(), window_number="01", at=kw.get("when", at(2026, 9, 28)))


def _reviewed(h) -> Case:
    case = s.case_accept(case_id=_submit(h).id, actor=h.clerk, at=at(2026, 9, 29))
    for order, who in [(2, h.reviewer), (3, h.reviewer), (3, h.reviewer2)]:
        case = s.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="同意", at=at(2026, 9, 30))
    return case


def _buttons(html: str) -> dict[str, str]:
    return dict(re.findall(r'<button type="submit" id="submit-([\w-]+)">([^<]+)</button>', html))


def test_the_chiefs_two_red_buttons_say_what_they_do(client, hall):
    # given a reviewed case with an extension request waiting
    case = _reviewed(hall)
    s.case_request_extension(case_id=case.id, actor=hall.reviewer, workdays=5, reason="需补充核查", at=at(2026, 9, 30))
    # when the chief opens it
    client.force_login(hall.chief.user)
    buttons = _buttons(client.get(f"/staff/cases/{case.number}/").content.decode())
    # then granting the extension and granting the licence are told apart
    assert buttons["grant_extension"] == "准予延期"
    assert buttons["decline_extension"] == "不同意延期"
    assert buttons["decide-grant"] == "作出准予许可决定"
    assert buttons["decide-deny"] == "作出不予许可决定"


def test_a_refusal_message_ends_in_one_full_stop(hall):
    case = s.case_refuse(case_id=_submit(hall).id, actor=hall.clerk, reason="不属于本机关职权范围。",
                         legal_basis="《中华人民共和国行政许可法》第三十二条", at=at(2026, 9, 29))
    text = _message(case, case.events.get(kind="refused"))
    assert "。。" not in text
    assert "不属于本机关职权范围。详见不予受理告知书。" in text


def test_the_outbox_shows_what_a_message_is_not_its_code(client, hall):
    notify(region=hall.county, channel="sms", recipient="13800000000", subject="验证码", body="验证码 123456",
           kind="auth.otp", at=at(2026, 9, 28))
    _submit(hall)
    case = s.case_accept(case_id=Case.objects.get().id, actor=hall.clerk, at=at(2026, 9, 29))
    deliver_due(now=at(2026, 9, 29, 12))
    assert OutboxMessage.objects.filter(topic=case.number, status="sent").exists()
    admin = hall.outsider  # any staff member: give them the center administrator's post in the county
    Posting.objects.create(staff=admin, role=Role.CENTER_ADMIN, region=hall.county)
    client.force_login(admin.user)
    html = client.get("/staff/outbox/").content.decode()
    assert ">登录验证码<" in html
    assert ">受理通知<" in html
    assert 'data-kind="case.accepted"' in html  # the code is still there for whoever needs it
    assert ">auth.otp<" not in html
    assert ">case.accepted<" not in html
    assert "delivered to outbox" not in html
    assert "OutboxOnlySender" not in html


def test_a_decision_is_listed_under_its_own_title(client, hall):
    case = s.case_decide(case_id=_reviewed(hall).id, actor=hall.chief, grant=True, at=at(2026, 10, 9))
    client.force_login(hall.chief.user)
    html = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert ">准予行政许可决定书</a>" in html
    assert "准予/不予" not in html


def test_each_language_is_offered_in_its_own_name(client, hall):
    html = client.get("/").content.decode()
    assert re.search(r'<option value="en" lang="en"[^>]*>English</option>', html)
    assert re.search(r'<option value="zh-hans" lang="zh-hans"[^>]*>简体中文</option>', html)
    assert "英语" not in html


def test_the_english_ui_shows_states_units_and_applicant_kinds_in_english(client, hall):
    case = s.case_accept(case_id=_submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    client.force_login(hall.clerk.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert 'data-testid="status">In review<' in html
    assert "(Natural person)" in html
    assert "自然人" not in html
    guide = client.get(f"/items/{hall.item.implementation_code}/").content.decode()
    assert "20 working days" in guide
    with translation.override("en"):
        assert str(hall.item.current_version.get_statutory_unit_display()) == "working days"


def test_an_acceptance_notice_with_many_materials_fits_on_one_a4_page(hall):
    version = hall.item.current_version
    for order, name in enumerate(["建设工程规划许可证及附图", "施工图设计文件审查合格书", "工程施工合同及关于施工进度的说明",
                                  "房地产开发企业资质证书", "商品房预售方案（含房屋分布图）"], start=4):
        Material.objects.create(version=version, order=order, name=name)
    case = s.case_accept(case_id=_submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    notice = case.documents.get(kind="acceptance_notice")
    notice = documents.document_render(document_id=notice.id)
    assert len(notice.content["materials_received"]) == 8
    info = subprocess.run(["pdfinfo", str(readable(notice, settings))], capture_output=True,
                          text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
