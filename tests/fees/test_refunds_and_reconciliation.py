"""Refunds (a new record, a second person's approval) and the daily reconciliation with the bank's
statement (import, mismatches, resolution, closing; a closed day never changes)."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.fees import reconciliation as rs
from onewindow.fees import services as fs
from onewindow.fees.matching import Row
from onewindow.fees.models import Bill, Mismatch, Payment, Refund
from onewindow.fees.statements import bank_profiles, statement_csv
from onewindow.lifecycle.selectors import verify_all

from .helpers import at, callback_body, granted, lines, signed

pytestmark = pytest.mark.django_db
DAY = date(2026, 10, 9)


def paid(fh, **kw) -> Bill:
    case = granted(fh.hall)
    bill = fs.bill_draft(case_id=case.id, lines=lines(fh.fees, **kw), actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    bill = fs.bill_confirm(bill_id=bill.id, actor=fh.hall.clerk, at=at(2026, 10, 9, 12))
    fs.cashier_collect(bill_id=bill.id, channel="cash", amount_fen=bill.total_fen, actor=fh.hall.clerk,
                       at=at(2026, 10, 9, 14))
    bill.refresh_from_db()
    return bill


def test_a_refund_is_approved_by_a_second_person(fh):
    bill = paid(fh)
    refund = fs.refund_request(bill_id=bill.id, amount_fen=bill.total_fen, reason="申请人撤回", actor=fh.hall.clerk)
    fs.refund_decide(refund_id=refund.id, approve=True, note="同意", actor=fh.hall.chief)
    bill.refresh_from_db()
    refund.refresh_from_db()
    assert (refund.state, bill.state) == ("approved", "refunded")


def test_the_requester_cannot_approve_their_own_refund(fh):
    bill = paid(fh)
    refund = fs.refund_request(bill_id=bill.id, amount_fen=100, reason="多收", actor=fh.hall.chief)
    with pytest.raises(DomainError) as caught:
        fs.refund_decide(refund_id=refund.id, approve=True, note="", actor=fh.hall.chief)
    assert caught.value.code == "fees.same_approver"


def test_a_clerk_cannot_approve_a_refund(fh):
    bill = paid(fh)
    refund = fs.refund_request(bill_id=bill.id, amount_fen=100, reason="多收", actor=fh.hall.chief)
    with pytest.raises(PermissionDenied):
        fs.refund_decide(refund_id=refund.id, approve=True, note="", actor=fh.hall.clerk)


def test_a_partial_refund_leaves_the_bill_paid_and_the_sums_exact(fh):
    bill = paid(fh)
    refund = fs.refund_request(bill_id=bill.id, amount_fen=1, reason="尾差", actor=fh.hall.clerk)
    fs.refund_decide(refund_id=refund.id, approve=True, note="同意", actor=fh.admin2)
    bill.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        fs.refund_request(bill_id=bill.id, amount_fen=bill.total_fen, reason="再退", actor=fh.hall.clerk)
    assert (bill.state, caught.value.code) == ("paid", "refund.too_much")


def test_a_rejected_refund_needs_a_reason(fh):
    bill = paid(fh)
    refund = fs.refund_request(bill_id=bill.id, amount_fen=100, reason="多收", actor=fh.hall.clerk)
    with pytest.raises(DomainError) as caught:
        fs.refund_decide(refund_id=refund.id, approve=False, note="", actor=fh.hall.chief)
    assert caught.value.code == "fees.reason_required"


def test_an_unpaid_bill_cannot_be_refunded(fh):
    case = granted(fh.hall)
    bill = fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.clerk)
    with pytest.raises(DomainError) as caught:
        fs.refund_request(bill_id=bill.id, amount_fen=1, reason="x", actor=fh.hall.clerk)
    assert caught.value.code == "bill.transition_refused.refund"


def test_the_refund_is_in_the_bill_chain(fh):
    bill = paid(fh)
    refund = fs.refund_request(bill_id=bill.id, amount_fen=100, reason="多收", actor=fh.hall.clerk)
    fs.refund_decide(refund_id=refund.id, approve=True, note="同意", actor=fh.hall.chief)
    kinds = list(bill.events.order_by("seq").values_list("kind", flat=True))
    assert (kinds[-2:], all(r.ok for r in verify_all("bill", bill.number))) == (
        ["refund_requested", "refund_approved"], True)


def test_a_refund_edits_nothing_of_the_payment(fh):
    bill = paid(fh)
    before = Payment.objects.filter(bill=bill).values().get()
    refund = fs.refund_request(bill_id=bill.id, amount_fen=bill.total_fen, reason="撤回", actor=fh.hall.clerk)
    fs.refund_decide(refund_id=refund.id, approve=True, note="同意", actor=fh.hall.chief)
    assert Payment.objects.filter(bill=bill).values().get() == before


# -- reconciliation --------------------------------------------------------------------------------


def statement(rows: list[Row]) -> bytes:
    return statement_csv(bank_profiles()["local"], rows)


def imported(fh, rows: list[Row]):
    return rs.reconciliation_import(region_id=fh.hall.county.id, day=DAY, bank="local", file_name="d.csv",
                                    data=statement(rows), actor=fh.finance)


def test_a_clean_statement_matches_and_the_day_closes(fh):
    bill = paid(fh)
    rec = imported(fh, [Row(2, bill.payment_code, bill.total_fen, "B1")])
    rs.reconciliation_close(reconciliation_id=rec.id, actor=fh.finance)
    rec.refresh_from_db()
    assert (rec.matched, rec.mismatches.count(), rec.state) == (1, 0, "closed")


def test_every_mismatch_is_listed(fh):
    bill = paid(fh)
    rec = imported(fh, [Row(2, bill.payment_code, bill.total_fen - 1, "B1"), Row(3, "12345678901234567890", 500, "B2")])
    kinds = sorted(rec.mismatches.values_list("kind", flat=True))
    assert kinds == ["amount_differs", "unknown_code"]


def test_a_bill_paid_twice_at_the_bank_is_listed(fh):
    bill = paid(fh)
    rec = imported(fh, [Row(2, bill.payment_code, bill.total_fen, "B1"), Row(3, bill.payment_code, bill.total_fen, "B2")])
    assert list(rec.mismatches.values_list("kind", "line")) == [("paid_twice", 3)]


def test_a_payment_missing_from_the_statement_is_listed(fh):
    paid(fh)
    rec = imported(fh, [])
    assert list(rec.mismatches.values_list("kind", flat=True)) == ["missing_from_statement"]


def test_the_day_does_not_close_with_an_open_mismatch(fh):
    paid(fh)
    rec = imported(fh, [])
    with pytest.raises(DomainError) as caught:
        rs.reconciliation_close(reconciliation_id=rec.id, actor=fh.finance)
    assert caught.value.code == "reconciliation.unresolved"


def test_a_resolved_mismatch_lets_the_day_close(fh):
    paid(fh)
    rec = imported(fh, [])
    rs.mismatch_resolve(mismatch_id=rec.mismatches.get().id, reason="现金次日解缴，已核实", actor=fh.finance)
    assert rs.reconciliation_close(reconciliation_id=rec.id, actor=fh.finance).state == "closed"


def test_a_mismatch_needs_a_reason(fh):
    paid(fh)
    rec = imported(fh, [])
    with pytest.raises(DomainError) as caught:
        rs.mismatch_resolve(mismatch_id=rec.mismatches.get().id, reason="", actor=fh.finance)
    assert caught.value.code == "mismatch.reason_required"


def test_a_closed_day_cannot_change(fh):
    paid(fh)
    rec = imported(fh, [])
    m = rec.mismatches.get()
    rs.mismatch_resolve(mismatch_id=m.id, reason="已核实", actor=fh.finance)
    rs.reconciliation_close(reconciliation_id=rec.id, actor=fh.finance)
    with pytest.raises(DomainError) as caught:
        rs.mismatch_resolve(mismatch_id=m.id, reason="改", actor=fh.finance)
    assert (caught.value.code, caught.value.status) == ("reconciliation.closed", 409)


def test_a_closed_day_cannot_be_imported_again(fh):
    rec = imported(fh, [])
    rs.reconciliation_close(reconciliation_id=rec.id, actor=fh.finance)
    with pytest.raises(DomainError) as caught:
        imported(fh, [])
    assert caught.value.code == "reconciliation.exists"


def test_a_late_payment_is_not_booked_on_a_closed_day(fh):
    rec = imported(fh, [])
    rs.reconciliation_close(reconciliation_id=rec.id, actor=fh.finance)
    bill = paid(fh)
    assert Payment.objects.get(bill=bill).paid_on != DAY


def test_a_malformed_row_refuses_the_file_naming_the_line(fh):
    data = "缴款码,金额（元）,银行流水号\n12345678901234567890,1.00,B1\n12345678901234567890,1.001,B2\n".encode()
    with pytest.raises(DomainError) as caught:
        rs.reconciliation_import(region_id=fh.hall.county.id, day=DAY, bank="local", file_name="d.csv", data=data,
                                 actor=fh.finance)
    assert (caught.value.code, caught.value.field, Mismatch.objects.count()) == ("statement.row_invalid", "line 3", 0)


def test_a_statement_without_the_bank_columns_is_refused(fh):
    with pytest.raises(DomainError) as caught:
        rs.reconciliation_import(region_id=fh.hall.county.id, day=DAY, bank="icbc", file_name="d.csv",
                                 data="缴款码,金额\n".encode("gb18030"), actor=fh.finance)
    assert caught.value.code == "statement.columns_missing"


def test_an_excel_statement_is_read(fh):
    import io

    from openpyxl import Workbook

    bill = paid(fh)
    book = Workbook()
    book.active.append(["缴款码", "金额（元）", "银行流水号"])
    book.active.append([bill.payment_code, f"{bill.total_fen // 100}.{bill.total_fen % 100:02d}", "B1"])
    out = io.BytesIO()
    book.save(out)
    rec = rs.reconciliation_import(region_id=fh.hall.county.id, day=DAY, bank="local", file_name="d.xlsx",
                                   data=out.getvalue(), actor=fh.finance)
    assert (rec.matched, rec.mismatches.count()) == (1, 0)


def test_a_clerk_may_not_reconcile(fh):
    with pytest.raises(PermissionDenied):
        rs.reconciliation_import(region_id=fh.hall.county.id, day=DAY, bank="local", file_name="d.csv",
                                 data=statement([]), actor=fh.hall.clerk)


def test_the_statement_completes_a_payment_whose_callback_never_came(fh, client):
    # the provider acknowledged and the bank collected, but the center never heard: the statement books it
    case = granted(fh.hall)
    bill = fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    bill = fs.bill_confirm(bill_id=bill.id, actor=fh.hall.clerk, at=at(2026, 10, 9, 12))
    rec = imported(fh, [Row(2, bill.payment_code, bill.total_fen, "B9")])
    bill.refresh_from_db()
    late = callback_body(bill)
    answer = client.post("/api/v1/payments/callback/local", data=late, content_type="application/json", **signed(late))
    assert (bill.state, rec.matched, rec.mismatches.count(), answer.json()["outcome"]) == ("paid", 1, 0, "repeated")


def test_refunds_and_payments_reconcile_in_the_ledger(fh):
    from onewindow.fees.ledgers import ledger_rows

    bill = paid(fh)
    refund = fs.refund_request(bill_id=bill.id, amount_fen=1000, reason="多收", actor=fh.hall.clerk)
    fs.refund_decide(refund_id=refund.id, approve=True, note="同意", actor=fh.hall.chief, at=at(2026, 10, 9, 16))
    rows = ledger_rows(fh.finance, DAY, DAY)
    assert rows[-1][2:] == [1, "440.00", "0.00", "440.00", "10.00", "430.00"]


def test_the_ledger_workbook_is_excel(fh):
    from onewindow.fees.ledgers import monthly_xlsx

    paid(fh)
    assert monthly_xlsx(fh.finance, 2026, 10)[:2] == b"PK"


def test_refund_records_are_new_rows(fh):
    bill = paid(fh)
    fs.refund_request(bill_id=bill.id, amount_fen=100, reason="多收", actor=fh.hall.clerk)
    assert Refund.objects.filter(bill=bill).count() == 1
