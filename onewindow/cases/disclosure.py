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

# Keys whose value is an identity document number or a phone number, wherever they sit.
_ID_KEY = re.compile(r"(^|_)id_number$")
_PHONE_KEY = re.compile(r"(^|_)phone$")
# The same numbers typed into free text (a note, a reason): an 18-character resident ID and a
# mainland mobile number, not part of a longer run of digits.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def masked_text(text: str) -> str:
    """``text`` with every ID number and mobile number in it masked."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), text)
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


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
