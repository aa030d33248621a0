"""An applicant's journey on a phone: register with a one-time code, apply online with a PDF (a
renamed program refused), answer the clerk's supplement notice online, follow the case publicly,
then download the certificate and verify it where its QR code leads."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.core.crypto import blind_index
from onewindow.core.timesource import now
from onewindow.online.models import OneTimeCode
from tests.cases.helpers import VALID_ID
from tests.notifications.sending import HERE, PhoneSender
from tests.online.helpers import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"
PHONE_SIZE = {"width": 390, "height": 844}
# A minimal PDF: the upload check reads the content, which starts with the PDF signature.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# A Windows program renamed scan.pdf: "MZ" is what filetype sees, whatever the name says.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode"


def _phone_context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport=PHONE_SIZE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    return context


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _code_texted_to() -> str:
    """The latest code on the applicant's phone (the outbox keeps none)."""
    for recipient, body in reversed(PhoneSender.inbox):
        if recipient == PHONE and (found := re.search(r"(?<!\d)\d{6}(?!\d)", body)):
            return found.group(0)
    raise AssertionError("no code was texted")


@pytest.fixture(autouse=True)
def _phones(settings):
    PhoneSender.inbox = []
    settings.ONEWINDOW = {**settings.ONEWINDOW, "SENDERS": {"sms": f"{HERE}.PhoneSender"}}


def test_an_applicant_applies_supplements_and_follows_the_case_on_a_phone(browser, live_server, hall,
                                                                         screenshot_dir):
    item_code = hall.item.implementation_code
    context = _phone_context(browser, live_server)
    try:
        page = context.new_page()
        # -- register: the code arrives by SMS (on the phone: the outbox keeps no code) -------------
        page.goto(f"/online/register/?next=/online/apply/{item_code}/")
        page.fill("#id_phone", PHONE)
        with page.expect_navigation():
            page.click("#send-code")
        assert page.get_by_test_id("code-sent").is_visible()
        page.fill("#id_code", _code_texted_to())
        page.fill("#id_real_name", "张三")
        page.select_option("#id_id_type", "resident_id")
        page.fill("#id_id_number", VALID_ID)
        page.click("#register-submit")
        page.wait_for_url(f"**/online/apply/{item_code}/")
        assert _fits(page)

        # -- a renamed program is refused by its content as soon as it is chosen, naming the material --
        page.fill("#id_note", "请尽快办理")
        page.set_input_files("#id_material_1", {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": EXE})
        error = page.get_by_test_id("error-material-1")
        assert "营业执照副本" in error.inner_text()
        assert "PDF、JPEG 或 PNG" in error.inner_text()
        assert page.input_value("#id_note") == "请尽快办理"  # what was typed is kept
        assert page.get_by_test_id("uploaded-1").count() == 0
        assert not Case.objects.exists()
        assert _fits(page)
        page.screenshot(path=os.path.join(screenshot_dir, "online-apply-refused.png"), full_page=True)

        # -- apply with a small valid PDF (the business licence still missing) ------------------------
        page.set_input_files("#id_material_0", {"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": PDF})
        assert "申请书.pdf" in page.get_by_test_id("uploaded-0").inner_text()
        page.click("#apply-submit")
        page.wait_for_url("**/online/cases/*/")
        case = Case.objects.get()
        assert case.channel == "online"
        assert case.status == "submitted"
        assert page.get_by_test_id("status").get_attribute("data-status") == "submitted"
        query_code = page.get_by_test_id("query-code").inner_text().strip()
        assert query_code == case.query_code

        # -- the clerk asks for the missing material (through the service layer) ---------------------
        case_services.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"],
                                              note="请上传营业执照副本")
        page.reload()
        notice = page.get_by_test_id("supplement-notice")
        assert notice.is_visible()
        assert "营业执照副本" in page.get_by_test_id("requested").inner_text()
        assert page.get_by_test_id("status").get_attribute("data-status") == "awaiting_supplement"
        assert _fits(page)
        page.screenshot(path=os.path.join(screenshot_dir, "online-supplement-notice.png"), full_page=True)

        # -- the applicant uploads it online: the case is back to "submitted" ------------------------
        page.set_input_files("#id_supplement_0", {"name": "licence.pdf", "mimeType": "application/pdf",
                                                  "buffer": PDF})
        with page.expect_navigation():
            page.click("#supplement-submit")
        assert page.get_by_test_id("status").get_attribute("data-status") == "submitted"
        case.refresh_from_db()
        assert case.status == "submitted"
        assert [e.kind for e in case.events.order_by("seq")] == ["submitted", "supplement_requested", "supplemented"]
    finally:
        context.close()

    # -- anyone with the number and query code follows it on the public page, without logging in ----
    context = _phone_context(browser, live_server)
    try:
        page = context.new_page()
        page.goto("/online/progress/")
        page.fill("#id_number", case.number)
        page.fill("#id_code", query_code)
        with page.expect_navigation():
            page.click("#progress-submit")
        progress = page.get_by_test_id("progress")
        assert progress.is_visible()
        assert page.get_by_test_id("status").get_attribute("class").endswith("status-submitted")
        assert page.get_by_test_id("applicant").inner_text().strip() == "张*"
        kinds = page.locator("[data-testid=timeline] li").evaluate_all("els => els.map(e => e.dataset.kind)")
        assert kinds == ["submitted", "supplement_requested", "supplemented"]
        assert page.locator("#due-acceptance_due .explain li").count() > 0
        assert _fits(page)
        page.screenshot(path=os.path.join(screenshot_dir, "online-progress.png"), full_page=True)
        # a wrong code reveals nothing
        page.fill("#id_code", "ZZZZZZZZ")
        page.click("#progress-submit")
        assert page.get_by_test_id("error-message").inner_text().strip() == "办件编号或查询码不正确"
        assert page.get_by_test_id("progress").count() == 0
    finally:
        context.close()

    # -- the departments handle it; the applicant downloads the certificate and verifies it ----------
    case_services.case_accept(case_id=case.id, actor=hall.clerk)
    for order, who in [(2, hall.reviewer), (3, hall.reviewer), (3, hall.reviewer2)]:
        case_services.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="同意")
    case_services.case_decide(case_id=case.id, actor=hall.chief, grant=True)
    case_services.case_issue_certificate(case_id=case.id, actor=hall.clerk)
    certificate = case.certificates.get()
    # Days later: the registration's code is old, so the one-code-a-minute limit no longer applies.
    OneTimeCode.objects.filter(phone_bidx=blind_index("phone", PHONE)).update(created_at=now() - timedelta(days=3))
    context = _phone_context(browser, live_server)
    try:
        page = context.new_page()
        page.goto(f"/online/login/?next=/online/cases/{case.number}/")
        page.fill("#id_phone", PHONE)
        page.click("#send-code")
        page.fill("#id_code", _code_texted_to())
        page.click("#login-submit")
        page.wait_for_url(f"**/online/cases/{case.number}/")
        assert page.get_by_test_id("status").get_attribute("data-status") == "certificate_issued"
        link = page.locator("[data-testid=notices] li").filter(has_text=certificate.document.number).locator("a")
        pdf = page.request.get(link.get_attribute("href"))
        assert pdf.ok
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")
        # The QR code on the certificate leads here.
        page.goto(f"/verify/{certificate.number}")
        assert "有效" in page.locator(".verification h2").inner_text()
        assert "张*" in page.locator(".verification").inner_text()
        assert _fits(page)
    finally:
        context.close()


