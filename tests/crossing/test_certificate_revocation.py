"""撤销证照 as a service: the deciding authority revokes one certificate of a case with its reason
and legal basis; ``/verify/`` shows it revoked, the applicant gets a numbered notice, the chain
records it; every refusal."""

from __future__ import annotations

import pytest

from onewindow.cases import services as s
from onewindow.cases.history import verify_case
from onewindow.cases.models import Case
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.documents.models import Certificate, Document
from tests.cases.api_helpers import Api
from tests.cases.helpers import at, granted_case, last_event

pytestmark = pytest.mark.django_db


def _issued(hall) -> tuple[Case, Certificate]:
    case = s.case_issue_certificate(case_id=granted_case(hall).id, actor=hall.chief, at=at(2026, 10, 12))
    return case, Certificate.objects.get(case=case)


def test_a_certificate_is_revoked_with_reasons_a_notice_and_the_verify_page_says_so(hall, client) -> None:
    case, certificate = _issued(hall)
    case = s.case_revoke_certificate(case_id=case.id, actor=hall.chief, certificate_number=certificate.number,
                                     reason="以欺骗手段取得许可", legal_basis="《中华人民共和国行政许可法》第六十九条第二款",
                                     at=at(2026, 10, 20))
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.revoked_reason == "以欺骗手段取得许可"
    event = last_event(case)
    assert (event.kind, event.payload["certificate"]) == ("certificate_revoked", certificate.number)
    notice = Document.objects.get(case=case, kind="certificate_revocation_notice")
    assert notice.content["legal_basis"] == "《中华人民共和国行政许可法》第六十九条第二款"
    assert case.status == "certificate_issued"  # the decision stands; the certificate does not
    page = client.get("/verify/", {"number": certificate.number}).content.decode()
    assert "已于" in page
    assert "以欺骗手段取得许可" in page
    assert verify_case(Case.objects.get(pk=case.pk)).ok


def test_every_refusal_names_its_rule_and_writes_nothing(hall, client) -> None:
    case, certificate = _issued(hall)

    def refused(code: str, **kw) -> None:
        version = Case.objects.get(pk=case.pk).row_version
        with pytest.raises((DomainError, PermissionDenied, NotFound)) as exc:
            s.case_revoke_certificate(case_id=case.id, **{
                "actor": hall.chief, "certificate_number": certificate.number, "reason": "错误发证",
                "legal_basis": "第六十九条", "at": at(2026, 10, 20), **kw})
        assert exc.value.code == code
        assert Case.objects.get(pk=case.pk).row_version == version
        assert Certificate.objects.get(pk=certificate.pk).status == "valid"

    refused("certificate.reason_required", reason=" ")
    refused("certificate.legal_basis_required", legal_basis="")
    refused("certificate.not_found", certificate_number="NOPE-1")
    refused("forbidden.case.decide", actor=hall.clerk)
    refused("forbidden.case.decide", actor=hall.outsider)
    response = Api(client, hall.chief).post(f"/cases/{case.number}/actions/revoke_certificate", {
        "certificate_number": certificate.number, "reason": "错误发证", "legal_basis": "第六十九条"})
    assert response.status_code == 200
    again = Api(client, hall.chief).post(f"/cases/{case.number}/actions/revoke_certificate", {
        "certificate_number": certificate.number, "reason": "错误发证", "legal_basis": "第六十九条"})
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "certificate.already_revoked"
