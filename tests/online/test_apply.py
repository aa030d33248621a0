"""Applying online: drafts, uploads checked by content, submission that starts the acceptance clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from onewindow.cases.models import Case
from onewindow.core import filecrypt
from onewindow.core.timesource import local_date
from onewindow.online.models import Draft, OnlineUpload
from onewindow.workdays.selectors import snapshot_for

from .helpers import COMPANY_CODE, EXE, OTHER_ID, PDF, PNG, apply_url, pdf, register, token_of

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "online"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_apply_url_is_named_for_the_guide():
    assert reverse("online:apply", args=["990121GSJ0000000001"]) == "/online/apply/990121GSJ0000000001/"


def test_anonymous_visitors_are_sent_to_log_in_and_back(client, hall):
    response = client.get(apply_url(hall))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("online:login"))
    assert "next=" in response["Location"]


def test_the_form_shows_the_materials_and_the_applicant_from_the_profile(my_client, hall):
    response = my_client.get(apply_url(hall))
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("申请书", "营业执照副本", "场所证明"):
        assert name in page
    # the name from the profile, the ID masked even to its owner (shoulder surfing)
    assert "张三" in page
    assert "110***********002X" in page
    assert "11010519491231002X" not in page


def test_submitting_with_uploads_files_an_online_case_received_today(my_client, hall, me):
    # given the form; when the applicant uploads two materials and submits
    token = token_of(my_client.get(apply_url(hall)))
    response = my_client.post(apply_url(hall), {
        "token": token, "action": "submit", "contact_phone": "13912345678",
        "material[0]": pdf("申请书.pdf"), "material[1]": SimpleUploadedFile("licence.png", PNG, "image/png"),
    })
    # then there is one online case of this applicant, received today, its acceptance clock running
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("online:case", args=[case.number])
    assert (case.channel, case.applicant_account_id, case.status) == ("online", me.pk, "submitted")
    assert (case.applicant_name, case.applicant_id_number, case.applicant_phone) == (
        "张三", "11010519491231002X", "13912345678")
    today = local_date()
    assert local_date(case.submitted_at) == today
    # DESIGN.md §4 rule 3: the decision is due by the 5th working day after the day of receipt
    assert case.acceptance_due == snapshot_for(hall.county.code).add_workdays(today, 5)
    event = case.events.get()
    assert event.kind == "submitted"
    assert event.actor_id is None
    assert event.actor_label == "申请人 张三"
    assert {m["name"]: m["state"] for m in event.payload["materials"]} == {
        "申请书": "received", "营业执照副本": "received", "场所证明": "missing"}
    # the files belong to the case now, stored outside the web root with their hash and real type
    uploads = list(OnlineUpload.objects.order_by("material"))
    assert [(u.material, u.content_type, u.case_id, u.draft_id) for u in uploads] == [
        ("申请书", "application/pdf", case.id, None), ("营业执照副本", "image/png", case.id, None)]
    assert all(filecrypt.is_sealed((Path(settings.MEDIA_ROOT) / u.path).read_bytes()) for u in uploads)
    assert all(filecrypt.read(u.path) in (PDF, PNG) for u in uploads)
    assert all(u.path.startswith(f"online/{me.pk}/") for u in uploads)
    # the receipt goes out by SMS with the query code
    from onewindow.notifications.models import OutboxMessage

    receipt = OutboxMessage.objects.get(kind="case.submitted")
    assert receipt.recipient == "13912345678"
    assert case.number in receipt.body
    assert case.query_code in receipt.body
    # the page of the case shows its number's query code
    page = my_client.get(response["Location"]).content.decode()
    assert case.query_code in page
    assert 'data-status="submitted"' in page


def test_a_repeated_submit_of_the_same_form_files_one_case(my_client, hall):
    token = token_of(my_client.get(apply_url(hall)))
    form = {"token": token, "action": "submit", "contact_phone": "13912345678"}
    first = my_client.post(apply_url(hall), {**form, "material[0]": pdf()})
    second = my_client.post(apply_url(hall), {**form, "material[0]": pdf()})
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert OnlineUpload.objects.count() == 1
    assert len(stored_files()) == 1


def test_a_saved_draft_survives_a_reload(my_client, hall):
    token = token_of(my_client.get(apply_url(hall)))
    response = my_client.post(apply_url(hall), {"token": token, "action": "save", "contact_phone": "13700001111",
                                                "note": "营业执照正在换发", "material[0]": pdf("申请书.pdf")})
    assert response.status_code == 302
    assert response["Location"] == apply_url(hall)
    # a later visit shows what was typed and uploaded, under the same form token
    again = my_client.get(apply_url(hall))
    page = again.content.decode()
    assert 'value="13700001111"' in page
    assert "营业执照正在换发" in page
    assert "申请书.pdf" in page
    draft = Draft.objects.get()
    assert token_of(again) == str(draft.token)
    assert draft.case is None
    assert draft.data["note"] == "营业执照正在换发"
    assert list(draft.uploads.values_list("material", flat=True)) == ["申请书"]
    # and submitting later turns that very draft into the case, with its upload
    my_client.post(apply_url(hall), {"token": str(draft.token), "action": "submit", "contact_phone": "13700001111"})
    draft.refresh_from_db()
    case = Case.objects.get()
    assert draft.case == case
    assert case.applicant_phone == "13700001111"
    assert {m["name"]: m["state"] for m in case.events.get().payload["materials"]}["申请书"] == "received"


def test_a_renamed_executable_is_refused_naming_the_material_and_nothing_is_saved(my_client, hall):
    token = token_of(my_client.get(apply_url(hall)))
    my_client.post(apply_url(hall), {"token": token, "action": "save", "material[0]": pdf("申请书.pdf")})
    before = stored_files()
    # when a Windows program named scan.pdf is uploaded for the second material (typed text too)
    response = my_client.post(apply_url(hall), {
        "token": token, "action": "submit", "note": "请尽快办理", "material[1]": pdf("scan.pdf", EXE),
        "material[2]": pdf("site.pdf"),
    })
    # then it is refused with a message naming the material, the typed text is kept
    assert response.status_code == 400
    page = response.content.decode()
    assert "材料“营业执照副本”的文件不是 PDF、JPEG 或 PNG 文件" in page
    assert 'data-testid="error-material-1"' in page
    assert "请尽快办理" in page
    # nothing is saved: no case, no new upload or file, and the earlier draft upload is still there
    assert not Case.objects.exists()
    assert list(OnlineUpload.objects.values_list("material", flat=True)) == ["申请书"]
    assert stored_files() == before
    assert Draft.objects.get().data.get("note", "") == ""


def test_an_oversized_file_is_refused(my_client, hall, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "UPLOAD_MAX_BYTES": 1024}
    token = token_of(my_client.get(apply_url(hall)))
    response = my_client.post(apply_url(hall), {"token": token, "action": "save",
                                                "material[0]": pdf(data=PDF + b"0" * 2000)})
    assert response.status_code == 400
    assert "材料“申请书”的文件超过 1 KB" in response.content.decode()
    assert not OnlineUpload.objects.exists()
    assert not stored_files()


def test_a_new_file_replaces_the_drafts_earlier_one_and_a_file_can_be_removed(
        my_client, hall, django_capture_on_commit_callbacks):
    token = token_of(my_client.get(apply_url(hall)))
    my_client.post(apply_url(hall), {"token": token, "action": "save", "material[0]": pdf("first.pdf")})
    # the replaced file is removed once the new one is committed
    with django_capture_on_commit_callbacks(execute=True):
        my_client.post(apply_url(hall), {"token": token, "action": "save", "material[0]": pdf("second.pdf")})
    upload = OnlineUpload.objects.get()
    assert upload.original_name == "second.pdf"
    assert len(stored_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = my_client.post(reverse("online:upload_remove", args=[upload.pk]))
    assert response.status_code == 302
    assert not OnlineUpload.objects.exists()
    assert not stored_files()


def material_url(hall, index: int) -> str:
    return reverse("online:apply_material", args=[hall.item.implementation_code, index])


def test_a_file_is_kept_in_the_draft_as_soon_as_it_is_chosen(my_client, hall):
    # given the form; when the applicant chooses a file (htmx posts it with the form's token alone)
    token = token_of(my_client.get(apply_url(hall)))
    response = my_client.post(material_url(hall, 0), {"token": token, "material[0]": pdf("申请书.pdf")},
                              HTTP_HX_REQUEST="true")
    # then it is in the draft of this very form, and the answer is that material's part, attached
    assert response.status_code == 200
    draft = Draft.objects.get()
    assert str(draft.token) == token
    assert draft.case is None
    assert draft.data == {}
    upload = draft.uploads.get()
    assert (upload.material, upload.original_name) == ("申请书", "申请书.pdf")
    assert len(stored_files()) == 1
    part = response.content.decode()
    assert part.lstrip().startswith('<fieldset class="material" id="material-0"')
    assert 'data-testid="uploaded-0"' in part
    assert "申请书.pdf" in part
    assert "删除" in part
    assert reverse("online:upload_remove", args=[upload.pk]) in part
    # the reminder of what is missing is updated beside it (out of band)
    assert 'id="missing-required" hx-swap-oob="true"' in part
    assert "营业执照副本" in part
    # and the file is there when the page is opened again
    assert 'data-testid="uploaded-0"' in my_client.get(apply_url(hall)).content.decode()


def test_a_refused_file_is_answered_in_place_and_nothing_is_kept(my_client, hall):
    token = token_of(my_client.get(apply_url(hall)))
    response = my_client.post(material_url(hall, 1), {"token": token, "material[1]": pdf("scan.pdf", EXE)},
                              HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # so that htmx swaps the message in
    part = response.content.decode()
    assert 'data-testid="error-material-1"' in part
    assert "材料“营业执照副本”的文件不是 PDF、JPEG 或 PNG 文件" in part
    assert not OnlineUpload.objects.exists()
    assert not stored_files()


def test_a_material_out_of_range_is_a_404(my_client, hall):
    assert my_client.post(material_url(hall, 3), {"material[3]": pdf()}, HTTP_HX_REQUEST="true").status_code == 404


def test_a_file_chosen_without_javascript_survives_a_form_refused_for_another_field(my_client, hall):
    version = hall.item.current_version
    version.delivery_methods = ["window", "post"]
    version.save(update_fields=["delivery_methods"])
    token = token_of(my_client.get(apply_url(hall)))
    # when the form goes with a file but without a delivery method
    response = my_client.post(apply_url(hall), {"token": token, "action": "submit", "note": "请尽快办理",
                                                "material[0]": pdf("申请书.pdf")})
    # then it is refused naming the field, and the file is kept in the draft and shown attached
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择办理结果的领取方式" in page
    assert 'data-testid="uploaded-0"' in page
    assert "申请书.pdf" in page
    assert not Case.objects.exists()
    assert list(Draft.objects.get().uploads.values_list("material", flat=True)) == ["申请书"]
    # and once the method is chosen the case has it, without choosing the file again
    my_client.post(apply_url(hall), {"token": token, "action": "submit", "delivery_method": "window"})
    case = Case.objects.get()
    assert list(case.online_uploads.values_list("material", flat=True)) == ["申请书"]


def test_the_only_delivery_method_is_chosen_already(my_client, hall):
    version = hall.item.current_version
    version.delivery_methods = ["window"]
    version.save(update_fields=["delivery_methods"])
    page = my_client.get(apply_url(hall)).content.decode()
    assert 'id="id_delivery_method-window" name="delivery_method" value="window" checked' in page
    # a form without it (an older page, a script) is taken with that method too
    my_client.post(apply_url(hall), {"token": token_of(my_client.get(apply_url(hall))), "action": "submit"})
    assert Case.objects.get().online_draft.data["delivery_method"] == "window"


def test_with_several_delivery_methods_none_is_chosen_for_the_applicant(my_client, hall):
    version = hall.item.current_version
    version.delivery_methods = ["window", "post"]
    version.save(update_fields=["delivery_methods"])
    assert " checked" not in my_client.get(apply_url(hall)).content.decode()


def test_removing_a_file_with_htmx_answers_the_materials_part(my_client, hall, django_capture_on_commit_callbacks):
    token = token_of(my_client.get(apply_url(hall)))
    my_client.post(material_url(hall, 2), {"token": token, "material[2]": pdf("site.pdf")}, HTTP_HX_REQUEST="true")
    upload = OnlineUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = my_client.post(reverse("online:upload_remove", args=[upload.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not OnlineUpload.objects.exists()
    assert not stored_files()
    part = response.content.decode()
    assert 'id="material-2"' in part
    assert 'data-testid="uploaded-2"' not in part


def test_an_item_not_open_online_says_where_to_go(my_client, hall):
    version = hall.item.current_version
    version.online_depth = 2
    version.place = "云溪县政务服务中心一楼"
    version.save()
    response = my_client.get(apply_url(hall))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="not-online"' in page
    assert "云溪县政务服务中心一楼" in page
    assert 'name="token"' not in page
    # and a posted form is not taken either
    my_client.post(apply_url(hall), {"action": "submit"})
    assert not Case.objects.exists()


def test_an_unknown_item_is_a_404(my_client):
    assert my_client.get(reverse("online:apply", args=["NO-SUCH-ITEM"])).status_code == 404


def test_my_upload_is_mine_and_the_staff_of_the_case_only(my_client, hall, someone_else):
    client = Client()  # a second browser: my_client is the pytest-django ``client`` itself
    token = token_of(my_client.get(apply_url(hall)))
    my_client.post(apply_url(hall), {"token": token, "action": "save", "material[0]": pdf()})
    draft_upload = OnlineUpload.objects.get()
    url = reverse("online:upload", args=[draft_upload.pk])
    response = my_client.get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    # a draft's file is nobody else's business, staff included
    client.force_login(hall.clerk.user)
    assert client.get(url).status_code == 404
    # once submitted, the clerk of the case may open it; another county's clerk and another applicant may not
    my_client.post(apply_url(hall), {"token": token, "action": "submit"})
    assert client.get(url).status_code == 200
    client.force_login(hall.outsider.user)
    assert client.get(url).status_code == 404
    client.force_login(someone_else)
    assert client.get(url).status_code == 404
    case = Case.objects.get()
    assert client.get(reverse("online:case", args=[case.number])).status_code == 404
    assert client.get(reverse("online:upload", args=[draft_upload.pk + 999])).status_code == 404


def test_an_agent_applies_for_the_company(client, hall):
    agent = register("13600001111", name="王五", id_number=OTHER_ID, kind="company_agent",
                     company_name="云溪县某某餐饮有限公司", company_credit_code=COMPANY_CODE, legal_representative="赵六")
    client.force_login(agent, backend="onewindow.accounts.backends.UserBackend")
    token = token_of(client.get(apply_url(hall)))
    client.post(apply_url(hall), {"token": token, "action": "submit", "material[0]": pdf()})
    case = Case.objects.get()
    assert (case.applicant_kind, case.applicant_name, case.applicant_id_type, case.applicant_id_number) == (
        "company", "云溪县某某餐饮有限公司", "uscc", COMPANY_CODE)
    assert (case.legal_representative, case.agent_name, case.agent_id_number, case.applicant_phone) == (
        "赵六", "王五", OTHER_ID, "13600001111")
