"""收件回执: the walk-in applicant leaves the window with a numbered receipt that says what was
received, the case number and query code to follow it with, and by when acceptance is decided."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from onewindow.cases import services as case_services
from onewindow.catalog.models import Material
from onewindow.documents import services as s
from onewindow.documents.models import Document
from onewindow.documents.templatetags.documents_cn import cn_date
from onewindow.workdays.models import PublishedYear
from onewindow.workdays.selectors import clear_cache
from tests.cases.helpers import at, submit
from tests.documents.helpers import pdf_text, stored

pytestmark = pytest.mark.django_db


def receipt_of(case) -> Document:
    return case.documents.get(kind="intake_receipt")


def test_intake_at_the_window_issues_a_numbered_receipt(hall, settings):
    # given 营业执照副本 shared from the e-licence library and 场所证明 not brought
    Material.objects.filter(version=hall.item.current_version, name="营业执照副本").update(provision="shared")
    # when the clerk takes the application in
    case = submit(hall, missing=("场所证明",))
    # then a receipt is numbered with the intake, like every notice
    document = receipt_of(case)
    assert document.event_seq == 1
    assert document.number == "云溪收〔2026〕000001号"
    text = pdf_text(stored(s.document_render(document_id=document.id), settings))
    for expected in ["收件回执", document.number, case.number, case.query_code, "测试事项01", "张三",
                     "110***********002X", "申请书", "营业执照副本", "受理决定期限", cn_date(case.acceptance_due),
                     "/online/progress/", "不代表已受理", "云溪县政务服务中心"]:
        assert expected in text, expected
    assert "11010519491231002X" not in text  # the ID is masked on paper
    assert "暂定" not in text
    assert document.content["materials_received"] == ["申请书"]
    assert document.content["materials_obtained"] == ["营业执照副本"]


def test_an_acceptance_deadline_in_an_unpublished_year_is_marked_provisional(hall, settings):
    # given a receipt whose 5 working days run in a year without a published holiday arrangement
    PublishedYear.objects.filter(year=2026).delete()
    clear_cache()
    try:
        case = submit(hall)
    finally:
        clear_cache()  # the snapshot without 2026 must not outlive this test's database
    assert case.clock_provisional
    text = pdf_text(stored(s.document_render(document_id=receipt_of(case).id), settings))
    assert "暂定" in text
    assert cn_date(case.acceptance_due) in text


def test_an_online_application_gets_no_paper_receipt(hall):
    account = get_user_model().objects.create_user(username="13900000000", password="Applicant-Pass-1")
    case = case_services.case_submit(actor=None, applicant_account=account, channel="online",
                                     item_code=hall.item.implementation_code, applicant=hall.applicant(),
                                     materials=hall.checklist(), at=at(2026, 9, 28))
    assert not case.documents.exists()


def test_the_clerks_page_offers_the_receipt_right_after_intake(client, hall):
    case = submit(hall)
    client.force_login(hall.clerk.user)
    response = client.get(f"/staff/cases/{case.number}/")
    html = response.content.decode()
    link = reverse("documents:staff_pdf", args=[receipt_of(case).number])
    assert f'id="print-receipt" href="{link}"' in html
    # once accepted, the acceptance notice is what the applicant holds: the receipt stays in the list
    case = case_services.case_accept(case_id=case.id, actor=hall.clerk)
    html = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert 'id="print-receipt"' not in html
    assert link in html
