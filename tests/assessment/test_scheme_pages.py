"""The scheme pages: a center administrator lists, defines and versions schemes; bad input is
refused with a Chinese message naming the field, nothing written; a period is scored with the
version in force on its last day."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.assessment.models import Scheme
from onewindow.assessment.rules import SubjectKind
from onewindow.assessment.services import ManualEntry, assessment_score
from onewindow.organization.rules import Role

from .helpers import D, scheme_post


def admin_client(client, county):
    client.force_login(county.staff[Role.CENTER_ADMIN].user)
    return client


def test_the_administrator_defines_a_scheme_through_the_form(two_counties, client):
    county = two_counties.a
    admin_client(client, county)
    page = client.get("/staff/assessment/schemes/new/").content.decode()
    assert "制定考核方案" in page
    assert "window_overdue_cases" in page
    answer = client.post("/staff/assessment/schemes/new/", scheme_post(county))
    scheme = Scheme.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/staff/assessment/schemes/{scheme.pk}/"
    assert (scheme.base, scheme.cap, scheme.effective_from) == (D(100), D(110), date(2026, 1, 1))
    assert [(i.code, i.label, i.points, i.source, i.minimum_sample, i.shared_by_chief)
            for i in scheme.items.order_by("id")] == [
        ("overdue", "超承诺时限办结", D(-5), "window_overdue_cases", 3, True),
        ("d2", "归档不规范", D(-1), "", 0, False),
        ("praise", "群众书面表扬", D(1), "", 0, False)]
    assert sorted((b.grade, b.low, b.high) for b in scheme.bands.all()) == [
        ("excellent", D(95), D(110)), ("fail", D(0), D(60)), ("good", D(85), D(95)), ("pass", D(60), D(85))]
    detail = client.get(f"/staff/assessment/schemes/{scheme.pk}/").content.decode()
    assert "超承诺时限办结" in detail
    assert "人工录入" in detail
    assert "以此为底制定新版本" in detail


@pytest.mark.parametrize("change, field, words", [
    ({"band-excellent-low": "90"}, "bands", "重叠"),
    ({"band-excellent-low": "96"}, "bands", "空档"),
    ({"band-fail-low": "", "band-fail-high": ""}, "bands", "覆盖 0 至封顶分"),
    ({"band-good-high": "abc"}, "band-good-high", "“良好”分数段上限须为数字"),
    ({"d-0-points": "五"}, "d-0-points", "扣分项目第 1 行的每次分值须为数字"),
    ({"d-0-points": "-5"}, "d-0-points", "扣分项目第 1 行：每次扣分须为正数"),
    ({"d-0-points": "5.125"}, "items", "最多两位小数"),
    ({"d-0-points": "1e9"}, "items", "绝对值小于 10000"),
    ({"d-1-label": ""}, "d-1-label", "扣分项目第 2 行：请填写项目名称"),
    ({"d-0-minimum_sample": "x"}, "d-0-minimum_sample", "最小样本须为不小于 0 的整数"),
    ({"d-0-source": "staff_red_warnings"}, "source", "不适用于该考核对象"),
    ({"d-1-minimum_sample": "3"}, "items", "不是比率类项目"),
    ({"b-0-shared_by_chief": "1", "b-0-points": "1"}, None, None),  # a bonus row has no share column: ignored
    ({"base": "120"}, "cap", "基础分须大于 0 且不超过封顶分"),
    ({"cap": "NaN"}, "cap", "封顶分须为数字"),
    ({"effective_from": "2026-13-01"}, "effective_from", "生效日期须为日期"),
    ({"name": ""}, "name", "请填写方案名称"),
    ({"name": "名" * 129}, "name", "不能超过 128 个字符"),
    ({"d-0-code": "超期"}, "items", "代码"),
    ({"d-0-code": "praise"}, "items", "代码重复"),
    ({"subject_kind": "planet"}, "subject_kind", "考核对象须为"),
])
def test_bad_input_is_refused_naming_the_field(two_counties, client, change, field, words):
    county = two_counties.a
    admin_client(client, county)
    answer = client.post("/staff/assessment/schemes/new/", scheme_post(county, **change))
    if field is None:
        assert answer.status_code == 302
        return
    page = answer.content.decode()
    assert answer.status_code == 400, page
    assert words in page
    assert 'data-testid="scheme-error"' in page
    if field not in ("items", "bands", "source", "cap", "name", "effective_from", "subject_kind"):
        assert f'name="{field}"' in page
        assert 'aria-invalid="true"' in page
    assert not Scheme.objects.exists()
    # What was typed is shown again.
    assert "超承诺时限办结" in page or change.get("d-0-label") == ""


def test_a_new_version_starts_from_the_last_and_the_list_names_the_one_in_force(two_counties, client):
    county = two_counties.a
    admin_client(client, county)
    client.post("/staff/assessment/schemes/new/", scheme_post(county))
    first = Scheme.objects.get()
    form = client.get(f"/staff/assessment/schemes/new/?from={first.pk}").content.decode()
    assert 'value="超承诺时限办结"' in form
    assert 'value="window_overdue_cases" selected' in form
    assert 'name="effective_from" type="date" value=""' in form
    same_day = client.post("/staff/assessment/schemes/new/", scheme_post(county))
    assert same_day.status_code == 409
    assert "同一生效日期已有该方案的版本" in same_day.content.decode()
    client.post("/staff/assessment/schemes/new/", scheme_post(county, effective_from="2026-11-01", **{"b-0-points": "2"}))
    assert Scheme.objects.count() == 2
    listing = client.get("/staff/assessment/schemes/").content.decode()
    assert listing.count('data-testid="in-force"') == 1
    assert "已被替代" in listing


def test_who_sees_and_who_defines(two_counties, client):
    county = two_counties.a
    admin_client(client, county)
    client.post("/staff/assessment/schemes/new/", scheme_post(county))
    scheme = Scheme.objects.get()
    client.force_login(county.staff[Role.CHIEF_REPRESENTATIVE].user)
    assert "超承诺时限办结" in client.get(f"/staff/assessment/schemes/{scheme.pk}/").content.decode()
    assert client.get("/staff/assessment/schemes/new/").status_code == 403
    assert client.post("/staff/assessment/schemes/new/", scheme_post(county, effective_from="2026-12-01")).status_code == 403
    client.force_login(county.staff[Role.CLERK].user)
    assert client.get(f"/staff/assessment/schemes/{scheme.pk}/").status_code == 404
    assert "共 0 类方案" in client.get("/staff/assessment/schemes/").content.decode()
    client.force_login(two_counties.b.staff[Role.CENTER_ADMIN].user)
    assert client.get(f"/staff/assessment/schemes/{scheme.pk}/").status_code == 404
    # Another county's administrator cannot slip their form into this county.
    answer = client.post("/staff/assessment/schemes/new/", scheme_post(county, effective_from="2026-12-01"))
    assert answer.status_code == 400
    assert "只能在您担任中心管理员的区划制定方案" in answer.content.decode()
    assert Scheme.objects.count() == 1


def test_a_period_is_scored_with_the_version_in_force_on_its_last_day(two_counties, client):
    county = two_counties.a
    admin_client(client, county)
    client.post("/staff/assessment/schemes/new/", scheme_post(county))
    # The new version takes over on 30 November: November (last day 30 Nov) is scored with it,
    # October (last day 31 Oct) with the first.
    client.post("/staff/assessment/schemes/new/", scheme_post(county, effective_from="2026-11-30",
                                                              **{"b-0-points": "2"}))
    old, new = Scheme.objects.order_by("effective_from")
    admin = county.staff[Role.CENTER_ADMIN]
    praise = [ManualEntry(county.market_window.id, "praise", 1)]
    october = assessment_score(by=admin, region=county.region, subject_kind=SubjectKind.WINDOW, period="2026-10",
                               manual=praise)
    november = assessment_score(by=admin, region=county.region, subject_kind=SubjectKind.WINDOW, period="2026-11",
                                manual=praise)
    assert (october.scheme, november.scheme) == (old, new)
    assert october.scores.get(subject_id=county.market_window.id).total == D(101)
    assert november.scores.get(subject_id=county.market_window.id).total == D(102)
