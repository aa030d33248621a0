"""Every write of the fees app: bills (draft, confirm, cancel, correct), payments (cashier, online
callback, completed from the bank's statement), refunds. One function per action, one
transaction, the permission checked, the bill's chained event appended.

Nothing issued is edited in place: a correction is a new bill referencing the old one, a refund a
new record against the paid bill, each approved by a second staff member.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from onewindow.cases.models import Case
from onewindow.cases.states import Status
from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.services import event_append
from onewindow.lifecycle.transitions import Refused
from onewindow.notifications.rules import is_mainland_mobile, normalize_phone
from onewindow.notifications.services import notify
from onewindow.organization.models import Staff

from . import crashpoints
from .models import Bill, BillEvent, BillLine, Payment, Reconciliation, Refund
from .money import yuan
from .numbering import next_numbers, next_refund_number
from .permissions import FeeAction, fee_require
from .rules import BILL_TABLE, BillAction, BillingPoint, BillState, Request, RuleError, compute
from .selectors import OPEN_STATES, billing_point_of, priced, schedule_of

# The case states from which each billing point has been reached.
_REACHED = {
    BillingPoint.ACCEPTANCE: frozenset({Status.IN_REVIEW, Status.SPECIAL_PROCEDURE, Status.GRANTED,
                                        Status.CERTIFICATE_ISSUED, Status.AWAITING_SUPPLEMENT}),
    BillingPoint.DECISION: frozenset({Status.GRANTED, Status.CERTIFICATE_ISSUED}),
}


def _record(bill: Bill, kind: str, *, at: datetime, actor: Staff | None = None, note: str = "",
            payload: dict[str, Any] | None = None, actor_label: str = "") -> None:
    previous = BillEvent.objects.filter(bill=bill).order_by("-seq").first()
    event_append(BillEvent(bill=bill, kind=kind, at=at, actor=actor, note=note, payload=payload or {},
                           actor_label=actor_label), subject_label=bill.number, previous=previous)


def _move(bill: Bill, action: BillAction) -> BillState:
    try:
        return BILL_TABLE.next_state(action, BillState(bill.state))
    except Refused as exc:
        raise DomainError(exc.code, exc.message, field="action") from exc


def _load_bill(bill_id: int, expected_version: int | None = None) -> Bill:
    bill = (Bill.objects.select_for_update(of=("self",)).select_related("case", "region", "department")
            .filter(pk=bill_id).first())
    if bill is None:
        raise NotFound("缴款通知书不存在", code="bill.not_found", field="bill")
    if expected_version is not None and bill.version != expected_version:
        raise Conflict("bill.stale", "缴款通知书已被他人修改，请刷新后重试", field="version")
    return bill


def _save(bill: Bill, fields: list[str]) -> None:
    bill.version += 1
    bill.save(update_fields=[*fields, "version"])


def _requests(lines: Sequence[dict[str, Any] | Request]) -> list[Request]:
    from decimal import Decimal, InvalidOperation

    out: list[Request] = []
    for n, line in enumerate(lines):
        if isinstance(line, Request):
            out.append(line)
            continue
        try:
            quantity = Decimal(str(line.get("quantity", "1")))
        except InvalidOperation:
            raise DomainError("fees.quantity_invalid", "数量须为数字", field=f"lines[{n}].quantity") from None
        try:
            fee_item_id = int(line["fee_item"])
        except (KeyError, TypeError, ValueError):
            raise DomainError("fees.off_schedule", "请选择本事项收费目录内的收费项目",
                              field=f"lines[{n}].fee_item") from None
        out.append(Request(fee_item_id=fee_item_id, quantity=quantity, waiver=str(line.get("waiver") or "")))
    return out


def _compute(case: Case, requests: list[Request]) -> Any:
    schedule = schedule_of(case.item_version_id)
    if not schedule:
        raise DomainError("fees.item_free", "本事项不收费", field="case")
    if not requests:
        raise DomainError("fees.lines_required", "请至少选择一项收费项目", field="lines")
    chosen = {r.fee_item_id for r in requests}
    for s in schedule:
        if s.fee_item_id in chosen and not priced(s):
            raise DomainError("fees.standard_unpriced", f"“{s.name}”尚未设定可计算的收费标准，请先在收费设置中维护",
                              field="lines")
    try:
        return compute(schedule, requests)
    except RuleError as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from exc


def _create(case: Case, requests: list[Request], *, actor: Staff, at: datetime, corrects: Bill | None = None,
            reason: str = "") -> Bill:
    computed = _compute(case, requests)
    number, code = next_numbers(case.region, local_date(at).year)
    bill = Bill.objects.create(
        number=number, payment_code=code, case=case, region=case.region, department=case.department,
        item=case.item, item_version_id=case.item_version_id, state=BILL_TABLE.next_state(BillAction.DRAFT, None),
        gross_fen=computed.gross_fen, reduction_fen=computed.reduction_fen, total_fen=computed.total_fen,
        payer_name=case.applicant_name, corrects=corrects, correction_reason=reason, created_at=at, created_by=actor)
    BillLine.objects.bulk_create([
        BillLine(bill=bill, order=n + 1, fee_item_id=line.fee_item_id, name=line.name, basis=line.basis,
                 standard=line.standard, quantity=line.quantity, unit=line.unit, gross_fen=line.gross_fen,
                 waiver=line.waiver, waiver_basis=line.waiver_basis, reduction_fen=line.reduction_fen,
                 net_fen=line.net_fen) for n, line in enumerate(computed.lines)])
    _record(bill, "drafted", at=at, actor=actor, note=reason, payload={
        "case": case.number, "total_fen": bill.total_fen, "corrects": corrects.number if corrects else None,
        "lines": [{"fee_item": ln.fee_item_id, "quantity": str(ln.quantity), "waiver": ln.waiver,
                   "net_fen": ln.net_fen} for ln in computed.lines]})
    return bill


def _lock_case(case_id: int) -> Case:
    case = (Case.objects.select_for_update(of=("self",)).select_related("region", "department", "item")
            .filter(pk=case_id).first())
    if case is None:
        raise NotFound("办件不存在", code="case.not_found", field="case")
    return case


def bill_draft(*, case_id: int, lines: Sequence[dict[str, Any] | Request], actor: Staff,
               at: datetime | None = None) -> Bill:
    """核定收费: compute the bill of a case from its item version's fee items (only those: a fee
    off the schedule is refused) once the case has reached the item's billing point. The bill
    waits for a staff member's confirmation before the applicant is told."""
    at = at or current_time()
    with transaction.atomic():
        case = _lock_case(case_id)
        fee_require(actor, FeeAction.BILL_ISSUE, region=case.region, department=case.department)
        point = billing_point_of(case.item_id)
        if Status(case.status) not in _REACHED[point]:
            what = "受理后" if point == BillingPoint.ACCEPTANCE else "准予许可后"
            raise DomainError("fees.before_billing_point", f"本事项{what}方可收费，办件尚未到收费环节", field="case")
        live = Bill.objects.filter(case=case, state__in=[*OPEN_STATES, BillState.PAID.value]).first()
        if live is not None:
            raise DomainError("fees.bill_exists", f"本办件已有缴款通知书 {live.number}，如需更正请走更正流程",
                              field="case")
        return _create(case, _requests(lines), actor=actor, at=at)


