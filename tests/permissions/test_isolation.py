"""Region isolation: staff of county A (云溪县), in every role, can neither see nor change county B
(邻水县) through the web, the admin or the API — and B's staff likewise cannot reach A."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import reverse

from onewindow.accounts.services import api_token_issue
from onewindow.organization.models import Department, Region, Staff, Window
from onewindow.organization.rules import Role
from onewindow.organization.scoped_admin import RegionScopedAdmin

ROLES = list(Role)
SIDES = [("a", "b"), ("b", "a")]


def _sides(org, mine: str, theirs: str):
    return getattr(org, mine), getattr(org, theirs)


def _prefix(county) -> str:
    return county.region.code[:6]


# --- the web ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mine", "theirs"), SIDES)
@pytest.mark.parametrize("role", ROLES)
def test_organization_page_shows_only_my_regions(client, two_counties, role, mine, theirs):
    me, other = _sides(two_counties, mine, theirs)
    client.force_login(me.user(role))
    response = client.get("/staff/organization/")
    assert response.status_code == 200
    shown = (list(response.context["departments"]) + list(response.context["windows"])
             + list(response.context["staff_members"]))
    # then nothing of the other county is listed, nor any row outside my county
    assert shown, "the page must list at least the staff member themself"
    assert all(row.region.code.startswith(_prefix(me)) for row in shown)
    body = response.content.decode()
    assert other.region.name not in body
    assert all(s.name not in body for s in other.staff.values())
    assert other.market.name not in body
    # and I see myself
    assert me.staff[role].name in body


@pytest.mark.parametrize("role", [Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE, Role.CENTER_ADMIN,
                                  Role.SUPERVISOR])
def test_county_staff_see_their_county_departments_and_windows(client, two_counties, role):
    me = two_counties.a
    client.force_login(me.user(role))
    context = client.get("/staff/organization/").context
    assert set(context["departments"]) == {me.market, me.civil}
    assert set(context["windows"]) == {me.general_window, me.market_window}
    assert set(me.staff.values()) <= set(context["staff_members"])


def test_proxy_agent_sees_only_their_township(client, two_counties):
    me = two_counties.a
    client.force_login(me.user(Role.PROXY_AGENT))
    context = client.get("/staff/organization/").context
    assert list(context["departments"]) == []
    assert list(context["windows"]) == []
    assert list(context["staff_members"]) == [me.staff[Role.PROXY_AGENT]]


def test_city_supervisor_sees_both_counties(client, two_counties, staff_factory):
    supervisor = staff_factory(Role.SUPERVISOR, two_counties.city)
    client.force_login(supervisor.user)
    context = client.get("/staff/organization/").context
    assert {d.region for d in context["departments"]} == {two_counties.a.region, two_counties.b.region}


@pytest.mark.parametrize("role", ROLES)
def test_organization_page_has_no_write_path(client, two_counties, role):
    client.force_login(two_counties.a.user(role))
    before = model_to_dict(two_counties.b.market)
    response = client.post("/staff/organization/", {"name": "被篡改"})
    assert response.status_code == 405
    assert model_to_dict(Department.objects.get(pk=two_counties.b.market.pk)) == before


# --- the admin ----------------------------------------------------------------------------------


def _scoped_admins() -> list[tuple[type, RegionScopedAdmin]]:
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()
            if isinstance(model_admin, RegionScopedAdmin)]


def _rows_of(model: type, model_admin: RegionScopedAdmin, county) -> list:
    if model is Region:
        return list(Region.objects.filter(code__startswith=_prefix(county)))
    return list(model._default_manager.filter(
        **{f"{model_admin.region_field}__code__startswith": _prefix(county)}))


def _url(model: type, view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


MASTER_DATA = {Region, Department, Window, Staff}


def test_organization_master_data_is_region_scoped_in_the_admin():
    scoped = {model for model, _ in _scoped_admins()}
    assert scoped >= MASTER_DATA


@pytest.mark.parametrize(("mine", "theirs"), SIDES)
def test_center_admin_changelists_show_only_their_county(client, two_counties, mine, theirs):
    me, other = _sides(two_counties, mine, theirs)
    client.force_login(me.user(Role.CENTER_ADMIN))
    for model, model_admin in _scoped_admins():
        response = client.get(_url(model, "changelist"))
        if response.status_code == 403 and model not in MASTER_DATA:
            continue  # a screen reached only from another (e.g. item versions) lists nothing
        assert response.status_code == 200, model
        listed = list(response.context["cl"].queryset)
        theirs_rows = _rows_of(model, model_admin, other)
        assert not set(listed) & set(theirs_rows), model
        assert set(listed) == set(_rows_of(model, model_admin, me)), model


@pytest.mark.parametrize(("mine", "theirs"), SIDES)
def test_center_admin_cannot_open_or_change_the_other_county(client, two_counties, mine, theirs):
    me, other = _sides(two_counties, mine, theirs)
    client.force_login(me.user(Role.CENTER_ADMIN))
    checked = 0
    for model, model_admin in _scoped_admins():
        for obj in _rows_of(model, model_admin, other):
            before = model_to_dict(obj)
            view = client.get(_url(model, "change", obj.pk))
            assert view.status_code in (302, 403, 404), (model, obj)
            if view.status_code == 302:  # Django's "doesn't exist, perhaps it was deleted" → admin index
                assert view["Location"] == reverse("admin:index")
            edit = client.post(_url(model, "change", obj.pk), {"name": "被篡改", "is_present": "on"})
            assert edit.status_code in (302, 403, 404)
            delete = client.post(_url(model, "delete", obj.pk), {"post": "yes"})
            assert delete.status_code in (302, 403, 404)
            assert model_to_dict(model._default_manager.get(pk=obj.pk)) == before, (model, obj)
            checked += 1
    assert checked >= 6  # regions, departments, windows, staff of the other county at least


def test_center_admin_can_open_their_own_county(client, two_counties):
    me = two_counties.a
    client.force_login(me.user(Role.CENTER_ADMIN))
    assert client.get(_url(Department, "change", me.market.pk)).status_code == 200
    assert client.get(_url(Staff, "change", me.staff[Role.CLERK].pk)).status_code == 200


@pytest.mark.parametrize("role", [r for r in ROLES if r != Role.CENTER_ADMIN])
def test_other_roles_get_no_admin(client, two_counties, role):
    user = two_counties.a.user(role)
    client.force_login(user)
    # without Django's is_staff flag: sent to the admin's own login page
    for url in [reverse("admin:index"), _url(Department, "changelist"),
                _url(Department, "change", two_counties.a.market.pk)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    # even with is_staff set by mistake, no screen of the organization opens
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    for model, _model_admin in _scoped_admins():
        assert client.get(_url(model, "changelist")).status_code == 403, model
    assert client.get(_url(Department, "change", two_counties.a.market.pk)).status_code in (302, 403)
    before = model_to_dict(two_counties.a.market)
    client.post(_url(Department, "change", two_counties.a.market.pk), {"name": "被篡改"})
    assert model_to_dict(Department.objects.get(pk=two_counties.a.market.pk)) == before
    index = client.get(reverse("admin:index"))
    assert index.context["app_list"] == []


def test_center_admin_cannot_reach_the_login_table(client, two_counties):
    # The user table would show every county's accounts and let one grant is_superuser.
    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    other_user = two_counties.b.user(Role.CLERK)
    assert client.get(reverse("admin:accounts_user_change", args=[other_user.pk])).status_code in (302, 403)


# --- the API -----------------------------------------------------------------------------------

LISTS = ["/api/v1/organization/departments", "/api/v1/organization/windows", "/api/v1/organization/staff"]


@pytest.mark.parametrize(("mine", "theirs"), SIDES)
@pytest.mark.parametrize("role", ROLES)
def test_api_token_reads_only_my_regions(client, two_counties, role, mine, theirs):
    me, other = _sides(two_counties, mine, theirs)
    token = api_token_issue(username=me.user(role).username).token
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    total = 0
    for url in LISTS:
        body = client.get(url, **auth).json()
        codes = {row["region"]["code"] for row in body["items"]}
        assert all(code.startswith(_prefix(me)) for code in codes), (url, codes)
        total += body["count"]
        # asking for the other county by its code gives nothing, not its data
        asked = client.get(url, {"region": other.region.code}, **auth).json()
        assert asked == {"items": [], "count": 0}, url
    assert total >= 1  # at least the staff member themself
    me_body = client.get("/api/v1/organization/me", **auth).json()
    assert me_body["roles"] == [role.value]


@pytest.mark.parametrize("role", ROLES)
def test_session_reads_only_my_regions(client, two_counties, role):
    client.force_login(two_counties.a.user(role))
    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 200
        assert all(row["region"]["code"].startswith("990121") for row in response.json()["items"]), url


def test_api_lists_give_my_whole_county(client, two_counties):
    me = two_counties.a
    client.force_login(me.user(Role.CLERK))
    departments = client.get(LISTS[0]).json()
    assert {d["name"] for d in departments["items"]} == {me.market.name, me.civil.name}
    windows = client.get(LISTS[1]).json()["items"]
    general = next(w for w in windows if w["number"] == "01")
    assert general["kind"] == "general"
    assert general["kind_label"] == "综合窗口"
    assert {d["code"] for d in general["departments"]} == {"SCJG", "MZJ"}
    staff = client.get(LISTS[2]).json()
    assert {s["employee_number"] for s in staff["items"]} == {s.employee_number for s in me.staff.values()}
    assert staff["count"] == len(me.staff)  # one per role
