"""Payment providers behind one interface, and the callback they send.

A provider is what takes the applicant's money online — in production a bank's non-tax payment
gateway (非税收入统一缴款平台). It implements :class:`Provider`:

- ``checkout_url(bill, request_base)`` — where the applicant is sent to pay the bill;
- ``verify(body, headers)`` — check a callback's signature and read it into a :class:`Notice`
  (the bill number, payment code, amount in fen, the provider's own reference and time), or raise
  :class:`CallbackRefused`.

The center answers every callback at ``POST /api/v1/payments/callback/{provider}``; the service
(:func:`onewindow.fees.callbacks.callback_receive`) checks the notice against the bill (number,
code and amount to the fen), applies it once, and logs every callback, repeated or refused.

The shipped :class:`LocalProvider` is a real one that runs on the same server for the demo and the
tests: its page takes the "payment", records the charge on its side (:class:`LocalCharge`), and
POSTs a JSON notice signed with HMAC-SHA256 (header ``X-Onewindow-Signature: sha256=<hex>``) to the
callback address, retrying until the center answers 200 — as a bank's gateway does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.urls import reverse
from django.utils.dateparse import parse_datetime

SIGNATURE_HEADER = "X-Onewindow-Signature"


@dataclass(frozen=True)
class Notice:
    """A verified callback: the provider says this bill was paid."""

    bill_number: str
    payment_code: str
    amount_fen: int
    provider_ref: str
    paid_at: datetime


class CallbackRefused(Exception):
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class Provider(Protocol):
    key: str
    label: str

    def checkout_url(self, bill: Any) -> str: ...

    def verify(self, body: bytes, headers: Mapping[str, str]) -> Notice: ...


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def _read_notice(body: bytes) -> Notice:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise CallbackRefused("callback.malformed", "回调内容不是有效的 JSON", "body") from None
    if not isinstance(data, dict):
        raise CallbackRefused("callback.malformed", "回调内容须为 JSON 对象", "body")
    for name in ("bill_number", "payment_code", "provider_ref", "paid_at"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise CallbackRefused("callback.field_missing", f"回调缺少字段 {name}", name)
    amount = data.get("amount_fen")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise CallbackRefused("callback.amount_invalid", "回调金额须为非负整数（分）", "amount_fen")
    paid_at = parse_datetime(data["paid_at"])
    if paid_at is None or paid_at.tzinfo is None:
        raise CallbackRefused("callback.time_invalid", "回调时间须为带时区的 ISO 8601 时间", "paid_at")
    return Notice(data["bill_number"], data["payment_code"], amount, data["provider_ref"][:64], paid_at)


class LocalProvider:
    """The shipped provider: HMAC-SHA256 signed callbacks, secret ``FEES_LOCAL_PROVIDER_SECRET``
    (by default derived from the site's secret key)."""

    key = "local"
    label = "本地模拟支付（演示）"

    @staticmethod
    def secret() -> bytes:
        configured = getattr(settings, "FEES_LOCAL_PROVIDER_SECRET", "")
        if configured:
            return str(configured).encode()
        return hmac.new(settings.SECRET_KEY.encode(), b"onewindow.fees.local-provider", hashlib.sha256).digest()

    def checkout_url(self, bill: Any) -> str:
        return reverse("fees:local_pay", args=[bill.payment_code])

    def verify(self, body: bytes, headers: Mapping[str, str]) -> Notice:
        given = headers.get(SIGNATURE_HEADER, "")
        if not given or not hmac.compare_digest(given, sign(self.secret(), body)):
            raise CallbackRefused("callback.bad_signature", "回调签名无效", "signature")
        return _read_notice(body)

    def notice_body(self, *, bill_number: str, payment_code: str, amount_fen: int, provider_ref: str,
                    paid_at: datetime) -> bytes:
        return json.dumps({"bill_number": bill_number, "payment_code": payment_code, "amount_fen": amount_fen,
                           "provider_ref": provider_ref, "paid_at": paid_at.isoformat()},
                          ensure_ascii=False, sort_keys=True).encode("utf-8")


_PROVIDERS: dict[str, Provider] = {"local": LocalProvider()}


def provider(key: str) -> Provider | None:
    return _PROVIDERS.get(key)


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())