def _log_in_applicant(page, next_url: str) -> None:
    page.goto(f"/online/login/?next={next_url}")
    page.fill("#id_phone", PHONE)
    page.click("#send-code")
    page.fill("#id_code", _code_texted_to())
    page.click("#login-submit")
    page.wait_for_url(f"**{next_url}")


def test_a_chosen_file_survives_a_form_error_and_is_part_of_the_case(page, hall, screenshot_dir):
    # given an item the result of which comes by window or by post (no default: the applicant chooses)
    version = hall.item.current_version
    version.delivery_methods = ["window", "post"]
    version.save(update_fields=["delivery_methods"])
    register(PHONE, at_=now() - timedelta(hours=1))  # an hour ago: a new code may be sent now
    apply_url = f"/online/apply/{hall.item.implementation_code}/"
    _log_in_applicant(page, apply_url)
    # when the applicant chooses a file, it is uploaded at once and shown attached, with 删除
    page.set_input_files("#id_material_0", {"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": PDF})
    attached = page.get_by_test_id("uploaded-0")
    assert "申请书.pdf" in attached.inner_text()
    assert attached.get_by_role("button", name="删除").is_visible()
    # a second file, chosen by mistake, is removed again without leaving the page
    page.set_input_files("#id_material_2", {"name": "wrong.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_test_id("uploaded-2").get_by_role("button", name="删除").click()
    page.get_by_test_id("uploaded-2").wait_for(state="detached")
    assert page.url.endswith(apply_url)
    # and then submits without choosing how to receive the result
    page.fill("#id_note", "请尽快办理")
    with page.expect_navigation():
        page.click("#apply-submit")
    # then the form says what is missing, and the file is still attached (nothing to choose again)
    assert "请选择办理结果的领取方式" in page.get_by_test_id("problems").inner_text()
    assert "申请书.pdf" in page.get_by_test_id("uploaded-0").inner_text()
    assert page.input_value("#id_note") == "请尽快办理"
    assert not Case.objects.exists()
    page.screenshot(path=os.path.join(screenshot_dir, "online-apply-kept-file.png"), full_page=True)
    # when the applicant chooses window collection and submits again, the case has the file
    page.check("#id_delivery_method-window")
    with page.expect_navigation():
        page.click("#apply-submit")
    page.wait_for_url("**/online/cases/*/")
    case = Case.objects.get()
    uploads = list(case.online_uploads.values_list("material", "original_name"))
    assert uploads == [("申请书", "申请书.pdf")]
    states = {m["name"]: m["state"] for m in case.events.get(kind="submitted").payload["materials"]}
    assert states == {"申请书": "received", "营业执照副本": "missing", "场所证明": "missing"}
