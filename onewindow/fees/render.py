"""The payment notice (缴款通知书) as an A4 PDF, with its payment code and a QR code that opens the
bill's public payment page. Rendered on request from the stored bill: the same bill gives the
same bytes (WeasyPrint writes no date or identifier), so nothing needs storing."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from onewindow.documents.render import FONT_FAMILY, qr_data_uri

from .models import Bill
from .money import yuan


def notice_content(bill: Bill, pay_url: str) -> dict[str, Any]:
    """What the notice shows: the bill, its lines with their legal basis, and where to pay."""
    return {
        "number": bill.number, "payment_code": bill.payment_code, "case_number": bill.case.number,
        "payer": bill.payer_name, "department": bill.department.name, "item": bill.item_version.name,
        "region": bill.region.name,
        "issued_at": bill.issued_at, "gross": yuan(bill.gross_fen), "reduction": yuan(bill.reduction_fen),
        "total": yuan(bill.total_fen), "state": bill.get_state_display(),
        "corrects": bill.corrects.number if bill.corrects_id else "",
        "lines": [{"name": ln.name, "basis": ln.basis, "standard": ln.standard, "quantity": ln.quantity,
                   "unit": ln.unit, "gross": yuan(ln.gross_fen), "reduction": yuan(ln.reduction_fen),
                   "net": yuan(ln.net_fen), "waiver_basis": ln.waiver_basis} for ln in bill.lines.all()],
        "pay_url": pay_url,
    }


def notice_html(bill: Bill, pay_url: str) -> str:
    context = {"doc": notice_content(bill, pay_url), "font_family": FONT_FAMILY, "qr": qr_data_uri(pay_url)}
    with translation.override("zh-hans"):
        return render_to_string("fees/pdf/payment_notice.html", context)


def notice_pdf(bill: Bill, pay_url: str) -> bytes:
    """The PDF bytes (~0.1 s; never inside a transaction)."""
    from weasyprint import HTML, URLFetcher

    html = HTML(string=notice_html(bill, pay_url), base_url="about:blank",
                url_fetcher=URLFetcher(allowed_protocols={"data"}))
    return html.write_pdf(pdf_identifier=False)
