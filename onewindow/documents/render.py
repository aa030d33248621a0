"""Documents as A4 PDFs: a Django template per kind → HTML → WeasyPrint.

The PDF is a pure function of the document's kind and stored content: no clock, no request, no
settings that may change after issue (the certificate's verification URL is frozen in its
content). WeasyPrint writes no creation date and no file identifier unless asked, and subsets the
font deterministically, so the same content gives the same bytes, and a stored PDF can be checked
by rendering it again. Nothing is fetched: the fetcher accepts only ``data:`` URLs, and the font
comes from the system (Debian fonts-wqy-microhei), embedded as a subset.
"""

from __future__ import annotations

import logging
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import translation

FONT_FAMILY = "WenQuanYi Micro Hei"

# WeasyPrint logs seven INFO "Step n" lines per document: noise in a log that records every render.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def qr_data_uri(text: str) -> str:
    """An SVG QR code of ``text`` as a data URI (error correction M survives a worn print)."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=4, border=2)


def render_html(kind: str, content: dict[str, Any]) -> str:
    context: dict[str, Any] = {"doc": content, "font_family": FONT_FAMILY}
    if kind == "certificate" and content.get("verify_url"):
        context["qr"] = qr_data_uri(content["verify_url"])
    # Legal documents are Chinese only, whatever language the request that triggers them uses.
    with translation.override("zh-hans"):
        return render_to_string(f"documents/pdf/{kind}.html", context)


def render_pdf(kind: str, content: dict[str, Any]) -> bytes:
    """The PDF bytes of a document. Slow-ish (~0.1 s): never call it inside a transaction."""
    from weasyprint import HTML, URLFetcher  # imported here: loading pango/harfbuzz costs ~0.5 s

    fetcher = URLFetcher(allowed_protocols={"data"})
    html = HTML(string=render_html(kind, content), base_url="about:blank", url_fetcher=fetcher)
    # No pdf_identifier and no dcterms.created meta: both would differ between two renders.
    return html.write_pdf(pdf_identifier=False)
