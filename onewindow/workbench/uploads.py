"""Checking scanned materials before anything is stored.

A scan is accepted only if its *content* is a PDF, JPEG or PNG (the file name and the browser's
content type are whatever the sender says: a renamed ``.exe`` is refused) and it is no larger
than ``settings.ONEWINDOW["UPLOAD_MAX_BYTES"]`` (10 MiB by default). Every file of a form is
checked before the case is submitted, so a refused file never leaves half a case behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from onewindow.core.errors import DomainError

# What the hall scans with: document scanners give PDF, phones and cameras JPEG or PNG.
ALLOWED_TYPES: dict[str, str] = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(settings.ONEWINDOW.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _size_label(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


@dataclass(frozen=True)
class CheckedScan:
    """A scan that passed the checks, held in memory until the case exists."""

    material: str
    data: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.data)


def check_scan(upload: UploadedFile, *, material: str, field: str) -> CheckedScan:
    """The checked scan, or a :class:`DomainError` naming the material and the form field."""
    limit = max_upload_bytes()
    # The declared size first, so a huge file is refused without reading it.
    if upload.size is not None and upload.size > limit:
        raise DomainError("scan.too_large", f"材料“{material}”的扫描件超过 {_size_label(limit)}，"
                          f"请压缩或分页扫描后重新上传", field=field)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError("scan.too_large", f"材料“{material}”的扫描件超过 {_size_label(limit)}，"
                          f"请压缩或分页扫描后重新上传", field=field)
    if not data:
        raise DomainError("scan.empty", f"材料“{material}”的扫描件是空文件", field=field)
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise DomainError("scan.type_refused", f"材料“{material}”的扫描件不是 PDF、JPEG 或 PNG 文件，"
                          f"不能上传（按文件内容识别，与文件名无关）", field=field)
    return CheckedScan(material=material, data=data, content_type=kind.mime, extension=ALLOWED_TYPES[kind.mime],
                       sha256=hashlib.sha256(data).hexdigest(), original_name=(upload.name or "")[:255])
