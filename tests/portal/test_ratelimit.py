"""The public rate limiter: a fixed window per client address and view, 429 with Retry-After."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory

from onewindow.portal import ratelimit
from onewindow.portal.ratelimit import Rate, check, client_address


@pytest.fixture
def limit(settings):
    def set_rate(rate: str | None, **more: object) -> None:
        settings.ONEWINDOW = {**settings.ONEWINDOW, "PUBLIC_RATE_LIMIT": rate, **more}
    return set_rate


def test_the_search_page_answers_429_after_the_limit(client, db, limit):
    # given a limit of three searches a minute
    limit("3/m")
    # when one client searches four times
    statuses = [client.get("/search/", {"q": "结婚"}).status_code for _ in range(4)]
    # then the fourth is refused, with a Chinese page and the seconds to wait
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/search/", {"q": "结婚"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.content.decode()
    assert "请求过于频繁" in body
    assert '<html lang="zh-hans">' in body
    # another client is not affected
    assert client.get("/search/", {"q": "结婚"}, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_json_clients_get_the_api_error_shape(client, db, limit):
    limit("1/m")
    client.get("/search/")
    refused = client.get("/search/", HTTP_ACCEPT="application/json")
    assert refused.status_code == 429
    error = json.loads(refused.content)["error"]
    assert error["code"] == "rate_limited"
    assert "秒后再试" in error["message"]


def test_views_count_separately_and_the_window_resets(db, limit):
    limit("2/m")
    rate = Rate(2, 60)
    at = 1_000_040.0  # 20 s into the window that starts at 1 000 020 (a multiple of 60)
    assert [check("a", "1.2.3.4", rate, at=at).allowed for _ in range(3)] == [True, True, False]
    assert check("b", "1.2.3.4", rate, at=at).allowed
    refused = check("a", "1.2.3.4", rate, at=at + 1)
    assert not refused.allowed
    assert refused.retry_after == 39
    assert check("a", "1.2.3.4", rate, at=at + 40).allowed  # the next window


def test_no_limit_when_switched_off(client, db, limit):
    limit(None)
    assert {client.get("/search/").status_code for _ in range(70)} == {200}


def test_a_malformed_rule_is_a_configuration_error(db, limit):
    limit("sixty a minute")
    with pytest.raises(ImproperlyConfigured):
        ratelimit.configured_rate()
    with pytest.raises(SystemCheckError):
        call_command("check")


def test_the_client_address_honours_only_trusted_proxies(settings):
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_address(spoofed) == "10.0.0.1"
    settings.ONEWINDOW = {**settings.ONEWINDOW, "TRUSTED_PROXIES": 1}
    behind_nginx = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(behind_nginx) == "203.0.113.7"
    v6 = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="2001:db8:1:2:3:4:5:6")
    assert client_address(v6) == "2001:db8:1:2::/64"
    mapped = factory.get("/", REMOTE_ADDR="::ffff:192.0.2.1")
    settings.ONEWINDOW = {**settings.ONEWINDOW, "TRUSTED_PROXIES": 0}
    assert client_address(mapped) == "192.0.2.1"
