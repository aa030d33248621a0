"""The fee pages: staff pages by role and region, the applicant's payment page, the provider's
checkout, the ledgers, and the fee standards on the public guide."""

from __future__ import annotations

import pytest

from onewindow.fees import services as fs
from onewindow.fees.models import Bill, Payment
from tests.notifications.sending import HERE, PhoneSender
from tests.online.helpers import register

from .helpers import TRADING, at, granted, lines

pytestmark = pytest.mark.django_db


def issued(fh) -> Bill:
    case = granted(fh.hall)
    bill = fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    return fs.bill_confirm(bill_id=bill.id, actor=fh.hall.clerk, at=at(2026, 10, 9, 12))


def test_the_clerk_issues_a_bill_on_the_case_page(fh, client):
    case = granted(fh.hall)
    client.force_login(fh.hall.clerk.user)
    form = {f"fee-{f.id}": "1" for f in fh.fees.values()} | {f"quantity-{fh.fees[TRADING].id}": "50"}
    answer = client.post(f"/staff/fees/cases/{case.number}/", form)
    bill = Bill.objects.get()
    assert (answer.status_code, answer.url, bill.state) == (302, f"/staff/fees/bills/{bill.id}/", "draft")


def test_a_bad_quantity_is_shown_with_its_reason(fh, client):
    case = granted(fh.hall)
    client.force_login(fh.hall.clerk.user)
    answer = client.post(f"/staff/fees/cases/{case.number}/", {f"fee-{fh.fees[TRADING].id}": "1",
                                                               f"quantity-{fh.fees[TRADING].id}": "abc"})
    assert (answer.status_code, "数量" in answer.content.decode(), Bill.objects.count()) == (400, True, 0)


def test_the_cashier_collects_on_the_bill_page(fh, client):
    bill = issued(fh)
    client.force_login(fh.hall.clerk.user)
    answer = client.post(f"/staff/fees/bills/{bill.id}/collect/", {"channel": "cash", "amount": "440.00"})
    assert (answer.status_code, Payment.objects.get().amount_fen) == (302, 44000)


def test_a_wrong_amount_at_the_cashier_is_shown(fh, client):
    bill = issued(fh)
    client.force_login(fh.hall.clerk.user)
    answer = client.post(f"/staff/fees/bills/{bill.id}/collect/", {"channel": "cash", "amount": "439.99"})
    assert (answer.status_code, "payment.amount_differs" in answer.content.decode()) == (400, True)


def test_the_cashier_finds_a_bill_by_its_code(fh, client):
    bill = issued(fh)
    client.force_login(fh.hall.clerk.user)
    assert client.get("/staff/fees/cashier/", {"code": bill.payment_code}).url == f"/staff/fees/bills/{bill.id}/"


def test_a_clerk_of_another_county_cannot_see_the_bill(fh, client):
    bill = issued(fh)
    client.force_login(fh.hall.outsider.user)
    assert client.get(f"/staff/fees/bills/{bill.id}/").status_code == 404


def test_another_departments_chief_cannot_see_the_bill(fh, client):
    from onewindow.organization.models import Department
    from onewindow.organization.rules import Role

    from .helpers import staff

    bill = issued(fh)
    other = Department.objects.create(region=fh.hall.county, code="ZRZYJ", name="云溪县自然资源局")
    chief = staff("other-chief", fh.hall.county, Role.CHIEF_REPRESENTATIVE, department=other)
    client.force_login(chief.user)
    assert client.get(f"/staff/fees/bills/{bill.id}/").status_code == 404
    assert client.get(f"/staff/fees/bills/{bill.id}/notice.pdf").status_code == 404
    assert bill.number not in client.get("/staff/fees/").content.decode()
    client.force_login(fh.hall.chief.user)  # the bill's own department's chief does
    assert client.get(f"/staff/fees/bills/{bill.id}/").status_code == 200


def test_the_staff_pages_answer(fh, client):
    bill = issued(fh)
    client.force_login(fh.finance.user)
    codes = [client.get(u).status_code for u in ("/staff/fees/", f"/staff/fees/bills/{bill.id}/",
                                                 "/staff/fees/reconciliations/", "/staff/fees/?state=issued")]
    assert codes == [200, 200, 200, 200]


def test_the_notice_pdf_is_served(fh, client):
    bill = issued(fh)
    answer = client.get(f"/pay/{bill.payment_code}/notice.pdf")
    assert (answer.status_code, answer["Content-Type"]) == (200, "application/pdf")


def test_the_payment_page_offers_online_payment(fh, client):
    bill = issued(fh)
    assert "pay-online" in client.get(f"/pay/{bill.payment_code}/").content.decode()


def test_a_draft_is_not_public(fh, client):
    case = granted(fh.hall)
    bill = fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.clerk)
    assert client.get(f"/pay/{bill.payment_code}/").status_code == 404


def test_the_daily_ledger_downloads(fh, client):
    client.force_login(fh.finance.user)
    answer = client.get("/staff/fees/ledger.xlsx", {"period": "day", "date": "2026-10-09"})
    assert (answer.status_code, answer.content[:2]) == (200, b"PK")


def test_the_public_guide_shows_the_fee_standard_and_its_basis(fh, client):
    page = client.get(f"/items/{fh.hall.item.implementation_code}/").content.decode()
    assert all(part in page for part in ("不动产登记费", "发改价格规〔2016〕2559号", "每件80元"))


def test_the_applicant_sees_the_bills_on_the_online_case_page_and_goes_to_pay(fh, client, settings):
    PhoneSender.inbox = []  # the registration code reaches the applicant's phone
    settings.ONEWINDOW = {**settings.ONEWINDOW, "SENDERS": {"sms": f"{HERE}.PhoneSender"}}
    me = register()
    case = granted(fh.hall, account=me)
    draft = fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    client.force_login(me)
    page = client.get(f"/online/cases/{case.number}/").content.decode()
    assert 'data-testid="bills"' not in page  # a draft is the department's working copy: unseen
    bill = fs.bill_confirm(bill_id=draft.id, actor=fh.hall.clerk, at=at(2026, 10, 9, 12))
    page = client.get(f"/online/cases/{case.number}/").content.decode()
    assert bill.number in page
    assert "440.00" in page
    assert "待缴费" in page
    assert "缴费后方可制发证照" in page
    assert f'href="/pay/{bill.payment_code}/"' in page
    assert f"/pay/{bill.payment_code}/notice.pdf" in page
    fs.cashier_collect(bill_id=bill.id, channel="cash", amount_fen=44000, actor=fh.hall.clerk, at=at(2026, 10, 9, 13))
    page = client.get(f"/online/cases/{case.number}/").content.decode()
    assert "已缴费" in page
    assert "2026-10-09 13:00" in page
    assert 'data-testid="bill-due"' not in page
