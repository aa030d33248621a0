"""Every write of documents: issue (numbered, content frozen), render and store, certificates.

``document_issue`` and ``certificate_issue`` are called by the case services from inside the
transition's transaction: the number is taken from a locked sequence there, so a rolled-back
transition leaves neither a document nor a gap in the numbers. Rendering is
slow and does file I/O, so it never runs in that transaction: the issue only asks, on commit, for
the render job (``jobs.py``) to run soon; the job, or the first download, renders and stores.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime
from typing import Any

from django.db import transaction

from onewindow.cases.models import Case, CaseEvent
from onewindow.core import filecrypt, store
from onewindow.core.errors import DomainError, NotFound
from onewindow.core.public import public_url
from onewindow.core.sequences import next_value, next_values
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.chain import canonical
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import require

from . import content as builders
from . import numbering, signing
from .models import Certificate, Document, DocumentNumberSequence
from .render import render_pdf

log = logging.getLogger("onewindow.documents")

RENDER_JOB = "documents.render_pending"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(content: dict[str, Any]) -> str:
    """The SHA-256 of a document's canonical JSON; the same whatever order the database keeps."""
    return _sha256(canonical(content))


def _next_seq(scope: str, year: int) -> int:
    """The next number of a sequence, under its row lock (like cases' ``_next_number``)."""
    return next_value(DocumentNumberSequence, {"scope": scope, "year": year})


def _document_number(case: Case, kind: str, at: datetime) -> str:
    short = numbering.issuer_short_name(case.region.name, case.region.level)
    year = local_date(at).year
    return numbering.document_number(short, kind, year, _next_seq(numbering.sequence_scope(short, kind), year))


def _certificate_numbers(case: Case, year: int) -> tuple[str, str]:
    """The certificate's number and its document's, from their two sequences in one round trip
    (certificate first, as everywhere)."""
    region = case.region
    short = numbering.issuer_short_name(region.name, region.level)
    kind = Document.Kind.CERTIFICATE
    cert_seq, doc_seq = next_values(DocumentNumberSequence, [
        {"scope": numbering.certificate_scope(region.code), "year": year},
        {"scope": numbering.sequence_scope(short, kind), "year": year}])
    return (numbering.certificate_number(region.prefix, year, cert_seq),
            numbering.document_number(short, kind, year, doc_seq))


def unrendered_since(now: datetime, last_started_at: datetime | None) -> bool:
    """True when a document issued since the render job last started has no PDF yet (the job's
    wake check). Older unrendered ones — a render that keeps failing — wait for the interval."""
    pending = Document.objects.filter(rendered_at__isnull=True)
    if last_started_at is not None:
        pending = pending.filter(issued_at__gte=last_started_at)
    return pending.exists()


def _create_document(*, case: Case, event: CaseEvent, kind: str, number: str, body: dict[str, Any],
                     need_id: bool = False) -> Document:
    # Rendered by the render job at the runner's next tick (``unrendered_since`` wakes it), or on
    # first download, whichever comes first. Nothing reads the new row back in the transition,
    # so the insert may travel with the next statement, unless a row points at it (``need_id``).
    document = Document(case=case, kind=kind, number=number, event_seq=event.seq, content=body,
                        content_sha256=content_hash(body), issued_at=event.at)
    store.add(document, need_id=need_id)
    return document


def _check_event(case: Case, event: CaseEvent) -> None:
    if event.case_id != case.id:
        raise DomainError("document.event_mismatch", "该事件不属于此办件", field="event")


def document_issue(*, case: Case, event: CaseEvent, kind: str, content: dict[str, Any] | None = None,
                   new_event: bool = False) -> Document:
    """Number a notice of ``kind`` for ``event`` and freeze what it says.

    Call it inside the transition's transaction, after the event is appended (its projection
    holds the due dates the notice states). ``content`` overrides or adds keys of the built
    content (never ``kind`` or ``number``). Issuing again for the same event and kind returns
    the document already issued; ``new_event`` says the event was appended in this very
    transaction, so there is none to look for. The caller has checked the permission of the
    transition.
    """
    if kind not in Document.Kind.values:
        raise DomainError("document.kind_invalid", "文书种类无效", field="kind")
    if kind == Document.Kind.CERTIFICATE:
        raise DomainError("document.certificate_needs_signature", "证照须通过制证出具（需电子签名）", field="kind")
    _check_event(case, event)
    # No savepoint: any failure here fails the whole transition anyway.
    with transaction.atomic(savepoint=False):
        existing = None if new_event else Document.objects.filter(case=case, event_seq=event.seq, kind=kind).first()
        if existing is not None:
            return existing
        number = _document_number(case, kind, event.at)
        body = builders.build(kind, case=case, event=event, number=number)
        if content:
            body.update(content)
            body["kind"], body["number"] = kind, number
        return _create_document(case=case, event=event, kind=kind, number=number, body=body)


