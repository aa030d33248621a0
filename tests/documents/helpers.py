"""What the document tests share: a PDF's text as pdftotext reads it, where a document is stored,
and its plaintext (stored PDFs are sealed at rest: core/filecrypt.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.conf import settings as django_settings

from onewindow.core import filecrypt
from onewindow.documents.models import Document


def _plain(path: Path) -> bytes:
    """The plaintext of a file under MEDIA_ROOT (opened with its path, as it was sealed)."""
    relative = path.relative_to(Path(django_settings.MEDIA_ROOT)).as_posix()
    return filecrypt.unseal(path.read_bytes(), name=relative)


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=_plain(path), check=True,
                          capture_output=True).stdout.decode()
    return "".join(text.split())  # table cells and line breaks split words: compare without whitespace


def stored(document: Document, settings) -> Path:
    """Where the document's PDF is stored (sealed)."""
    return Path(settings.MEDIA_ROOT) / document.pdf_path


def readable(document: Document, settings) -> Path:
    """A decrypted copy of the document's PDF beside MEDIA_ROOT, for poppler's tools."""
    copy = Path(settings.MEDIA_ROOT).parent / "readable" / Path(document.pdf_path).name
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(filecrypt.read(document.pdf_path))
    return copy
