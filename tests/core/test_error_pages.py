"""The error pages with DEBUG off: styled, in Chinese (the site's base template), never Django's
English defaults nor its "set DEBUG=True" hint."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import include, path

from tests.offline import assert_served_from_here

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("boom")


def _suspicious(request):
    raise SuspiciousOperation("bad")


def _denied(request):
    raise PermissionDenied


urlpatterns = [
    path("test-errors/500/", _boom),
    path("test-errors/400/", _suspicious),
    path("test-errors/403/", _denied),
    path("", include("onewindow.urls")),
]


def _assert_site_page(html: str, title: str) -> None:
    assert f'<h1 id="error-title">{title}</h1>' in html
    assert "/static/core/site.css" in html  # the project's base template, its own stylesheet
    assert 'href="/"' in html  # a way back
    assert "DEBUG" not in html
    assert "Not Found" not in html
    assert "Server Error" not in html
    assert_served_from_here(html)


def test_an_unknown_address_gets_the_sites_404_in_chinese(client, settings):
    assert settings.DEBUG is False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    _assert_site_page(response.content.decode(), "页面不存在")


def test_a_failed_csrf_check_says_what_to_do_in_chinese(settings):
    response = Client(enforce_csrf_checks=True).post("/online/login/", {"phone": "13800000000"})
    assert response.status_code == 403
    html = response.content.decode()
    _assert_site_page(html, "页面已过期，请重新提交")
    assert "刷新后重新提交" in html


@pytest.mark.parametrize(("status", "title"), [(500, "系统暂时出现故障"), (400, "请求有误"), (403, "无权访问")])
def test_errors_of_a_view_get_the_sites_pages(settings, status, title):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get(f"/test-errors/{status}/")
    assert response.status_code == status
    _assert_site_page(response.content.decode(), title)


def test_the_english_ui_gets_english_error_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/no/such/page/").content.decode()
    assert "Page not found" in html
