"""Checking an uploaded material (a window scan or an applicant's file) before anything is stored.

A file is accepted only if its *content* is a PDF, JPEG or PNG (the name and the browser's
content type are whatever the sender says: a renamed ``.exe`` is refused) and it is no larger than
``settings.ONEWINDOW["UPLOAD_MAX_BYTES"]`` (10 MiB by default). Every message names the material,
so a form with several files says which one was refused. The window (onewindow.workbench) and the
online service (onewindow.online) both check with this module, so the hall and the web refuse
the same files with the same words.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from onewindow.core.errors import DomainError

# What people scan with: document scanners give PDF, phones and cameras JPEG or PNG.
ALLOWED_TYPES: dict[str, str] = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(settings.ONEWINDOW.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_label(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, held in memory until it is stored."""

    material: str
    data: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.data)


def check_file(upload: UploadedFile, *, material: str, field: str) -> CheckedFile:
    """The checked file, or a :class:`DomainError` naming the material and the form field."""
    limit = max_upload_bytes()
    too_large = DomainError("upload.too_large", f"材料“{material}”的文件超过 {size_label(limit)}，"
                            "请压缩或分页扫描后重新上传", field=field)
    # The declared size first, so a huge file is refused without reading it.
    if upload.size is not None and upload.size > limit:
        raise too_large
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data:
        raise DomainError("upload.empty", f"材料“{material}”的文件是空文件，请重新选择", field=field)
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise DomainError("upload.type_refused", f"材料“{material}”的文件不是 PDF、JPEG 或 PNG 文件，不能上传"
                          "（按文件内容识别，与文件名无关）", field=field)
    return CheckedFile(material=material, data=data, content_type=kind.mime, extension=ALLOWED_TYPES[kind.mime],
                       sha256=hashlib.sha256(data).hexdigest(), original_name=(upload.name or "")[:255])
