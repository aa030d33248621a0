"""The pages: the citizen's online filing, confirmation and status page (public, rate-limited);
the staff's list, registration, request page with its actions, reply PDF and annual tables."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from onewindow.openness import services as s
from onewindow.openness.models import DisclosureRequest
from onewindow.openness.selectors import annual_report
from onewindow.organization.rules import Role

from .helpers import FULL_ID, PHONE, applicant, at

pytestmark = pytest.mark.django_db


def form(dept_id: int, **changes) -> dict:
    return {"department": str(dept_id), "applicant_kind": "person", "applicant_name": "王五",
            "applicant_id_number": FULL_ID, "applicant_phone": PHONE, "description": "村道建设资金使用情况",
            "delivery": "electronic"} | changes


def test_citizen_files_online_and_follows_the_request(client, two_counties) -> None:
    dept = two_counties.a.market
    page = client.get(reverse("openness:public_file"))
    assert page.status_code == 200
    assert dept.name in page.content.decode()
    r = client.post(reverse("openness:public_file"), form(dept.id))
    assert r.status_code == 302
    filed = client.get(r["Location"])
    req = DisclosureRequest.objects.get()
    text = filed.content.decode()
    assert req.number in text
    assert req.query_code in text
    status = client.post(reverse("openness:public_status"), {"number": req.number, "code": req.query_code.lower()})
    assert status.status_code == 200
    body = status.content.decode()
    assert "收到申请" in body
    assert req.reply_due.isoformat() in body
    assert FULL_ID not in body


def test_bad_online_filing_says_what_is_wrong(client, two_counties) -> None:
    r = client.post(reverse("openness:public_file"), form(two_counties.a.market.id, applicant_phone="x"))
    assert r.status_code == 400
    assert "联系电话" in r.content.decode()
    assert not DisclosureRequest.objects.exists()
    r = client.post(reverse("openness:public_file"), form(two_counties.a.market.id, department="abc"))
    assert r.status_code == 400


def test_a_wrong_code_and_an_unknown_number_answer_alike(client, two_counties) -> None:
    req = s.request_file(department_id=two_counties.a.market.id, channel="online", applicant=applicant(),
                         description="x", delivery="electronic")
    wrong = client.post(reverse("openness:public_status"), {"number": req.number, "code": "WRONGWRO"})
    unknown = client.post(reverse("openness:public_status"), {"number": "nothing", "code": "WRONGWRO"})
    assert wrong.status_code == unknown.status_code == 404
    assert "申请编号或查询码不正确" in wrong.content.decode()


def test_the_status_lookup_is_rate_limited(client, two_counties) -> None:
    # 21 lookups at 10 a minute: even if a minute turns over among them, one window holds 11.
    answers = [client.post(reverse("openness:public_status"), {"number": "n", "code": "c"}) for _ in range(21)]
    assert 429 in {a.status_code for a in answers}


def test_the_applicant_downloads_the_reply(client, two_counties) -> None:
    a = two_counties.a
    req = s.request_file(department_id=a.market.id, channel="online", applicant=applicant(), description="x",
                         delivery="electronic")
    s.reply(request_id=req.id, actor=a.staff[Role.REVIEWER], answer="disclosed")
    status = client.post(reverse("openness:public_status"), {"number": req.number, "code": req.query_code})
    assert "下载答复书" in status.content.decode()
    pdf = client.post(reverse("openness:public_reply_pdf"), {"number": req.number, "code": req.query_code})
    assert pdf["Content-Type"] == "application/pdf"
    assert client.post(reverse("openness:public_reply_pdf"), {"number": req.number, "code": "X"}).status_code == 404


def test_staff_pages_need_a_staff_login(client, two_counties) -> None:
    r = client.get(reverse("openness:staff_list"))
    assert r.status_code == 302
    assert "login" in r["Location"]


def test_staff_register_a_letter_and_act_on_it(client, two_counties) -> None:
    a = two_counties.a
    client.force_login(a.user(Role.CLERK))
    signed = date.today() - timedelta(days=2)
    r = client.post(reverse("openness:staff_new"), form(a.market.id, channel="post", received_on=signed.isoformat()))
    assert r.status_code == 302, r.content.decode()[:2000]
    req = DisclosureRequest.objects.get()
    assert (req.channel, req.received_on) == ("post", signed)
    client.force_login(a.user(Role.REVIEWER))
    page = client.get(reverse("openness:staff_request", args=[req.number]))
    text = page.content.decode()
    assert "告知补正" in text
    assert "延长答复期限" not in text  # the chief representative's action
    assert FULL_ID not in text
    act = reverse("openness:staff_act", args=[req.number, "request_clarification"])
    r = client.post(act, {"points": "请写明文件名称\n请写明年份", "expected_version": req.row_version})
    assert r.status_code == 302
    assert DisclosureRequest.objects.get().state == "awaiting_clarification"
    again = client.post(act, {"points": "再问"})
    assert again.status_code == 400
    assert "当前状态为“待补正”" in again.content.decode()
    listing = client.get(reverse("openness:staff_list"), {"state": "awaiting_clarification"})
    assert req.number in listing.content.decode()


def test_staff_of_another_county_see_404(client, two_counties) -> None:
    a = two_counties.a
    req = s.request_file(department_id=a.market.id, channel="online", applicant=applicant(), description="x",
                         delivery="electronic")
    client.force_login(two_counties.b.user(Role.REVIEWER))
    assert client.get(reverse("openness:staff_request", args=[req.number])).status_code == 404
    assert req.number not in client.get(reverse("openness:staff_list")).content.decode()


def test_annual_tables_count_new_carried_and_answered(two_counties) -> None:
    a = two_counties.a
    reviewer = a.staff[Role.REVIEWER]
    old = s.request_file(department_id=a.market.id, channel="online", applicant=applicant(), description="x",
                         delivery="electronic", at=at(date(2025, 12, 29)))
    s.reply(request_id=old.id, actor=reviewer, answer="withheld", reasons="r", grounds=["state_secret"],
            at=at(date(2026, 1, 5)))
    org = applicant(kind="organization", id_number="91350100M000100Y43")
    new = s.request_file(department_id=a.market.id, channel="online", applicant=org, description="y",
                         delivery="electronic", at=at(date(2026, 3, 2)))
    s.request_file(department_id=a.market.id, channel="online", applicant=applicant(), description="z",
                   delivery="electronic", at=at(date(2026, 12, 28)))
    s.withdraw(request_id=new.id, actor=reviewer, at=at(date(2026, 3, 3)))
    report = annual_report(DisclosureRequest.objects.all(), 2026)
    rows = {row.label: row.counts for row in report.rows}
    assert rows["一、本年新收政府信息公开申请数量"] == {"person": 1, "organization": 1, "total": 2}
    assert rows["二、上年结转政府信息公开申请数量"]["total"] == 1
    assert rows["三、本年度办理结果：不予公开"]["total"] == 1
    assert rows["三、本年度办理结果：其他处理（撤回、逾期未补正视为放弃）"]["organization"] == 1
    assert rows["四、结转下年度继续办理"]["total"] == 1
    assert (report.on_time, report.late) == (1, 0)


def test_the_report_page(client, two_counties) -> None:
    client.force_login(two_counties.a.user(Role.REVIEWER))
    r = client.get(reverse("openness:staff_report"), {"year": "2026"})
    assert r.status_code == 200
    assert "本年新收政府信息公开申请数量" in r.content.decode()