def verify_url(certificate_number: str) -> str:
    """The absolute public verification address printed (and QR-coded) on a certificate."""
    return public_url("documents:verify_number", certificate_number)


def certificate_issue(*, case: Case, event: CaseEvent, valid_until: date | None = None,
                      new_event: bool = False) -> Certificate:
    """制证: a numbered certificate signed with the issuing center's current Ed25519 key, and its
    document (kind ``certificate``). Call it inside the transition's transaction; issuing again
    for the same event returns the certificate already issued (``new_event``: as for
    :func:`document_issue`)."""
    _check_event(case, event)
    issued_on = local_date(event.at)
    if valid_until is not None and valid_until < issued_on:
        raise DomainError("certificate.valid_until_invalid", "有效期截止日期不能早于发证日期", field="valid_until")
    with transaction.atomic(savepoint=False):
        existing = None if new_event else (Document.objects.select_related("certificate")
                                           .filter(case=case, event_seq=event.seq,
                                                   kind=Document.Kind.CERTIFICATE).first())
        if existing is not None:
            return existing.certificate
        region = case.region
        number, doc_number = _certificate_numbers(case, issued_on.year)
        payload = builders.certificate_payload(case, number=number, issued_on=issued_on, valid_until=valid_until)
        try:
            key_id, signature = signing.sign(region.code, canonical(payload))
        except (signing.SigningKeyError, OSError) as exc:
            log.exception("signing key of %s unusable", region.code)
            raise DomainError("certificate.signing_unavailable", "发证机关的签名密钥不可用，请联系中心管理员") from exc
        body = {
            **builders.common(case, event, kind=Document.Kind.CERTIFICATE, number=doc_number),
            "title": payload["certificate_name"],
            "certificate": payload, "key_id": key_id, "signature": signature, "verify_url": verify_url(number),
        }
        document = _create_document(case=case, event=event, kind=Document.Kind.CERTIFICATE, number=doc_number,
                                    body=body, need_id=True)  # the certificate row points at it
        certificate = Certificate(number=number, case=case, document=document, content=payload, key_id=key_id,
                                  signature=signature)
        store.add(certificate)
        return certificate


