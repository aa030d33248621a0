"""The appraisal pages: staff pages (summary, forms, refusals as 4xx with the message) and the
public ones (answering with a code or the open link, the exposure board, the commitments)."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.appraisal import services
from onewindow.appraisal.models import Campaign, Response
from onewindow.organization.rules import Role

from .helpers import window_campaign

pytestmark = pytest.mark.django_db


def test_an_administrator_sets_up_a_campaign_and_issues_codes(client, two_counties):
    county = two_counties.a
    client.force_login(county.user(Role.CENTER_ADMIN))
    bad = client.post("/staff/appraisal/campaigns/", {"region": county.region.pk, "title": "评议", "subject_kind": "window",
                                                      "opens_on": "2026-11-01", "closes_on": "2026-10-01",
                                                      "questions": "服务态度|5"})
    assert bad.status_code == 400
    assert "截止日不能早于开始日" in bad.content.decode()
    assert 'aria-invalid="true"' in bad.content.decode()
    created = client.post("/staff/appraisal/campaigns/", {
        "region": county.region.pk, "title": "窗口评议", "subject_kind": "window", "opens_on": "2026-11-01",
        "closes_on": "2026-11-30", "questions": "服务态度|5\n办事效率", "open_link": "1"})
    campaign = Campaign.objects.get()
    assert created.status_code == 302
    assert campaign.questions.count() == 2
    client.post(f"/staff/appraisal/campaigns/{campaign.pk}/open/")
    page = client.post(f"/staff/appraisal/campaigns/{campaign.pk}/codes/", {"kind": "citizen", "count": "3"})
    assert page.status_code == 200
    assert page.content.decode().count("<li><code>") == 3
    refused = client.post(f"/staff/appraisal/campaigns/{campaign.pk}/codes/", {"kind": "citizen", "count": "x"})
    assert refused.status_code == 400
    listing = client.get("/staff/appraisal/campaigns/")
    assert "共 1 次评议；评议中 1" in listing.content.decode()


def test_a_citizen_answers_with_a_code_and_through_the_open_link(client, two_counties):
    county = two_counties.a
    campaign = window_campaign(county, open_link=True)
    (code,) = services.campaign_issue_codes(by=county.staff[Role.CENTER_ADMIN], campaign_id=campaign.pk,
                                            kind="enterprise", count=1)
    q1, q2 = campaign.questions.order_by("order")
    assert client.get("/appraisal/", {"code": "WRONG"}).status_code == 400
    form = client.get("/appraisal/", {"code": code})
    assert "服务态度" in form.content.decode()
    missing = client.post("/appraisal/", {"code": code, "subject": county.market_window.pk, f"q{q1.pk}": "5"})
    assert missing.status_code == 400
    assert "第 2 题请在 1 至 5 分之间评分" in missing.content.decode()
    done = client.post("/appraisal/", {"code": code, "subject": county.market_window.pk, f"q{q1.pk}": "5",
                                       f"q{q2.pk}": "4"})
    assert 'data-testid="done"' in done.content.decode()
    again = client.post("/appraisal/", {"code": code, "subject": county.market_window.pk, f"q{q1.pk}": "5",
                                        f"q{q2.pk}": "4"})
    assert again.status_code == 409
    opened = client.post(f"/appraisal/open/{campaign.open_token}/", {
        "kind": "citizen", "subject": county.general_window.pk, f"q{q1.pk}": "1", f"q{q2.pk}": "2"})
    assert opened.status_code == 200
    assert Response.objects.count() == 2
    assert client.get("/appraisal/open/nothing-here/").status_code == 404


def test_the_open_link_is_rate_limited(client, two_counties, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "PUBLIC_RATE_LIMIT": "2/m"}
    campaign = window_campaign(two_counties.a, open_link=True)
    codes = [client.get(f"/appraisal/open/{campaign.open_token}/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_others_are_refused_and_other_counties_campaigns_not_found(client, two_counties):
    campaign = window_campaign(two_counties.a)
    client.force_login(two_counties.a.user(Role.SUPERVISOR))
    assert client.get(f"/staff/appraisal/campaigns/{campaign.pk}/").status_code == 200
    assert client.post(f"/staff/appraisal/campaigns/{campaign.pk}/close/").status_code == 403
    assert client.post("/staff/appraisal/commitments/", {"action": "publish"}).status_code == 403
    client.force_login(two_counties.b.user(Role.CENTER_ADMIN))
    assert client.get(f"/staff/appraisal/campaigns/{campaign.pk}/").status_code == 404
    assert client.post(f"/staff/appraisal/campaigns/{campaign.pk}/close/").status_code == 404
    client.force_login(two_counties.a.user(Role.CLERK))
    assert client.get("/staff/appraisal/campaigns/").status_code == 200


def test_the_exposure_board_shows_the_persons_reply(client, two_counties):
    county = two_counties.a
    clerk = county.staff[Role.CLERK]
    client.force_login(county.user(Role.CENTER_ADMIN))
    client.post("/staff/appraisal/exposures/", {
        "action": "record", "region": county.region.pk, "title": "窗口人员上班时间玩手机",
        "facts": "暗访发现窗口人员上班时间玩手机", "basis": "窗口考核办法第十二条", "occurred_on": "2026-11-12",
        "staff": clerk.pk})
    from onewindow.appraisal.models import Exposure

    exposure = Exposure.objects.get()
    no_basis = client.post("/staff/appraisal/exposures/", {"action": "record", "region": county.region.pk,
                                                           "title": "t", "facts": "f", "occurred_on": "2026-11-12",
                                                           "staff": clerk.pk})
    assert no_basis.status_code == 400
    assert 'data-code="basis_missing"' in no_basis.content.decode()
    assert "玩手机" not in client.get("/exposure/").content.decode()
    client.post("/staff/appraisal/exposures/", {"action": "publish", "exposure": exposure.pk})
    client.force_login(county.user(Role.CLERK))
    mine = client.get("/staff/appraisal/exposures/")
    assert "我的答复" in mine.content.decode()
    assert "查看并答复" in client.get("/staff/appraisal/diary/").content.decode()
    client.post("/staff/appraisal/exposures/", {"action": "reply", "exposure": exposure.pk, "reply": "已整改，接受批评"})
    board = client.get("/exposure/", {"region": county.region.code}).content.decode()
    assert "暗访发现窗口人员上班时间玩手机" in board
    assert "已整改，接受批评" in board


def test_commitments_training_and_diary_pages(client, two_counties):
    county = two_counties.a
    client.force_login(county.user(Role.CENTER_ADMIN))
    client.post("/staff/appraisal/commitments/", {"action": "publish", "region": county.region.pk,
                                                  "department": county.market.pk, "content": "承诺件提前 5 个工作日办结",
                                                  "published_on": "2026-01-01"})
    assert "承诺件提前 5 个工作日办结" in client.get("/commitments/").content.decode()
    roster = client.get("/staff/appraisal/training/").content.decode()
    assert "未完成岗前培训" in roster
    refused = client.post("/staff/appraisal/training/", {"region": county.region.pk, "action": "training",
                                                         "staff": county.staff[Role.CLERK].pk, "kind": "pre_post",
                                                         "title": "岗前培训", "completed_on": "2026-01-05",
                                                         "hours": "-1"})
    assert refused.status_code == 400
    client.force_login(county.user(Role.CLERK))
    page = client.get("/staff/appraisal/diary/").content.decode()
    assert "未完成岗前培训" in page
    wrong = client.post("/staff/appraisal/diary/", {"day": "2099-01-01", "content": "x"})
    assert wrong.status_code == 400
    client.force_login(county.user(Role.REVIEWER))
    assert "无需填写工作日记" in client.get("/staff/appraisal/diary/").content.decode()
    assert client.post("/staff/appraisal/diary/", {"day": date.today().isoformat(), "content": "x"}).status_code == 403


def test_the_lists_filter(client, two_counties):
    county = two_counties.a
    admin = county.staff[Role.CENTER_ADMIN]
    for title in ("甲", "乙"):
        services.exposure_record(by=admin, region_id=county.region.pk, title=f"曝光{title}", facts="事实",
                                 basis="第十二条", occurred_on=date(2026, 11, 1), window_id=county.market_window.pk)
    from onewindow.appraisal.models import Exposure

    services.exposure_publish(by=admin, exposure_id=Exposure.objects.get(title="曝光甲").pk)
    client.force_login(county.user(Role.SUPERVISOR))
    page = client.get("/staff/appraisal/exposures/", {"state": "draft"}).content.decode()
    assert "共 2 条；已曝光 1；待发布 1" in page
    assert "曝光乙" in page
    assert "曝光甲" not in page
    assert client.get("/staff/appraisal/awards/", {"kind": "rotating_flag"}).status_code == 200
