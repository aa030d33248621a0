"""The fee notice (政府信息公开信息处理费收费通知书): what it says, frozen at issue, and its PDF.

Built once in the notice's transaction from the quote (``fee_rules``); the PDF is rendered from
that content only (``documents.render``), as the reply document is.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from onewindow.core.errors import DomainError
from onewindow.core.identity import mask_id
from onewindow.documents.content import center_name, footer
from onewindow.documents.render import render_pdf
from onewindow.lifecycle.chain import canonical

from .fee_rules import BASIS, METHOD_LABELS, NATIONAL, Quote, standard_text
from .models import DisclosureFee, DisclosureRequest
from .rules import REMEDIES

KIND = "ogi_fee_notice"  # the template documents/pdf/ogi_fee_notice.html (this app's templates)
TITLE = "政府信息公开信息处理费收费通知书"

CONSEQUENCE = ("请自收到本通知书次日起 20 个工作日内缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。"
               "自发出本通知书之日至缴费之日的期间，不计算在答复期限内。")


def build(req: DisclosureRequest, *, number: str, quote: Quote, month_count: int, pieces: int, pages: int | None,
          pay_by: date, issued_on: date, how_to_pay: str) -> dict[str, Any]:
    """The notice's content: JSON-ready, the ID number masked (the notice is handed out)."""
    return {
        "kind": KIND, "title": TITLE, "number": number,
        "issuer": {"department": req.department.name, "center": center_name(req.region)},
        "request_number": req.number,
        "applicant": {"name": req.applicant_name, "id_number": mask_id(req.applicant_id_number)},
        "received_on": req.received_on.isoformat(),
        "description": req.description,
        "method": quote.method.value, "method_label": METHOD_LABELS[quote.method],
        "standard": standard_text(NATIONAL)[quote.method],
        "month_count": month_count, "pieces": pieces, "pages": pages,
        "lines": [line.as_dict() for line in quote.lines], "amount": str(quote.amount),
        "pay_by": pay_by.isoformat(), "how_to_pay": how_to_pay, "consequence": CONSEQUENCE,
        "basis": BASIS, "remedies": REMEDIES, "issued_on": issued_on.isoformat(), "footer": footer(),
    }


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def pdf_of(fee: DisclosureFee) -> bytes:
    """The notice's PDF, from its frozen content (refused if the stored content was altered)."""
    if content_hash(fee.content) != fee.content_sha256:
        raise DomainError("disclosure.fee_notice_altered", "收费通知书内容与出具时的记录不符，已停止生成")
    return render_pdf(KIND, fee.content)
