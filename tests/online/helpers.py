"""Applicants of the online tests, registered the real way (a code requested through the service,
read on the phone it was texted to — :class:`PhoneSender`, since the outbox keeps no code — and used
to register), and small files whose content says what they are."""

from __future__ import annotations

import re
from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from onewindow.online import services
from tests.cases.helpers import VALID_ID
from tests.notifications.sending import PhoneSender

OTHER_ID = "110105199003071239"  # a second valid GB 11643 number
COMPANY_CODE = "91990121MA0000010U"  # a valid GB 32100 credit code
ME = "13912345678"
SOMEONE_ELSE = "13887654321"

# Minimal files whose *content* says what they are (filetype reads the leading bytes).
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# A real 1×1 PNG: images are measured and verified by Pillow at upload (a header alone is refused).
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
       b"\x00\x00\x00\nIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00\xb18\xf6\x14\x00\x00\x00\x00IEND\xaeB`\x82")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode"


def run_commit_hooks() -> None:
    """Run what a commit would run now: a code is texted right after its request commits, and a
    test's transaction never commits."""
    pending, connection.run_on_commit = list(connection.run_on_commit), []
    for _savepoints, hook, _robust in pending:
        hook()


def code_texted_to(phone: str) -> str:
    """The six digits of the latest one-time code texted to ``phone``."""
    run_commit_hooks()
    for recipient, body in reversed(PhoneSender.inbox):
        if recipient == phone and (found := re.search(r"(?<!\d)\d{6}(?!\d)", body)):
            return found.group(0)
    raise AssertionError(f"no code was texted to {phone}")


def register(phone: str = ME, *, name: str = "张三", id_number: str = VALID_ID, at_: datetime | None = None, **kw):
    """Request a code, read it from the outbox, register: the applicant's login."""
    services.otp_request(phone=phone, purpose="register", at=at_)
    return services.applicant_register(phone=phone, code=code_texted_to(phone), kind=kw.pop("kind", "person"),
                                       real_name=name, id_type=kw.pop("id_type", "resident_id"),
                                       id_number=id_number, at=at_, **kw)


def apply_url(hall) -> str:
    """The online application form of the hall's committed item."""
    return reverse("online:apply", args=[hall.item.implementation_code])


def token_of(response) -> str:
    """The draft token of an application form page."""
    page = response.content.decode()
    start = page.index('name="token" value="') + len('name="token" value="')
    return page[start:page.index('"', start)]


def pdf(name: str = "scan.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    """An uploaded PDF."""
    return SimpleUploadedFile(name, data, content_type="application/pdf")
