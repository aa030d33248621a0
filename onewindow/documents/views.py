"""Downloads of documents (staff now, applicants through the portal later) and the public
certificate verification page."""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from onewindow.core import filecrypt
from onewindow.core.errors import DomainError
from onewindow.organization.permissions import staff_of

from . import selectors, services
from .models import Document
from .throttle import verify_limited

log = logging.getLogger("onewindow.documents")


def serve_document(request: HttpRequest, document: Document) -> HttpResponse:
    """The document's PDF, rendered now if the background job has not done it yet.

    The caller has decided that the requester may see ``document``. The stored file is checked
    against the hash recorded when it was stored, so a swapped file is never handed out.
    """
    try:
        document = services.document_render(document_id=document.pk)
    except DomainError as exc:
        return HttpResponse(exc.message, status=409 if exc.status == 400 else exc.status,
                            content_type="text/plain; charset=utf-8")
    try:
        data = filecrypt.read(document.pdf_path)
        if hashlib.sha256(data).hexdigest() != document.pdf_sha256:
            log.error("stored PDF of %s does not match its hash", document.number)
            raise filecrypt.StoredFileRefused(document.pdf_path)
    except OSError:
        raise Http404("文书文件不存在或已丢失") from None
    except filecrypt.StoredFileRefused as exc:
        return filecrypt.refused_response(exc)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(document.number + '.pdf')}"
    # Notices carry personal data: no shared cache may keep them.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def staff_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """A staff member downloads a document of a case they may view; anything else is a 404."""
    staff = staff_of(request.user)
    document = selectors.staff_document(staff=staff, number=number)
    if document is None:
        raise Http404("文书不存在")
    # Certificates show the holder's full ID number: every staff view is recorded (DESIGN.md §6).
    log.info("document %s viewed by staff %s", document.number, staff.pk if staff else None)
    return serve_document(request, document)


@require_GET
def verify(request: HttpRequest, number: str | None = None) -> HttpResponse:
    """证照核验: anyone may check a certificate number, from the QR code or typed in (rate limited
    per address together with the API)."""
    if (limited := verify_limited(request)) is not None:
        return limited
    number = (number if number is not None else request.GET.get("number", "")).strip()
    result = selectors.verify_certificate(number) if number else None
    return render(request, "documents/verify.html", {"number": number, "result": result})
