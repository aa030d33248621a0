"""What the document tests share: a PDF's text as pdftotext reads it, and where a document is stored."""

from __future__ import annotations

import subprocess
from pathlib import Path

from onewindow.documents.models import Document


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True).stdout.decode()
    return "".join(text.split())  # table cells and line breaks split words: compare without whitespace


def stored(document: Document, settings) -> Path:
    return Path(settings.MEDIA_ROOT) / document.pdf_path