def bill_confirm(*, bill_id: int, actor: Staff, at: datetime | None = None,
                 expected_version: int | None = None) -> Bill:
    """确认开具: the bill is issued; the applicant gets the payment notice by SMS and in the online
    account. A correction is confirmed by a second staff member with approval rights (not its
    author), and then the bill it corrects is superseded. A bill fully waived is settled at once."""
    at = at or current_time()
    with transaction.atomic():
        bill = _load_bill(bill_id, expected_version)
        if bill.corrects_id is not None:
            fee_require(actor, FeeAction.APPROVE, region=bill.region, department=bill.department)
            if actor.pk == bill.created_by_id:
                raise DomainError("fees.same_approver", "更正须由另一名工作人员审批", field="actor")
        else:
            fee_require(actor, FeeAction.BILL_ISSUE, region=bill.region, department=bill.department)
        bill.state = _move(bill, BillAction.CONFIRM)
        bill.issued_at, bill.issued_by = at, actor
        _save(bill, ["state", "issued_at", "issued_by"])
        _record(bill, "issued", at=at, actor=actor)
        if bill.corrects_id is not None:
            old = _load_bill(bill.corrects_id)
            old.state = _move(old, BillAction.SUPERSEDE)
            _save(old, ["state"])
            _record(old, "superseded", at=at, actor=actor, note=bill.correction_reason,
                    payload={"by": bill.number})
        if bill.total_fen == 0:
            _pay(bill, channel=Payment.Channel.WAIVED, amount_fen=0, at=at, actor=actor)
        else:
            _tell_applicant(bill, at)
        return bill


def _tell_applicant(bill: Bill, at: datetime) -> None:
    case = bill.case
    phone = normalize_phone(case.applicant_phone or "")
    if is_mainland_mobile(phone):
        notify(region=bill.region, channel="sms", recipient=phone, subject="缴款通知",
               body=(f"【政务服务中心】您的办件 {case.number} 应缴费用 {yuan(bill.total_fen)} 元，"
                     f"缴款码 {bill.payment_code}，可在窗口或网上办事大厅缴纳。"),
               kind="fees.bill_issued", topic=case.number, dedupe_key=f"fees-bill:{bill.number}:sms", at=at)


