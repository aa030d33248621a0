"""Checks of Chinese identity numbers and their masking for public display.

- Resident identity number, GB 11643-1999: 17 digits and an ISO 7064 MOD 11-2 check character.
- Unified social credit code, GB 32100-2015: 18 characters over a 31-symbol alphabet with a
  MOD 31 check character.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

# No living applicant was born before 1900, and nobody is born after today: a date outside these
# bounds is a typing error (or a made-up number) that the check character alone cannot catch.
EARLIEST_BIRTH = date(1900, 1, 1)
_SHANGHAI = ZoneInfo("Asia/Shanghai")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str, *, today: date | None = None) -> bool:
    """True for an 18-character resident identity number with a plausible birth date and the
    right check character.

    Plausible: a real calendar day from :data:`EARLIEST_BIRTH` to ``today`` (default: today in
    Asia/Shanghai, the day the hall lives in).
    """
    value = value.strip().upper()
    # ASCII digits only: str.isdigit() also takes full-width and other scripts' digits.
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit() or value[17] not in "0123456789X":
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    latest = today or datetime.now(_SHANGHAI).date()
    if not EARLIEST_BIRTH <= born <= latest:
        return False
    return id_number_check_char(value[:17]) == value[17]


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    """True for an 18-character unified social credit code whose check character matches."""
    value = value.strip().upper()
    if len(value) != 18 or any(c not in USCC_ALPHABET for c in value):
        return False
    return uscc_check_char(value[:17]) == value[17]


def mask_id(value: str) -> str:
    """Keep the first 3 and last 4 characters: 110105********1234."""
    value = value.strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """Keep the first character of a person's name: 张**."""
    value = value.strip()
    return value[:1] + "*" * max(len(value) - 1, 1) if value else value


def mask_phone(value: str) -> str:
    """138****5678."""
    value = value.strip()
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else mask_id(value)
