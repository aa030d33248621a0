"""Certificates: numbered, signed with the center's Ed25519 key, verifiable, revocable, rotatable."""

from __future__ import annotations

import base64
import hashlib
import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.documents import selectors, services, signing
from onewindow.documents.models import Certificate
from onewindow.lifecycle.chain import canonical
from tests.cases.helpers import granted_case, last_event
from tests.documents.helpers import readable

pytestmark = pytest.mark.django_db


def issue(hall, **kw) -> Certificate:
    case = granted_case(hall)
    return services.certificate_issue(case=case, event=last_event(case), **kw)


def test_a_certificate_is_numbered_signed_and_verifies(hall, settings):
    # when a certificate is issued for a granted case
    certificate = issue(hall)
    # then it has a region-year-sequence number and the signed payload names holder, item and issuer
    assert certificate.number == "990121-2026-Z000001"
    c = certificate.content
    assert (c["holder_name"], c["holder_id_number"], c["item_name"], c["region_code"]) == (
        "张三", "11010519491231002X", "测试事项01", "990121000000")
    assert (c["issuing_department"], c["center_name"], c["issued_on"], c["valid_until"]) == (
        "云溪县工商局", "云溪县政务服务中心", "2026-10-09", None)
    assert certificate.document.kind == "certificate"
    assert certificate.document.number == "云溪证〔2026〕000001号"
    # and the signature is Ed25519 over the canonical JSON, by the center's current key
    key = signing.public_key(certificate.key_id)
    key.verify(base64.b64decode(certificate.signature), canonical(c))
    result = selectors.verify_certificate(certificate.number)
    assert result.status == "valid"
    assert result.label == "有效"
    assert result.content["holder_name"] == "张*"
    assert result.content["holder_id_number"] == "110***********002X"
    assert result.issuer == {"center_name": "云溪县政务服务中心", "region_code": "990121000000",
                             "department": "云溪县工商局"}


def test_the_certificate_pdf_has_the_qr_link_key_id_and_an_embedded_font(hall, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "PUBLIC_BASE_URL": "https://zwfw.example.gov.cn/"}
    certificate = issue(hall)
    document = services.document_render(document_id=certificate.document.id)
    assert document.content["verify_url"] == f"https://zwfw.example.gov.cn/verify/{certificate.number}"
    path = readable(document, settings)
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
                   .stdout.decode().split())
    for expected in ["许可证", certificate.number, "张三", "11010519491231002X", certificate.key_id,
                     document.content["verify_url"], "云溪县工商局"]:
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:])
    # the QR code is drawn as vector paths (SVG), not fetched: the file holds no external URL but ours
    assert b"http://" not in path.read_bytes().replace(b"http://www.w3.org", b"")


def test_key_files_live_outside_the_database_with_a_private_mode(hall, settings):
    certificate = issue(hall)
    directory = Path(settings.ONEWINDOW_KEY_DIR) / "990121000000"
    private = directory / f"{certificate.key_id}.key"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert (directory / "current").read_text().strip() == certificate.key_id
    raw = signing.public_key(certificate.key_id).public_bytes(serialization.Encoding.Raw,
                                                              serialization.PublicFormat.Raw)
    assert hashlib.sha256(raw).hexdigest()[:16] == certificate.key_id


def test_tampered_content_verifies_as_invalid(hall):
    certificate = issue(hall)
    Certificate.objects.filter(pk=certificate.pk).update(content={**certificate.content, "holder_name": "李四"})
    result = selectors.verify_certificate(certificate.number)
    assert (result.status, result.content, result.issuer) == ("invalid", None, None)


def test_a_renumbered_row_verifies_as_invalid(hall):
    certificate = issue(hall)
    Certificate.objects.filter(pk=certificate.pk).update(number="990121-2026-Z999999")
    assert selectors.verify_certificate("990121-2026-Z999999").status == "invalid"


