"""The staff download, the public verification page and the verification API."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from onewindow.documents import services
from tests.cases.helpers import accepted_case, granted_case, last_event

pytestmark = pytest.mark.django_db


def certificate(hall):
    case = granted_case(hall)
    return services.certificate_issue(case=case, event=last_event(case))


def pdf_url(number: str) -> str:
    return f"/staff/documents/{quote(number)}/pdf"


def test_staff_of_the_county_download_the_pdf_rendered_on_first_download(hall, client):
    # given a notice that the background job has not rendered yet
    case = accepted_case(hall)
    document = services.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
    assert document.rendered_at is None
    # when a reviewer of the county downloads it
    client.force_login(hall.reviewer.user)
    response = client.get(pdf_url(document.number))
    # then it is rendered, stored, and served inline as a PDF with its number as the file name
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"inline; filename*=UTF-8''{quote(document.number + '.pdf')}"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")
    document.refresh_from_db()
    assert document.rendered_at is not None
    assert client.get(pdf_url(document.number)).content == response.content


def test_staff_of_another_county_get_a_404_as_for_a_missing_number(hall, client):
    case = accepted_case(hall)
    document = services.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
    client.force_login(hall.outsider.user)
    assert client.get(pdf_url(document.number)).status_code == 404
    assert client.get(pdf_url("云溪受〔2026〕999999号")).status_code == 404
    document.refresh_from_db()
    assert document.rendered_at is None  # nothing was rendered for them


def test_anonymous_visitors_are_sent_to_the_login(hall, client):
    case = accepted_case(hall)
    document = services.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
    response = client.get(pdf_url(document.number))
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_a_swapped_file_is_not_served(hall, client, settings):
    from pathlib import Path

    case = accepted_case(hall)
    document = services.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
    document = services.document_render(document_id=document.id)
    path = Path(settings.MEDIA_ROOT) / document.pdf_path
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.7 forged")
    client.force_login(hall.clerk.user)
    response = client.get(pdf_url(document.number))
    assert response.status_code == 409  # refused, logged; not a server error
    assert b"forged" not in response.content


def test_public_verification_page_shows_valid_with_masked_data(hall, client):
    cert = certificate(hall)
    for url in [f"/verify/{cert.number}", f"/verify/?number={cert.number}"]:
        page = client.get(url).content.decode()
        assert "有效" in page
        assert "张*" in page
        assert "110***********002X" in page
        assert "张三" not in page
        assert "11010519491231002X" not in page
        assert "云溪县政务服务中心" in page
        assert "云溪县工商局" in page


def test_public_verification_page_shows_revoked_and_unknown(hall, client):
    cert = certificate(hall)
    services.certificate_revoke(certificate_id=cert.id, actor=hall.chief, reason="以欺骗手段取得")
    assert "已撤销" in client.get(f"/verify/{cert.number}").content.decode()
    assert "未找到" in client.get("/verify/?number=990121-2026-Z000404").content.decode()
    assert client.get("/verify/").status_code == 200


def test_verify_api_answers_per_its_schema(hall, client):
    cert = certificate(hall)
    body = client.get(f"/api/v1/certificates/verify?number={cert.number}").json()
    assert set(body) == {"status", "number", "content", "issuer", "key_id", "revoked_at", "expired"}
    assert (body["status"], body["number"], body["key_id"], body["revoked_at"]) == (
        "valid", cert.number, cert.key_id, None)
    assert body["content"]["holder_name"] == "张*"
    assert body["content"]["holder_id_number"] == "110***********002X"
    assert body["issuer"] == {"center_name": "云溪县政务服务中心", "region_code": "990121000000",
                              "department": "云溪县工商局"}
    services.certificate_revoke(certificate_id=cert.id, actor=hall.chief, reason="错误发证")
    revoked = client.get(f"/api/v1/certificates/verify?number={cert.number}").json()
    assert revoked["status"] == "revoked"
    assert revoked["revoked_at"]
    unknown = client.get("/api/v1/certificates/verify?number=nope").json()
    assert unknown == {"status": "unknown", "number": "nope", "content": None, "issuer": None, "key_id": None,
                       "revoked_at": None, "expired": False}


def test_verify_api_without_a_number_is_a_400_in_the_error_shape(client, db):
    response = client.get("/api/v1/certificates/verify")
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "certificate.number_required", "message": "请提供证照编号",
                                         "field": "number"}}


def test_verify_api_is_listed_in_openapi(client, db):
    assert "/api/v1/certificates/verify" in client.get("/api/v1/openapi.json").json()["paths"]
