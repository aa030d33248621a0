"""The staff pages: deadline calculator, publishing a year, a year's grid and local days."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from onewindow.workdays import selectors
from onewindow.workdays.models import CalendarDay, PublishedYear

pytestmark = pytest.mark.django_db

CALC = "/staff/calendar/"


def _cell(html: str, day: str) -> str:
    """The <td> of one day in the month grids."""
    match = re.search(rf'<td class="([^"]*)" data-date="{day}"[^>]*>(.*?)</td>', html, re.S)
    assert match, f"no cell for {day}"
    return match.group(1) + " | " + match.group(2)


def test_the_urls_are_where_the_lead_expects_them():
    assert reverse("workdays:calculator") == CALC
    assert reverse("workdays:publish") == "/staff/calendar/publish/"
    assert reverse("workdays:year", args=[2026]) == "/staff/calendar/2026/"


def test_the_calculator_needs_a_login(client):
    response = client.get(CALC)
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_the_calculator_shows_due_date_explanation_and_a_grid_with_the_holiday_marked(clerk_client):
    # when a clerk asks for 5 working days after Friday 2026-02-13
    response = clerk_client.get(CALC, {"start": "2026-02-13", "workdays": "5", "region": ""})
    # then the due date, the explanation and the months are shown
    assert response.status_code == 200
    html = response.content.decode()
    assert '<time datetime="2026-02-27">2026-02-27</time>' in html
    assert "2月14日（周六）为调休上班日，计入期限。" in html
    # the Spring Festival is marked off, the make-up Saturday counted as working day 1, the due day marked
    assert "k-holiday" in _cell(html, "2026-02-17")
    assert "春节" in _cell(html, "2026-02-17")
    assert "k-makeup_workday counted" in _cell(html, "2026-02-14")
    assert "#1" in _cell(html, "2026-02-14")
    assert "start" in _cell(html, "2026-02-13")
    assert "due" in _cell(html, "2026-02-27")
    assert "#5" in _cell(html, "2026-02-27")
    assert "k-weekend" in _cell(html, "2026-02-08")
    # the form keeps what was asked, and htmx swaps only the result
    assert 'value="2026-02-13"' in html
    assert 'hx-target="#deadline-result"' in html


def test_the_calculator_answers_htmx_with_the_result_only(clerk_client):
    response = clerk_client.get(CALC, {"start": "2026-09-30", "workdays": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="deadline-result"')
    assert "<html" not in html
    assert '<time datetime="2026-10-08">' in html


def test_the_calculator_defaults_to_the_staff_members_region(clerk_client, tree):
    html = clerk_client.get(CALC).content.decode()
    assert f'<option value="{tree.county.code}" selected>' in html


def test_the_calculator_shows_errors_not_a_500(clerk_client):
    response = clerk_client.get(CALC, {"start": "2026-02-13", "workdays": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "工作日数须为正整数" in html
    assert 'aria-invalid="true"' in html
    response = clerk_client.get(CALC, {"start": "nonsense", "workdays": "3", "region": "990199000000"})
    assert response.status_code == 400
    assert "无法识别" in response.content.decode()
    # htmx gets a 200 so that it swaps the message in
    response = clerk_client.get(CALC, {"start": "2026-02-13", "workdays": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "工作日数须为正整数" in response.content.decode()


def test_the_calculator_warns_about_provisional_results(clerk_client):
    html = clerk_client.get(CALC, {"start": "2026-12-20", "workdays": "10"}).content.decode()
    assert 'class="warn"' in html
    assert "2027 年的节假日安排尚未公布" in html


# --- publishing a year ------------------------------------------------------------------------


PUBLISH = "/staff/calendar/publish/"
FORM = {
    "year": "2027",
    "notice": "国务院办公厅关于2027年部分节假日安排的通知",
    "holidays": "2027-01-01..2027-01-03 元旦\n2027-02-06..2027-02-14 春节\n",
    "makeup_workdays": "2027-02-20 春节调休\n",
}


def test_a_clerk_cannot_open_the_publish_page(clerk_client):
    assert clerk_client.get(PUBLISH).status_code == 403
    assert clerk_client.post(PUBLISH, FORM | {"action": "publish"}).status_code == 403
    assert not PublishedYear.objects.filter(year=2027).exists()


def test_an_administrator_previews_then_publishes(admin_client):
    assert admin_client.get(PUBLISH).status_code == 200
    # when previewing
    response = admin_client.post(PUBLISH, FORM | {"action": "preview"})
    html = response.content.decode()
    # then twelve months are shown with the new days marked, and nothing is saved yet
    assert response.status_code == 200
    assert html.count('<table class="month">') == 12
    assert "k-holiday" in _cell(html, "2027-02-10")
    assert "k-makeup_workday" in _cell(html, "2027-02-20")
    assert 'value="publish"' in html
    assert not PublishedYear.objects.filter(year=2027).exists()
    # when publishing
    response = admin_client.post(PUBLISH, FORM | {"action": "publish"})
    assert response.status_code == 302
    assert response["Location"] == "/staff/calendar/2027/"
    assert PublishedYear.objects.get(year=2027).days.count() == 13
    assert not selectors.snapshot_for(None).is_workday(date(2027, 2, 10))


def test_the_publish_page_shows_line_numbered_problems(admin_client):
    bad = FORM | {"holidays": "2027-01-01..2027-01-03 元旦\n2027-02-31 春节\n", "makeup_workdays": "2027-02-22 调休\n",
                  "action": "publish"}
    response = admin_client.post(PUBLISH, bad)
    html = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行：日期“2027-02-31”无法识别" in html
    assert "第 1 行：调休上班日 2027-02-22 是星期一" in html
    assert not PublishedYear.objects.filter(year=2027).exists()


def test_publishing_a_published_year_needs_replace(admin_client):
    form = FORM | {"year": "2026", "holidays": "2026-01-01..2026-01-03 元旦\n", "makeup_workdays": ""}
    response = admin_client.post(PUBLISH, form | {"action": "publish"})
    assert response.status_code == 400
    assert "2026 年的节假日安排已于" in response.content.decode()
    response = admin_client.post(PUBLISH, form | {"action": "publish", "replace": "on"})
    assert response.status_code == 302
    assert CalendarDay.objects.filter(published_year__year=2026).count() == 3


# --- the year page and local days ------------------------------------------------------------


def test_the_year_page_shows_the_published_calendar(clerk_client):
    response = clerk_client.get("/staff/calendar/2026/", {"region": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<table class="month">') == 12
    assert "国务院办公厅关于2026年部分节假日安排的通知" in html
    assert "k-makeup_workday" in _cell(html, "2026-10-10")
    assert "k-holiday" in _cell(html, "2026-10-01")


def test_an_unpublished_year_is_shown_as_provisional(clerk_client):
    html = clerk_client.get("/staff/calendar/2028/").content.decode()
    assert 'class="warn"' in html
    assert "k-workday" in _cell(html, "2028-01-03")


def test_an_administrator_adds_and_removes_a_local_day(admin_client, tree):
    response = admin_client.post(reverse("workdays:override_add"),
                                 {"region": tree.county.code, "day": "2026-03-13", "kind": "holiday", "name": "县庆"})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/calendar/2026/?region={tree.county.code}"
    html = admin_client.get(response["Location"]).content.decode()
    assert "k-holiday" in _cell(html, "2026-03-13")
    assert "县庆" in html
    assert not selectors.snapshot_for(tree.county.code).is_workday(date(2026, 3, 13))
    admin_client.post(reverse("workdays:override_remove"), {"region": tree.county.code, "day": "2026-03-13"})
    assert selectors.snapshot_for(tree.county.code).is_workday(date(2026, 3, 13))


def test_a_refused_local_day_is_a_message_not_an_error_page(clerk_client, tree):
    response = clerk_client.post(reverse("workdays:override_add"),
                                 {"region": tree.county.code, "day": "2026-03-13", "kind": "holiday", "name": "x"},
                                 follow=True)
    assert response.status_code == 200
    assert "发布工作日历" in response.content.decode()
    assert selectors.snapshot_for(tree.county.code).is_workday(date(2026, 3, 13))


def test_the_admin_shows_the_calendar_read_only(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password=None)
    client.force_login(admin, backend="onewindow.accounts.backends.UserBackend")
    response = client.get("/admin/workdays/calendarchange/")
    assert response.status_code == 200
    assert "全国工作日历" in response.content.decode()
    assert client.get("/admin/workdays/calendarday/add/").status_code == 403
