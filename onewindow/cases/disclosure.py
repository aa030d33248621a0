"""What of an event's payload may leave the server: identifying numbers masked. No Django imports.

An event keeps what happened in full (the hash chain covers it), so the ``submitted`` event holds
the applicant's and agent's ID numbers and phone. Every answer that shows a payload — the case
API's timeline first of all — passes it through :func:`masked_payload`: a full ID number is shown
only by the case page's full-ID view, which records who looked (``workbench.IdView``).
"""

from __future__ import annotations

import re
from typing import Any

from onewindow.core.identity import mask_id, mask_phone
from onewindow.core.redaction import redact_text

# Keys whose value is an identity document number or a phone number, wherever they sit.
_ID_KEY = re.compile(r"(^|_)id_number$")
_PHONE_KEY = re.compile(r"(^|_)phone$")


def masked_text(text: str) -> str:
    """``text`` with every ID number and mobile number in it masked (the same numbers typed into
    a note or a reason; :func:`onewindow.core.redaction.redact_text`)."""
    return redact_text(text)


def masked_payload(value: Any, key: str = "") -> Any:
    """A copy of ``value`` (a JSON payload) with ID numbers and phones masked; the original is untouched."""
    if isinstance(value, dict):
        return {k: masked_payload(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked_payload(v, key) for v in value]
    if isinstance(value, str):
        if value and _ID_KEY.search(key):
            return mask_id(value)
        if value and _PHONE_KEY.search(key):
            return mask_phone(value)
        return masked_text(value)
    return value
