"""The staff and public pages: inbox summary and filters, an order's actions, rectification steps,
the import page, the pad, rating by link and by number + query code, results and answers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.feedback import services as svc
from onewindow.feedback.models import Rating, WorkOrder
from onewindow.feedback.rules import redact
from tests.cases.helpers import at
from tests.feedback.helpers import bad_rating, concluded_case

pytestmark = pytest.mark.django_db


def test_the_inbox_shows_the_summary_and_filters(client, hall, people):
    mine = svc.order_receive(region=hall.county, kind="inquiry", content="咨询", actor=people.admin,
                             at=at(2026, 10, 12))
    svc.order_receive(region=hall.county, kind="complaint", content="投诉", actor=hall.clerk, at=at(2026, 10, 12))
    client.force_login(people.admin.user)
    page = client.get("/staff/feedback/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "逾期 2" not in text  # counted below, per scope
    assert mine.number in text
    everything = client.get("/staff/feedback/?scope=all&state=overdue").content.decode()
    assert "共 2 件" in everything
    assert everything.count('data-testid="order-row"') == 2
    only = client.get("/staff/feedback/?scope=all&kind=complaint").content.decode()
    assert only.count('data-testid="order-row"') == 1


def test_an_order_page_offers_only_the_allowed_actions_and_runs_them(client, hall, people):
    order = svc.order_receive(region=hall.county, kind="complaint", content="投诉", actor=hall.clerk,
                              at=at(2026, 10, 12))
    client.force_login(people.admin.user)
    page = client.get(f"/staff/feedback/orders/{order.pk}/").content.decode()
    assert 'data-testid="action-dispatch"' in page
    assert 'data-testid="action-answer"' not in page
    done = client.post(f"/staff/feedback/orders/{order.pk}/act/dispatch/", {"department": hall.dept.id,
                                                                          "row_version": 0})
    assert done.status_code == 302
    assert WorkOrder.objects.get(pk=order.pk).state == "dispatched"
    stale = client.post(f"/staff/feedback/orders/{order.pk}/act/withdraw/", {"reason": "x", "row_version": 0},
                        follow=True)
    assert "请刷新后重试" in stale.content.decode()
    client.force_login(people.other_admin.user)
    assert client.get(f"/staff/feedback/orders/{order.pk}/").status_code == 404


def test_rectification_pages_walk_the_steps(client, hall, people):
    rect = bad_rating(hall).rectification
    client.force_login(hall.chief.user)
    assert "待核实" in client.get("/staff/feedback/rectifications/").content.decode()
    page = client.get(f"/staff/feedback/rectifications/{rect.pk}/").content.decode()
    assert 'data-testid="rect-action-verify"' in page
    client.post(f"/staff/feedback/rectifications/{rect.pk}/act/verify/", {"note": "属实"})
    client.post(f"/staff/feedback/rectifications/{rect.pk}/act/rectify/", {"note": "已培训", "rectified": "yes"})
    client.force_login(people.admin.user)
    client.post(f"/staff/feedback/rectifications/{rect.pk}/act/visit/", {"note": "满意", "satisfaction": "satisfied"})
    rect.refresh_from_db()
    assert rect.state == "closed"


def test_the_import_page_reports_each_row(client, hall, people):
    client.force_login(people.admin.user)
    data = ("工单编号,来电时间,来电人,联系电话,诉求内容,诉求类别,承办单位,办结时限\n"
            "A1,2026-10-12 09:00,王五,,咨询,咨询,GSJ,2026-10-16\nA2,bad,王五,,咨询,咨询,GSJ,2026-10-16\n")
    page = client.post("/staff/feedback/import/", {"file": SimpleUploadedFile("x.csv", data.encode())})
    text = page.content.decode()
    assert 'data-testid="import-created">1<' in text
    assert "import.date_invalid" in text


def test_the_pad_invites_and_the_visitor_rates_once(client, hall):
    client.force_login(hall.clerk.user)
    page = client.post("/staff/feedback/pad/", {"window": hall.window.id}).content.decode()
    assert "请对 clerk 的本次服务进行评价" in page
    action = "/rate/" + page.split('action="/rate/')[1].split('"')[0]
    rated = client.post(action, {"level": "satisfied"})
    assert rated.status_code == 200, rated.content.decode()[-600:]
    assert Rating.objects.get().channel == "pad"
    assert client.post(action, {"level": "satisfied"}).status_code == 409


def test_the_pad_opened_from_the_window_page_rates_the_visitors_case(client, hall):
    case = concluded_case(hall)
    client.force_login(hall.clerk.user)
    opened = client.get(f"/staff/feedback/pad/?window={hall.window.id}&case={case.number}").content.decode()
    assert case.number in opened
    assert f'<option value="{hall.window.id}" selected>' in opened
    page = client.post("/staff/feedback/pad/", {"window": hall.window.id, "case": case.number}).content.decode()
    action = "/rate/" + page.split('action="/rate/')[1].split('"')[0]
    assert client.post(action, {"level": "satisfied"}).status_code == 200
    rating = Rating.objects.get()
    assert (rating.channel, rating.case_id) == ("pad", case.pk)
    # A case rated already, or one the clerk may not see, is not named: the pad rates the visit.
    for number in (case.number, "990999-2026-000001"):
        again = client.get(f"/staff/feedback/pad/?window={hall.window.id}&case={number}").content.decode()
        assert 'data-testid="pad-case"' not in again


def test_rating_by_case_number_and_seeing_the_outcome(client, hall, people):
    case = concluded_case(hall)
    url = f"/rate-case/?number={case.number}&code={case.query_code}"
    assert 'data-testid="rating-form"' in client.get(url).content.decode()
    client.post("/rate-case/", {"number": case.number, "code": case.query_code, "level": "dissatisfied",
                                "reasons": ["slow"]})
    page = client.get(url).content.decode()
    assert "整改进度：待核实" in page
    assert client.get(f"/rate-case/?number={case.number}&code=WRONG").status_code == 404


def test_a_forged_link_page_is_a_4xx(client):
    assert client.get("/rate/forged/").status_code == 400


def test_public_results_and_answers_hide_personal_data(client, hall, people):
    order = svc.order_receive(region=hall.county, kind="inquiry", content="我是王五，电话13912345678，咨询",
                              caller_name="王五", publish_consent=True, actor=people.admin, at=at(2026, 10, 12))
    svc.order_dispatch(order_id=order.id, department_id=hall.dept.id, actor=people.admin)
    svc.order_claim(order_id=order.id, actor=hall.reviewer)
    svc.order_answer(order_id=order.id, answer="王五您好，已办理", actor=hall.reviewer)
    svc.order_close(order_id=order.id, actor=people.admin)
    assert "published-answer" not in client.get("/feedback/answers/").content.decode()
    svc.order_publish(order_id=order.id, actor=people.admin)
    page = client.get("/feedback/answers/").content.decode()
    assert "13912345678" not in page
    assert "王五" not in page
    assert "王某" in page
    assert client.get("/ratings/results/").status_code == 200


def test_redact_masks_ids_and_phones():
    assert redact("身份证11010519491231002X 电话0591-87654321") == "身份证[身份证号已隐去] 电话[电话已隐去]"