def certificate_revoke(*, certificate_id: int, actor: Staff, reason: str, at: datetime | None = None) -> Certificate:
    """撤销证照: the certificate then verifies as revoked. Revoking twice changes nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("certificate.reason_required", "撤销证照须说明理由", field="reason")
    if len(reason) > 200:
        raise DomainError("certificate.reason_too_long", "撤销理由不能超过200字", field="reason")
    with transaction.atomic():
        certificate = (Certificate.objects.select_for_update(of=("self",))
                       .select_related("case__region", "case__department").filter(pk=certificate_id).first())
        if certificate is None:
            raise NotFound("证照不存在", code="certificate.not_found", field="certificate_id")
        require(actor, Perm.CASE_ISSUE_CERTIFICATE, region=certificate.case.region,
                department=certificate.case.department)
        if certificate.status == Certificate.Status.REVOKED:
            return certificate
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at = at or current_time()
        certificate.revoked_reason = reason
        certificate.save(update_fields=["status", "revoked_at", "revoked_reason"])
        log.info("certificate %s revoked by staff %s", certificate.number, actor.pk)
        return certificate


def certificate_revoke_in_case(*, case: Case, number: str, reason: str, at: datetime) -> Certificate:
    """撤销 one valid certificate of ``case`` inside the case's own transition (which checked the
    permission and appends the event): ``/verify/`` then shows it revoked with ``reason``."""
    certificate = (Certificate.objects.select_for_update(of=("self",))
                   .filter(case=case, number=(number or "").strip()).first())
    if certificate is None:
        raise NotFound("本办件没有该编号的证照", code="certificate.not_found", field="certificate_number")
    if certificate.status == Certificate.Status.REVOKED:
        raise DomainError("certificate.already_revoked", f"证照{certificate.number}已被撤销", field="certificate_number")
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = at
    certificate.revoked_reason = reason[:200]
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason"])
    log.info("certificate %s of case %s revoked", certificate.number, case.number)
    return certificate


def certificates_revoke_of_case(*, case: Case, reason: str, at: datetime) -> list[str]:
    """撤销 every valid certificate of ``case`` with ``reason`` (the case's decision was revoked);
    returns their numbers. Call it inside the case transition, which checked the permission."""
    rows = list(Certificate.objects.select_for_update(of=("self",))
                .filter(case=case, status=Certificate.Status.VALID).order_by("pk"))
    for certificate in rows:
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at = at
        certificate.revoked_reason = reason[:200]
        certificate.save(update_fields=["status", "revoked_at", "revoked_reason"])
    return [c.number for c in rows]


# -- rendering -----------------------------------------------------------------------------------


def _relative_path(document: Document) -> str:
    year = local_date(document.issued_at).year
    return f"documents/{year}/{numbering.file_stem(document.number)}.pdf"


def _write_exclusive(relative: str, data: bytes) -> bool:
    """Store ``data`` sealed (core.filecrypt: certificates carry the holder's full ID number) at
    ``relative`` unless a file is there already; True if this call stored it. Linked into place
    from a private temporary file: a stored PDF is never replaced, and a reader never sees half a file.
    """
    try:
        filecrypt.write_new(relative, data)
    except FileExistsError:
        return False
    return True


def _stored_sha256(relative: str) -> str | None:
    """The hash of the plaintext stored at ``relative``; None when it does not open."""
    try:
        return _sha256(filecrypt.read(relative))
    except filecrypt.StoredFileRefused:
        return None


def _store(relative: str, data: bytes) -> str:
    """Store a rendered PDF; return the relative path it now lives at.

    A file already at the path (a render that stored it but died before recording it) is kept if
    it holds the same bytes; if it differs, ours goes next to it under a name with its hash.
    """
    if _write_exclusive(relative, data):
        return relative
    if _stored_sha256(relative) == _sha256(data):
        return relative
    alternative = relative.removesuffix(".pdf") + f".{_sha256(data)[:12]}.pdf"
    log.warning("stored PDF %s differs from its re-render; keeping it, storing %s", relative, alternative)
    if not _write_exclusive(alternative, data) and _stored_sha256(alternative) != _sha256(data):
        raise DomainError("document.store_conflict", "文书文件存储冲突，请联系中心管理员")
    return alternative


def document_render(*, document_id: int) -> Document:
    """Render a document's PDF from its stored content and store it, once.

    Idempotent: a rendered document whose file is in place is returned as it is. Must not be
    called inside a transaction that holds locks (rendering takes ~0.1 s per page).
    """
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        raise NotFound("文书不存在", code="document.not_found", field="document_id")
    root = filecrypt.media_root()
    if document.rendered_at is not None and document.pdf_path and (root / document.pdf_path).exists():
        return document
    # A row edited since issue would print something the case never said: refuse.
    if content_hash(document.content) != document.content_sha256:
        log.error("document %s: content does not match its hash", document.number)
        raise DomainError("document.content_altered", "文书内容与出具时的记录不符，已停止生成")
    pdf = render_pdf(document.kind, document.content)
    if document.rendered_at is not None:
        # Rendered once, but the file is gone: put the same bytes back, or say it cannot be done.
        if _sha256(pdf) != document.pdf_sha256:
            raise DomainError("document.pdf_lost", "文书文件缺失，且无法按原样重新生成，请联系中心管理员")
        _write_exclusive(document.pdf_path, pdf)
        return document
    relative = _store(_relative_path(document), pdf)
    pdf_sha = _stored_sha256(relative) or ""
    with transaction.atomic():
        # The first renderer to record wins; a concurrent one stored the same bytes anyway.
        Document.objects.filter(pk=document.pk, rendered_at__isnull=True).update(
            pdf_path=relative, pdf_sha256=pdf_sha, rendered_at=current_time())
    document.refresh_from_db()
    return document


def document_render_pending(*, limit: int = 100) -> int:
    """Render up to ``limit`` documents that have no PDF yet; return how many were rendered.

    One failing document is logged and skipped, so it cannot hold up the others.
    """
    ids = list(Document.objects.filter(rendered_at__isnull=True).order_by("id").values_list("id", flat=True)[:limit])
    done = 0
    for document_id in ids:
        try:
            document_render(document_id=document_id)
            done += 1
        except Exception:
            log.exception("rendering document %s failed", document_id)
    return done
