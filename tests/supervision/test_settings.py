"""A center administrator sets the center's supervision settings on a staff page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.organization.rules import Role
from onewindow.supervision import selectors as sel
from onewindow.supervision import services as sv
from onewindow.supervision.models import SupervisionSettings
from onewindow.supervision.rules import RULES, Code

pytestmark = pytest.mark.django_db
URL = "/staff/supervision/settings/"


def _save(two_counties, *, who=Role.CENTER_ADMIN, county="a", region=None, **overrides):
    org = getattr(two_counties, county)
    values = {"enabled_rules": [Code.PROMISED_NEAR, Code.PROMISED_OVERDUE], "yellow_share": "0.80",
              "min_cases_for_ranking": "10", "order_reply_workdays": "3"}
    values.update(overrides)
    return sv.settings_save(actor=org.staff[who], region_code=region or org.region.code, **values)


def test_a_center_admin_sets_the_centers_settings_and_its_townships_follow(two_counties):
    row = _save(two_counties)
    assert row.enabled_rules == [Code.PROMISED_NEAR, Code.PROMISED_OVERDUE]
    assert (row.yellow_share, row.min_cases_for_ranking, row.order_reply_workdays) == (Decimal("0.80"), 10, 3)
    assert row.updated_by == two_counties.a.staff[Role.CENTER_ADMIN]
    township = sel.settings_page(two_counties.a.staff[Role.CENTER_ADMIN], two_counties.a.township.code)
    assert township.own is None
    assert township.inherited_from == two_counties.a.region
    assert township.config.yellow_share == Decimal("0.80")
    assert not township.config.is_enabled(Code.STAGE_OVERDUE)
    # saving again updates the one row
    _save(two_counties, yellow_share="0.75")
    assert SupervisionSettings.objects.get(region=two_counties.a.region).yellow_share == Decimal("0.75")
    # and a reset lets the county follow the defaults again
    sv.settings_reset(actor=two_counties.a.staff[Role.CENTER_ADMIN], region_code=two_counties.a.region.code)
    assert not SupervisionSettings.objects.exists()
    assert sel.settings_page(two_counties.a.staff[Role.CENTER_ADMIN]).config.enabled == frozenset(RULES)


@pytest.mark.parametrize("who", [Role.SUPERVISOR, Role.CLERK, Role.CHIEF_REPRESENTATIVE])
def test_only_a_center_admin_may_set_them(two_counties, who):
    with pytest.raises(PermissionDenied) as caught:
        _save(two_counties, who=who)
    assert caught.value.code == "forbidden.supervision.settings"
    assert not SupervisionSettings.objects.exists()


def test_not_in_another_county_nor_a_region_without_a_center(two_counties):
    with pytest.raises(PermissionDenied):
        _save(two_counties, region=two_counties.b.region.code)
    with pytest.raises(NotFound) as caught:
        _save(two_counties, region=two_counties.city.code)  # the city has no center here
    assert caught.value.field == "region"
    assert not SupervisionSettings.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"yellow_share": "1"}, "yellow_share"), ({"yellow_share": "0"}, "yellow_share"),
    ({"yellow_share": "0.905"}, "yellow_share"), ({"yellow_share": "九成"}, "yellow_share"),
    ({"yellow_share": "nan"}, "yellow_share"),
    ({"min_cases_for_ranking": "0"}, "min_cases_for_ranking"), ({"min_cases_for_ranking": "x"}, "min_cases_for_ranking"),
    ({"order_reply_workdays": "31"}, "order_reply_workdays"), ({"order_reply_workdays": ""}, "order_reply_workdays"),
    ({"enabled_rules": ["promised_near", "no_such_rule"]}, "enabled_rules"),
])
def test_bad_values_are_refused_naming_the_field_and_nothing_is_saved(two_counties, overrides, field):
    with pytest.raises(DomainError) as caught:
        _save(two_counties, **overrides)
    assert caught.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)
    assert not SupervisionSettings.objects.exists()


def test_the_page_shows_saves_and_refuses(client, two_counties):
    admin = two_counties.a.staff[Role.CENTER_ADMIN]
    client.force_login(admin.user)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "电子监察设置" in text
    assert "默认设置" in text
    assert 'value="0.90"' in text
    # a bad share: the page says which field, keeps what was typed, saves nothing
    bad = client.post(URL, {"region": two_counties.a.region.code, "rules": ["promised_near"], "yellow_share": "1.5",
                            "min_cases_for_ranking": "20", "order_reply_workdays": "5"})
    assert bad.status_code == 400
    assert 'data-field="yellow_share"' in bad.content.decode()
    assert 'value="1.5"' in bad.content.decode()
    assert not SupervisionSettings.objects.exists()
    saved = client.post(URL, {"region": two_counties.a.region.code, "rules": ["promised_near"], "yellow_share": "0.6",
                              "min_cases_for_ranking": "20", "order_reply_workdays": "5"}, follow=True)
    assert saved.status_code == 200
    assert "已保存" in saved.content.decode()
    assert SupervisionSettings.objects.get(region=two_counties.a.region).yellow_share == Decimal("0.60")
    # the township's page says whose settings apply there
    township = client.get(URL, {"region": two_counties.a.township.code}).content.decode()
    assert two_counties.a.region.name in township
    # another county's center is not this admin's
    assert client.get(URL, {"region": two_counties.b.region.code}).status_code == 404


def test_the_page_and_its_link_are_for_center_admins_only(client, two_counties):
    client.force_login(two_counties.a.staff[Role.SUPERVISOR].user)
    assert client.get(URL).status_code == 403
    assert URL not in client.get("/staff/supervision/").content.decode()
    client.force_login(two_counties.a.staff[Role.CENTER_ADMIN].user)
    assert URL in client.get("/staff/supervision/").content.decode()


def test_a_reset_asks_for_the_re_timing_of_the_open_cases_at_the_next_tick(two_counties, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from onewindow.core.timesource import now
    from onewindow.tasks.models import PeriodicJob

    _save(two_counties)
    job = PeriodicJob.objects.create(name=sv.REFRESH_YELLOW_JOB, next_run_at=now() + timedelta(minutes=9))
    with django_capture_on_commit_callbacks(execute=True):
        sv.settings_reset(actor=two_counties.a.staff[Role.CENTER_ADMIN], region_code=two_counties.a.region.code)
    job.refresh_from_db()
    assert job.next_run_at <= now()
