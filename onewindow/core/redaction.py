"""ID numbers and mobile numbers out of free text, log records and error reports.

:func:`redact_text` masks every 18-character resident ID number and every mainland mobile number
found in a text (``110105********1234``, ``138****5678``). :class:`PersonalDataFilter` (installed
on every handler in ``settings.LOGGING``) applies it to a log record's message, its arguments and
its traceback; :class:`RedactingAdminEmailHandler` to the error reports mailed to ADMINS, whose
body also lists the request's data.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.utils.log import AdminEmailHandler

from .identity import mask_id, mask_phone

# An 18-character resident ID and a mainland mobile number, not part of a longer run of digits.
ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PHONE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def redact_text(text: str) -> str:
    """``text`` with every ID number and mobile number in it masked."""
    text = ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), text)
    return PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


class PersonalDataFilter(logging.Filter):
    """Masks ID and phone numbers in a record before any handler writes it; never drops a record.

    The message is formatted once with its arguments (a number may sit in either) and stored
    masked; the traceback text is formatted and masked too (``exc_text``, which formatters use).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logged as it is, masked
            message = f"{record.msg} {record.args!r}"
        record.msg = redact_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


class RedactingAdminEmailHandler(AdminEmailHandler):
    """Django's error mail with ID and phone numbers masked in its subject and both bodies (the
    report lists the request's GET and POST data, where an applicant's numbers are typed)."""

    def send_mail(self, subject: str, message: str, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("html_message"):
            kwargs["html_message"] = redact_text(kwargs["html_message"])
        super().send_mail(redact_text(subject), redact_text(message), *args, **kwargs)
