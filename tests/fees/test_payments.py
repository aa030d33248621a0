"""Payments: the cashier window, the provider's signed callback (verified, applied once, logged),
what an unpaid bill blocks, and that paying pauses no clock."""

from __future__ import annotations

import json

import pytest

from onewindow.cases import services as case_services
from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.fees import services as fs
from onewindow.fees.callbacks import local_charge, local_notice
from onewindow.fees.models import Bill, CallbackLog, ItemFeeSettings, Payment
from onewindow.lifecycle.models import Deadline

from .helpers import at, callback_body, granted, lines, signed

pytestmark = pytest.mark.django_db
CALLBACK = "/api/v1/payments/callback/local"


def issued(fh) -> Bill:
    case = granted(fh.hall)
    bill = fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    return fs.bill_confirm(bill_id=bill.id, actor=fh.hall.clerk, at=at(2026, 10, 9, 12))


def post(client, body: bytes, headers: dict | None = None):
    return client.post(CALLBACK, data=body, content_type="application/json", **(signed(body) if headers is None
                                                                               else headers))


def test_the_cashier_collects_cash(fh):
    bill = issued(fh)
    fs.cashier_collect(bill_id=bill.id, channel="cash", amount_fen=bill.total_fen, actor=fh.hall.clerk)
    bill.refresh_from_db()
    assert (bill.state, bill.payment.channel, bill.payment.received_by_id) == ("paid", "cash", fh.hall.clerk.id)


def test_the_cashier_refuses_an_amount_one_fen_short(fh):
    bill = issued(fh)
    with pytest.raises(DomainError) as caught:
        fs.cashier_collect(bill_id=bill.id, channel="card", amount_fen=bill.total_fen - 1, actor=fh.hall.clerk)
    assert (caught.value.code, Payment.objects.count()) == ("payment.amount_differs", 0)


def test_a_reviewer_is_no_cashier(fh):
    bill = issued(fh)
    with pytest.raises(PermissionDenied):
        fs.cashier_collect(bill_id=bill.id, channel="cash", amount_fen=bill.total_fen, actor=fh.hall.reviewer)


def test_a_paid_bill_cannot_be_paid_at_the_window_again(fh):
    bill = issued(fh)
    fs.cashier_collect(bill_id=bill.id, channel="cash", amount_fen=bill.total_fen, actor=fh.hall.clerk)
    with pytest.raises(DomainError) as caught:
        fs.cashier_collect(bill_id=bill.id, channel="cash", amount_fen=bill.total_fen, actor=fh.hall.clerk)
    assert caught.value.code == "payment.already_paid"


def test_a_signed_callback_pays_the_bill(fh, client):
    bill = issued(fh)
    answer = post(client, callback_body(bill))
    bill.refresh_from_db()
    assert (answer.status_code, answer.json()["outcome"], bill.state) == (200, "applied", "paid")


def test_a_repeated_callback_changes_nothing_and_is_logged(fh, client):
    bill = issued(fh)
    post(client, callback_body(bill))
    answer = post(client, callback_body(bill))
    assert (answer.json()["outcome"], Payment.objects.count(),
            list(CallbackLog.objects.order_by("id").values_list("outcome", flat=True))) == (
        "repeated", 1, ["applied", "repeated"])


def test_a_callback_with_a_wrong_signature_is_refused_and_logged(fh, client):
    bill = issued(fh)
    body = callback_body(bill)
    answer = post(client, body, {"HTTP_X_ONEWINDOW_SIGNATURE": "sha256=" + "0" * 64})
    bill.refresh_from_db()
    log = CallbackLog.objects.get()
    assert (answer.status_code, answer.json()["error"]["code"], bill.state, log.signature_ok) == (
        400, "callback.bad_signature", "issued", False)


def test_a_callback_one_fen_off_is_refused(fh, client):
    bill = issued(fh)
    answer = post(client, callback_body(bill, amount_fen=bill.total_fen + 1))
    bill.refresh_from_db()
    assert (answer.json()["error"]["code"], bill.state, Payment.objects.count()) == ("payment.amount_differs",
                                                                                     "issued", 0)


def test_a_callback_for_an_unknown_bill_is_404(fh, client):
    body = json.dumps({"bill_number": "X", "payment_code": "1" * 20, "amount_fen": 1, "provider_ref": "r",
                       "paid_at": "2026-10-10T10:00:00+08:00"}).encode()
    answer = post(client, body)
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "payment.unknown_bill")