def bill_cancel(*, bill_id: int, reason: str, actor: Staff, at: datetime | None = None) -> Bill:
    """作废: an unpaid bill issued in error is voided (with its reason)."""
    at = at or current_time()
    if not reason.strip():
        raise DomainError("fees.reason_required", "请填写作废理由", field="reason")
    with transaction.atomic():
        bill = _load_bill(bill_id)
        fee_require(actor, FeeAction.BILL_ISSUE, region=bill.region, department=bill.department)
        bill.state = _move(bill, BillAction.CANCEL)
        _save(bill, ["state"])
        _record(bill, "cancelled", at=at, actor=actor, note=reason.strip())
        return bill


def bill_correct(*, bill_id: int, lines: Sequence[dict[str, Any] | Request], reason: str, actor: Staff,
                 at: datetime | None = None) -> Bill:
    """更正: a new draft bill referencing an issued, unpaid one, with the reason; a second staff
    member confirms it (:func:`bill_confirm`), which supersedes the old one. A paid bill is
    corrected by a refund (and, if more is owed, a new bill)."""
    at = at or current_time()
    if not reason.strip():
        raise DomainError("fees.reason_required", "请填写更正理由", field="reason")
    with transaction.atomic():
        old = _load_bill(bill_id)
        fee_require(actor, FeeAction.REQUEST, region=old.region, department=old.department)
        if old.state != BillState.ISSUED:
            raise DomainError("bill.transition_refused.supersede", "只有待缴费的缴款通知书可以更正", field="action")
        if Bill.objects.filter(corrects=old, state=BillState.DRAFT).exists():
            raise DomainError("fees.correction_pending", "该通知书已有待审批的更正", field="bill")
        case = _lock_case(old.case_id)
        return _create(case, _requests(lines), actor=actor, at=at, corrects=old, reason=reason.strip())


# -- payments ------------------------------------------------------------------------------------


class PaymentOutcome:
    APPLIED = "applied"
    REPEATED = "repeated"  # the same payment told again: nothing changes


def _pay(bill: Bill, *, channel: str, amount_fen: int, at: datetime, actor: Staff | None = None,
         provider: str = "", provider_ref: str = "", source: str = "direct") -> Payment:
    if amount_fen != bill.total_fen:
        raise DomainError("payment.amount_differs",
                          f"缴款金额 {yuan(amount_fen)} 元与应缴金额 {yuan(bill.total_fen)} 元不符", field="amount")
    bill.state = _move(bill, BillAction.PAY)
    bill.paid_at = at
    paid_on = local_date(at)
    if Reconciliation.objects.filter(region_id=bill.region_id, day=paid_on, state=Reconciliation.State.CLOSED).exists():
        paid_on = local_date(current_time())  # a closed day never changes: booked on the day it is received
    payment = Payment.objects.create(bill=bill, channel=channel, provider=provider, provider_ref=provider_ref,
                                     amount_fen=amount_fen, paid_at=at, paid_on=paid_on, received_by=actor,
                                     source=source)
    crashpoints.reach("after_payment_insert")
    _save(bill, ["state", "paid_at"])
    _record(bill, "paid", at=at, actor=actor, actor_label="" if actor else (provider or "银行"), payload={
        "channel": channel, "provider": provider, "provider_ref": provider_ref, "amount_fen": amount_fen,
        "source": source})
    return payment


def payment_apply(*, payment_code: str, amount_fen: int, channel: str, at: datetime | None = None,
                  actor: Staff | None = None, provider: str = "", provider_ref: str = "",
                  source: str = "direct", bill_number: str | None = None) -> tuple[Payment, str]:
    """Record that a bill was paid, once: the same payment told again (the provider's reference, or
    any payment of a bill already settled by this provider reference) changes nothing and answers
    ``repeated``. Refused: an unknown code, a bill number that is not the code's, an amount that
    differs by even one fen, a bill that is not awaiting payment."""
    at = at or current_time()
    with transaction.atomic():
        found = Bill.objects.filter(payment_code=payment_code).values_list("id", flat=True).first()
        if found is None:
            raise NotFound("缴款码不存在", code="payment.unknown_bill", field="payment_code")
        bill = _load_bill(found)
        if bill_number is not None and bill_number != bill.number:
            raise DomainError("payment.bill_mismatch", "缴款通知书编号与缴款码不符", field="bill_number")
        existing = Payment.objects.filter(bill=bill).first()
        if existing is not None:
            if provider_ref and existing.provider == provider and existing.provider_ref == provider_ref:
                return existing, PaymentOutcome.REPEATED
            if existing.source == "reconciliation" and provider and existing.amount_fen == amount_fen:
                # The late callback of a payment the bank's statement already completed.
                return existing, PaymentOutcome.REPEATED
            raise DomainError("payment.already_paid", f"缴款通知书 {bill.number} 已缴费，不得重复缴纳", field="payment_code")
        if bill.state != BillState.ISSUED:
            raise DomainError("bill.transition_refused.pay",
                              BILL_TABLE.refusal(BillAction.PAY, BillState(bill.state)), field="payment_code")
        try:
            with transaction.atomic():
                return _pay(bill, channel=channel, amount_fen=amount_fen, at=at, actor=actor, provider=provider,
                            provider_ref=provider_ref, source=source), PaymentOutcome.APPLIED
        except IntegrityError:
            raise DomainError("payment.ref_used", "该支付流水号已用于其他缴款", field="provider_ref") from None


