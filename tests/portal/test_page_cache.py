"""The public pages' cache (core/pagecache.py): an anonymous visitor's home, search, guide and
published results are kept for the configured period; nobody gets another visitor's CSRF token, a
signed-in visitor always gets a fresh page, a search that found nothing is logged each time, and a
catalog publication shows at once."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onewindow.catalog.models import ServiceItem
from onewindow.catalog.review_services import item_record_change
from onewindow.portal.models import SearchLog

from .helpers import MARRIAGE, SOLE_TRADER, parse

PAGES = ["/", f"/items/{SOLE_TRADER}/", "/search/?q=营业执照", "/online/results/"]


@pytest.fixture
def kept(settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "PUBLIC_PAGE_SECONDS": 60}


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as q:
        response = client.get(url)
    assert response.status_code == 200
    return len(q.captured_queries), response.content.decode()


def _token(body: str) -> str:
    return next(attrs["value"] for tag, attrs in parse(body).tags
                if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken")


@pytest.mark.parametrize("url", PAGES)
def test_a_public_page_is_served_from_the_cache_the_second_time(loaded, kept, url):
    first, body = _queries(Client(), url)
    second, again = _queries(Client(), url)
    assert first > 0
    assert second == 0
    # the same page, but for its CSRF token
    assert again.replace(_token(again), "") == body.replace(_token(body), "")


@pytest.mark.parametrize("url", PAGES)
def test_without_the_setting_every_page_is_rendered(loaded, url):
    _queries(Client(), url)
    again, _ = _queries(Client(), url)
    assert again > 0


def test_each_visitor_gets_a_csrf_token_of_their_own_that_works(loaded, kept):
    first = Client(enforce_csrf_checks=True)
    body = first.get("/").content.decode()
    other = Client(enforce_csrf_checks=True)
    response = other.get("/")
    kept_body = response.content.decode()
    token = _token(kept_body)
    assert "\x00" not in kept_body
    assert token != _token(body)
    assert "csrftoken" in response.cookies  # the cookie that goes with the token, as on a rendered page
    # the language form of the kept page posts with the visitor's own token
    posted = other.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
    assert posted.status_code == 302
    # and another visitor's token is refused, as always
    stranger = Client(enforce_csrf_checks=True)
    stranger.get(f"/items/{SOLE_TRADER}/")
    assert stranger.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": _token(body)}).status_code == 403


def test_a_signed_in_visitor_always_gets_a_fresh_page(loaded, kept):
    _queries(Client(), "/")
    staff = Client()
    staff.force_login(get_user_model().objects.get(username="clerk"))
    count, body = _queries(staff, "/")
    assert count > 0
    assert 'action="/staff/logout/"' in body


def test_the_language_is_part_of_the_key(loaded, kept):
    chinese = Client().get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in chinese
    assert 'lang="en"' in english


def test_a_search_that_finds_nothing_is_logged_at_each_asking(loaded, kept):
    for _ in range(3):
        assert Client().get("/search/", {"q": "火星移民"}).status_code == 200
    assert SearchLog.objects.get().count == 3


def test_a_catalog_change_shows_at_once(loaded, kept, django_capture_on_commit_callbacks):
    marriage = ServiceItem.objects.get(implementation_code=MARRIAGE)
    name = marriage.current_version.name
    _, before = _queries(Client(), "/")
    assert name in before
    assert _queries(Client(), "/")[0] == 0
    with django_capture_on_commit_callbacks(execute=True):
        item_record_change(item_id=marriage.pk, actor=None, kind="cancelled", effective_on=date(2026, 6, 1),
                           basis="云政发〔2026〕8号")
    count, after = _queries(Client(), "/")
    assert count > 0
    assert name not in after
