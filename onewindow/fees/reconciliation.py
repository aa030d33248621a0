"""The daily reconciliation's writes: import a bank statement for a day, complete the payments a
crash left behind, list every mismatch, resolve each with a reason, close the day. A closed day is
frozen: nothing about it changes again (the services refuse, and a late payment is booked on the
day it is received)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time

from django.db import transaction

from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.core.timesource import SHANGHAI
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Region, Staff

from .matching import Recorded, reconcile
from .models import Bill, Mismatch, Payment, Reconciliation, StatementRow
from .permissions import FeeAction, fee_require
from .rules import BillState
from .services import payment_apply
from .statements import bank_profiles, parse


def _complete_from_statement(region: Region, day: date, rows: list) -> int:
    """A row that pays a bill still awaiting payment, to the fen, is a payment whose callback never
    arrived (or whose process died after the provider's acknowledgement): book it now. Returns how
    many were completed."""
    codes = {r.payment_code for r in rows}
    waiting = dict(Bill.objects.filter(region=region, state=BillState.ISSUED, payment_code__in=codes)
                   .values_list("payment_code", "total_fen"))
    done = 0
    at = datetime.combine(day, time(12), tzinfo=SHANGHAI)
    for r in rows:
        if waiting.get(r.payment_code) == r.amount_fen:
            payment_apply(payment_code=r.payment_code, amount_fen=r.amount_fen, channel=Payment.Channel.ONLINE,
                          at=at, provider="bank", provider_ref=r.bank_ref or f"{day.isoformat()}:{r.line}",
                          source="reconciliation")
            waiting.pop(r.payment_code)
            done += 1
    return done


def reconciliation_import(*, region_id: int, day: date, bank: str, file_name: str, data: bytes, actor: Staff,
                          at: datetime | None = None) -> Reconciliation:
    """导入银行流水: parse the file (a malformed row refuses it all, naming the line), complete the
    payments the statement proves, match, and record every mismatch for the finance officer."""
    at = at or current_time()
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound("区划不存在", code="region.not_found", field="region")
    fee_require(actor, FeeAction.RECONCILE, region=region)
    profile = bank_profiles().get(bank)
    if profile is None:
        raise DomainError("statement.bank_unknown", "未配置该银行的流水格式", field="bank")
    rows = parse(profile, file_name, data)
    if Reconciliation.objects.filter(region=region, day=day).exists():
        raise Conflict("reconciliation.exists", f"{day.isoformat()} 的银行流水已导入", field="day")
    _complete_from_statement(region, day, rows)
    with transaction.atomic():
        rec = Reconciliation.objects.create(region=region, day=day, bank=bank, file_name=file_name[:200],
                                            file_sha256=hashlib.sha256(data).hexdigest(), imported_at=at,
                                            imported_by=actor, statement_total_fen=sum(r.amount_fen for r in rows))
        payments = (Payment.objects.filter(bill__region=region, paid_on=day).exclude(channel=Payment.Channel.WAIVED)
                    .values_list("id", "bill__payment_code", "amount_fen"))
        recorded = [Recorded(pk, code, fen) for pk, code, fen in payments]
        codes = {r.payment_code for r in rows}
        bills = dict(Bill.objects.filter(region=region, payment_code__in=codes).values_list("payment_code", "total_fen"))
        result = reconcile(rows, recorded, bills)
        matched = dict(result.matched)
        StatementRow.objects.bulk_create([StatementRow(reconciliation=rec, line=r.line, payment_code=r.payment_code,
                                                       amount_fen=r.amount_fen, bank_ref=r.bank_ref,
                                                       payment_id=matched.get(r.line)) for r in rows])
        Mismatch.objects.bulk_create([Mismatch(reconciliation=rec, kind=m.kind.value, payment_code=m.payment_code,
                                               line=m.line, payment_id=m.payment_id, expected_fen=m.expected_fen,
                                               actual_fen=m.actual_fen) for m in result.mismatches])
        rec.matched = len(matched)
        rec.save(update_fields=["matched"])
        return rec


def _lock(reconciliation_id: int, actor: Staff) -> Reconciliation:
    rec = Reconciliation.objects.select_for_update().select_related("region").filter(pk=reconciliation_id).first()
    if rec is None:
        raise NotFound("对账记录不存在", code="reconciliation.not_found", field="reconciliation")
    fee_require(actor, FeeAction.RECONCILE, region=rec.region)
    if rec.state == Reconciliation.State.CLOSED:
        raise Conflict("reconciliation.closed", f"{rec.day.isoformat()} 已关账，不能再修改", field="day")
    return rec


def mismatch_resolve(*, mismatch_id: int, reason: str, actor: Staff, at: datetime | None = None) -> Mismatch:
    """处理差异: the finance officer records what was found and done (a refund, a bank correction …)."""
    at = at or current_time()
    if not reason.strip():
        raise DomainError("mismatch.reason_required", "请填写差异处理说明", field="reason")
    with transaction.atomic():
        found = Mismatch.objects.filter(pk=mismatch_id).values_list("reconciliation_id", flat=True).first()
        if found is None:
            raise NotFound("对账差异不存在", code="mismatch.not_found", field="mismatch")
        _lock(found, actor)
        mismatch = Mismatch.objects.select_for_update().get(pk=mismatch_id)
        if mismatch.resolved_at is not None:
            raise Conflict("mismatch.resolved", "该差异已处理", field="mismatch")
        mismatch.resolution, mismatch.resolved_at, mismatch.resolved_by = reason.strip()[:200], at, actor
        mismatch.save(update_fields=["resolution", "resolved_at", "resolved_by"])
        return mismatch


def reconciliation_close(*, reconciliation_id: int, actor: Staff, at: datetime | None = None) -> Reconciliation:
    """关账: only once every mismatch is resolved; afterwards the day cannot change."""
    at = at or current_time()
    with transaction.atomic():
        rec = _lock(reconciliation_id, actor)
        left = Mismatch.objects.filter(reconciliation=rec, resolved_at__isnull=True).count()
        if left:
            raise DomainError("reconciliation.unresolved", f"尚有 {left} 项对账差异未处理，不能关账", field="mismatches")
        rec.state, rec.closed_at, rec.closed_by = Reconciliation.State.CLOSED, at, actor
        rec.save(update_fields=["state", "closed_at", "closed_by"])
        return rec


def closed_on(region_id: int, day: date) -> bool:
    return Reconciliation.objects.filter(region_id=region_id, day=day, state=Reconciliation.State.CLOSED).exists()
