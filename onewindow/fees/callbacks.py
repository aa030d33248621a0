"""Payment callbacks from providers: verified, applied once, every one logged; and the shipped
local provider's side (take a payment, send its signed callback, retry until answered).

Crash safety: a provider acknowledges a payment before it tells the center. If the center's process
dies between that acknowledgement and the bill's update, its transaction is rolled back and nothing
is half-written: the provider's next callback applies it (the local provider retries until it gets
a 200), and failing that the day's reconciliation completes it from the bank's statement
(:func:`onewindow.fees.reconciliation.reconciliation_import`).
"""

from __future__ import annotations

import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from onewindow.core.errors import DomainError, NotFound
from onewindow.core.timesource import now as current_time

from .models import Bill, CallbackLog, LocalCharge, Payment
from .providers import SIGNATURE_HEADER, CallbackRefused, LocalProvider, provider, sign
from .rules import BillState
from .services import PaymentOutcome, payment_apply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallbackResult:
    outcome: str  # applied | repeated
    bill_number: str
    payment_code: str


def _log(provider_key: str, body: bytes, *, ok: bool, outcome: str, message: str = "", bill_number: str = "",
         provider_ref: str = "", at: datetime) -> None:
    CallbackLog.objects.create(provider=provider_key[:32], received_at=at, body=body.decode("utf-8", "replace")[:20000],
                               signature_ok=ok, bill_number=bill_number[:32], provider_ref=provider_ref[:64],
                               outcome=outcome, message=message[:200])


def callback_receive(*, provider_key: str, body: bytes, headers: Mapping[str, str],
                     at: datetime | None = None) -> CallbackResult:
    """A provider's payment notice: check the signature, the bill (number and code), the amount to
    the fen; apply it once. Repeated or late notices change nothing and answer ``repeated``;
    refused ones raise :class:`DomainError` — each is logged either way."""
    at = at or current_time()
    found = provider(provider_key)
    if found is None:
        _log(provider_key, body, ok=False, outcome="refused", message="unknown provider", at=at)
        raise NotFound("支付渠道不存在", code="callback.unknown_provider", field="provider")
    try:
        notice = found.verify(body, headers)
    except CallbackRefused as exc:
        _log(provider_key, body, ok=exc.code != "callback.bad_signature", outcome="refused", message=exc.code, at=at)
        raise DomainError(exc.code, exc.message, field=exc.field) from None
    try:
        _payment, outcome = payment_apply(
            payment_code=notice.payment_code, bill_number=notice.bill_number, amount_fen=notice.amount_fen,
            channel=Payment.Channel.ONLINE, at=notice.paid_at, provider=provider_key, provider_ref=notice.provider_ref)
    except DomainError as exc:
        _log(provider_key, body, ok=True, outcome="refused", message=exc.code, bill_number=notice.bill_number,
             provider_ref=notice.provider_ref, at=at)
        raise
    _log(provider_key, body, ok=True, outcome=outcome, bill_number=notice.bill_number,
         provider_ref=notice.provider_ref, at=at)
    if outcome == PaymentOutcome.REPEATED:
        log.info("fees: repeated callback %s %s changed nothing", provider_key, notice.provider_ref)
    return CallbackResult(outcome, notice.bill_number, notice.payment_code)


# -- the local provider's side ---------------------------------------------------------------------


def local_charge(*, payment_code: str, callback_url: str, at: datetime | None = None) -> LocalCharge:
    """The local provider takes the payment of a bill awaiting it (its acknowledgement to the payer):
    the charge is recorded on its side; the callback goes out after the commit and until answered."""
    at = at or current_time()
    with transaction.atomic():
        bill = Bill.objects.filter(payment_code=payment_code).first()
        if bill is None:
            raise NotFound("缴款码不存在", code="payment.unknown_bill", field="payment_code")
        done = LocalCharge.objects.select_for_update().filter(payment_code=payment_code).first()
        if done is not None:
            return done  # paying twice on the provider's page charges once
        if bill.state != BillState.ISSUED:
            raise DomainError("payment.not_payable", "该缴款通知书当前无需缴费", field="payment_code")
        charge = LocalCharge.objects.create(provider_ref="L" + secrets.token_hex(10), bill_number=bill.number,
                                            payment_code=payment_code, amount_fen=bill.total_fen, paid_at=at,
                                            callback_url=callback_url)
        transaction.on_commit(lambda: local_send_callback(charge_id=charge.pk))
        return charge


def local_notice(charge: LocalCharge) -> tuple[bytes, dict[str, str]]:
    """The signed body and headers of a charge's callback."""
    p = LocalProvider()
    body = p.notice_body(bill_number=charge.bill_number, payment_code=charge.payment_code,
                         amount_fen=charge.amount_fen, provider_ref=charge.provider_ref, paid_at=charge.paid_at)
    return body, {"Content-Type": "application/json", SIGNATURE_HEADER: sign(p.secret(), body)}


def local_send_callback(*, charge_id: int, timeout: float = 10.0) -> bool:
    """POST the charge's signed callback over HTTP; True once the center answered 200."""
    charge = LocalCharge.objects.filter(pk=charge_id, delivered_at__isnull=True).first()
    if charge is None:
        return True
    body, headers = local_notice(charge)
    error = ""
    try:
        request = urllib.request.Request(charge.callback_url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            ok = answer.status == 200
    except urllib.error.HTTPError as exc:
        ok, error = False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        ok, error = False, str(exc)[:300]
    now = current_time()
    updates: dict = {"attempts": charge.attempts + 1, "last_error": error}
    if ok:
        updates["delivered_at"] = now
    LocalCharge.objects.filter(pk=charge.pk).update(**updates)
    return ok


def local_resend_due(*, limit: int = 50) -> int:
    """Retry the callbacks the center has not answered yet; returns how many got through."""
    ids = list(LocalCharge.objects.filter(delivered_at__isnull=True, attempts__lt=50)
               .order_by("paid_at").values_list("id", flat=True)[:limit])
    return sum(1 for pk in ids if local_send_callback(charge_id=pk))
