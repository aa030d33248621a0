"""四到位: each stationed department's windows, items, authorizations and staff in place, with the
gaps listed — the pure rule and the center's check on its data, and the page."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from onewindow.hall import rules, selectors
from onewindow.organization.models import Authorization, Department, Window

from .helpers import window_clerk


def test_the_rule_lists_every_gap():
    found = rules.four_in_place(department="民政局", windows=["05", "06"], staffed_windows=["05"], items=[
        rules.ItemFacts("婚姻登记", has_window=True, may_accept=True, may_decide=True),
        rules.ItemFacts("社会救助", has_window=False, may_accept=True, may_decide=False)])
    assert found.gaps == {"窗口": (), "事项": ("社会救助：未进驻窗口办理",), "授权": ("社会救助：未授权审批",),
                          "人员": ("06 号窗口：无工作人员",)}
    assert not found.complete
    assert rules.four_in_place(department="x", windows=[], staffed_windows=[], items=[]).gaps["窗口"] == ("未设进驻窗口",)
    assert rules.four_in_place(department="x", windows=["01"], staffed_windows=["01"], items=[]).complete


@pytest.mark.django_db
def test_the_center_check_reads_windows_items_authorizations_and_staff(lobby, item_factory):
    county = lobby.hall.county
    dept = Department.objects.create(region=county, code="MZJ", name="民政局", order=9)
    Department.objects.create(region=county, code="NOT", name="未进驻部门", is_stationed=False)
    window = Window.objects.create(region=county, number="05", name="民政窗口")
    window.departments.set([dept])
    empty = Window.objects.create(region=county, number="06", name="民政窗口二")
    empty.departments.set([dept])
    at_window = item_factory(region=county, department=dept, code="MZ-1", name="婚姻登记")
    at_window.windows.set([window])
    item_factory(region=county, department=dept, code="MZ-2", name="社会救助")
    clerk = window_clerk("mz_clerk", county, window)
    Authorization.objects.create(staff=clerk, power="accept", department=dept, valid_from=date(2024, 1, 1))
    Authorization.objects.create(staff=clerk, power="decide", department=dept, item=at_window,
                                 valid_from=date(2024, 1, 1))
    Authorization.objects.create(staff=clerk, power="decide", department=dept, valid_from=date(2024, 1, 1),
                                 valid_until=date(2025, 1, 1))  # expired: covers nothing
    rows = {r.department: r for r in selectors.four_in_place(county, day=date(2026, 9, 28))}
    assert "未进驻部门" not in rows
    assert rows["民政局"].windows == ("05", "06")
    assert rows["民政局"].gaps == {"窗口": (), "事项": ("社会救助：未进驻窗口办理",), "授权": ("社会救助：未授权审批",),
                                   "人员": ("06 号窗口：无工作人员",)}


@pytest.mark.django_db
def test_the_page_is_for_administrators_and_supervisors(lobby):
    Department.objects.create(region=lobby.hall.county, code="MZJ", name="民政局", order=9)
    client = Client()
    client.force_login(lobby.admin.user)
    page = client.get("/staff/hall/in-place/")
    assert page.status_code == 200
    assert "民政局" in page.content.decode()
    assert "未设进驻窗口" in page.content.decode()
    client.force_login(lobby.clerk1.user)
    assert client.get("/staff/hall/in-place/").status_code == 403
