"""What of an event's payload may leave the server: identifying numbers masked. No Django imports.

The ``submitted`` event records the applicant's and agent's ID numbers and phone only as their
keyed digests (``cases.history.redact_applicant``; the numbers live encrypted in the case row).
Every answer that shows a payload — the case API's timeline first of all — passes it through
:func:`masked_payload`: a digest is shown as asterisks, and a number typed into a note or a
reason is masked; a full ID number is shown only by the case page's full-ID view, which records
who looked (``workbench.IdView``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from onewindow.core.identity import mask_id, mask_phone
from onewindow.core.redaction import redact_text

# Keys whose value is an identity document number or a phone number, wherever they sit.
_ID_KEY = re.compile(r"(^|_)id_number$")
_PHONE_KEY = re.compile(r"(^|_)phone$")
# What an answer shows where the event holds only a number's keyed digest (issue 13).
DIGEST_SHOWN = "********"


def masked_text(text: str) -> str:
    """``text`` with every ID number and mobile number in it masked (the same numbers typed into
    a note or a reason; :func:`onewindow.core.redaction.redact_text`)."""
    return redact_text(text)


def masked_payload(value: Any, key: str = "", *, digests: Mapping[str, str] | None = None) -> Any:
    """A copy of ``value`` (a JSON payload) with ID numbers and phones masked; the original is untouched.

    ``digests`` maps a digest the payload may hold to the number it stands for (the case row's,
    ``cases.history.digest_lookup``): such a digest is shown as that number masked, any other
    digest as asterisks.
    """
    if isinstance(value, dict):
        return {k: masked_payload(v, str(k), digests=digests) for k, v in value.items()}
    if isinstance(value, list):
        return [masked_payload(v, key, digests=digests) for v in value]
    if isinstance(value, str):
        if value.startswith("bidx:"):  # a digest stands in for the number (cases.history)
            plain = (digests or {}).get(value)
            if not plain:
                return DIGEST_SHOWN
            return mask_phone(plain) if _PHONE_KEY.search(key) else mask_id(plain)
        if value and _ID_KEY.search(key):
            return mask_id(value)
        if value and _PHONE_KEY.search(key):
            return mask_phone(value)
        return masked_text(value)
    return value
