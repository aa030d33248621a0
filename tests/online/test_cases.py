"""My cases: the supplement notice answered online, withdrawal, the notices to download — one history
whether the case came in online or at a window."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from onewindow.cases import services as case_services
from onewindow.cases.history import verify_case
from onewindow.cases.models import Case
from onewindow.core.errors import DomainError
from onewindow.core.uploads import check_file
from onewindow.documents.models import Document
from onewindow.online import services
from onewindow.online.models import OnlineUpload

from .helpers import EXE, PDF

pytestmark = pytest.mark.django_db


def pdf(name: str = "scan.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def file_for(material: str, data: bytes = PDF):
    return check_file(pdf(data=data), material=material, field="f")


@pytest.fixture
def online_case(hall, me) -> Case:
    """My online application with the business licence missing."""
    return services.draft_submit(account=me, item_code=hall.item.implementation_code, token=None,
                                 data={"contact_phone": "13912345678"}, files=[file_for("申请书")])


@pytest.fixture
def awaiting(hall, online_case) -> Case:
    """The clerk's one-time notice: the business licence is missing."""
    return case_services.case_request_supplement(case_id=online_case.id, actor=hall.clerk, materials=["营业执照副本"],
                                                 note="请上传加盖公章的营业执照副本")


def case_url(case: Case, name: str = "online:case") -> str:
    return reverse(name, args=[case.number])


def test_my_case_shows_the_supplement_notice_with_an_upload_per_material(my_client, awaiting):
    response = my_client.get(case_url(awaiting))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="supplement-notice"' in page
    assert "营业执照副本" in page
    assert "请上传加盖公章的营业执照副本" in page
    assert 'name="supplement[0]"' in page
    assert 'data-status="awaiting_supplement"' in page
    # the acceptance clock is stopped while the applicant supplements: no acceptance date is shown
    assert 'data-testid="no-dues"' in page
    assert 'id="due-acceptance_due"' not in page
    # the supplement notice is listed among the notices, downloadable by me
    notice = Document.objects.get(case=awaiting, kind="supplement_notice")
    assert notice.number in page


def test_supplementing_online_puts_the_case_back_to_submitted_in_one_history(my_client, awaiting, hall):
    response = my_client.post(case_url(awaiting, "online:supplement"), {
        "row_version": awaiting.row_version, "supplement[0]": pdf("licence.pdf")})
    assert response.status_code == 302
    case = Case.objects.get(pk=awaiting.pk)
    assert case.status == "submitted"
    assert case.visits == 0
    # one history: received online, the clerk's notice, the applicant's supplement — chained and intact
    events = list(case.events.order_by("seq"))
    assert [(e.kind, e.actor_id, e.actor_label) for e in events] == [
        ("submitted", None, "申请人 张三"), ("supplement_requested", hall.clerk.id, hall.clerk.name),
        ("supplemented", None, "申请人 张三")]
    assert events[-1].payload == {"materials": ["营业执照副本"], "at_window": False}
    assert verify_case(case).ok
    supplement = OnlineUpload.objects.get(purpose="supplement")
    assert (supplement.case_id, supplement.material) == (case.id, "营业执照副本")
    # a new acceptance window runs from the day the supplement was received (DESIGN.md §4 rule 4)
    page = my_client.get(case_url(case)).content.decode()
    assert 'id="due-acceptance_due"' in page
    assert "收到补正材料之日" in page
    # and the clerk can accept it now
    case_services.case_accept(case_id=case.id, actor=hall.clerk)


def test_a_supplement_must_bring_every_listed_material_and_real_files(my_client, awaiting, me):
    # no file: refused, naming the material
    response = my_client.post(case_url(awaiting, "online:supplement"), {"row_version": awaiting.row_version})
    assert response.status_code == 400
    assert "请上传补正材料“营业执照副本”" in response.content.decode()
    # a renamed program: refused by content, nothing stored
    response = my_client.post(case_url(awaiting, "online:supplement"), {
        "row_version": awaiting.row_version, "supplement[0]": pdf("licence.pdf", EXE)})
    assert response.status_code == 400
    assert "材料“营业执照副本”的文件不是 PDF、JPEG 或 PNG 文件" in response.content.decode()
    assert Case.objects.get(pk=awaiting.pk).status == "awaiting_supplement"
    assert not OnlineUpload.objects.filter(purpose="supplement").exists()
    # a material the notice did not list is refused by the service
    with pytest.raises(DomainError) as refused:
        services.case_supplement_online(account=me, case_id=awaiting.id,
                                        files=[file_for("营业执照副本"), file_for("场所证明")])
    assert refused.value.code == "supplement.material_unlisted"


def test_a_stale_page_does_not_supplement_twice(my_client, awaiting):
    stale = awaiting.row_version
    my_client.post(case_url(awaiting, "online:supplement"), {"row_version": stale, "supplement[0]": pdf()})
    response = my_client.post(case_url(awaiting, "online:supplement"), {"row_version": stale, "supplement[0]": pdf()})
    assert response.status_code in (400, 409)
    assert Case.objects.get(pk=awaiting.pk).events.filter(kind="supplemented").count() == 1


def test_i_withdraw_before_the_decision_after_confirming(my_client, online_case):
    url = case_url(online_case, "online:withdraw")
    response = my_client.post(url, {"row_version": online_case.row_version, "reason": "不再需要"})
    assert response.status_code == 400
    assert Case.objects.get(pk=online_case.pk).status == "submitted"
    response = my_client.post(url, {"row_version": online_case.row_version, "reason": "不再需要", "confirm": "1"})
    assert response.status_code == 302
    case = Case.objects.get(pk=online_case.pk)
    assert case.status == "withdrawn"
    assert case.events.order_by("-seq").first().actor_label == "申请人 张三"
    # no withdraw form any more
    assert 'id="withdraw-submit"' not in my_client.get(case_url(case)).content.decode()


def test_another_applicant_sees_nothing_of_my_case(awaiting, someone_else):
    other = Client()
    other.force_login(someone_else, backend=services.LOGIN_BACKEND)
    notice = Document.objects.get(case=awaiting)
    for url in (case_url(awaiting), reverse("online:document", args=[awaiting.number, notice.number])):
        assert other.get(url).status_code == 404
    for name in ("online:supplement", "online:withdraw"):
        assert other.post(case_url(awaiting, name), {"confirm": "1", "supplement[0]": pdf()}).status_code == 404
    assert Case.objects.get(pk=awaiting.pk).status == "awaiting_supplement"
    assert other.get(reverse("online:cases")).content.decode().count(awaiting.number) == 0


def test_my_cases_lists_my_cases(my_client, online_case):
    page = my_client.get(reverse("online:cases")).content.decode()
    assert online_case.number in page


def test_i_download_the_supplement_notice(my_client, awaiting):
    notice = Document.objects.get(case=awaiting, kind="supplement_notice")
    response = my_client.get(reverse("online:document", args=[awaiting.number, notice.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"


def test_staff_see_the_applicants_online_uploads_and_form_on_the_case_page(client, online_case, hall):
    """The workbench case page lists what came in online, with links staff may open."""
    case = online_case
    client.force_login(hall.clerk.user)
    page = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert 'data-testid="online-uploads"' in page
    upload = case.online_uploads.first()
    assert f"/online/uploads/{upload.pk}/" in page
    assert client.get(f"/online/uploads/{upload.pk}/").status_code == 200
