"""PUBLIC_BASE_URL: every certificate, notice and message points at the public site's address."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from onewindow.cases import services as case_services
from onewindow.documents import services
from onewindow.notifications.models import OutboxMessage
from tests.cases.helpers import accepted_case as accepted
from tests.cases.helpers import granted_case as granted
from tests.documents.helpers import readable

pytestmark = pytest.mark.django_db

SITE = "https://zwfw.example.gov.cn"


def test_the_setting_comes_from_the_environment():
    env = {**os.environ, "PUBLIC_BASE_URL": SITE, "DJANGO_SETTINGS_MODULE": "onewindow.settings"}
    out = subprocess.run([sys.executable, "-c", "from django.conf import settings; print(settings.PUBLIC_BASE_URL)"],
                         env=env, capture_output=True, text=True, check=True, cwd=django_settings.BASE_DIR).stdout
    assert out.strip() == SITE


def test_certificate_notice_and_messages_carry_the_public_address(hall, settings):
    settings.PUBLIC_BASE_URL = SITE
    # an acceptance: its SMS and its notice point at the public progress page
    case = accepted(hall)
    sms = OutboxMessage.objects.get(topic=case.number, kind="case.accepted")
    assert f"{SITE}/online/progress/" in sms.body
    notice = case.documents.get(kind="acceptance_notice")
    assert SITE in notice.content["footer"]
    assert notice.content["progress_url"] == f"{SITE}/online/progress/"
    # a certificate: the printed address, the QR code's payload and the SMS link
    case = case_services.case_issue_certificate(case_id=granted(hall).id, actor=hall.clerk)
    document = case.documents.get(kind="certificate")
    url = f"{SITE}/verify/{document.content['certificate']['number']}"
    assert document.content["verify_url"] == url  # what the QR code encodes (render.qr_data_uri)
    document = services.document_render(document_id=document.id)
    text = "".join(subprocess.run(["pdftotext", str(readable(document, settings)), "-"],
                                  capture_output=True, check=True).stdout.decode().split())
    assert url in text
    assert "127.0.0.1" not in text
    sms = OutboxMessage.objects.get(topic=case.number, kind="case.certificate_issued")
    assert sms.body.endswith(f"核验：{url}")
