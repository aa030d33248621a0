"""Numbers of bills, refunds and payment codes, per region and year (gap-free, in commit order).

A payment code (缴款码) is 20 digits, as the non-tax payment platforms use: the year (2), the
region's six-digit prefix (6), a sequence (10) and two check digits (ISO 7064 mod 97-10, as IBANs
use), so a code mistyped at a bank counter is refused instead of paying someone else's bill.
"""

from __future__ import annotations

from onewindow.core.sequences import next_value
from onewindow.organization.models import Region

from .models import FeeNumberSequence


def check_digits(body: str) -> str:
    """The two mod 97-10 check digits of a digit string."""
    return f"{98 - (int(body) * 100) % 97:02d}"


def valid_payment_code(code: str) -> bool:
    """A 20-digit code whose check digits are right."""
    return len(code) == 20 and code.isdigit() and check_digits(code[:18]) == code[18:]


def payment_code(region_prefix: str, year: int, seq: int) -> str:
    body = f"{year % 100:02d}{region_prefix[:6]:0>6}{seq:010d}"
    return body + check_digits(body)


def next_numbers(region: Region, year: int) -> tuple[str, str]:
    """A new bill's number (990121-JK2026-000001) and payment code."""
    seq = next_value(FeeNumberSequence, {"region_id": region.pk, "year": year, "scope": "bill"})
    return f"{region.prefix}-JK{year}-{seq:06d}", payment_code(region.prefix, year, seq)


def next_refund_number(region: Region, year: int) -> str:
    seq = next_value(FeeNumberSequence, {"region_id": region.pk, "year": year, "scope": "refund"})
    return f"{region.prefix}-TF{year}-{seq:06d}"
