"""The staff home and the organization page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from onewindow.organization.models import Authorization, BackupPost, Staff
from onewindow.organization.rules import ROLE_LABELS, Power, Role


def test_home_shows_who_i_am_my_roles_windows_and_grants(client, two_counties):
    me = two_counties.a
    clerk: Staff = me.staff[Role.CLERK]
    client.force_login(clerk.user)
    response = client.get("/staff/")
    assert response.status_code == 200
    body = response.content.decode()
    assert clerk.name in body
    assert clerk.employee_number in body
    assert ROLE_LABELS[Role.CLERK] in body
    assert response.context["roles"] == [ROLE_LABELS[Role.CLERK]]
    assert response.context["windows"] == [me.market_window]
    assert me.market_window.name in body
    assert [a.power for a in response.context["me"].authorizations] == [Power.ACCEPT.value]
    assert me.market.name in body


def test_home_lists_roles_of_every_posting_once(client, two_counties, staff_factory):
    from onewindow.organization.models import Posting

    org = two_counties
    staff = staff_factory(Role.REVIEWER, org.a.region, department=org.a.market)
    Posting.objects.create(staff=staff, role=Role.CHIEF_REPRESENTATIVE, region=org.a.region, department=org.a.civil)
    Posting.objects.create(staff=staff, role=Role.REVIEWER, region=org.a.region, department=org.a.civil)
    client.force_login(staff.user)
    roles = client.get("/staff/").context["roles"]
    assert roles == [ROLE_LABELS[Role.REVIEWER], ROLE_LABELS[Role.CHIEF_REPRESENTATIVE]]


def test_home_shows_ab_posts(client, two_counties):
    me = two_counties.a
    clerk, backup = me.staff[Role.CLERK], me.staff[Role.REVIEWER]
    BackupPost.objects.create(primary=clerk, backup=backup)
    client.force_login(clerk.user)
    page = client.get("/staff/")
    assert f"{backup.name} 是我的B岗" in page.content.decode()
    assert [p.backup for p in page.context["me"].backups] == [backup]
    assert page.context["me"].backing == []
    client.force_login(backup.user)
    page = client.get("/staff/")
    assert f"我是 {clerk.name} 的B岗" in page.content.decode()
    assert [p.primary for p in page.context["me"].backing] == [clerk]
    assert page.context["me"].backups == []


def test_expired_grant_is_shown_with_its_dates(client, two_counties):
    chief = two_counties.a.staff[Role.CHIEF_REPRESENTATIVE]
    Authorization.objects.create(staff=chief, power=Power.ACCEPT, department=two_counties.a.civil,
                                 valid_from=date(2021, 1, 1), valid_until=date(2021, 12, 31), document_number="授〔2021〕3号")
    client.force_login(chief.user)
    body = client.get("/staff/").content.decode()
    assert "2021-12-31" in body
    assert "授〔2021〕3号" in body


def _links(response) -> dict[str, str]:
    return {link.url: link.label for link in response.context["links"]}


def test_center_admin_gets_the_admin_link(client, two_counties):
    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    response = client.get("/staff/")
    assert "/admin/" in _links(response)
    assert reverse("workdays:publish") in _links(response)
    assert 'href="/admin/"' in response.content.decode()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.CENTER_ADMIN])
def test_other_roles_get_no_admin_link(client, two_counties, role):
    client.force_login(two_counties.a.user(role))
    response = client.get("/staff/")
    links = _links(response)
    assert "/admin/" not in links
    assert "/staff/organization/" in links
    assert reverse("workdays:calculator") in links
    assert reverse("workdays:publish") not in links  # publishing the calendar is the administrators' job
    assert 'href="/admin/"' not in response.content.decode()


def test_links_point_only_to_pages_that_exist(client, two_counties):
    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    for url in _links(client.get("/staff/")):
        assert client.get(url).status_code == 200, url


def test_account_without_staff_record_gets_a_clear_page(client, db, django_user_model):
    citizen = django_user_model.objects.create_user("citizen", password="Citizen-pass-1")
    client.force_login(citizen)
    for url in ["/staff/", "/staff/organization/"]:
        response = client.get(url)
        assert response.status_code == 403
        assert response.templates[0].name == "workbench/not_staff.html"
        assert "citizen" in response.content.decode()


def test_superuser_without_staff_record_sees_the_not_staff_page_not_a_crash(client, db, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="Root-pass-123")
    client.force_login(root)
    assert client.get("/staff/organization/").status_code == 403


def test_organization_page_lists_windows_with_kind_and_departments(client, two_counties):
    me = two_counties.a
    client.force_login(me.user(Role.SUPERVISOR))
    response = client.get("/staff/organization/")
    body = response.content.decode()
    assert "综合窗口" in body  # the kind label (model choices), and the window's name
    assert f"{me.market.name}、{me.civil.name}" in body
    for staff in me.staff.values():
        assert staff.name in body


def test_login_page_redirects_when_already_logged_in(client, two_counties):
    client.force_login(two_counties.a.user(Role.CLERK))
    response = client.get("/staff/login/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
