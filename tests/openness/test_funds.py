"""Fund disclosure: import with row-level validation and nothing half-imported, masked public
listings, the self-check that never tells whether an ID is on the list, rate limits, disputes and
their hook, payment timeliness on the working-day calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.openness import fund_hooks
from onewindow.openness import fund_selectors as sel
from onewindow.openness.fund_services import (
    FundImportRejected,
    dispute_file,
    distributions_import,
    fund_create,
)
from onewindow.openness.models import Distribution, FundDispute, FundImport
from onewindow.organization.models import Region
from onewindow.organization.rules import RegionLevel, Role

from .helpers import fund_row, fund_workbook, id_number

pytestmark = pytest.mark.django_db
PERSON_ID = id_number("99012119650301001")


@pytest.fixture
def fund(two_counties):
    a = two_counties.a
    Region.objects.create(code="990121001201", name="河湾村委会", level=RegionLevel.VILLAGE, parent=a.township)
    Region.objects.create(code="990121001202", name="桃源村委会", level=RegionLevel.VILLAGE, parent=a.township)
    Region.objects.create(code="990122001201", name="邻村村委会", level=RegionLevel.VILLAGE,
                          parent=two_counties.b.township)
    return fund_create(department_id=a.civil.id, code="GDDL-2026", name="耕地地力保护补贴", basis="财农〔2016〕26号",
                       standard="每亩 120 元", period="2026 年", total=Decimal("500000"),
                       actor=a.staff[Role.CENTER_ADMIN])


@pytest.fixture
def admin(two_counties):
    return two_counties.a.staff[Role.CENTER_ADMIN]


def test_import_computes_the_payment_due_date_and_timeliness(fund, admin) -> None:
    rows = [fund_row(), fund_row(**{"姓名": "王小河", "身份证号码": id_number("99012119700101002"),
                                    "发放日期": "2026-03-31"}),
            fund_row(**{"姓名": "赵三", "身份证号码": id_number("99012119800101003"), "发放日期": None})]
    batch = distributions_import(fund_id=fund.id, data=fund_workbook(rows), actor=admin)
    assert batch.rows == 3
    first = Distribution.objects.get(recipient_name="李大山")
    assert first.pay_due == date(2026, 3, 16)  # 10 working days after 2 March
    t = sel.fund_timeliness(fund, today=date(2026, 4, 1))
    assert (t.on_time, t.late, t.unpaid, t.overdue) == (1, 1, 0, 1)


@pytest.mark.parametrize(("changes", "column"), [
    ({"身份证号码": "990121196503010019"}, "身份证号码"),
    ({"金额（元）": "-5"}, "金额（元）"),
    ({"金额（元）": "0"}, "金额（元）"),
    ({"金额（元）": "很多"}, "金额（元）"),
    ({"金额（元）": "1.234"}, "金额（元）"),
    ({"村（社区）": "不存在村"}, "村（社区）"),
    ({"村（社区）": "邻村村委会"}, "村（社区）"),
    ({"姓名": ""}, "姓名"),
    ({"审批日期": "昨天"}, "审批日期"),
    ({"审批日期": None}, "审批日期"),
    ({"发放日期": "2026-03-01"}, "发放日期"),
])
def test_bad_rows_are_reported_and_nothing_is_imported(fund, admin, changes, column) -> None:
    rows = [fund_row(**{"姓名": "好人", "身份证号码": id_number("99012119700101002")}), fund_row(**changes)]
    with pytest.raises(FundImportRejected) as exc:
        distributions_import(fund_id=fund.id, data=fund_workbook(rows), actor=admin)
    assert [(p.row, p.column) for p in exc.value.problems] == [(3, column)]
    assert not Distribution.objects.exists()
    assert not FundImport.objects.exists()


def test_import_is_for_the_fund_region_admin(fund, two_counties) -> None:
    with pytest.raises(PermissionDenied):
        distributions_import(fund_id=fund.id, data=fund_workbook([fund_row()]),
                             actor=two_counties.a.staff[Role.CLERK])
    with pytest.raises(DomainError) as exc:
        distributions_import(fund_id=fund.id, data=b"x", actor=two_counties.a.staff[Role.CENTER_ADMIN])
    assert exc.value.code == "funds.file_unreadable"


@pytest.fixture
def imported(fund, admin):
    distributions_import(fund_id=fund.id, data=fund_workbook([fund_row()]), actor=admin)
    return fund


def test_public_listing_is_masked(client, imported) -> None:
    page = client.get(reverse("openness:public_funds"), {"fund": imported.code}).content.decode()
    assert "李**" in page
    assert "李大山" not in page
    assert PERSON_ID not in page
    village = client.get(reverse("openness:village", args=["990121001201"])).content.decode()
    assert "李**" in village
    assert PERSON_ID not in village


def test_self_check_needs_both_name_and_id(client, imported) -> None:
    url = reverse("openness:village", args=["990121001201"])
    mine = client.post(url, {"name": "李大山", "id_number": PERSON_ID}).content.decode()
    assert 'data-testid="mine"' in mine
    wrong_name = client.post(url, {"name": "李小山", "id_number": PERSON_ID}).content.decode()
    unknown_id = client.post(url, {"name": "李大山", "id_number": id_number("99012119990101009")}).content.decode()
    for answer in (wrong_name, unknown_id):
        assert 'data-testid="not-found"' in answer
        assert 'data-testid="mine"' not in answer


def test_the_api_lookup_answers_alike_for_a_wrong_name_and_an_unknown_id(client, imported) -> None:
    url = "/api/v1/public/funds/lookup"
    hit = client.post(url, {"name": "李大山", "id_number": PERSON_ID}, content_type="application/json")
    assert hit.status_code == 200
    assert [e["name"] for e in hit.json()["entries"]] == ["李**"]
    assert PERSON_ID not in hit.content.decode()
    wrong = client.post(url, {"name": "李小山", "id_number": PERSON_ID}, content_type="application/json")
    unknown = client.post(url, {"name": "李大山", "id_number": id_number("99012119990101009")},
                          content_type="application/json")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.content == unknown.content


def test_the_lookup_is_rate_limited(client, imported) -> None:
    # 11 lookups at 5 a minute: even if a minute turns over among them, one window holds 6.
    answers = [client.post("/api/v1/public/funds/lookup", {"name": "x", "id_number": PERSON_ID},
                           content_type="application/json") for _ in range(11)]
    limited = [a for a in answers if a.status_code == 429]
    assert limited
    assert limited[0].json()["error"]["code"] == "rate_limited"


def test_api_lists_funds_and_village_entries(client, imported) -> None:
    r = client.get("/api/v1/public/funds", {"village": "990121001201"})
    assert r.status_code == 200
    data = r.json()
    assert data["funds"][0]["published_total"] == "1200.50"
    assert data["entries"][0]["id_number"].startswith("990")
    assert PERSON_ID not in r.content.decode()
    assert client.get("/api/v1/public/funds", {"village": "x"}).status_code == 422


def test_a_dispute_filed_on_the_public_page_opens_a_work_order_in_the_departments_inbox(
        client, two_counties, imported) -> None:
    from onewindow.feedback.models import WorkOrder
    from onewindow.organization.models import Posting, Staff

    entry = Distribution.objects.get()
    r = client.post(reverse("openness:public_dispute", args=[entry.id]),
                    {"reason": "此户已迁出，不应领取", "contact_phone": "13900139000"})
    assert r.status_code == 200
    dispute = FundDispute.objects.get()
    order = WorkOrder.objects.get()
    assert dispute.work_order == order.number  # dispute → order
    assert order.number in r.content.decode()
    assert f"资金公示异议 #{dispute.pk}" in order.content  # order → dispute
    assert "此户已迁出，不应领取" in order.content
    assert (order.kind, order.source, order.state) == ("complaint", "online", "received")
    assert (order.department_id, order.region_id) == (two_counties.a.civil.id, two_counties.a.region.id)
    assert (order.caller_name, order.caller_phone, order.owner_id) == ("", "13900139000", None)
    assert entry.recipient_name not in order.content + order.topic  # no recipient's personal data
    assert entry.id_number not in order.content + order.topic
    assert order.events.get().kind == "received"
    # a department-bound posting of the fund's department sees it in its department inbox
    user = type(two_counties.a.staff[Role.CENTER_ADMIN].user).objects.create(username="civil_reviewer")
    reviewer = Staff.objects.create(user=user, name="民政审核员", employee_number="E-civil", region=two_counties.a.region,
                                    department=two_counties.a.civil)
    Posting.objects.create(staff=reviewer, role=Role.REVIEWER.value, region=two_counties.a.region,
                           department=two_counties.a.civil)
    client.force_login(user)
    page = client.get("/staff/feedback/?scope=department").content.decode()
    assert order.number in page
    # … and the market department's reviewer does not
    client.force_login(two_counties.a.staff[Role.REVIEWER].user)
    assert order.number not in client.get("/staff/feedback/?scope=department").content.decode()


def test_a_dispute_is_handed_over_to_the_first_number_returned(imported) -> None:
    from onewindow.openness import fund_feedback

    received = []

    def other_receiver(sender, dispute, **kwargs):
        received.append(dispute.pk)
        return "GD-2026-0001"

    fund_hooks.dispute_filed.disconnect(dispatch_uid=fund_feedback.DISPATCH_UID)
    fund_hooks.dispute_filed.connect(other_receiver)
    try:
        dispute = dispute_file(distribution_id=Distribution.objects.get().id, reason="金额不对")
    finally:
        fund_hooks.dispute_filed.disconnect(other_receiver)
        fund_feedback.connect()
    assert (dispute.work_order, received) == ("GD-2026-0001", [dispute.pk])


def test_a_dispute_without_a_receiver_stays_here(imported) -> None:
    from onewindow.openness import fund_feedback

    fund_hooks.dispute_filed.disconnect(dispatch_uid=fund_feedback.DISPATCH_UID)
    try:
        dispute = dispute_file(distribution_id=Distribution.objects.get().id, reason="金额不对")
    finally:
        fund_feedback.connect()
    assert dispute.work_order == ""
    with pytest.raises(DomainError) as exc:
        dispute_file(distribution_id=Distribution.objects.get().id, reason=" ")
    assert (exc.value.code, exc.value.field) == ("funds.reason_required", "reason")


def test_staff_funds_page_reports_rows(client, two_counties, imported) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    bad = SimpleUploadedFile("f.xlsx", fund_workbook([fund_row(**{"金额（元）": "-1"})]))
    r = client.post(reverse("openness:staff_funds"), {"fund": imported.id, "file": bad})
    assert r.status_code == 400
    assert "金额须大于零" in r.content.decode()
    assert Distribution.objects.count() == 1


def test_the_administrator_creates_a_fund_on_the_staff_page(client, two_counties) -> None:
    from onewindow.openness.models import Fund

    a = two_counties.a
    client.force_login(a.user(Role.CENTER_ADMIN))
    form = {"op": "create", "department": a.civil.id, "code": "DB-2026", "name": "城乡低保金", "basis": "民发〔2012〕220号",
            "standard": "每人每月 700 元", "period": "2026年度", "total": "1200000.50", "payment_workdays": "10"}
    page = client.get(reverse("openness:staff_funds")).content.decode()
    assert 'data-testid="fund-create"' in page
    for changes, code in (({"total": "12.345"}, "资金总额须为"), ({"total": "很多"}, "资金总额须为金额"),
                          ({"name": ""}, "请填写资金名称"), ({"code": "X" * 41}, "资金编码不能超过 40 个字符"),
                          ({"payment_workdays": "0"}, "发放时限须为 1 至 60 个工作日")):
        refused = client.post(reverse("openness:staff_funds"), form | changes)
        assert refused.status_code == 400, changes
        assert code in refused.content.decode(), changes
        assert 'value="城乡低保金"' in refused.content.decode() or changes == {"name": ""}  # what was typed stays
    assert not Fund.objects.filter(code="DB-2026").exists()
    done = client.post(reverse("openness:staff_funds"), form)
    assert done.status_code == 302
    fund = Fund.objects.get(code="DB-2026")
    assert (fund.total, fund.department_id, fund.region_id) == (Decimal("1200000.50"), a.civil.id, a.civil.region_id)
    assert client.post(reverse("openness:staff_funds"), form).status_code == 400  # the code is taken


def test_a_clerk_may_not_create_a_fund(client, two_counties) -> None:
    a = two_counties.a
    client.force_login(a.user(Role.CLERK))
    r = client.post(reverse("openness:staff_funds"), {"op": "create", "department": a.civil.id, "code": "X",
                                                     "name": "x", "basis": "x", "standard": "x", "period": "x",
                                                     "total": "1"})
    assert r.status_code == 403
