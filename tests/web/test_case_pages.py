"""The staff pages of cases: intake, the case page and its action forms, the inbox, the ledger and
the intake register. Assertions are on data, status codes, element ids and Chinese text that
comes from data or services — never on English UI strings (they are translated)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from onewindow.cases import services as s
from onewindow.cases.models import Case
from onewindow.cases.rules import MaterialCheck
from onewindow.cases.selectors import case_view
from onewindow.cases.services import DENIAL_RIGHTS
from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.pinyin import pinyin_initials
from onewindow.core import filecrypt
from onewindow.core.identity import mask_id
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.organization.models import BackupPost, Posting, Staff
from onewindow.organization.rules import Role
from onewindow.workbench.models import CaseScan, IdView
from tests.cases.helpers import VALID_ID
from tests.web.helpers import act, form_keys, intake_data, submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# A real 1×1 PNG: images are measured and verified by Pillow at upload (a header alone is refused).
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
       b"\x00\x00\x00\nIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00\xb18\xf6\x14\x00\x00\x00\x00IEND\xaeB`\x82")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


# --- helpers ------------------------------------------------------------------------------------


def _extra_staff(h, username: str, role: Role, *, region=None, department=None) -> Staff:
    user = get_user_model().objects.create_user(username=username, password="x-unused-Password1")
    staff = Staff.objects.create(user=user, name=username, employee_number=username, region=region or h.county)
    Posting.objects.create(staff=staff, role=role, region=region or h.county, department=department)
    return staff


@pytest.fixture
def desk(hall):
    """The hall, with pinyin initials on its items (the fixture writes versions directly)."""
    for version in ServiceItemVersion.objects.all():
        version.pinyin_initials = pinyin_initials(version.name)
        version.save(update_fields=["pinyin_initials"])
    return hall


def uploads_dir(settings) -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads"


def stored_files(settings) -> list[Path]:
    root = uploads_dir(settings)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- intake: who ------------------------------------------------------------------------------------


def test_intake_is_for_clerks_and_proxy_agents(client, desk):
    client.force_login(desk.clerk.user)
    assert client.get("/staff/intake/").status_code == 200
    proxy = _extra_staff(desk, "proxy", Role.PROXY_AGENT)
    client.force_login(proxy.user)
    assert client.get("/staff/intake/").status_code == 200
    for other in (desk.reviewer, desk.chief):
        client.force_login(other.user)
        response = client.get("/staff/intake/")
        assert response.status_code == 403
        assert response.templates[0].name == "workbench/forbidden.html"
        assert client.get("/staff/intake/items/?q=cs").status_code == 403
    client.logout()
    assert client.get("/staff/intake/").status_code == 302


def test_item_search_finds_by_pinyin_initials_name_and_code_only_items_i_may_take_in(client, desk):
    client.force_login(desk.clerk.user)
    name = desk.item.current_version.name
    for q in (pinyin_initials(name), name[:4], desk.item.implementation_code[:10]):
        response = client.get("/staff/intake/items/", {"q": q}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        codes = [i.implementation_code for i in response.context["results"]]
        assert desk.item.implementation_code in codes, q
        assert f'data-code="{desk.item.implementation_code}"' in response.content.decode()
    # a clerk of the other county finds nothing of this county
    client.force_login(desk.outsider.user)
    response = client.get("/staff/intake/items/", {"q": pinyin_initials(name)})
    assert response.context["results"] == []


def test_search_without_javascript_lists_results_on_the_page(client, desk):
    client.force_login(desk.clerk.user)
    response = client.get("/staff/intake/", {"q": "cssx"})
    assert response.status_code == 200
    assert desk.item in response.context["results"]


def test_choosing_an_item_loads_its_checklist(client, desk):
    client.force_login(desk.clerk.user)
    response = client.get("/staff/intake/checklist/", {"item": desk.item.implementation_code}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("申请书", "营业执照副本", "场所证明"):
        assert name in body
    assert 'name="m0-state"' in body
    assert 'name="m0-file"' in body
    assert 'type="file"' in body
    # required materials cannot be marked "not applicable"
    assert re.search(r'id="id_m0-state-not_applicable"[^>]*disabled', body)
    assert not re.search(r'id="id_m2-state-not_applicable"[^>]*disabled', body)
    # the full page does the same without htmx
    page = client.get("/staff/intake/", {"item": desk.item.implementation_code})
    assert page.context["item"] == desk.item
    assert len(page.context["form"].materials) == 3
    # an item the clerk may not take in is not loaded
    client.force_login(desk.outsider.user)
    assert client.get("/staff/intake/checklist/", {"item": desk.item.implementation_code}).context["item"] is None


# --- intake: submitting --------------------------------------------------------------------------------


def test_intake_happy_path_creates_the_case_with_its_scans(client, desk, settings):
    client.force_login(desk.clerk.user)
    response = client.post("/staff/intake/", {
        **intake_data(desk, **{"m2-state": "missing"}),
        "m0-file": SimpleUploadedFile("申请书.pdf", PDF, content_type="application/pdf"),
        "m1-file": SimpleUploadedFile("licence.png", PNG, content_type="image/png"),
    })
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{case.number}/"
    assert case.applicant_name == "张三"
    assert case.applicant_id_number == VALID_ID
    assert case.window == desk.window
    assert case.channel == "window"
    assert case.status == "submitted"
    submitted = case.events.get(kind="submitted")
    assert [(m["name"], m["state"]) for m in submitted.payload["materials"]] == [
        ("申请书", "received"), ("营业执照副本", "received"), ("场所证明", "missing")]
    scans = list(CaseScan.objects.filter(case=case).order_by("id"))
    assert [(x.material, x.content_type, x.size) for x in scans] == [
        ("申请书", "application/pdf", len(PDF)), ("营业执照副本", "image/png", len(PNG))]
    for scan in scans:
        path = Path(settings.MEDIA_ROOT) / scan.file_path
        assert path.parent == uploads_dir(settings) / case.number
        # sealed at rest (core/filecrypt.py): the disk holds no plaintext, the store gives it back
        assert filecrypt.is_sealed(path.read_bytes())
        assert PDF[:8] not in path.read_bytes()
        assert filecrypt.read(scan.file_path) in (PDF, PNG)
        assert scan.uploaded_by == desk.clerk
    # the case page links the scans, served only through the permission-checked view
    page = client.get(response["Location"])
    assert page.status_code == 200
    got = client.get(f"/staff/cases/{case.number}/scans/{scans[0].id}/")
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got.content == PDF
    assert got["X-Content-Type-Options"] == "nosniff"
    # a download in a sandbox, never a page of ours (issue 13: a PDF header can precede HTML)
    assert got["Content-Disposition"].startswith("attachment;")
    assert got["Content-Security-Policy"] == "sandbox; default-src 'none'"
    client.force_login(desk.outsider.user)
    assert client.get(f"/staff/cases/{case.number}/scans/{scans[0].id}/").status_code == 404


def test_proxy_agent_files_as_proxy_channel(client, desk):
    proxy = _extra_staff(desk, "proxy", Role.PROXY_AGENT)
    client.force_login(proxy.user)
    # 村代办: never without the villager's signed authorization, and the form says so
    refused = client.post("/staff/intake/", intake_data(desk, window_number=""))
    assert refused.status_code == 400
    assert "授权委托书" in refused.content.decode()
    assert not Case.objects.exists()
    response = client.post("/staff/intake/", {
        **intake_data(desk, window_number=""),
        "authorization_file": SimpleUploadedFile("sq.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "proxy"
    assert case.filed_by == proxy
    assert case.paper_due is not None
    assert list(CaseScan.objects.filter(case=case).values_list("material", flat=True)) == ["代办授权委托书"]
    assert case.events.get(kind="submitted").payload["agent"]["authorization"]["kind"] == "scan"
    # the agent's day lists it: paper to bring to the township
    day = client.get("/staff/agent/")
    assert day.status_code == 200
    assert case.number in day.content.decode()
    assert [r["case"].pk for r in day.context["sections"][0][2]] == [case.pk]


def test_bad_id_number_keeps_the_form_marks_the_field_and_saves_nothing(client, desk, settings):
    client.force_login(desk.clerk.user)
    bad = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")
    response = client.post("/staff/intake/", {
        **intake_data(desk, id_number=bad, name="李四", phone="13912345678"),
        "m0-file": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
    })
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert CaseScan.objects.count() == 0
    assert stored_files(settings) == []
    body = response.content.decode()
    assert "居民身份证号码校验不通过" in body
    assert re.search(r'id="id_id_number"[^>]*aria-invalid="true"[^>]*aria-describedby="err_id_number', body)
    assert 'id="err_id_number"' in body
    # everything typed is still there
    assert 'value="李四"' in body
    assert f'value="{bad}"' in body
    assert 'value="13912345678"' in body
    assert re.search(r'id="id_m0-state-received"[^>]*checked', body)


def test_missing_material_answer_and_company_problems_all_show_at_once(client, desk):
    client.force_login(desk.clerk.user)
    data = intake_data(desk, kind="company", name="云溪科技有限公司", id_type="resident_id", id_number=VALID_ID)
    del data["m1-state"]
    response = client.post("/staff/intake/", data)
    assert response.status_code == 400
    assert Case.objects.count() == 0
    form = response.context["form"]
    assert "营业执照副本" in form.materials[1].error
    assert "统一社会信用代码" in form.errors["id_type"]
    assert "法定代表人" in form.errors["legal_representative"]


def test_renamed_executable_is_refused_naming_the_material_and_nothing_is_saved(client, desk, settings):
    client.force_login(desk.clerk.user)
    response = client.post("/staff/intake/", {
        **intake_data(desk, name="王五"),
        "m0-file": SimpleUploadedFile("申请书.pdf", PDF, content_type="application/pdf"),
        "m1-file": SimpleUploadedFile("licence.pdf", EXE, content_type="application/pdf"),
    })
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert CaseScan.objects.count() == 0
    assert stored_files(settings) == []
    row = response.context["form"].materials[1]
    assert "营业执照副本" in row.file_error
    assert "PDF" in row.file_error
    body = response.content.decode()
    assert row.file_error in body
    assert re.search(r'id="id_m1-file"[^>]*aria-invalid="true"', body)
    assert 'value="王五"' in body


def test_oversized_upload_is_refused(client, desk, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "UPLOAD_MAX_BYTES": 1024}
    client.force_login(desk.clerk.user)
    big = PDF + b"0" * 2048
    response = client.post("/staff/intake/", {
        **intake_data(desk), "m2-file": SimpleUploadedFile("site.pdf", big, content_type="application/pdf")})
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert stored_files(settings) == []
    assert "场所证明" in response.context["form"].materials[2].file_error
    assert "超过" in response.context["form"].materials[2].file_error


def test_window_must_be_one_of_my_windows(client, desk):
    client.force_login(desk.clerk.user)
    response = client.post("/staff/intake/", intake_data(desk, window_number="99"))
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert "window_number" in response.context["form"].errors


# --- the case page --------------------------------------------------------------------------------------


def test_case_page_for_those_who_may_see_it_and_404_for_others(client, desk):
    case = submit(desk)
    for who in (desk.clerk, desk.reviewer, desk.chief):
        client.force_login(who.user)
        assert client.get(f"/staff/cases/{case.number}/").status_code == 200
    # a clerk of the other county: the same 404 as for a number that does not exist
    client.force_login(desk.outsider.user)
    assert client.get(f"/staff/cases/{case.number}/").status_code == 404
    assert client.post(f"/staff/cases/{case.number}/act/accept/", {"expected_version": 1}).status_code == 404
    client.force_login(desk.clerk.user)
    assert client.get("/staff/cases/990121-2026-999999/").status_code == 404


def test_case_page_shows_header_masked_id_clock_explanations_and_timeline(client, desk):
    case = submit(desk)
    case = s.case_accept(case_id=case.id, actor=desk.clerk, note="材料齐全")
    client.force_login(desk.clerk.user)
    response = client.get(f"/staff/cases/{case.number}/")
    body = response.content.decode()
    assert case.number in body
    assert desk.item.current_version.name in body
    assert "审查中" in body
    assert mask_id(VALID_ID) in body
    assert VALID_ID not in body
    # every due date explains itself, in Chinese, from the clock
    explained = case_view(case).explanations
    dues = {d.name: d for d in response.context["dues"]}
    assert dues["promised_due"].day == case.promised_due
    assert dues["statutory_due"].day == case.statutory_due
    assert dues["promised_due"].lines == explained["promised_due"]["text"]["zh"]
    for line in explained["promised_due"]["text"]["zh"]:
        assert line in body
    # stages, materials, timeline with the actor and the note
    assert "审查" in body
    assert desk.dept.name in body
    assert [r.kind for r in response.context["timeline"]] == ["submitted", "accepted"]
    accepted = response.context["timeline"][1]
    assert accepted.label == "受理"
    assert accepted.actor == desk.clerk.name
    assert any("材料齐全" in v for _, v in accepted.details)
    assert "材料齐全" in body
    # the acceptance notice of the documents app is listed with its staff download link
    documents = list(case.documents.all())
    assert documents, "the acceptance notice"
    for document in documents:
        assert reverse("documents:staff_pdf", args=[document.number]) in body
        assert document.number in body


def test_showing_the_full_id_is_logged(client, desk):
    case = submit(desk)
    client.force_login(desk.clerk.user)
    assert IdView.objects.count() == 0
    response = client.post(f"/staff/cases/{case.number}/full-id/", {"field": "applicant", "reason": "identity"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert VALID_ID in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    view = IdView.objects.get()
    assert (view.staff, view.case_id, view.field) == (desk.clerk, case.id, "applicant")
    assert view.remote_addr == "127.0.0.1"
    # without htmx the case page comes back with the number shown, and that is logged too
    response = client.post(f"/staff/cases/{case.number}/full-id/", {"field": "applicant", "reason": "identity"})
    assert response.status_code == 200
    assert VALID_ID in response.content.decode()
    assert IdView.objects.count() == 2
    # the page itself never shows it
    assert VALID_ID not in client.get(f"/staff/cases/{case.number}/").content.decode()
    # someone who may not see the case gets a 404 and nothing is logged
    client.force_login(desk.outsider.user)
    assert client.post(f"/staff/cases/{case.number}/full-id/", {"field": "applicant", "reason": "identity"}).status_code == 404
    assert IdView.objects.count() == 2


def test_action_forms_follow_status_and_roles(client, desk):
    case = submit(desk, missing=("营业执照副本",))
    page = f"/staff/cases/{case.number}/"
    client.force_login(desk.clerk.user)
    response = client.get(page)
    # a required material is missing: no acceptance (行政许可法 第三十二条), the one-time notice instead
    assert form_keys(response) == {"request_supplement", "refuse", "withdraw"}
    # the supplement notice is pre-ticked with the required materials marked missing at intake
    supplement = next(f for f in response.context["forms"] if f.key == "request_supplement")
    assert supplement.field_named("materials").value == ["营业执照副本"]
    assert re.search(r'name="materials" value="营业执照副本"\s+checked', response.content.decode())
    assert f'name="expected_version" value="{case.row_version}"' in response.content.decode()
    client.force_login(desk.reviewer.user)
    assert form_keys(client.get(page)) == set()
    client.force_login(desk.chief.user)
    assert form_keys(client.get(page)) == {"mark_urgent"}  # 绿色通道: the chief may mark it urgent
    s.case_request_supplement(case_id=case.id, actor=desk.clerk, materials=["营业执照副本"])
    s.case_supplement(case_id=case.id, actor=desk.clerk, materials=["营业执照副本"])
    case = s.case_accept(case_id=case.id, actor=desk.clerk)
    client.force_login(desk.clerk.user)
    # the supplement notice stays open to an objection (异议)
    assert form_keys(client.get(page)) == {"withdraw", "record_objection"}
    client.force_login(desk.reviewer.user)
    response = client.get(page)
    assert form_keys(response) == {"claim-2", "complete_stage-2", "start_special_procedure", "request_extension"}
    procedure = next(f for f in response.context["forms"] if f.key == "start_special_procedure")
    assert procedure.field_named("procedure").choices == [("expert_review", "专家评审"), ("hearing", "听证")]
    assert "专家评审" in response.content.decode()
    client.force_login(desk.chief.user)
    # the chief may review too, reassigns, and grants extensions; no decision while stages are open
    keys = form_keys(client.get(page))
    assert {"claim-2", "complete_stage-2", "reassign-2", "grant_extension"} <= keys
    assert not {k for k in keys if k.startswith("decide")}
    assert "request_extension" not in keys


def test_web_forms_take_a_case_from_intake_to_concluded(client, desk):
    case = submit(desk)
    client.force_login(desk.clerk.user)
    assert act(client, case, "accept", note="").status_code == 302
    client.force_login(desk.reviewer.user)
    assert act(client, case, "claim", stage_order="2").status_code == 302
    assert case.tasks.get(stage_order=2).assignee == desk.reviewer
    assert act(client, case, "complete_stage", stage_order="2", opinion="材料齐全，符合要求").status_code == 302
    # the two-signature stage: the first signature, then the page says who signed first
    assert act(client, case, "complete_stage", stage_order="3", opinion="现场符合").status_code == 302
    response = client.get(f"/staff/cases/{case.number}/")
    assert "complete_stage-3" not in form_keys(response)  # the same reviewer cannot sign twice
    client.force_login(desk.reviewer2.user)
    response = client.get(f"/staff/cases/{case.number}/")
    second = next(f for f in response.context["forms"] if f.key == "complete_stage-3")
    assert any(desk.reviewer.name in note for note in second.notes)
    assert response.context["signatures"][3].name == desk.reviewer.name
    assert act(client, case, "complete_stage", stage_order="3", opinion="同意").status_code == 302
    client.force_login(desk.chief.user)
    response = client.get(f"/staff/cases/{case.number}/")
    assert {"decide-grant", "decide-deny"} <= form_keys(response)
    assert DENIAL_RIGHTS in response.content.decode()  # a denial shows the applicant's rights
    assert act(client, case, "decide", grant="true", reasons="符合法定条件").status_code == 302
    case.refresh_from_db()
    assert case.status == "granted"
    assert case.outcome == "grant"
    assert act(client, case, "issue_certificate").status_code == 302
    client.force_login(desk.clerk.user)
    assert "deliver" in form_keys(client.get(f"/staff/cases/{case.number}/"))
    response = act(client, case, "deliver", method="window", tracking_number="", note="")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{case.number}/"
    case.refresh_from_db()
    assert case.status == "concluded"
    body = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert "已办结" in body
    assert "符合法定条件" in body
    assert "窗口领取" in body
    assert [e.kind for e in case.events.order_by("seq")][-2:] == ["delivered", "concluded"]


def test_stale_expected_version_shows_the_conflict_and_changes_nothing(client, desk):
    case = submit(desk)
    stale = case.row_version
    s.case_request_supplement(case_id=case.id, actor=desk.clerk, materials=["营业执照副本"])  # another clerk
    case.refresh_from_db()
    events = case.events.count()
    client.force_login(desk.clerk.user)
    response = client.post(f"/staff/cases/{case.number}/act/refuse/",
                           {"expected_version": stale, "reason": "不属于本机关职权", "legal_basis": "第三十二条"})
    assert response.status_code == 409
    assert "办件已被他人更新，请刷新后重试" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "awaiting_supplement"
    assert case.events.count() == events
    # the page shows the case as it is now, and the refusal form keeps what was typed
    refuse = next(f for f in response.context["forms"] if f.key == "refuse")
    assert refuse.field_named("reason").value == "不属于本机关职权"
    assert f'name="expected_version" value="{case.row_version}"' in response.content.decode()


def test_refusal_without_reason_marks_the_field_and_keeps_the_input(client, desk):
    case = submit(desk)
    client.force_login(desk.clerk.user)
    response = act(client, case, "refuse", reason="  ", legal_basis="《行政许可法》第三十二条", where_to_apply="市局")
    assert response.status_code == 400
    body = response.content.decode()
    assert "不予受理须说明理由" in body
    assert re.search(r'id="f-refuse-reason"[^>]*aria-invalid="true"[^>]*aria-describedby="f-refuse-reason-err"', body)
    assert "《行政许可法》第三十二条" in body
    assert 'value="市局"' in body
    case.refresh_from_db()
    assert case.status == "submitted"


def test_a_refused_transition_is_a_clear_message_not_a_500(client, desk):
    case = submit(desk)
    client.force_login(desk.clerk.user)
    response = act(client, case, "deliver", method="window")
    assert response.status_code == 400
    assert "不能执行此操作" in response.content.decode()
    response = client.post(f"/staff/cases/{case.number}/act/accept/", {})
    assert response.status_code == 400
    response = client.post(f"/staff/cases/{case.number}/act/nonsense/", {"expected_version": 1})
    assert response.status_code == 404


def test_extension_request_and_decline_through_the_forms(client, desk):
    case = s.case_accept(case_id=submit(desk).id, actor=desk.clerk)
    client.force_login(desk.reviewer.user)
    response = act(client, case, "request_extension", workdays="30", reason="需补充检验")
    assert response.status_code == 400
    failed = next(f for f in response.context["forms"] if f.key == "request_extension")
    assert "延期不得超过" in failed.field_named("workdays").error
    assert failed.field_named("reason").value == "需补充检验"
    assert re.search(r'id="f-request_extension-workdays"[^>]*value="30"[^>]*aria-invalid="true"',
                     response.content.decode())
    assert act(client, case, "request_extension", workdays="5", reason="需补充检验").status_code == 302
    client.force_login(desk.chief.user)
    keys = form_keys(client.get(f"/staff/cases/{case.number}/"))
    assert {"grant_extension", "decline_extension"} <= keys
    assert act(client, case, "decline_extension", reason="时间充足").status_code == 302
    case.refresh_from_db()
    assert case.extension_requested_days is None


def test_absent_colleagues_task_can_be_claimed_by_the_ab_backup(client, desk):
    case = s.case_accept(case_id=submit(desk).id, actor=desk.clerk)
    s.case_claim_task(case_id=case.id, actor=desk.reviewer, stage_order=2)
    client.force_login(desk.reviewer2.user)
    assert "claim-2" not in form_keys(client.get(f"/staff/cases/{case.number}/"))
    BackupPost.objects.create(primary=desk.reviewer, backup=desk.reviewer2)
    Staff.objects.filter(pk=desk.reviewer.pk).update(is_present=False)
    assert "claim-2" in form_keys(client.get(f"/staff/cases/{case.number}/"))
    response = client.get("/staff/inbox/")
    rows = [r for sec in response.context["sections"] if sec.key == "tasks" for r in sec.rows]
    assert [(r.case.number, r.claimable) for r in rows] == [(case.number, True)]


# --- inbox ----------------------------------------------------------------------------------------------


def test_inbox_sections_search_and_warning_levels(client, desk):
    waiting = submit(desk)
    late = s.case_accept(case_id=submit(desk).id, actor=desk.clerk)
    today = local_date()
    client.force_login(desk.clerk.user)
    response = client.get("/staff/inbox/")
    assert response.status_code == 200
    to_accept = next(sec for sec in response.context["sections"] if sec.key == "to_accept")
    assert [r.case.number for r in to_accept.rows] == [waiting.number]
    assert to_accept.rows[0].applicant == "张*"
    assert to_accept.rows[0].applicant_id == mask_id(VALID_ID)
    assert VALID_ID not in response.content.decode()
    # search by number opens the case; a number I may not see is "not found"
    assert client.get("/staff/inbox/", {"number": waiting.number})["Location"] == f"/staff/cases/{waiting.number}/"
    missing = client.get("/staff/inbox/", {"number": "990122-2026-000001"})
    assert missing.status_code == 404
    assert "办件不存在" in missing.content.decode()
    # the reviewer's task row is coloured by the promised clock
    Case.objects.filter(pk=late.pk).update(yellow_from=today - timedelta(days=1), promised_due=today + timedelta(days=2))
    client.force_login(desk.reviewer.user)
    tasks = next(sec for sec in client.get("/staff/inbox/").context["sections"] if sec.key == "tasks")
    assert [(r.case.number, r.warning, r.claimable) for r in tasks.rows] == [(late.number, "yellow", True)]
    Case.objects.filter(pk=late.pk).update(promised_due=today - timedelta(days=1))
    response = client.get("/staff/inbox/")
    tasks = next(sec for sec in response.context["sections"] if sec.key == "tasks")
    assert tasks.rows[0].warning == "red"
    assert f'data-number="{late.number}"' in response.content.decode()
    # claiming from the inbox comes back to the inbox
    late.refresh_from_db()
    claimed = client.post(f"/staff/cases/{late.number}/act/claim/",
                          {"expected_version": late.row_version, "stage_order": 2, "next": "inbox"})
    assert claimed.status_code == 302
    assert claimed["Location"] == "/staff/inbox/"


def test_inbox_is_refused_to_roles_without_cases(client, desk):
    supervisor = _extra_staff(desk, "watcher", Role.SUPERVISOR)
    client.force_login(supervisor.user)
    assert client.get("/staff/inbox/").status_code == 403


# --- ledger and register ----------------------------------------------------------------------------------


def test_ledger_and_register_rows_masked_and_exported(client, desk):
    case = s.case_accept(case_id=submit(desk).id, actor=desk.clerk)
    today = local_date().isoformat()
    for who in (desk.clerk, desk.reviewer, desk.chief):
        client.force_login(who.user)
        response = client.get("/staff/ledger/", {"day": today})
        assert response.status_code == 200
        [line] = response.context["lines"]
        assert (line.number, line.applicant, line.applicant_id) == (case.number, "张*", mask_id(VALID_ID))
        assert "收件" in line.actions
        assert "受理" in line.actions
        assert VALID_ID not in response.content.decode()
    client.force_login(desk.clerk.user)
    export = client.get("/staff/ledger/", {"day": today, "format": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet.title == f"台帐 {today}"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("办件编号", "事项名称", "申请人", "证件号码")
    assert rows[0][-1] == "当日办理事项"
    assert rows[1][0] == case.number
    assert rows[1][2] == "张*"
    assert rows[1][3] == mask_id(VALID_ID)
    assert sheet.column_dimensions["A"].width >= 20
    # another day has nothing; a window filter keeps it; a bad day is an error on the field
    assert client.get("/staff/ledger/", {"day": "2020-01-02"}).context["lines"] == []
    assert len(client.get("/staff/ledger/", {"day": today, "window": desk.window.id}).context["lines"]) == 1
    bad = client.get("/staff/ledger/", {"day": "2026-13-01"})
    assert bad.status_code == 400
    assert 'id="id_day" name="day" value="2026-13-01" aria-invalid="true"' in bad.content.decode()

    register = client.get("/staff/register/", {"from": today, "to": today})
    assert register.status_code == 200
    assert [line.number for line in register.context["lines"]] == [case.number]
    assert register.context["lines"][0].actions == desk.clerk.name
    book = load_workbook(BytesIO(client.get("/staff/register/", {"from": today, "to": today, "format": "xlsx"}).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert book.active.title.startswith("受理登记册")
    assert rows[0][-1] == "收件人"
    assert rows[1][0] == case.number
    assert rows[1][-1] == desk.clerk.name
    assert client.get("/staff/register/", {"from": today, "to": "2020-01-01"}).status_code == 400


def test_the_ledger_pages_its_lines_and_sums_up_the_whole_day(client, desk, monkeypatch):
    """A page lists a page of the day's cases, in the order first handled; the summary counts all
    of them; the links keep the filters; the export has every line, whatever the page."""
    from onewindow.workbench import case_views

    monkeypatch.setattr(case_views, "LEDGER_PAGE_SIZE", 2)
    cases = [submit(desk) for _ in range(3)]
    s.case_accept(case_id=cases[2].id, actor=desk.clerk)  # handled later: still third
    numbers = [c.number for c in cases]
    today = local_date().isoformat()
    client.force_login(desk.clerk.user)
    first = client.get("/staff/ledger/", {"day": today, "window": desk.window.id})
    assert first.status_code == 200
    assert [line.number for line in first.context["lines"]] == numbers[:2]
    assert first.context["total"] == 3
    assert first.context["summary"] == [("收件", 3), ("受理", 1)]
    body = first.content.decode()
    assert "当日办理 3 件：收件 3、受理 1" in body
    assert first.context["list"].next_url == f"/staff/ledger/?day={today}&window={desk.window.id}&page=2"
    assert "format=xlsx" in first.context["export_url"]
    second = client.get("/staff/ledger/", {"day": today, "window": desk.window.id, "page": 2})
    assert [line.number for line in second.context["lines"]] == numbers[2:]
    assert "受理" in second.context["lines"][0].actions
    assert second.context["list"].previous_url.endswith("page=1")
    # past the end, or not a number: the last page, the first page (Django's get_page)
    assert [line.number for line in client.get("/staff/ledger/", {"day": today, "page": 9}).context["lines"]] == numbers[2:]
    assert [line.number for line in client.get("/staff/ledger/", {"day": today, "page": "x"}).context["lines"]] == numbers[:2]
    export = client.get(second.context["export_url"])
    assert "page" not in second.context["export_url"]
    sheet = load_workbook(BytesIO(export.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == numbers


def test_ledger_is_for_clerks_reviewers_chiefs_and_administrators(client, desk):
    submit(desk)
    admin = _extra_staff(desk, "admin", Role.CENTER_ADMIN)
    client.force_login(admin.user)
    assert client.get("/staff/ledger/").status_code == 200
    assert len(client.get("/staff/register/").context["lines"]) == 1
    for role in (Role.SUPERVISOR, Role.PROXY_AGENT):
        other = _extra_staff(desk, f"u_{role.value}", role)
        client.force_login(other.user)
        assert client.get("/staff/ledger/").status_code == 403
        assert client.get("/staff/register/?format=xlsx").status_code == 403
    # the other county's clerk sees none of this county's cases
    client.force_login(desk.outsider.user)
    assert client.get("/staff/register/").context["lines"] == []


# --- the home page -----------------------------------------------------------------------------------------


def test_home_links_to_the_case_pages_by_role(client, desk):
    client.force_login(desk.clerk.user)
    links = {link.url for link in client.get("/staff/").context["links"]}
    assert {"/staff/intake/", "/staff/inbox/", "/staff/ledger/", "/staff/register/"} <= links
    client.force_login(desk.reviewer.user)
    links = {link.url for link in client.get("/staff/").context["links"]}
    assert {"/staff/inbox/", "/staff/ledger/", "/staff/register/"} <= links
    assert "/staff/intake/" not in links
    for url in links:
        assert client.get(url).status_code == 200, url


def test_pages_answer_the_unknown_account_with_the_not_staff_page(client, desk):
    citizen = get_user_model().objects.create_user("citizen", password="Citizen-pass-1")
    client.force_login(citizen)
    for url in ("/staff/intake/", "/staff/inbox/", "/staff/ledger/", "/staff/register/",
                f"/staff/cases/{submit(desk).number}/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.templates[0].name == "workbench/not_staff.html", url


def test_dates_are_shown_in_shanghai_time(client, desk):
    case = submit(desk)
    client.force_login(desk.clerk.user)
    body = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert case.submitted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in body


def test_a_number_field_left_empty_is_asked_for_plainly(client, desk):
    case = s.case_accept(case_id=submit(desk).id, actor=desk.clerk)
    client.force_login(desk.chief.user)
    response = act(client, case, "grant_extension", workdays="", reason="需要检验")
    assert response.status_code == 400
    form = next(f for f in response.context["forms"] if f.key == "grant_extension")
    assert form.field_named("workdays").error
    assert form.field_named("reason").value == "需要检验"
    assert "“workdays”" not in response.content.decode()  # not the action table's English input name
    case.refresh_from_db()
    assert not case.events.filter(kind="extension_granted").exists()


def test_a_scan_can_be_added_later_and_a_bad_one_is_refused(client, desk, settings):
    case = submit(desk)
    client.force_login(desk.clerk.user)
    url = f"/staff/cases/{case.number}/scans/"
    bad = client.post(url, {"material": "场所证明", "file": SimpleUploadedFile("x.jpg", EXE, content_type="image/jpeg")})
    assert bad.status_code == 400
    assert "场所证明" in bad.context["upload_error"]
    assert CaseScan.objects.count() == 0
    assert stored_files(settings) == []
    ok = client.post(url, {"material": "场所证明", "file": SimpleUploadedFile("x.png", PNG, content_type="image/png")})
    assert ok.status_code == 302
    scan = CaseScan.objects.get()
    assert scan.material == "场所证明"
    assert scan.content_type == "image/png"
    # a reviewer may look at it but not add one
    client.force_login(desk.reviewer.user)
    assert client.get(f"/staff/cases/{case.number}/scans/{scan.id}/").status_code == 200
    denied = client.post(url, {"material": "场所证明", "file": SimpleUploadedFile("y.png", PNG, content_type="image/png")})
    assert denied.status_code == 403
    assert CaseScan.objects.count() == 1


def test_a_scan_changed_on_disk_is_not_handed_out(client, desk, settings):
    case = submit(desk)
    client.force_login(desk.clerk.user)
    client.post(f"/staff/cases/{case.number}/scans/",
                {"material": "申请书", "file": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")})
    scan = CaseScan.objects.get()
    (Path(settings.MEDIA_ROOT) / scan.file_path).write_bytes(PDF + b"tampered")
    refused = client.get(f"/staff/cases/{case.number}/scans/{scan.id}/")
    # refused with a clear answer (logged), not a server error, and without the bytes
    assert refused.status_code == 409
    assert "文件校验失败" in refused.content.decode()


def test_a_colleague_adds_the_second_signature_to_a_claimed_verification_stage(client, desk):
    case = s.case_accept(case_id=submit(desk).id, actor=desk.clerk)
    case = s.case_complete_stage(case_id=case.id, actor=desk.reviewer, stage_order=2, opinion="齐全")
    case = s.case_claim_task(case_id=case.id, actor=desk.reviewer, stage_order=3)
    client.force_login(desk.reviewer2.user)
    assert "complete_stage-3" not in form_keys(client.get(f"/staff/cases/{case.number}/"))  # held by a colleague
    s.case_complete_stage(case_id=case.id, actor=desk.reviewer, stage_order=3, opinion="现场符合")
    assert "complete_stage-3" in form_keys(client.get(f"/staff/cases/{case.number}/"))
    assert act(client, case, "complete_stage", stage_order="3", opinion="同意").status_code == 302
    assert case.tasks.get(stage_order=3).state == "done"


def test_an_instant_item_is_concluded_on_the_spot(client, desk):
    case = s.case_submit(actor=desk.clerk, item_code=desk.instant_item.implementation_code,
                         applicant=desk.applicant(), materials=[
                             MaterialCheck(m, "received") for m in
                             desk.instant_item.current_version.materials.values_list("name", flat=True)],
                         window_number="01")
    client.force_login(desk.clerk.user)
    assert "conclude_instant" in form_keys(client.get(f"/staff/cases/{case.number}/"))
    assert "conclude_instant" not in form_keys(client.get(f"/staff/cases/{submit(desk).number}/"))
    assert act(client, case, "conclude_instant", result="当场办结").status_code == 302
    case.refresh_from_db()
    assert case.status == "concluded"
    assert "已办结" in client.get(f"/staff/cases/{case.number}/").content.decode()


def test_special_procedure_pauses_and_resumes_through_the_forms(client, desk):
    case = s.case_accept(case_id=submit(desk).id, actor=desk.clerk)
    client.force_login(desk.reviewer.user)
    response = act(client, case, "start_special_procedure", procedure="hearing", reason="涉及重大利益",
                   announced_workdays="5")
    assert response.status_code == 302
    response = client.get(f"/staff/cases/{case.number}/")
    case.refresh_from_db()
    assert case.status == "special_procedure"
    assert response.context["clock"].paused
    assert "end_special_procedure" in form_keys(response)
    assert "听证" in response.content.decode()  # the timeline names the procedure in Chinese
    assert act(client, case, "end_special_procedure", result="听证完毕").status_code == 302
    case.refresh_from_db()
    assert case.status == "in_review"


def test_chief_reassigns_and_the_assignee_releases(client, desk):
    case = s.case_accept(case_id=submit(desk).id, actor=desk.clerk)
    client.force_login(desk.chief.user)
    reassign = next(f for f in client.get(f"/staff/cases/{case.number}/").context["forms"] if f.key == "reassign-2")
    assert {name for _, name in reassign.field_named("assignee_id").choices} >= {desk.reviewer.name, desk.reviewer2.name}
    assert desk.clerk.name not in {name for _, name in reassign.field_named("assignee_id").choices}
    assert act(client, case, "reassign", stage_order="2", assignee_id=str(desk.reviewer2.id)).status_code == 302
    assert case.tasks.get(stage_order=2).assignee == desk.reviewer2
    client.force_login(desk.reviewer.user)
    assert {"claim-2", "complete_stage-2", "release-2"} & form_keys(client.get(f"/staff/cases/{case.number}/")) == set()
    client.force_login(desk.reviewer2.user)
    assert act(client, case, "release", stage_order="2").status_code == 302
    assert case.tasks.get(stage_order=2).assignee is None


def test_the_agents_full_id_is_shown_and_logged_separately(client, desk):
    case = submit(desk)
    Case.objects.filter(pk=case.pk).update(agent_name="李代理", agent_id_number=VALID_ID[:-4] + "0000")
    client.force_login(desk.clerk.user)
    body = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert "李代理" in body
    assert 'id="show-full-agent-id"' in body
    assert VALID_ID[:-4] + "0000" not in body
    response = client.post(f"/staff/cases/{case.number}/full-id/", {"field": "agent", "reason": "identity"})
    assert VALID_ID[:-4] + "0000" in response.content.decode()
    assert VALID_ID not in response.content.decode()
    assert IdView.objects.get().field == "agent"
    assert client.post(f"/staff/cases/{case.number}/full-id/", {"field": "nonsense", "reason": "identity"}).status_code == 400