def test_a_callback_naming_another_bill_number_is_refused(fh, client):
    bill = issued(fh)
    body = callback_body(bill).replace(bill.number.encode(), b"990121-JK2026-999999")
    assert post(client, body).json()["error"]["code"] == "payment.bill_mismatch"


def test_a_malformed_callback_names_its_field(fh, client):
    answer = post(client, b'{"bill_number": "x"}')
    assert (answer.status_code, answer.json()["error"]["field"]) == (400, "payment_code")


def test_a_second_payment_of_a_paid_bill_is_refused(fh, client):
    bill = issued(fh)
    post(client, callback_body(bill))
    answer = post(client, callback_body(bill, ref="L-other"))
    assert answer.json()["error"]["code"] == "payment.already_paid"


def test_an_unknown_provider_is_404(fh, client):
    answer = client.post("/api/v1/payments/callback/nobank", data=b"{}", content_type="application/json")
    assert answer.status_code == 404


def test_the_local_provider_signs_what_the_center_verifies(fh, client):
    bill = issued(fh)
    charge = local_charge(payment_code=bill.payment_code, callback_url="http://testserver" + CALLBACK)
    body, headers = local_notice(charge)
    answer = client.post(CALLBACK, data=body, content_type="application/json",
                         HTTP_X_ONEWINDOW_SIGNATURE=headers["X-Onewindow-Signature"])
    assert answer.json()["outcome"] == "applied"


def test_the_local_provider_charges_once(fh):
    bill = issued(fh)
    first = local_charge(payment_code=bill.payment_code, callback_url="http://127.0.0.1:9/")
    assert local_charge(payment_code=bill.payment_code, callback_url="http://127.0.0.1:9/").pk == first.pk


# -- what an unpaid bill blocks --------------------------------------------------------------------


def test_an_unpaid_bill_blocks_the_certificate(fh):
    bill = issued(fh)
    with pytest.raises(DomainError) as caught:
        case_services.case_issue_certificate(case_id=bill.case_id, actor=fh.hall.clerk, at=at(2026, 10, 10))
    assert caught.value.code == "fees.unpaid"


def test_a_billed_item_without_a_bill_blocks_the_certificate(fh):
    case = granted(fh.hall)
    with pytest.raises(DomainError) as caught:
        case_services.case_issue_certificate(case_id=case.id, actor=fh.hall.clerk, at=at(2026, 10, 10))
    assert caught.value.code == "fees.not_billed"


def test_the_paid_bill_unblocks_the_certificate(fh, client):
    bill = issued(fh)
    post(client, callback_body(bill))
    case = case_services.case_issue_certificate(case_id=bill.case_id, actor=fh.hall.clerk, at=at(2026, 10, 10))
    assert case.status == "certificate_issued"


def test_the_case_page_tells_why_the_certificate_waits(fh):
    from onewindow.cases.guards import verdicts

    bill = issued(fh)
    case = bill.case
    found = {v.key: v for v in verdicts(case, fh.hall.clerk, events=list(case.events.all()), tasks=[])}
    assert found["issue_certificate"].refusal.code == "fees.unpaid"


def test_an_item_may_block_the_delivery_instead(fh, client):
    ItemFeeSettings.objects.filter(item=fh.hall.item).update(blocks="delivery")
    bill = issued(fh)
    case_services.case_issue_certificate(case_id=bill.case_id, actor=fh.hall.clerk, at=at(2026, 10, 10))
    with pytest.raises(DomainError) as caught:
        case_services.case_deliver(case_id=bill.case_id, actor=fh.hall.clerk, method="window", at=at(2026, 10, 10))
    assert caught.value.code == "fees.unpaid"


def test_an_item_not_billed_here_is_never_blocked(hall):
    case = granted(hall)
    assert case_services.case_issue_certificate(case_id=case.id, actor=hall.clerk,
                                                at=at(2026, 10, 10)).status == "certificate_issued"


def test_paying_pauses_no_clock(fh, client):
    # 行政许可法 第四十五条 lists what is not counted (hearing, testing, expert review …): not a fee.
    case = granted(fh.hall)
    before = sorted(Deadline.objects.filter(subject_type="case", subject_id=case.id)
                    .values_list("kind", "key", "due_on", "state"))
    bill = fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    bill = fs.bill_confirm(bill_id=bill.id, actor=fh.hall.clerk, at=at(2026, 10, 9, 12))
    post(client, callback_body(bill, paid_at="2026-10-16T10:00:00+08:00"))
    after = sorted(Deadline.objects.filter(subject_type="case", subject_id=case.id)
                   .values_list("kind", "key", "due_on", "state"))
    assert after == before
