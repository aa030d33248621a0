"""Issue 13, defect 6 (uploads): a file that passes the type check is still never rendered by the
browser as a page of ours, and an image is measured before it is decoded.

The type check reads the leading bytes, so ``%PDF`` (or a JPEG header) followed by HTML passes it:
served ``inline`` with its type, some browsers and viewers would run what follows. Files are now
served as attachments, in a CSP sandbox. A 30 000 × 30 000 PNG of a few kilobytes would take 2.7 GB
of memory to decode: it is refused at upload, naming the material, from the header alone.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from onewindow.core.errors import DomainError
from onewindow.core.uploads import check_file
from onewindow.online.models import OnlineUpload

from .helpers import apply_url, pdf, token_of

pytestmark = pytest.mark.django_db

POLYGLOT = b"%PDF-1.4\n<html><body><script>document.title='pwned'</script></body></html>\n"


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header says ``width`` × ``height`` (one compressed row of data)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1)))
            + chunk(b"IEND", b""))


def real_image(kind: str, size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, kind)
    return out.getvalue()


def test_an_uploaded_file_is_served_as_an_attachment_in_a_sandbox(my_client, hall):
    token = token_of(my_client.get(apply_url(hall)))
    my_client.post(apply_url(hall), {"token": token, "action": "save", "material[0]": pdf("申请书.pdf", POLYGLOT)})
    upload = OnlineUpload.objects.get()
    response = my_client.get(f"/online/uploads/{upload.pk}/")
    assert response.status_code == 200
    assert response.content == POLYGLOT
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_30000_by_30000_png_is_refused_at_upload_with_a_clear_error(my_client, hall):
    huge = png_claiming(30_000, 30_000)
    assert len(huge) < 100_000  # tiny on the wire
    with pytest.raises(DomainError) as refused:
        check_file(SimpleUploadedFile("photo.png", huge, "image/png"), material="营业执照副本", field="material[1]")
    assert refused.value.code == "upload.image_too_large"
    assert refused.value.field == "material[1]"
    assert "营业执照副本" in refused.value.message
    assert "30000×30000" in refused.value.message
    # on the form, next to the material, and nothing is stored
    token = token_of(my_client.get(apply_url(hall)))
    response = my_client.post(apply_url(hall), {"token": token, "action": "save",
                                                "material[1]": SimpleUploadedFile("photo.png", huge, "image/png")})
    assert response.status_code == 400
    assert "30000×30000" in response.content.decode()
    assert not OnlineUpload.objects.exists()


def test_the_pixel_limit_is_a_setting_and_ordinary_photos_pass(settings):
    photo = real_image("JPEG", (400, 300))
    assert check_file(SimpleUploadedFile("p.jpg", photo), material="照片", field="f").content_type == "image/jpeg"
    settings.ONEWINDOW = {**settings.ONEWINDOW, "UPLOAD_MAX_PIXELS": 100_000}
    with pytest.raises(DomainError) as refused:
        check_file(SimpleUploadedFile("p.jpg", photo), material="照片", field="f")
    assert refused.value.code == "upload.image_too_large"


def test_an_image_that_cannot_be_read_is_refused():
    broken = real_image("PNG")[:60]  # the header, then nothing
    with pytest.raises(DomainError) as refused:
        check_file(SimpleUploadedFile("p.png", broken), material="照片", field="f")
    assert refused.value.code == "upload.image_broken"
    assert "照片" in refused.value.message
