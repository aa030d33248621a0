"""Reads of documents and certificates, including the public verification of a certificate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from onewindow.cases.models import Case
from onewindow.core.identity import mask_id, mask_name
from onewindow.core.timesource import local_date
from onewindow.lifecycle.chain import canonical
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action, can

from . import signing
from .models import Certificate, Document

VALID, REVOKED, UNKNOWN, INVALID = "valid", "revoked", "unknown", "invalid"
STATUS_LABELS = {VALID: "有效", REVOKED: "已撤销", UNKNOWN: "未找到", INVALID: "无效"}
_MAX_NUMBER = 64


@dataclass(frozen=True)
class CertificateVerification:
    """The answer to "is this certificate ours and still good?", safe to show to anyone."""

    status: str  # valid | revoked | unknown | invalid
    number: str
    content: dict[str, Any] | None = None  # the signed payload, personal data masked
    issuer: dict[str, str] | None = None
    key_id: str | None = None
    revoked_at: datetime | None = None
    revoked_reason: str = ""
    expired: bool = False  # past valid_until (the signature is still good)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def verify_signed_content(content: dict[str, Any], key_id: str, signature: str) -> bool:
    """True if ``signature`` is our issuing center's Ed25519 signature over ``content``.

    The key must belong to the center named in the content (``region_code``): a key of another
    center cannot vouch for this one. An unknown key, or a malformed input, is simply False.
    """
    if not isinstance(content, dict) or not isinstance(key_id, str) or not isinstance(signature, str):
        return False
    region_code = content.get("region_code")
    if not isinstance(region_code, str):
        return False
    try:
        data = canonical(content)
    except (TypeError, ValueError):
        return False
    return signing.verify(key_id, data, signature, region_code=region_code) is True


def masked(content: dict[str, Any]) -> dict[str, Any]:
    """A certificate payload for public display: the ID number masked, a person's name too
    (a company's name is public, as on its business licence)."""
    shown = dict(content)
    shown["holder_id_number"] = mask_id(str(content.get("holder_id_number", "")))
    if content.get("holder_kind") != "company":
        shown["holder_name"] = mask_name(str(content.get("holder_name", "")))
    return shown


def _issuer(content: dict[str, Any]) -> dict[str, str]:
    return {"center_name": content.get("center_name", ""), "region_code": content.get("region_code", ""),
            "department": content.get("issuing_department", "")}


def verify_certificate(number: str, *, today: date | None = None) -> CertificateVerification:
    """Check a certificate number: unknown to us, invalid (its stored content no longer matches
    its signature, or the key is gone), revoked, or valid."""
    number = (number or "").strip()
    certificate = Certificate.objects.filter(number=number).first() if 0 < len(number) <= _MAX_NUMBER else None
    if certificate is None:
        return CertificateVerification(UNKNOWN, number)
    content = certificate.content
    # The row's number must be the signed one too, or a good signature could vouch for another number.
    if not (isinstance(content, dict) and content.get("number") == certificate.number
            and verify_signed_content(content, certificate.key_id, certificate.signature)):
        return CertificateVerification(INVALID, number, key_id=certificate.key_id)
    valid_until = content.get("valid_until")
    expired = bool(valid_until) and date.fromisoformat(valid_until) < (today or local_date())
    status = REVOKED if certificate.status == Certificate.Status.REVOKED else VALID
    return CertificateVerification(
        status, number, content=masked(content), issuer=_issuer(content), key_id=certificate.key_id,
        revoked_at=certificate.revoked_at, revoked_reason=certificate.revoked_reason if status == REVOKED else "",
        expired=expired,
    )


def case_documents(case: Case) -> QuerySet[Document]:
    """A case's documents in the order they were issued, with their certificates."""
    return Document.objects.filter(case=case).select_related("certificate").order_by("event_seq", "id")


def staff_document(*, staff: Staff | None, number: str) -> Document | None:
    """The document with this number if ``staff`` may see its case, else None (whether or not it
    exists, so that the answer does not tell)."""
    if staff is None or not number or len(number) > _MAX_NUMBER:
        return None
    document = (Document.objects.select_related("case__region", "case__department")
                .filter(number=number).first())
    if document is None:
        return None
    case = document.case
    if not can(staff, Action.CASE_VIEW, region=case.region, department=case.department):
        return None
    return document
