"""Efficiency monitoring points and citizen supervisors (issue 20 item 3): registered with an access
code, they file praise, problems and suggestions on the public form; each becomes a feedback work
order, counts in the assessment where the scheme names its source, and the year's activity is reported."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from onewindow.assessment import facts
from onewindow.assessment.models import Monitor, Observation
from onewindow.assessment.monitoring_services import monitor_deactivate, monitor_register, observation_file
from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.core.timesource import SHANGHAI
from onewindow.feedback.models import WorkOrder
from onewindow.organization.rules import Role

NOV_20 = datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)


@pytest.fixture
def county(two_counties):
    return two_counties.a


@pytest.fixture
def point(county):
    return monitor_register(by=county.staff[Role.CENTER_ADMIN], region=county.region, kind="point",
                            category="enterprise", name="云溪县绿源食品有限公司", contact_name="李经理",
                            code="GREEN2026A")


def test_registration_numbers_and_keeps_only_the_codes_hash(county, point):
    assert point.monitor.number == "990121-JC001"
    assert point.code == "GREEN2026A"
    assert "GREEN2026A" not in point.monitor.code_hash
    fresh = monitor_register(by=county.staff[Role.CENTER_ADMIN], region=county.region, kind="supervisor",
                             category="individual", name="刘建国")
    assert fresh.monitor.number == "990121-JD001"
    assert len(fresh.code) == 10


@pytest.mark.parametrize(("change", "code"), [
    ({"kind": "judge"}, "kind_invalid"),
    ({"kind": "supervisor", "category": "enterprise"}, "category_invalid"),
    ({"category": "individual"}, "category_invalid"),
    ({"name": " "}, "name_invalid"),
    ({"code": "short"}, "code_invalid"),
])
def test_bad_registrations_are_refused(county, change, code):
    data = {"kind": "point", "category": "village", "name": "东街村", "code": None} | change
    with pytest.raises(DomainError) as e:
        monitor_register(by=county.staff[Role.CENTER_ADMIN], region=county.region, **data)
    assert e.value.code == code


def test_only_the_center_administrator_registers(county):
    with pytest.raises(PermissionDenied):
        monitor_register(by=county.staff[Role.SUPERVISOR], region=county.region, kind="point", category="village",
                         name="东街村")


def test_a_problem_becomes_a_complaint_work_order_and_counts(county, point):
    observation = observation_file(number="990121-jc001", code="green-2026-a", kind="problem",
                                   content="施工许可被要求补交目录外材料", department_id=county.market.pk,
                                   window_id=county.market_window.pk, at=NOV_20)
    order = observation.work_order
    assert (order.kind, order.source, order.department, order.external_number) == (
        "complaint", "online", county.market, "990121-JC001")
    assert order.caller_name == "云溪县绿源食品有限公司"
    assert order.events.first().actor_label == "效能监测点云溪县绿源食品有限公司"
    praise = observation_file(number="990121-JC001", code="GREEN2026A", kind="praise", content="办事快",
                              department_id=county.market.pk, at=NOV_20)
    assert praise.work_order.kind == "praise"
    november = facts.Period(date(2026, 11, 1), date(2026, 11, 30))
    [problems] = facts.get("department_monitor_problems").function(november, county.region)
    assert (problems.subject_id, problems.count) == (county.market.pk, 1)
    assert problems.evidence[0].url == f"/staff/feedback/orders/{order.pk}/"
    [window] = facts.get("window_monitor_problems").function(november, county.region)
    assert window.subject_id == county.market_window.pk
    [praised] = facts.get("department_monitor_praise").function(november, county.region)
    assert praised.count == 1
    assert facts.get("window_monitor_praise").function(november, county.region) == []  # no window named


@pytest.mark.parametrize(("number", "code"), [("990121-JC001", "WRONG2026A"), ("990121-JC999", "GREEN2026A")])
def test_a_wrong_number_or_code_is_the_same_refusal(county, point, number, code):
    with pytest.raises(PermissionDenied) as e:
        observation_file(number=number, code=code, kind="problem", content="x")
    assert e.value.code == "monitor_code_invalid"
    assert not WorkOrder.objects.exists()


def test_a_monitor_out_of_term_files_nothing(county, point):
    monitor_deactivate(by=county.staff[Role.CENTER_ADMIN], monitor_id=point.monitor.pk)
    with pytest.raises(PermissionDenied):
        observation_file(number=point.monitor.number, code=point.code, kind="praise", content="好")


def test_the_public_form(county, point, client):
    page = client.get("/monitoring/")
    assert page.status_code == 200
    assert "访问码" in page.content.decode()
    response = client.post("/monitoring/", {"region": county.region.code, "number": point.monitor.number,
                                            "code": point.code, "kind": "suggestion", "content": "建议延长午间服务",
                                            "department": "", "window": ""})
    assert response.status_code == 200
    assert "已收到您的建议" in response.content.decode()
    assert Observation.objects.get().kind == "suggestion"
    for data, status, words in [({"code": "BADCODE99"}, 403, "编号或访问码不正确"),
                                ({"content": ""}, 400, "内容须为"), ({"kind": "rumor"}, 400, "请选择类别"),
                                ({"department": "999999"}, 400, "所选部门不在本中心")]:
        post = {"region": county.region.code, "number": point.monitor.number, "code": point.code,
                "kind": "problem", "content": "窗口无人", "department": "", "window": ""} | data
        response = client.post("/monitoring/", post)
        assert response.status_code == status, data
        assert words in response.content.decode()


def test_staff_pages_and_the_annual_activity_report(county, point, client, two_counties):
    observation_file(number=point.monitor.number, code=point.code, kind="problem", content="窗口无人",
                     department_id=county.market.pk, at=NOV_20)
    admin = county.staff[Role.CENTER_ADMIN]
    client.force_login(admin.user)
    page = client.get("/staff/assessment/monitors/").content.decode()
    assert "在任 效能监测点 1 个" in page
    assert "云溪县绿源食品有限公司" in page
    response = client.post("/staff/assessment/monitors/new/", {"region": str(county.region.pk), "kind": "supervisor",
                                                                "category": "individual", "name": "周秀英"},
                           follow=True)
    assert "访问码" in response.content.decode()
    assert Monitor.objects.filter(name="周秀英", number="990121-JD001").exists()
    report = client.get("/staff/assessment/monitors/report/?year=2026").content.decode()
    assert "全年提交意见 1 条" in report
    assert "周秀英" in report  # registered, silent all year
    # A clerk does not see them; the other county's administrator sees only their own (none).
    client.force_login(county.staff[Role.CLERK].user)
    assert client.get("/staff/assessment/monitors/").status_code == 403
    client.force_login(two_counties.b.staff[Role.CENTER_ADMIN].user)
    assert "云溪县绿源食品有限公司" not in client.get("/staff/assessment/monitors/").content.decode()
