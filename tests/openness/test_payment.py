"""Payment timeliness of funds (一卡式发放): each entry records the day it was paid; payments later
than the fund's working days after approval are flagged and counted; the earliest unpaid entry's
due day is a deadline row the sweep warns about; the fund's history is a chain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.lifecycle.deadlines import State as DeadlineState
from onewindow.lifecycle.selectors import verify_all
from onewindow.lifecycle.services import deadlines_of
from onewindow.openness import fund_selectors as sel
from onewindow.openness.fund_services import distributions_import, distributions_record_payment, fund_create
from onewindow.openness.models import Distribution
from onewindow.organization.models import Region
from onewindow.organization.rules import RegionLevel, Role

from .helpers import at, fund_row, fund_workbook, id_number

pytestmark = pytest.mark.django_db
APRIL = date(2026, 4, 1)


@pytest.fixture
def fund(two_counties):
    a = two_counties.a
    Region.objects.create(code="990121001201", name="河湾村委会", level=RegionLevel.VILLAGE, parent=a.township)
    fund = fund_create(department_id=a.civil.id, code="DB-2026", name="低保金", basis="《社会救助暂行办法》",
                       standard="每人每月 600 元", period="2026 年", total=Decimal("500000"),
                       actor=a.staff[Role.CENTER_ADMIN], at=at(date(2026, 2, 20)))
    rows = [fund_row(),  # approved 2 March, due 16 March, paid 10 March: on time
            fund_row(**{"姓名": "王小河", "身份证号码": id_number("99012119700101002"), "发放日期": "2026-03-20"}),
            fund_row(**{"姓名": "赵三", "身份证号码": id_number("99012119800101003"), "发放日期": None}),
            fund_row(**{"姓名": "钱四", "身份证号码": id_number("99012119800101004"), "发放日期": None,
                        "审批日期": "2026-03-25"})]
    distributions_import(fund_id=fund.id, data=fund_workbook(rows), actor=a.staff[Role.CENTER_ADMIN],
                         at=at(date(2026, 3, 26)))
    return fund


@pytest.fixture
def admin(two_counties):
    return two_counties.a.staff[Role.CENTER_ADMIN]


def row(fund):
    return next(d for d in deadlines_of("fund", fund.pk) if d.key == "payment")


def entry(name: str) -> Distribution:
    return Distribution.objects.get(recipient_name=name)


def test_the_earliest_unpaid_entry_is_the_funds_deadline_and_payments_are_flagged(fund, admin) -> None:
    assert (row(fund).due_on, row(fund).state) == (date(2026, 3, 16), DeadlineState.OPEN)
    summary = sel.fund_summary(fund, APRIL)
    assert summary.counts == {"on_time": 1, "late": 1, "unpaid": 1, "overdue": 1}
    assert (summary.late_rate, summary.late_days_max) == ("50.0%", 4)
    n = distributions_record_payment(fund_id=fund.id, distribution_ids=[entry("赵三").id], paid_on=APRIL,
                                     actor=admin, at=at(APRIL))
    assert n == 1
    assert sel.timeliness(entry("赵三"), APRIL) == "late"
    assert sel.days_late(entry("赵三"), APRIL) == (APRIL - date(2026, 3, 16)).days
    assert row(fund).due_on == entry("钱四").pay_due  # the next unpaid one
    distributions_record_payment(fund_id=fund.id, distribution_ids=[entry("钱四").id], paid_on=APRIL, actor=admin,
                                 at=at(APRIL))
    assert row(fund).state == DeadlineState.CLOSED
    assert sel.fund_summary(fund, APRIL).counts == {"on_time": 2, "late": 2, "unpaid": 0, "overdue": 0}
    kinds = list(fund.events.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["created", "imported", "payment_recorded", "payment_recorded"]
    assert fund.events.order_by("seq").last().payload == {"paid_on": "2026-04-01", "entries": 1, "late": 0}
    assert [r.ok for r in verify_all("fund")] == [True]


@pytest.mark.parametrize(("which", "paid_on", "code", "field"), [
    ([], APRIL, "funds.entries_required", "entries"),
    (["赵三"], date(2026, 4, 2), "funds.paid_on_future", "paid_on"),
    (["钱四"], date(2026, 3, 20), "funds.paid_before_approval", "paid_on"),
    (["李大山"], APRIL, "funds.entry_already_paid", "entries"),
])
def test_bad_payments_name_the_rule_and_change_nothing(fund, admin, which, paid_on, code, field) -> None:
    with pytest.raises(DomainError) as exc:
        distributions_record_payment(fund_id=fund.id, distribution_ids=[entry(n).id for n in which], paid_on=paid_on,
                                     actor=admin, at=at(APRIL))
    assert (exc.value.code, exc.value.field, exc.value.status) == (code, field, 400)
    assert Distribution.objects.filter(paid_on__isnull=True).count() == 2


def test_only_the_center_records_payments(fund, two_counties) -> None:
    with pytest.raises(PermissionDenied):
        distributions_record_payment(fund_id=fund.id, distribution_ids=[entry("赵三").id], paid_on=APRIL,
                                     actor=two_counties.a.staff[Role.REVIEWER], at=at(APRIL))
    with pytest.raises(PermissionDenied):
        distributions_record_payment(fund_id=fund.id, distribution_ids=[entry("赵三").id], paid_on=APRIL,
                                     actor=two_counties.b.staff[Role.CENTER_ADMIN], at=at(APRIL))


def test_the_sweep_warns_of_an_overdue_payment_until_paid(fund, admin) -> None:
    from onewindow.supervision.models import Warning
    from onewindow.supervision.sweep import sweep

    sweep(now=at(APRIL))
    warning = Warning.objects.get(subject_type="fund", subject_id=fund.pk, rule="deadline_overdue")
    assert "DB-2026" in warning.message
    distributions_record_payment(fund_id=fund.id, distribution_ids=[entry("赵三").id], paid_on=APRIL, actor=admin,
                                 at=at(APRIL, 11))
    sweep(now=at(APRIL, 12))
    warning.refresh_from_db()
    assert not warning.is_live  # 钱四's due day has not come: no new one


def test_the_fund_page_summarizes_flags_and_records(fund, client, two_counties) -> None:
    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    r = client.get("/staff/openness/funds/DB-2026/")
    assert r.status_code == 200
    text = r.content.decode()
    assert text.index('data-testid="fund-summary"') < text.index('data-testid="entries"')
    assert id_number("99012119700101002") not in text
    late = client.get("/staff/openness/funds/DB-2026/", {"status": "late"}).content.decode()
    assert "王**" in late
    assert "<strong>逾期发放</strong>" in late
    assert "赵*" not in late
    r = client.post("/staff/openness/funds/DB-2026/", {"paid_on": "2026-13-01", "entries": [str(entry("赵三").id)]})
    assert r.status_code == 400
    assert "发放日期格式" in r.content.decode()
    r = client.post("/staff/openness/funds/DB-2026/", {"paid_on": date.today().isoformat(),
                                                       "entries": [str(entry("赵三").id)]})
    assert r.status_code == 302
    assert entry("赵三").paid_on == date.today()
    funds = client.get("/staff/openness/funds/").content.decode()
    assert 'data-testid="timeliness-summary"' in funds
    client.force_login(two_counties.b.user(Role.CENTER_ADMIN))
    assert client.get("/staff/openness/funds/DB-2026/").status_code == 404