def test_a_missing_key_verifies_as_invalid(hall, settings):
    certificate = issue(hall)
    (Path(settings.ONEWINDOW_KEY_DIR) / "990121000000" / f"{certificate.key_id}.pub").unlink()
    assert selectors.verify_certificate(certificate.number).status == "invalid"


def test_a_key_of_another_center_cannot_vouch(hall):
    certificate = issue(hall)
    forged = {**certificate.content, "region_code": "990122000000"}
    assert selectors.verify_signed_content(certificate.content, certificate.key_id, certificate.signature)
    assert not selectors.verify_signed_content(forged, certificate.key_id, certificate.signature)
    assert not selectors.verify_signed_content(certificate.content, "0" * 16, certificate.signature)
    assert not selectors.verify_signed_content(certificate.content, certificate.key_id, "not base64!")


def test_unknown_number_verifies_as_unknown(hall):
    assert selectors.verify_certificate("990121-2026-Z000404").status == "unknown"
    assert selectors.verify_certificate("").status == "unknown"


def test_a_revoked_certificate_verifies_as_revoked(hall):
    certificate = issue(hall)
    # an outsider may not revoke it
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(certificate_id=certificate.id, actor=hall.outsider, reason="错误发证")
    with pytest.raises(DomainError) as exc:
        services.certificate_revoke(certificate_id=certificate.id, actor=hall.chief, reason="  ")
    assert exc.value.code == "certificate.reason_required"
    # the chief representative revokes it
    revoked = services.certificate_revoke(certificate_id=certificate.id, actor=hall.chief, reason="以欺骗手段取得")
    again = services.certificate_revoke(certificate_id=certificate.id, actor=hall.chief, reason="再次撤销")
    assert again.revoked_at == revoked.revoked_at
    assert again.revoked_reason == "以欺骗手段取得"
    result = selectors.verify_certificate(certificate.number)
    assert (result.status, result.revoked_reason) == ("revoked", "以欺骗手段取得")
    assert result.revoked_at is not None
    assert result.content is not None


def test_after_rotation_new_certificates_use_the_new_key_and_old_ones_still_verify(hall, settings, capsys):
    old = issue(hall)
    # when the center's key is rotated
    call_command("rotate_signing_key", region="990121000000")
    assert "new signing key" in capsys.readouterr().out
    new = issue(hall)
    # then the new certificate is signed by a new key, and both verify
    assert new.key_id != old.key_id
    assert selectors.verify_certificate(old.number).status == "valid"
    assert selectors.verify_certificate(new.number).status == "valid"
    # and the old key files are kept, the old private key no longer current
    directory = Path(settings.ONEWINDOW_KEY_DIR) / "990121000000"
    assert (directory / f"{old.key_id}.key").exists()
    assert (directory / f"{old.key_id}.pub").exists()
    assert (directory / "current").read_text().strip() == new.key_id


def test_rotation_of_an_unknown_region_is_refused(hall):
    with pytest.raises(CommandError):
        call_command("rotate_signing_key", region="123456789012")


def test_issuing_again_for_the_same_event_returns_the_certificate(hall):
    case = granted_case(hall)
    first = services.certificate_issue(case=case, event=last_event(case))
    assert services.certificate_issue(case=case, event=last_event(case)).pk == first.pk
    assert Certificate.objects.count() == 1


def test_a_validity_before_the_issue_date_is_refused(hall):
    from datetime import date

    case = granted_case(hall)
    with pytest.raises(DomainError) as exc:
        services.certificate_issue(case=case, event=last_event(case), valid_until=date(2026, 1, 1))
    assert exc.value.field == "valid_until"


def test_a_past_validity_is_reported_as_expired(hall):
    from datetime import date

    case = granted_case(hall)
    certificate = services.certificate_issue(case=case, event=last_event(case), valid_until=date(2027, 10, 8))
    assert not selectors.verify_certificate(certificate.number, today=date(2027, 10, 8)).expired
    assert selectors.verify_certificate(certificate.number, today=date(2027, 10, 9)).expired
