"""The information processing fee (信息处理费) as rules. Pure: no Django.

政府信息公开条例 第四十二条: information is provided free of charge; only where an applicant's
requests clearly exceed a reasonable range in number or frequency may a processing fee be charged,
under the national measures — 《政府信息公开信息处理费管理办法》(国办函〔2020〕109号), summarized in
``../shared/LEGAL-RULES.md`` §2:

- 第三条: a fee is charged per request (按件计收) or per page (按量计收), on an excess-progressive
  scale; one method per request, never both;
- 第四条, per request: the same applicant's requests in one calendar month — the first 10 free,
  the 11th to the 30th ¥100 each, from the 31st the rate rises by ¥100 per band of 10 (31–40
  ¥200, 41–50 ¥300 …); a request with several matters may be counted as several (一事一申请);
- 第五条, per page (paper, e-mail, copied data): 30 pages free, pages 31–100 ¥10, 101–200 ¥20,
  201 and beyond ¥40 each;
- the fee notice states basis, standard and amount; the applicant pays within 20 working days of
  it, or the request is deemed abandoned; the time from the notice to the payment is not counted
  in the reply period (the clock's ``fee_payment`` pause).

The numbers are the national standard's (:data:`NATIONAL`); a province publishing its own would be
another :class:`FeeStandard`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

BASIS = "《中华人民共和国政府信息公开条例》第四十二条，《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"


class Method(StrEnum):
    PER_REQUEST = "per_request"  # 按件计收
    PER_PAGE = "per_page"  # 按量计收


METHOD_LABELS = {Method.PER_REQUEST: "按件计收", Method.PER_PAGE: "按量计收"}


class FeeState(StrEnum):
    PENDING = "pending"  # notified, not yet paid: the reply clock is paused
    PAID = "paid"
    WAIVED = "waived"
    LAPSED = "lapsed"  # not paid in time: the request was deemed abandoned
    CANCELLED = "cancelled"  # the applicant withdrew the request before paying


FEE_STATE_LABELS = {FeeState.PENDING: "待缴费", FeeState.PAID: "已缴费", FeeState.WAIVED: "已减免",
                    FeeState.LAPSED: "逾期未缴（视为放弃申请）", FeeState.CANCELLED: "申请已撤回，不再收取"}


@dataclass(frozen=True)
class FeeStandard:
    """One charging standard: free requests a month, the first paying band and its rate, the band
    width and step after it; free pages and the page bands (first page of the band, rate)."""

    free_requests: int = 10
    first_band_last: int = 30
    first_band_rate: Decimal = Decimal("100")
    band_width: int = 10
    band_step: Decimal = Decimal("100")
    free_pages: int = 30
    page_bands: tuple[tuple[int, Decimal], ...] = ((31, Decimal("10")), (101, Decimal("20")), (201, Decimal("40")))
    pay_workdays: int = 20


NATIONAL = FeeStandard()


@dataclass(frozen=True)
class FeeLine:
    """One band of a fee: which requests or pages, how many, at what rate."""

    label: str
    count: int
    rate: Decimal

    @property
    def subtotal(self) -> Decimal:
        return self.rate * self.count

    def as_dict(self) -> dict[str, str | int]:
        return {"label": self.label, "count": self.count, "rate": str(self.rate), "subtotal": str(self.subtotal)}


@dataclass(frozen=True)
class Quote:
    method: Method
    lines: tuple[FeeLine, ...]

    @property
    def amount(self) -> Decimal:
        return sum((line.subtotal for line in self.lines), Decimal("0"))


class BelowThreshold(ValueError):
    """Nothing to charge: the request is within the free range (the message says why, in Chinese)."""


def request_rate(position: int, standard: FeeStandard = NATIONAL) -> Decimal:
    """The fee of the ``position``-th request of an applicant's calendar month (1-based)."""
    if position <= standard.free_requests:
        return Decimal("0")
    if position <= standard.first_band_last:
        return standard.first_band_rate
    bands_above = (position - standard.first_band_last - 1) // standard.band_width + 1
    return standard.first_band_rate + standard.band_step * bands_above


def _request_band(position: int, standard: FeeStandard) -> tuple[int, int]:
    """The first and last position of the band ``position`` falls in (a paying one)."""
    if position <= standard.first_band_last:
        return standard.free_requests + 1, standard.first_band_last
    k = (position - standard.first_band_last - 1) // standard.band_width
    first = standard.first_band_last + 1 + k * standard.band_width
    return first, first + standard.band_width - 1


def per_request(earlier: int, pieces: int, standard: FeeStandard = NATIONAL) -> Quote:
    """按件计收: the applicant made ``earlier`` requests (counted as pieces) earlier in the month; this
    one counts as ``pieces``. Refused (:class:`BelowThreshold`) when none of them is charged."""
    if earlier < 0 or pieces < 1:
        raise ValueError("earlier >= 0 and pieces >= 1")
    positions = range(earlier + 1, earlier + pieces + 1)
    lines: list[FeeLine] = []
    for p in positions:
        rate = request_rate(p, standard)
        if not rate:
            continue
        first, last = _request_band(p, standard)
        label = f"本月第 {first}—{last} 件"
        if lines and lines[-1].label == label:
            lines[-1] = FeeLine(label, lines[-1].count + 1, rate)
        else:
            lines.append(FeeLine(label, 1, rate))
    if not lines:
        raise BelowThreshold(f"同一申请人本月累计申请 {earlier + pieces} 件（含本件），未超过 {standard.free_requests} 件，"
                             f"不收取信息处理费（国办函〔2020〕109号 第四条）")
    return Quote(Method.PER_REQUEST, tuple(lines))


def per_page(pages: int, standard: FeeStandard = NATIONAL) -> Quote:
    """按量计收: the pages this request's information fills. Refused within the free pages."""
    if pages < 1:
        raise ValueError("pages >= 1")
    if pages <= standard.free_pages:
        raise BelowThreshold(f"本件共 {pages} 页，未超过 {standard.free_pages} 页，不收取信息处理费"
                             f"（国办函〔2020〕109号 第五条）")
    lines: list[FeeLine] = []
    bands = standard.page_bands
    for i, (first, rate) in enumerate(bands):
        last = bands[i + 1][0] - 1 if i + 1 < len(bands) else None
        top = pages if last is None else min(pages, last)
        if top >= first:
            label = f"第 {first}—{last} 页" if last is not None else f"第 {first} 页以上"
            lines.append(FeeLine(label, top - first + 1, rate))
    return Quote(Method.PER_PAGE, tuple(lines))


def standard_text(standard: FeeStandard = NATIONAL) -> dict[str, str]:
    """The standard as the fee notice states it, per method."""
    pages = "；".join(f"{first} 页起每页 {rate} 元" for first, rate in standard.page_bands)
    return {
        Method.PER_REQUEST: (f"同一申请人一个自然月内累计申请 {standard.free_requests} 件以下（含）的不收费；"
                             f"{standard.free_requests + 1}—{standard.first_band_last} 件的部分每件 "
                             f"{standard.first_band_rate} 元；{standard.first_band_last + 1} 件以上的部分以 "
                             f"{standard.band_width} 件为一档，每增加一档每件提高 {standard.band_step} 元"),
        Method.PER_PAGE: f"同一申请 {standard.free_pages} 页以下（含）的不收费；{pages}",
    }
