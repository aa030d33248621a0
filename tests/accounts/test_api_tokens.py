"""API tokens: issued once, stored as a SHA-256 digest, refused when expired, revoked or unknown."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from onewindow.accounts import services
from onewindow.accounts.models import ApiToken
from onewindow.core import timesource
from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.organization.rules import Role

ME = "/api/v1/organization/me"


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_issued_token_is_stored_only_as_its_digest(two_counties):
    issued = services.api_token_issue(username="a_clerk", name="叫号系统")
    record = ApiToken.objects.get(pk=issued.record.pk)
    assert issued.token.startswith("ow_")
    assert len(issued.token) >= 40
    assert record.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token[:10] == record.prefix
    stored = [str(v) for v in ApiToken.objects.filter(pk=record.pk).values().get().values()]
    assert issued.token not in stored


def test_two_tokens_differ(two_counties):
    first = services.api_token_issue(username="a_clerk")
    second = services.api_token_issue(username="a_clerk")
    assert first.token != second.token


def test_token_authenticates_as_its_staff_member(client, two_counties):
    issued = services.api_token_issue(username="a_clerk")
    response = client.get(ME, **bearer(issued.token))
    assert response.status_code == 200
    assert response.json()["username"] == "a_clerk"
    assert ApiToken.objects.get(pk=issued.record.pk).last_used_at is not None


@pytest.mark.parametrize("header", [None, "Bearer ow_unknown-token-000000000000000000000000000000",
                                    "Bearer ", "Basic YTpi", "Bearer not-even-our-format"])
def test_missing_or_unknown_token_is_401_in_the_error_shape(client, two_counties, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get(ME, **extra)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthenticated", "message": "请先登录或提供有效的访问令牌",
                                         "field": None}}


def test_expired_token_is_refused(client, two_counties):
    issued = services.api_token_issue(username="a_clerk", days=1, at=timesource.now() - timedelta(days=2))
    assert client.get(ME, **bearer(issued.token)).status_code == 401


def test_token_works_until_it_expires(two_counties):
    issued = services.api_token_issue(username="a_clerk", days=30)
    expiry = issued.record.expires_at
    assert services.api_token_use(token=issued.token, at=expiry - timedelta(seconds=1)) is not None
    assert services.api_token_use(token=issued.token, at=expiry) is None


def test_revoked_token_is_refused(client, two_counties):
    issued = services.api_token_issue(username="a_clerk")
    assert client.get(ME, **bearer(issued.token)).status_code == 200
    services.api_token_revoke(token_id=issued.record.pk)
    assert client.get(ME, **bearer(issued.token)).status_code == 401


def test_revoking_twice_keeps_the_first_time(two_counties):
    issued = services.api_token_issue(username="a_clerk")
    first = services.api_token_revoke(token_id=issued.record.pk).revoked_at
    again = services.api_token_revoke(token_id=issued.record.pk).revoked_at
    assert first == again is not None


def test_token_of_a_deactivated_account_is_refused(client, two_counties):
    issued = services.api_token_issue(username="a_clerk")
    user = two_counties.a.user(Role.CLERK)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(ME, **bearer(issued.token)).status_code == 401


def test_bad_token_does_not_fall_back_to_the_session(client, two_counties):
    client.force_login(two_counties.a.user(Role.CLERK))
    assert client.get(ME).status_code == 200
    assert client.get(ME, **bearer("ow_wrong")).status_code == 401


def test_only_staff_get_tokens(two_counties, django_user_model):
    django_user_model.objects.create_user("citizen", password="x-Long-enough-1")
    with pytest.raises(DomainError) as refused:
        services.api_token_issue(username="citizen")
    assert refused.value.code == "api_token.not_staff"
    with pytest.raises(DomainError) as missing:
        services.api_token_issue(username="nobody")
    assert missing.value.code == "user.not_found"


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_days_out_of_range_are_refused(two_counties, days):
    with pytest.raises(DomainError) as refused:
        services.api_token_issue(username="a_clerk", days=days)
    assert refused.value.field == "days"


def test_only_the_owner_or_an_administrator_over_them_manages_tokens(two_counties):
    org = two_counties
    clerk_a = org.a.staff[Role.CLERK]
    assert services.api_token_issue(username="a_clerk", actor=clerk_a).record.user_id == clerk_a.user_id
    assert services.api_token_issue(username="a_clerk", actor=org.a.staff[Role.CENTER_ADMIN])
    with pytest.raises(PermissionDenied):
        services.api_token_issue(username="a_clerk", actor=org.b.staff[Role.CENTER_ADMIN])
    with pytest.raises(PermissionDenied):
        services.api_token_issue(username="a_clerk", actor=org.a.staff[Role.SUPERVISOR])
    issued = services.api_token_issue(username="a_clerk")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(token_id=issued.record.pk, actor=org.b.staff[Role.CENTER_ADMIN])
    assert ApiToken.objects.get(pk=issued.record.pk).revoked_at is None


def test_command_prints_the_token_once_and_it_works(client, two_counties):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "a_supervisor", "--name", "大屏", "--days", "7", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert token.startswith("ow_")
    assert "\n" not in token
    assert token not in err.getvalue()
    record = ApiToken.objects.get()
    assert record.name == "大屏"
    assert timedelta(days=6, hours=23) < record.expires_at - record.created_at <= timedelta(days=7)
    assert client.get(ME, **bearer(token)).json()["username"] == "a_supervisor"


def test_command_reports_an_unknown_user_in_chinese(two_counties):
    with pytest.raises(CommandError, match="登录名 ghost 不存在"):
        call_command("create_api_token", "ghost", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_tokens_are_listed_and_revoked_by_superusers_only_in_the_admin(client, two_counties, django_user_model):
    issued = services.api_token_issue(username="a_clerk", name="叫号系统")
    changelist = "/admin/accounts/apitoken/"
    client.force_login(two_counties.a.user(Role.CENTER_ADMIN))
    assert client.get(changelist).status_code == 403
    client.force_login(django_user_model.objects.create_superuser("root", password="Root-pass-123"))
    listing = client.get(changelist)
    assert listing.status_code == 200
    assert issued.record.prefix in listing.content.decode()
    assert issued.token not in listing.content.decode()
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    client.post(changelist, {"action": "revoke", "_selected_action": [issued.record.pk]})
    assert ApiToken.objects.get(pk=issued.record.pk).revoked_at is not None