def cashier_collect(*, bill_id: int, channel: str, amount_fen: int, actor: Staff,
                    at: datetime | None = None) -> Payment:
    """窗口收款: cash or card at the center's cashier window."""
    if channel not in (Payment.Channel.CASH, Payment.Channel.CARD):
        raise DomainError("payment.channel_invalid", "窗口收款方式须为现金或银行卡", field="channel")
    bill = Bill.objects.select_related("region", "department").filter(pk=bill_id).first()
    if bill is None:
        raise NotFound("缴款通知书不存在", code="bill.not_found", field="bill")
    fee_require(actor, FeeAction.COLLECT, region=bill.region, department=bill.department)
    payment, _ = payment_apply(payment_code=bill.payment_code, amount_fen=amount_fen, channel=channel, at=at,
                               actor=actor)
    return payment


# -- refunds -------------------------------------------------------------------------------------


def refund_request(*, bill_id: int, amount_fen: int, reason: str, actor: Staff,
                   at: datetime | None = None) -> Refund:
    """退费申请: against a paid bill, never more than what is left of its payment."""
    at = at or current_time()
    if not reason.strip():
        raise DomainError("fees.reason_required", "请填写退费理由", field="reason")
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise DomainError("refund.amount_invalid", "退费金额须大于零", field="amount")
    with transaction.atomic():
        bill = _load_bill(bill_id)
        fee_require(actor, FeeAction.REQUEST, region=bill.region, department=bill.department)
        if bill.state != BillState.PAID:
            raise DomainError("bill.transition_refused.refund", "只有已缴费的缴款通知书可以退费", field="bill")
        if Refund.objects.filter(bill=bill, state=Refund.State.REQUESTED).exists():
            raise DomainError("refund.pending", "该通知书已有待审批的退费", field="bill")
        left = bill.total_fen - sum(Refund.objects.filter(bill=bill, state=Refund.State.APPROVED)
                                    .values_list("amount_fen", flat=True))
        if amount_fen > left:
            raise DomainError("refund.too_much", f"退费金额不得超过可退金额 {yuan(left)} 元", field="amount")
        refund = Refund.objects.create(number=next_refund_number(bill.region, local_date(at).year), bill=bill,
                                       amount_fen=amount_fen, reason=reason.strip(), requested_at=at,
                                       requested_by=actor)
        _record(bill, "refund_requested", at=at, actor=actor, note=refund.reason,
                payload={"refund": refund.number, "amount_fen": amount_fen})
        return refund


def refund_decide(*, refund_id: int, approve: bool, note: str, actor: Staff, at: datetime | None = None) -> Refund:
    """退费审批: a second staff member (not the one who asked) approves or rejects; once the
    approved refunds reach what was paid, the bill is refunded in full."""
    at = at or current_time()
    with transaction.atomic():
        refund = Refund.objects.select_for_update().filter(pk=refund_id).first()
        if refund is None:
            raise NotFound("退费单不存在", code="refund.not_found", field="refund")
        bill = _load_bill(refund.bill_id)
        fee_require(actor, FeeAction.APPROVE, region=bill.region, department=bill.department)
        if refund.state != Refund.State.REQUESTED:
            raise DomainError("refund.decided", "该退费已审批", field="refund")
        if actor.pk == refund.requested_by_id:
            raise DomainError("fees.same_approver", "退费须由另一名工作人员审批", field="actor")
        if not approve and not note.strip():
            raise DomainError("fees.reason_required", "驳回须说明理由", field="note")
        refund.state = Refund.State.APPROVED if approve else Refund.State.REJECTED
        refund.decided_at, refund.decided_by, refund.decision_note = at, actor, note.strip()
        refund.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
        _record(bill, "refund_approved" if approve else "refund_rejected", at=at, actor=actor, note=note.strip(),
                payload={"refund": refund.number, "amount_fen": refund.amount_fen})
        if approve:
            refunded = sum(Refund.objects.filter(bill=bill, state=Refund.State.APPROVED)
                           .values_list("amount_fen", flat=True))
            if refunded == bill.total_fen:
                bill.state = _move(bill, BillAction.REFUND)
                _save(bill, ["state"])
                _record(bill, "refunded", at=at, actor=actor, payload={"refunded_fen": refunded})
        return refund
