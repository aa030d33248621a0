"""The reply document (政府信息公开申请答复书): what it says, frozen at issue, and its PDF.

The content is built once, in the reply's transaction, and is all the PDF shows; the PDF is
rendered by the documents app's renderer (WeasyPrint, no clock, no fetches) from that content, so
the same content always gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import Any

from onewindow.core.errors import DomainError
from onewindow.core.identity import mask_id
from onewindow.documents.content import center_name, footer
from onewindow.documents.render import render_pdf
from onewindow.lifecycle.chain import canonical

from .models import DisclosureReply, DisclosureRequest
from .rules import (
    ANSWER_BASIS,
    ANSWER_LABELS,
    ANSWER_TEXT,
    CHANNEL_LABELS,
    GROUND_LABELS,
    RECEIPT_RULES,
    REMEDIES,
    Answer,
    Channel,
    Ground,
)

KIND = "ogi_reply"  # the template documents/pdf/ogi_reply.html (this app's templates)
TITLE = "政府信息公开申请答复书"


def build(req: DisclosureRequest, *, number: str, answer: Answer, reasons: str, grounds: Sequence[Ground],
          agency: str, how_to_obtain: str, issued_on: date, on_time: bool) -> dict[str, Any]:
    """The reply's content: JSON-ready, the ID number masked (the document is handed out)."""
    return {
        "kind": KIND, "title": TITLE, "number": number,
        "issuer": {"department": req.department.name, "center": center_name(req.region)},
        "request_number": req.number,
        "applicant": {"name": req.applicant_name, "id_number": mask_id(req.applicant_id_number)},
        "channel": CHANNEL_LABELS[Channel(req.channel)],
        "received_on": req.received_on.isoformat(),
        "receipt_rule": RECEIPT_RULES[Channel(req.channel)],
        "description": req.description,
        "answer": answer.value, "answer_label": ANSWER_LABELS[answer], "answer_text": ANSWER_TEXT[answer],
        "reasons": reasons, "grounds": [GROUND_LABELS[g] for g in grounds],
        "agency": agency, "how_to_obtain": how_to_obtain,
        "basis": ANSWER_BASIS[answer], "remedies": REMEDIES,
        "issued_on": issued_on.isoformat(), "on_time": on_time,
        "footer": footer(),
    }


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def pdf_of(document: DisclosureReply) -> bytes:
    """The reply's PDF, from its frozen content (refused if the stored content was altered)."""
    if content_hash(document.content) != document.content_sha256:
        raise DomainError("disclosure.reply_altered", "答复书内容与出具时的记录不符，已停止生成")
    return render_pdf(KIND, document.content)
