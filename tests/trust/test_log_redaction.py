"""Issue 13, "logs and error reports never carry them": the logging filter installed in
settings.LOGGING masks ID numbers and phone numbers in messages, arguments and tracebacks, and the
error mail to ADMINS is masked too."""

from __future__ import annotations

import io
import logging
import logging.config

import pytest
from django.conf import settings
from django.core import mail

from onewindow.core.redaction import PersonalDataFilter, RedactingAdminEmailHandler, redact_text
from tests.cases.helpers import VALID_ID

PHONE = "13912345678"


@pytest.fixture
def console():
    """A logger writing through the project's own console handler (settings.LOGGING), captured;
    the configuration is set up afresh afterwards."""
    logging.config.dictConfig(settings.LOGGING)
    stream = io.StringIO()
    handler = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    handler.setStream(stream)
    yield logging.getLogger("onewindow.test.redaction"), stream
    logging.config.dictConfig(settings.LOGGING)


def test_settings_install_the_filter_on_every_handler():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "personal_data" in handler.get("filters", []), name
    assert settings.LOGGING["filters"]["personal_data"]["()"] == "onewindow.core.redaction.PersonalDataFilter"


def test_messages_arguments_and_tracebacks_are_masked(console):
    logger, stream = console
    logger.warning("applicant %s phone %s", VALID_ID, PHONE)
    logger.warning(f"typed into a message: {VALID_ID.lower()} / {PHONE}")
    logger.warning("as a dict: %(id)s", {"id": VALID_ID})
    try:
        raise ValueError(f"bad applicant {VALID_ID} {PHONE}")
    except ValueError:
        logger.exception("failed for %s", PHONE)
    written = stream.getvalue()
    assert VALID_ID not in written
    assert VALID_ID.lower() not in written
    assert PHONE not in written
    assert "110***********002X" in written
    assert "139****5678" in written
    assert "ValueError: bad applicant 110***********002X 139****5678" in written  # the traceback kept, masked


def test_a_broken_format_string_is_still_logged_and_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "two %s %s", (PHONE,), None)
    assert PersonalDataFilter().filter(record) is True
    assert PHONE not in record.getMessage()
    assert "139****5678" in record.getMessage()


def test_numbers_inside_longer_digit_runs_are_left_alone():
    assert redact_text("订单 9913912345678123 号") == "订单 9913912345678123 号"
    assert redact_text(f"电话{PHONE}。") == "电话139****5678。"


@pytest.mark.django_db
def test_the_error_mail_to_admins_is_masked(settings, rf):
    settings.ADMINS = [("值班", "ops@example.gov.cn")]
    request = rf.post("/staff/intake/", {"id_number": VALID_ID, "phone": PHONE})
    handler = RedactingAdminEmailHandler(include_html=True)
    try:
        raise RuntimeError(f"intake failed for {VALID_ID}")
    except RuntimeError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                                   ("/staff/intake/",), sys.exc_info())
    record.request = request
    handler.emit(record)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    bodies = [sent.subject, sent.body, *[alt[0] for alt in getattr(sent, "alternatives", [])]]
    assert any("110***********002X" in b for b in bodies)
    for body in bodies:
        assert VALID_ID not in body
        assert PHONE not in body
