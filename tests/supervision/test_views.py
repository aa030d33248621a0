"""The supervision pages: supervisors and center administrators see them, everyone else gets 403;
forms run the services; every table exports to Excel. (No assertions on English UI text.)"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from onewindow.supervision import services as sv
from onewindow.supervision.models import EfficiencyWarning, SupervisionOrder, Warning
from onewindow.supervision.rules import Code
from tests.cases.helpers import accepted_case, at

from .helpers import start_of

pytestmark = pytest.mark.django_db

DASHBOARD = "/staff/supervision/"


@pytest.fixture
def red_case(hall):
    case = accepted_case(hall)
    sv.sweep(now=start_of(date(2026, 10, 20)))
    return case


def test_the_staff_home_links_to_the_dashboard(client, hall, watchers):
    assert reverse("workbench:supervision") == DASHBOARD
    client.force_login(watchers.supervisor.user)
    assert DASHBOARD in client.get("/staff/").content.decode()


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_supervisors_and_center_administrators_see_the_dashboard(client, hall, watchers, red_case, who):
    client.force_login(getattr(watchers, who).user)
    response = client.get(DASHBOARD, {"from": "2026-10-01", "to": "2026-10-31"})
    assert response.status_code == 200
    body = response.content.decode()
    assert red_case.number in body
    assert f"/staff/cases/{red_case.number}/" in body
    assert "<svg" in body
    assert "<script" not in body.split("</main>")[0].split("<main")[1]
    [counts] = [c for c in response.context["counts"] if c.department_id == hall.dept.id]
    assert counts.red == 1
    assert counts.yellow == 0
    red = response.context["red_rows"]
    assert [row.warning.rule for row in red] == [Code.PROMISED_OVERDUE]
    # the deadline explains itself beside the warning
    assert red[0].explanation
    assert any("2026" in line for line in red[0].explanation)
    assert response.context["indicator_set"] is not None


def test_a_clerk_gets_403_everywhere_but_their_record(client, hall, watchers, red_case):
    client.force_login(hall.clerk.user)
    for url in [DASHBOARD, "/staff/supervision/warnings/", "/staff/supervision/indicators/",
                "/staff/supervision/efficiency-warnings/", "/staff/supervision/export.xlsx",
                "/staff/supervision/orders/"]:
        assert client.get(url).status_code == 403, url
    assert client.get("/staff/supervision/record/").status_code == 200


def test_the_dashboard_is_region_scoped(client, hall, watchers, red_case):
    client.force_login(watchers.other_supervisor.user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert red_case.number not in response.content.decode()
    w = Warning.objects.get(rule=Code.PROMISED_OVERDUE)
    assert client.get(f"/staff/supervision/warnings/{w.id}/").status_code == 404
    client.force_login(watchers.city_supervisor.user)
    assert red_case.number in client.get(DASHBOARD).content.decode()


def test_filters_by_department_and_region(client, hall, watchers, red_case):
    client.force_login(watchers.city_supervisor.user)
    other = client.get(DASHBOARD, {"region": hall.other_county.code})
    assert other.context["red_rows"] == []
    mine = client.get(DASHBOARD, {"region": hall.county.code, "department": hall.dept.id})
    assert len(mine.context["red_rows"]) == 1
    listed = client.get("/staff/supervision/warnings/", {"level": "yellow", "from": "2026-10-01", "to": "2026-10-31"})
    assert all(row.warning.level == "yellow" for row in listed.context["rows"])


def _sheets(response) -> dict[str, list[tuple]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_every_table_exports_to_excel(client, hall, watchers, red_case):
    client.force_login(watchers.supervisor.user)
    sheets = _sheets(client.get("/staff/supervision/export.xlsx", {"from": "2026-10-01", "to": "2026-10-31"}))
    assert set(sheets) == {"各部门预警", "红牌", "黄牌", "趋势"}
    assert any(red_case.number in (row[5] or "") for row in sheets["红牌"][1:])
    only = _sheets(client.get("/staff/supervision/export.xlsx", {"table": "counts"}))
    assert list(only) == ["各部门预警"]
    listed = _sheets(client.get("/staff/supervision/warnings/", {"format": "xlsx", "from": "2026-10-01",
                                                                "to": "2026-10-31"}))["预警"]
    assert listed[0][1] == "级别"
    assert any(row[1] == "红牌" for row in listed[1:])
    sv.order_issue(department_id=hall.dept.id, subject="超时", requirement="说明", actor=watchers.supervisor)
    assert len(_sheets(client.get("/staff/supervision/orders/", {"format": "xlsx"}))["督办单"]) == 2
    ind = _sheets(client.get("/staff/supervision/indicators/", {"format": "xlsx", "unit": "department",
                                                                "id": hall.dept.id}))
    assert {"指标", "排名"} <= set(ind)
    assert any(row[0] == "按时办结率" for row in ind["指标"])
    assert "效能告诫" in _sheets(client.get("/staff/supervision/efficiency-warnings/", {"format": "xlsx"}))


def test_the_order_life_cycle_through_the_forms(client, hall, watchers, red_case):
    w = Warning.objects.get(rule=Code.PROMISED_OVERDUE)
    client.force_login(hall.clerk.user)
    assert client.post("/staff/supervision/orders/issue/", {"department": hall.dept.id, "subject": "x",
                                                            "requirement": "y"}).status_code == 403
    client.force_login(watchers.supervisor.user)
    response = client.post("/staff/supervision/orders/issue/", {
        "department": hall.dept.id, "subject": "超时督办", "requirement": "请说明", "warning": w.id})
    order = SupervisionOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/supervision/orders/{order.id}/"
    assert order.warning_id == w.id
    assert order.case_id == red_case.id
    client.force_login(hall.chief.user)
    page = client.get(f"/staff/supervision/orders/{order.id}/")
    assert page.status_code == 200
    assert page.context["may"].reply
    client.post(f"/staff/supervision/orders/{order.id}/reply/", {"explanation": "人手不足", "measures": "增派人员"})
    order.refresh_from_db()
    assert order.state == "replied"
    client.force_login(watchers.supervisor.user)
    client.post(f"/staff/supervision/orders/{order.id}/close/", {"note": "同意销号"})
    order.refresh_from_db()
    assert order.state == "closed"
    # a bad request says why on the page, it does not fail
    response = client.post(f"/staff/supervision/orders/{order.id}/close/", {"note": "again"}, follow=True)
    assert response.status_code == 200
    assert any("销号" in str(m) for m in response.context["messages"])
    assert client.post(f"/staff/supervision/orders/{order.id}/dance/").status_code == 404


def test_acknowledge_and_close_out_through_the_warning_page(client, hall, watchers, red_case):
    w = Warning.objects.get(rule=Code.PROMISED_OVERDUE)
    client.force_login(hall.chief.user)
    page = client.get(f"/staff/supervision/warnings/{w.id}/")
    assert page.status_code == 200
    assert page.context["may_acknowledge"]
    assert not page.context["may_close"]
    client.post(f"/staff/supervision/warnings/{w.id}/acknowledge/", {"note": "专家意见未返回"})
    w.refresh_from_db()
    assert w.state == "acknowledged"
    assert w.message in client.get("/staff/supervision/record/").content.decode()
    client.force_login(watchers.supervisor.user)
    client.post(f"/staff/supervision/warnings/{w.id}/close-out/", {"note": "已核实"})
    w.refresh_from_db()
    assert w.state == "resolved"


def test_efficiency_warnings_through_the_form_show_on_the_record(client, hall, watchers):
    client.force_login(watchers.supervisor.user)
    assert client.get("/staff/supervision/efficiency-warnings/").status_code == 200
    client.post("/staff/supervision/efficiency-warnings/issue/", {"staff": hall.reviewer.id, "reason": "拖延审核",
                                                                  "basis": "效能告诫办法"})
    item = EfficiencyWarning.objects.get()
    assert item.staff_id == hall.reviewer.id
    client.force_login(hall.reviewer.user)
    assert item.number in client.get("/staff/supervision/record/").content.decode()


def test_indicators_page_for_each_unit(client, hall, watchers, red_case):
    client.force_login(watchers.supervisor.user)
    for unit, unit_id in [("region", hall.county.code), ("department", hall.dept.id), ("window", hall.window.id),
                          ("staff", hall.clerk.id)]:
        response = client.get("/staff/supervision/indicators/", {"unit": unit, "id": unit_id, "from": "2026-09-01",
                                                                 "to": "2026-10-31"})
        assert response.status_code == 200, unit
        assert response.context["set"]["accepted"].value == 1
        assert "按时办结率" in response.content.decode()  # the Chinese name and definition are shown
    client.force_login(watchers.other_supervisor.user)
    assert client.get("/staff/supervision/indicators/", {"unit": "department", "id": hall.dept.id}).status_code == 404


def test_the_case_page_block_lists_the_warning_history(hall, watchers, red_case):
    html = render_to_string("supervision/_case_warnings.html", {"case": red_case})
    assert "data-testid=\"case-warnings\"" in html
    assert Warning.objects.get(rule=Code.PROMISED_OVERDUE).message in html
    assert "sv-red" in html


def test_an_order_overdue_shows_late_on_the_list(client, hall, watchers):
    sv.order_issue(department_id=hall.dept.id, subject="超时", requirement="说明", actor=watchers.supervisor,
                   at=at(2026, 10, 20))
    client.force_login(watchers.supervisor.user)
    response = client.get("/staff/supervision/orders/", {"state": "issued"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def test_center_administrators_keep_their_centers_settings_in_the_admin(client, hall, watchers):
    from onewindow.supervision.models import SupervisionSettings
    from onewindow.supervision.selectors import config_for_region

    user = watchers.admin.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    url = "/admin/supervision/supervisionsettings/add/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"region": hall.county.id, "enabled_rules": [Code.PROMISED_OVERDUE, Code.STATUTORY_OVERDUE],
                                 "yellow_share": "0.85", "min_cases_for_ranking": 5, "order_reply_workdays": 3})
    assert response.status_code == 302, response.content.decode()[:2000]
    row = SupervisionSettings.objects.get(region=hall.county)
    assert row.enabled_rules == [Code.PROMISED_OVERDUE, Code.STATUTORY_OVERDUE]
    config = config_for_region(hall.county)
    assert config.order_reply_workdays == 3
    assert str(config.yellow_share) == "17/20"
    # a supervisor does not keep master data
    client.force_login(watchers.supervisor.user)
    assert client.get(url).status_code in (302, 403)


def test_the_dashboard_starts_with_a_summary_and_pages_its_lists_keeping_the_filters(client, hall, watchers):
    # given twelve cases past their promised date: twelve red warnings
    numbers = {accepted_case(hall).number for _ in range(12)}
    sv.sweep(now=start_of(date(2026, 10, 20)))
    client.force_login(watchers.supervisor.user)
    period = {"from": "2026-10-01", "to": "2026-10-31"}
    body = client.get(DASHBOARD, period).content.decode()
    # then the page opens with the figures, before any list
    summary = body.index('data-testid="summary"')
    assert summary < body.index('data-testid="counts"') < body.index('data-testid="red"')
    figures = body[summary:body.index("</section>", summary)]
    assert 'data-figure="red">12<' in figures
    assert 'data-figure="yellow">0<' in figures
    # and the red list shows one page, its link to the next keeping the period
    first = client.get(DASHBOARD, period)
    assert len(first.context["red_rows"]) == 10
    assert "from=2026-10-01&amp;to=2026-10-31&amp;red_page=2" in first.content.decode()
    second = client.get(DASHBOARD, {**period, "red_page": "2"})
    assert len(second.context["red_rows"]) == 2
    shown = {row.warning.case.number for row in first.context["red_rows"] + second.context["red_rows"]}
    assert shown == numbers
    assert "from=2026-10-01&amp;to=2026-10-31&amp;red_page=1" in second.content.decode()
    # the lists' totals come from the live counts by department: they follow every state and filter
    assert first.context["red_total"] == first.context["red_list"].page.paginator.count == 12
    Warning.objects.filter(pk=first.context["red_rows"][0].warning.pk).update(state="acknowledged")  # still live
    Warning.objects.filter(pk=first.context["red_rows"][1].warning.pk).update(state="resolved")
    again = client.get(DASHBOARD, {**period, "red_page": "2"})
    assert again.context["red_total"] == 11
    assert len(again.context["red_rows"]) == 1
    assert again.context["red_total"] == Warning.objects.filter(level="red", state__in=["open", "acknowledged"]).count()
    of_department = client.get(DASHBOARD, {**period, "department": hall.dept.id})
    assert of_department.context["red_total"] == 11
    assert len(of_department.context["red_rows"]) == 10
