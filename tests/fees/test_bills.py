"""Bills: computed from the item version's schedule at its billing point, confirmed by staff,
numbered, told to the applicant, with a chained history; corrections and cancellations."""

from __future__ import annotations

import pytest

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.fees import services as fs
from onewindow.fees.models import Bill, ItemFeeSettings, Payment
from onewindow.fees.numbering import valid_payment_code
from onewindow.fees.render import notice_html
from onewindow.lifecycle.selectors import verify_all
from onewindow.notifications.models import OutboxMessage

from .helpers import REGISTRATION, TIERED, TRADING, at, granted, lines

pytestmark = pytest.mark.django_db


def issued(fh, **kw) -> Bill:
    case = granted(fh.hall)
    bill = fs.bill_draft(case_id=case.id, lines=lines(fh.fees, **kw), actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    return fs.bill_confirm(bill_id=bill.id, actor=fh.hall.clerk, at=at(2026, 10, 9, 12))


def test_a_bill_is_computed_from_the_schedule(fh):
    bill = issued(fh, area="120")
    # 80 元 + 120 ㎡ × 3 元 + (100 × 1 元 + 20 × 0.5 元)
    assert bill.total_fen == 8000 + 36000 + 11000


def test_each_line_keeps_its_legal_basis(fh):
    bill = issued(fh)
    assert [ln.basis for ln in bill.lines.order_by("order")] == [
        "发改价格规〔2016〕2559号", "计价格〔2002〕121号", "测绘成果管理条例"]


def test_a_waiver_reduces_the_bill_and_names_its_basis(fh):
    bill = issued(fh, waiver="small_micro")
    line = bill.lines.get(name=REGISTRATION)
    assert (line.reduction_fen, bill.reduction_fen, "财税〔2019〕45号" in line.waiver_basis) == (8000, 8000, True)


def test_a_confirmed_bill_is_issued_with_a_valid_payment_code(fh):
    bill = issued(fh)
    assert (bill.state, valid_payment_code(bill.payment_code)) == ("issued", True)


def test_the_applicant_gets_the_payment_notice_by_sms(fh):
    bill = issued(fh)
    message = OutboxMessage.objects.get(kind="fees.bill_issued")
    assert (message.recipient, bill.payment_code in message.body) == ("13800000000", True)


def test_the_bill_history_is_a_verified_chain(fh):
    bill = issued(fh)
    reports = list(verify_all("bill", bill.number))
    assert [(r.label, r.ok) for r in reports] == [(bill.number, True)]


def test_the_bill_numbers_follow_each_other(fh):
    first = issued(fh)
    fs.bill_cancel(bill_id=first.id, reason="开错", actor=fh.hall.clerk)
    second = fs.bill_draft(case_id=first.case_id, lines=lines(fh.fees), actor=fh.hall.clerk)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_a_bill_before_the_billing_point_is_refused(fh):
    case = granted(fh.hall)
    ItemFeeSettings.objects.filter(item=fh.hall.item).update(billing_point="decision")
    case.status = "in_review"
    case.save(update_fields=["status"])
    with pytest.raises(DomainError) as caught:
        fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.clerk)
    assert caught.value.code == "fees.before_billing_point"


def test_a_bill_at_acceptance_is_allowed_for_an_item_billed_at_acceptance(fh):
    case = granted(fh.hall)
    ItemFeeSettings.objects.filter(item=fh.hall.item).update(billing_point="acceptance")
    case.status = "in_review"
    case.save(update_fields=["status"])
    assert fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.clerk).state == "draft"


def test_a_second_live_bill_is_refused(fh):
    bill = issued(fh)
    with pytest.raises(DomainError) as caught:
        fs.bill_draft(case_id=bill.case_id, lines=lines(fh.fees), actor=fh.hall.clerk)
    assert caught.value.code == "fees.bill_exists"


def test_a_fee_off_the_schedule_cannot_be_billed(fh):
    case = granted(fh.hall)
    other = fh.hall.instant_item.current_version
    from onewindow.catalog.models import FeeItem

    stranger = FeeItem.objects.create(version=other, order=1, name="咨询费", basis="无", standard="每件10元",
                                      amount_fen=1000)
    with pytest.raises(DomainError) as caught:
        fs.bill_draft(case_id=case.id, lines=[{"fee_item": stranger.id}], actor=fh.hall.clerk)
    assert (caught.value.code, Bill.objects.count()) == ("fees.off_schedule", 0)


