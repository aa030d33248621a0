"""Issue 13, defect 5: enumeration and guessing.

Each answer that could tell an outsider whether something exists (another county's staff, a
registered phone) is the same for "exists" and "does not exist"; each thing that can be guessed
(certificate numbers, passwords across user names) is rate limited per client address, in a cache
shared by every worker process.
"""

from __future__ import annotations

import pytest

from onewindow.cases import services as s
from onewindow.core.errors import DomainError
from tests.cases.helpers import accepted_case as accepted
from tests.cases.helpers import at

pytestmark = pytest.mark.django_db


def _reassign_error(hall, assignee_id: int) -> DomainError:
    case = accepted(hall)
    with pytest.raises(DomainError) as exc:
        s.case_reassign_task(case_id=case.id, actor=hall.chief, stage_order=2, assignee_id=assignee_id,
                             at=at(2026, 9, 30))
    return exc.value


def test_reassigning_to_another_countys_staff_answers_not_found_like_a_missing_id(hall):
    other_county = _reassign_error(hall, hall.outsider.id)
    missing = _reassign_error(hall, 987654321)
    assert (other_county.status, other_county.as_dict()) == (missing.status, missing.as_dict())
    assert other_county.status == 404
    assert other_county.field == "assignee"
    assert hall.outsider.name not in other_county.message


def test_a_colleague_of_the_same_county_still_gets_the_reason(hall):
    error = _reassign_error(hall, hall.clerk.id)
    assert error.code == "task.assignee_ineligible"
    assert hall.clerk.name in error.message


@pytest.fixture
def limit(settings):
    """``limit("3/m")``: the public rate limit (PUBLIC_RATE_LIMIT) for this test, with an empty cache."""
    from django.core.cache import cache

    cache.clear()

    def configure(rule: str) -> None:
        settings.ONEWINDOW = {**settings.ONEWINDOW, "PUBLIC_RATE_LIMIT": rule}

    yield configure
    cache.clear()


def test_the_certificate_page_is_rate_limited_together_with_the_api(client, limit):
    limit("3/m")
    assert client.get("/verify/YX-2026-000001").status_code == 200
    assert client.get("/verify/YX-2026-000002").status_code == 200
    # The API counts in the same bucket, and a made-up X-Forwarded-For does not open a new one.
    api = client.get("/api/v1/certificates/verify", {"number": "YX-2026-000003"}, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert api.status_code == 200
    page = client.get("/verify/YX-2026-000004")
    assert page.status_code == 429
    assert int(page["Retry-After"]) >= 1
    api = client.get("/api/v1/certificates/verify", {"number": "YX-2026-000005"}, HTTP_X_FORWARDED_FOR="10.9.9.8")
    assert api.status_code == 429
    assert api.json()["error"]["code"] == "rate_limited"


# --- password spraying: a limit per address across user names ----------------------------------

LOGIN = "/staff/login/"


@pytest.fixture
def address_limit(settings):
    from django.core.cache import cache

    cache.clear()

    def configure(rule: str) -> None:
        settings.ONEWINDOW = {**settings.ONEWINDOW, "LOGIN_ADDRESS_LIMIT": rule}

    yield configure
    cache.clear()


def test_password_spraying_across_user_names_is_stopped_per_address(client, two_counties, address_limit):
    address_limit("5/15m")
    users = ["a_clerk", "a_reviewer", "b_clerk", "b_reviewer", "a_supervisor"]
    for name in users:  # one wrong password each: far below the per-user lockout
        assert client.post(LOGIN, {"username": name, "password": "Spring2026!"}).status_code == 200
    # The address has used its budget: even a right password is refused from it, with the lockout page.
    blocked = client.post(LOGIN, {"username": "a_chief_representative", "password": two_counties.password})
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "workbench/locked_out.html" in [t.name for t in blocked.templates]
    assert "本地址登录失败次数过多" in blocked.content.decode()
    # Another address is not affected.
    other = client.post(LOGIN, {"username": "a_chief_representative", "password": two_counties.password},
                        REMOTE_ADDR="192.0.2.50")
    assert other.status_code == 302


def test_the_admin_login_counts_in_the_same_budget(client, two_counties, address_limit):
    address_limit("3/15m")
    for name in ("a_clerk", "b_clerk", "a_reviewer"):
        client.post("/admin/login/", {"username": name, "password": "wrong-password-1"})
    assert client.post(LOGIN, {"username": "a_center_admin", "password": two_counties.password}).status_code == 429


def test_axes_and_the_address_limit_read_the_client_behind_the_trusted_proxy(client, two_counties, settings,
                                                                            address_limit):
    from axes.models import AccessAttempt

    address_limit("2/15m")
    settings.ONEWINDOW = {**settings.ONEWINDOW, "TRUSTED_PROXIES": 1}
    for name in ("a_clerk", "b_clerk"):
        client.post(LOGIN, {"username": name, "password": "wrong"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    # The proxy's own address (REMOTE_ADDR) is shared by every client: another client behind it may log in.
    ok = client.post(LOGIN, {"username": "a_center_admin", "password": two_counties.password},
                     HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert ok.status_code == 302


# --- the limits live in a cache every worker process shares -------------------------------------


DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "onewindow_cache"}}


def test_the_rate_limit_counts_live_in_the_database_cache_every_worker_shares(client, limit, settings):
    from django.db import connection

    settings.CACHES = DATABASE_CACHE  # production's default (the suite runs with a memory cache)
    limit("2/m")
    assert [client.get(f"/verify/YX-2026-00000{n}").status_code for n in range(3)] == [200, 200, 429]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM onewindow_cache")
        assert cursor.fetchone()[0] >= 1


def _settings_under(env: dict[str, str]) -> dict:
    import json
    import os
    import subprocess
    import sys
    import tempfile

    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "ONEWINDOW_CACHE", "DEBUG",
                                                               "ONEWINDOW_TESTING"}}
    clean.update({"ONEWINDOW_VAR_DIR": tempfile.mkdtemp(), "DJANGO_SETTINGS_MODULE": "onewindow.settings", **env})
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            "print(json.dumps({'cache': s.CACHES['default']['BACKEND'], 'axes_ip': s.AXES_CLIENT_IP_CALLABLE}))")
    out = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_settings_choose_a_shared_cache_from_the_environment():
    assert _settings_under({})["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert _settings_under({"REDIS_URL": "redis://127.0.0.1:6379/0"})["cache"] == \
        "django.core.cache.backends.redis.RedisCache"
    assert _settings_under({})["axes_ip"] == "onewindow.portal.ratelimit.client_ip"
