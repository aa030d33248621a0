"""Money in fen: whole integers, never float. Yuan are shown and parsed as ``Decimal`` strings.

A bill's arithmetic is done in integer fen; where a rate produces a fraction of a fen (a percentage
reduction, a per-unit price times a fractional quantity) it is rounded once, half up (四舍五入,
as the finance rules round), at the line where it arises, so every total is the exact sum of its
lines.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN_PER_YUAN = 100


def round_fen(value: Decimal) -> int:
    """A Decimal amount of fen rounded half up to a whole fen."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan(fen: int) -> str:
    """``12345`` → ``"123.45"`` (no float anywhere)."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{whole}.{part:02d}"


def parse_yuan(text: str) -> int:
    """``"123.45"`` → ``12345`` fen; refuses more than two decimals, signs and junk (ValueError)."""
    cleaned = str(text).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"金额格式不正确：{text!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"金额格式不正确：{text!r}")
    fen = value * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"金额最多两位小数：{text!r}")
    return int(fen)