def test_a_reviewer_may_not_issue_a_bill(fh):
    case = granted(fh.hall)
    with pytest.raises(PermissionDenied):
        fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.reviewer)


def test_a_clerk_of_another_county_may_not_issue_a_bill(fh):
    case = granted(fh.hall)
    with pytest.raises(PermissionDenied):
        fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.outsider)


def test_confirming_a_stale_bill_is_a_conflict(fh):
    case = granted(fh.hall)
    bill = fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.clerk)
    with pytest.raises(DomainError) as caught:
        fs.bill_confirm(bill_id=bill.id, actor=fh.hall.clerk, expected_version=bill.version + 1)
    assert (caught.value.code, caught.value.status) == ("bill.stale", 409)


def test_confirming_twice_is_refused_by_the_table(fh):
    bill = issued(fh)
    with pytest.raises(DomainError) as caught:
        fs.bill_confirm(bill_id=bill.id, actor=fh.hall.clerk)
    assert caught.value.code == "bill.transition_refused.confirm"


def test_a_fully_waived_bill_is_settled_on_confirmation(fh):
    case = granted(fh.hall)
    bill = fs.bill_draft(case_id=case.id, lines=[{"fee_item": fh.fees[REGISTRATION].id, "waiver": "dibao"}],
                         actor=fh.hall.clerk)
    bill = fs.bill_confirm(bill_id=bill.id, actor=fh.hall.clerk)
    assert (bill.state, Payment.objects.get(bill=bill).channel) == ("paid", "waived")


def test_a_cancelled_bill_needs_a_reason(fh):
    bill = issued(fh)
    with pytest.raises(DomainError) as caught:
        fs.bill_cancel(bill_id=bill.id, reason=" ", actor=fh.hall.clerk)
    assert caught.value.code == "fees.reason_required"


def test_a_correction_is_a_new_bill_approved_by_a_second_person(fh):
    old = issued(fh)
    new = fs.bill_correct(bill_id=old.id, lines=[{"fee_item": fh.fees[TRADING].id, "quantity": "10"}],
                          reason="面积核定有误", actor=fh.hall.clerk)
    fs.bill_confirm(bill_id=new.id, actor=fh.hall.chief)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.state, new.state, new.corrects_id, new.total_fen) == ("superseded", "issued", old.id, 3000)


def test_the_author_of_a_correction_cannot_approve_it(fh):
    old = issued(fh)
    new = fs.bill_correct(bill_id=old.id, lines=[{"fee_item": fh.fees[TIERED].id, "quantity": "10"}],
                          reason="面积核定有误", actor=fh.hall.chief)
    with pytest.raises(DomainError) as caught:
        fs.bill_confirm(bill_id=new.id, actor=fh.hall.chief)
    assert caught.value.code == "fees.same_approver"


def test_a_clerk_cannot_approve_a_correction(fh):
    old = issued(fh)
    new = fs.bill_correct(bill_id=old.id, lines=lines(fh.fees, area="10"), reason="面积核定有误", actor=fh.hall.chief)
    with pytest.raises(PermissionDenied):
        fs.bill_confirm(bill_id=new.id, actor=fh.hall.clerk)


def test_the_old_bill_is_untouched_until_the_correction_is_approved(fh):
    old = issued(fh)
    fs.bill_correct(bill_id=old.id, lines=lines(fh.fees, area="10"), reason="面积核定有误", actor=fh.hall.clerk)
    old.refresh_from_db()
    assert (old.state, old.total_fen) == ("issued", 8000 + 27000 + 9000)


def test_the_payment_notice_shows_code_amount_and_qr(fh):
    bill = issued(fh)
    html = notice_html(bill, "http://testserver/pay/x/")
    assert all(part in html for part in (bill.payment_code, "440.00", "data:image/svg+xml", "计价格〔2002〕121号"))


def test_the_payment_notice_pdf_renders(fh):
    from onewindow.fees.render import notice_pdf

    assert notice_pdf(issued(fh), "http://testserver/pay/x/").startswith(b"%PDF")
