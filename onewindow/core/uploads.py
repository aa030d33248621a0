"""Checking an uploaded material (a window scan or an applicant's file) before anything is stored.

A file is accepted only if its *content* is a PDF, JPEG or PNG (the name and the browser's
content type are whatever the sender says: a renamed ``.exe`` is refused) and it is no larger than
``settings.ONEWINDOW["UPLOAD_MAX_BYTES"]`` (10 MiB by default). An image is measured from its
header before anything decodes it: more than ``ONEWINDOW["UPLOAD_MAX_PIXELS"]`` (50 million, a 600
dpi A4 colour scan is 35 million) is refused, since a few kilobytes of PNG can claim 30 000 × 30 000
pixels and take gigabytes to decode; an image its header does not describe is refused as broken.

The check says what a file starts with, not that nothing else follows (``%PDF`` and then HTML
passes it): stored files are therefore only ever served by :func:`stored_file_response`, as an
attachment in a CSP sandbox, never as a page of this site. Every message names the material,
so a form with several files says which one was refused. The window (onewindow.workbench) and the
online service (onewindow.online) both check with this module, so the hall and the web refuse
the same files with the same words.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from urllib.parse import quote

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from PIL.JpegImagePlugin import JpegImageFile
from PIL.PngImagePlugin import PngImageFile

from onewindow.core.errors import DomainError

# What people scan with: document scanners give PDF, phones and cameras JPEG or PNG.
ALLOWED_TYPES: dict[str, str] = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 50_000_000
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


def max_upload_bytes() -> int:
    return int(settings.ONEWINDOW.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_upload_pixels() -> int:
    return int(settings.ONEWINDOW.get("UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


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
    if kind.mime in IMAGE_TYPES:
        _check_image(data, mime=kind.mime, material=material, field=field)
    return CheckedFile(material=material, data=data, content_type=kind.mime, extension=ALLOWED_TYPES[kind.mime],
                       sha256=hashlib.sha256(data).hexdigest(), original_name=(upload.name or "")[:255])


def _check_image(data: bytes, *, mime: str, material: str, field: str) -> None:
    """Refuse an image with too many pixels, read from its header without decoding it, and an
    image whose structure Pillow cannot follow.

    The format's plugin is opened directly: ``Image.open`` would apply Pillow's own process-wide
    bomb guard first, whose limit and wording are not ours (and raise before we know the size).
    """
    limit = max_upload_pixels()
    plugin = PngImageFile if mime == "image/png" else JpegImageFile
    try:
        with plugin(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > limit:
                raise DomainError("upload.image_too_large",
                                  f"材料“{material}”的图片像素过多（{width}×{height}，超过{limit // 10_000}万像素），"
                                  "请降低分辨率后重新上传", field=field)
            image.verify()  # the chunks and their checksums, still without decoding the pixels
    except DomainError:
        raise
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError … for a malformed file
        raise DomainError("upload.image_broken", f"材料“{material}”的图片文件已损坏，无法读取，请重新扫描或拍照后上传",
                          field=field) from None


def stored_file_response(data: bytes, *, content_type: str, name: str) -> HttpResponse:
    """A stored upload as an attachment: downloaded, never rendered as a page of this site, and
    sandboxed (no script, no plugin, no same-origin access) should a browser render it anyway."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
