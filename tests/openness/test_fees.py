"""The information processing fee (信息处理费): the national standard's bands (pure), the notice on
the request (numbered, frozen, its PDF), the clock paused until the payment, waiver by the
responsible person, lapse, refusal under the threshold, pages and the API."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from onewindow.accounts.services import api_token_issue
from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.lifecycle.deadlines import State as DeadlineState
from onewindow.lifecycle.selectors import verify_all
from onewindow.lifecycle.services import deadlines_of
from onewindow.openness import fee_rules
from onewindow.openness import services as s
from onewindow.openness.fee_document import pdf_of
from onewindow.openness.models import DisclosureFee, DisclosureRequest
from onewindow.openness.selectors import annual_report, request_view
from onewindow.organization.rules import Role
from onewindow.workdays.selectors import snapshot_for

from .helpers import applicant, at

MON = date(2026, 3, 2)


def cal():
    return snapshot_for("990121000000")


# -- the national standard (国办函〔2020〕109号), pure --------------------------------------------------


@pytest.mark.parametrize(("position", "rate"), [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200),
                                                (41, 300), (55, 400)])
def test_the_nth_request_of_a_month_costs(position: int, rate: int) -> None:
    assert fee_rules.request_rate(position) == Decimal(rate)


def test_per_request_counts_the_pieces_across_bands() -> None:
    quote = fee_rules.per_request(earlier=28, pieces=4)  # the 29th to the 32nd
    assert [(line.label, line.count, line.rate) for line in quote.lines] == [
        ("本月第 11—30 件", 2, Decimal(100)), ("本月第 31—40 件", 2, Decimal(200))]
    assert quote.amount == Decimal(600)


@pytest.mark.parametrize(("pages", "amount"), [(31, 10), (100, 700), (150, 1700), (250, 4700)])
def test_per_page_bands(pages: int, amount: int) -> None:
    assert fee_rules.per_page(pages).amount == Decimal(amount)


def test_nothing_is_charged_within_the_free_range() -> None:
    with pytest.raises(fee_rules.BelowThreshold, match="未超过 10 件"):
        fee_rules.per_request(earlier=9, pieces=1)
    with pytest.raises(fee_rules.BelowThreshold, match="未超过 30 页"):
        fee_rules.per_page(30)


# -- the notice on a request -------------------------------------------------------------------------------


@pytest.fixture
def org(two_counties):
    a = two_counties.a

    class Org:
        dept = a.market
        reviewer = a.staff[Role.REVIEWER]
        chief = a.staff[Role.CHIEF_REPRESENTATIVE]
    return Org


def requests(org, n: int, day: date = MON) -> list[DisclosureRequest]:
    """``n`` requests of the same applicant to the same agency on ``day``."""
    return [s.request_file(department_id=org.dept.id, channel="online", applicant=applicant(),
                           description=f"第 {i + 1} 项信息", delivery="electronic", at=at(day, 9))
            for i in range(n)]


def row(req: DisclosureRequest, key: str = ""):
    return next(d for d in deadlines_of("disclosure", req.pk) if d.kind == "reply" and d.key == key)


@pytest.mark.django_db
def test_the_eleventh_request_of_the_month_gets_a_numbered_notice_and_the_clock_waits(org) -> None:
    eleventh = requests(org, 11)[-1]
    notice_day = MON + timedelta(days=2)
    req = s.fee_notice(request_id=eleventh.id, method="per_request", actor=org.reviewer, how_to_pay="县非税收入缴款码",
                       at=at(notice_day))
    fee = DisclosureFee.objects.get(request=req)
    assert req.state == "awaiting_fee"
    assert (fee.amount, fee.month_count, fee.state) == (Decimal(100), 11, "pending")
    assert fee.number.endswith("依收〔2026〕000001号")
    assert fee.pay_by == cal().add_workdays(notice_day, 20)
    assert row(req).state == DeadlineState.PAUSED
    fee_row = row(req, "fee")
    assert (fee_row.state, fee_row.due_on) == (DeadlineState.OPEN, fee.pay_by)
    assert pdf_of(fee).startswith(b"%PDF")
    assert fee.content["lines"] == [{"label": "本月第 11—30 件", "count": 1, "rate": "100", "subtotal": "100"}]
    history = request_view(req).history
    assert [h.label for h in history][-1] == "发出收费通知"

    paid_day = notice_day + timedelta(days=7)  # the next Wednesday: 5 working days not counted
    req = s.fee_paid(request_id=req.id, actor=org.reviewer, paid_on=paid_day, receipt_number="PJ-1", at=at(paid_day))
    assert req.state == "received"
    assert req.reply_due == cal().add_workdays(cal().add_workdays(MON, 20), 5)
    assert row(req).state == DeadlineState.OPEN
    assert row(req).due_on == req.reply_due
    assert row(req, "fee").state == DeadlineState.CLOSED
    fee.refresh_from_db()
    assert (fee.state, fee.settled_on, fee.receipt_number) == ("paid", paid_day, "PJ-1")
    assert [r.ok for r in verify_all("disclosure")] == [True] * 11


@pytest.mark.django_db
def test_a_request_within_the_free_range_is_refused_a_fee(org) -> None:
    first = requests(org, 1)[0]
    with pytest.raises(DomainError) as exc:
        s.fee_notice(request_id=first.id, method="per_request", actor=org.reviewer, at=at(MON))
    assert (exc.value.code, exc.value.field, exc.value.status) == ("disclosure.fee_below_threshold", "method", 400)
    assert "未超过 10 件" in exc.value.message
    with pytest.raises(DomainError) as exc:
        s.fee_notice(request_id=first.id, method="per_page", pages=30, actor=org.reviewer, at=at(MON))
    assert (exc.value.code, exc.value.field) == ("disclosure.fee_below_threshold", "pages")
    assert DisclosureRequest.objects.get(pk=first.pk).state == "received"
    assert not DisclosureFee.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("inputs", "code", "field"), [
    ({"method": "both"}, "disclosure.method_invalid", "method"),
    ({"method": "per_page"}, "disclosure.pages_required", "pages"),
    ({"method": "per_page", "pages": 0}, "disclosure.pages_invalid", "pages"),
    ({"method": "per_request", "pieces": 0}, "disclosure.pieces_invalid", "pieces"),
])
def test_bad_fee_inputs_name_the_field(org, inputs, code, field) -> None:
    req = requests(org, 1)[0]
    with pytest.raises(DomainError) as exc:
        s.fee_notice(request_id=req.id, actor=org.reviewer, at=at(MON), **inputs)
    assert (exc.value.code, exc.value.field) == (code, field)


@pytest.mark.django_db
def test_per_page_and_split_pieces(org) -> None:
    req = requests(org, 1)[0]
    req = s.fee_notice(request_id=req.id, method="per_page", pages=120, actor=org.reviewer, at=at(MON))
    assert DisclosureFee.objects.get(request=req).amount == Decimal(70 * 10 + 20 * 20)
    # A request split into 12 pieces (一事一申请) is over the free range on its own; the next one
    # of the month counts from the 13th.
    split, after = requests(org, 2, MON + timedelta(days=1))
    s.fee_notice(request_id=split.id, method="per_request", pieces=11, actor=org.reviewer, at=at(MON + timedelta(days=1)))
    fee = DisclosureFee.objects.get(request=split)
    assert (fee.month_count, fee.amount) == (12, Decimal(200))  # the first request counted 1: 2–12, two paying
    assert s.month_count_before(after) == 12


@pytest.mark.django_db
def test_one_fee_per_request_and_not_after_the_due_date(org) -> None:
    reqs = requests(org, 12)
    req = s.fee_notice(request_id=reqs[-1].id, method="per_request", actor=org.reviewer, at=at(MON))
    s.fee_waive(request_id=req.id, reason="申请人为低保对象", actor=org.chief, at=at(MON))
    with pytest.raises(DomainError) as exc:
        s.fee_notice(request_id=req.id, method="per_request", actor=org.reviewer, at=at(MON))
    assert exc.value.code == "disclosure.fee_once"
    late = cal().add_workdays(MON, 21)
    with pytest.raises(DomainError) as exc:
        s.fee_notice(request_id=reqs[-2].id, method="per_request", actor=org.reviewer, at=at(late))
    assert exc.value.code == "disclosure.fee_after_due"


@pytest.mark.django_db
def test_the_waiver_is_the_responsible_persons_with_a_reason(org) -> None:
    req = requests(org, 11)[-1]
    s.fee_notice(request_id=req.id, method="per_request", actor=org.reviewer, at=at(MON))
    with pytest.raises(PermissionDenied):
        s.fee_waive(request_id=req.id, reason="困难", actor=org.reviewer, at=at(MON))
    with pytest.raises(DomainError) as exc:
        s.fee_waive(request_id=req.id, reason=" ", actor=org.chief, at=at(MON))
    assert (exc.value.code, exc.value.field) == ("disclosure.reason_required", "reason")
    req = s.fee_waive(request_id=req.id, reason="申请人为低保对象，减免", actor=org.chief, at=at(MON + timedelta(days=1)))
    fee = DisclosureFee.objects.get(request=req)
    assert (req.state, fee.state, fee.waiver_reason, fee.settled_by) == ("received", "waived", "申请人为低保对象，减免",
                                                                         org.chief)


@pytest.mark.django_db
def test_payment_dates_are_checked(org) -> None:
    req = requests(org, 11)[-1]
    notice_day = MON + timedelta(days=1)
    s.fee_notice(request_id=req.id, method="per_request", actor=org.reviewer, at=at(notice_day))
    pay_by = DisclosureFee.objects.get(request=req).pay_by
    with pytest.raises(DomainError) as exc:
        s.fee_paid(request_id=req.id, actor=org.reviewer, paid_on=MON, at=at(notice_day))
    assert (exc.value.code, exc.value.field) == ("disclosure.paid_on_before_notice", "paid_on")
    with pytest.raises(DomainError) as exc:
        s.fee_paid(request_id=req.id, actor=org.reviewer, paid_on=pay_by + timedelta(days=1),
                   at=at(pay_by + timedelta(days=2)))
    assert (exc.value.code, exc.value.field) == ("disclosure.fee_paid_late", "paid_on")


@pytest.mark.django_db
def test_unpaid_after_twenty_working_days_the_request_is_deemed_abandoned(org) -> None:
    req = requests(org, 11)[-1]
    s.fee_notice(request_id=req.id, method="per_request", actor=org.reviewer, at=at(MON))
    fee = DisclosureFee.objects.get(request=req)
    with pytest.raises(DomainError) as exc:
        s.deem_withdrawn(request_id=req.id, actor=org.reviewer, at=at(fee.pay_by))
    assert exc.value.code == "disclosure.fee_time_running"
    req = s.deem_withdrawn(request_id=req.id, actor=org.reviewer, at=at(fee.pay_by + timedelta(days=1)))
    fee.refresh_from_db()
    assert (req.state, fee.state) == ("withdrawn", "lapsed")
    assert row(req, "fee").state == DeadlineState.CLOSED
    assert row(req).state == DeadlineState.CLOSED
    rows = {r.label: r.counts["total"] for r in annual_report(DisclosureRequest.objects.all(), 2026).rows}
    assert rows["　其中：申请人逾期未按收费通知要求缴纳费用，不再处理"] == 1
    assert rows["　其中：申请人无正当理由逾期不补正，不再处理"] == 0


@pytest.mark.django_db
def test_withdrawing_cancels_an_unpaid_fee(org) -> None:
    req = requests(org, 11)[-1]
    s.fee_notice(request_id=req.id, method="per_request", actor=org.reviewer, at=at(MON))
    s.withdraw(request_id=req.id, actor=org.reviewer, at=at(MON + timedelta(days=1)))
    assert DisclosureFee.objects.get(request=req).state == "cancelled"


@pytest.mark.django_db
def test_the_paid_fees_are_counted_in_the_annual_report(org) -> None:
    req = requests(org, 11)[-1]
    s.fee_notice(request_id=req.id, method="per_request", actor=org.reviewer, at=at(MON))
    s.fee_paid(request_id=req.id, actor=org.reviewer, at=at(MON + timedelta(days=1)))
    report = annual_report(DisclosureRequest.objects.all(), 2026)
    assert (report.fees_paid, report.fees_amount, report.fees_waived) == (1, Decimal(100), 0)


# -- pages and the API -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_page_issues_the_notice_and_the_applicant_downloads_it(client, org, two_counties) -> None:
    reqs = requests(org, 11, date.today())
    req = reqs[-1]
    client.force_login(two_counties.a.user(Role.REVIEWER))
    page = client.get(f"/staff/openness/requests/{req.number}/").content.decode()
    assert 'data-testid="action-fee_notice"' in page
    r = client.post(f"/staff/openness/requests/{reqs[0].number}/act/fee_notice/", {"method": "per_request"})
    assert r.status_code == 400
    assert "未超过 10 件" in r.content.decode()
    r = client.post(f"/staff/openness/requests/{req.number}/act/fee_notice/", {"method": "per_request", "pieces": "1"})
    assert r.status_code == 302
    page = client.get(f"/staff/openness/requests/{req.number}/").content.decode()
    assert "100.00 元" in page
    assert "待缴费" in page
    assert client.get(f"/staff/openness/requests/{req.number}/fee.pdf")["Content-Type"] == "application/pdf"
    client.logout()
    status = client.post("/openness/requests/status/", {"number": req.number, "code": req.query_code})
    assert 'data-testid="fee-pay-by"' in status.content.decode()
    pdf = client.post("/openness/requests/fee.pdf", {"number": req.number, "code": req.query_code})
    assert pdf["Content-Type"] == "application/pdf"
    assert client.post("/openness/requests/fee.pdf", {"number": req.number, "code": "WRONG"}).status_code == 404


@pytest.mark.django_db
def test_the_api_issues_and_reports_the_fee(client, org) -> None:
    req = requests(org, 11, date.today())[-1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=org.reviewer.user.username).token}"}
    base = f"/api/v1/disclosure-requests/{req.number}"
    r = client.post(f"{base}/actions/fee_notice", {"method": "per_page"}, content_type="application/json", **auth)
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "pages"
    r = client.post(f"{base}/actions/fee_notice", {"method": "per_request"}, content_type="application/json", **auth)
    assert r.status_code == 200
    fee = r.json()["fee"]
    assert (fee["amount"], fee["state"], fee["method"]) == ("100.00", "pending", "per_request")
    r = client.post(f"{base}/actions/fee_paid", {"receipt_number": "PJ-9"}, content_type="application/json", **auth)
    assert r.status_code == 200
    assert r.json()["fee"]["state"] == "paid"
    assert r.json()["state"] == "received"
