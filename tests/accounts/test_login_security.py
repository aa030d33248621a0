"""Passwords are hashed with Argon2; five failed logins lock the account (django-axes)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password

from onewindow.organization.rules import Role

LOGIN = "/staff/login/"


def login(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(two_counties, django_user_model):
    user = django_user_model.objects.create_user("newcomer", password="Plain-text-never-stored-1")
    stored = django_user_model.objects.get(pk=user.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert "Plain-text-never-stored-1" not in stored
    assert check_password("Plain-text-never-stored-1", stored)
    assert two_counties.a.user(Role.CLERK).password.startswith("argon2")


def test_argon2_parameters_are_the_halls_and_older_hashes_are_upgraded_at_login(client, two_counties):
    stored = two_counties.a.user(Role.CLERK).password
    assert "$v=19$m=19456,t=2,p=1$" in stored  # OWASP's first Argon2id setting (accounts/hashers.py)
    user = two_counties.a.user(Role.CLERK)
    user.password = Argon2PasswordHasher().encode(two_counties.password, Argon2PasswordHasher().salt())
    user.save(update_fields=["password"])
    assert "$m=102400,t=2,p=8$" in user.password  # Django's own parameters: still accepted
    assert login(client, "a_clerk", two_counties.password).status_code == 302
    user.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in user.password


def test_correct_password_logs_in_and_shows_the_workbench(client, two_counties):
    response = login(client, "a_clerk", two_counties.password)
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_wrong_password_shows_the_form_again_with_an_error(client, two_counties):
    response = login(client, "a_clerk", "wrong-password")
    assert response.status_code == 200
    assert response.templates[0].name == "workbench/login.html"
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(client, two_counties):
    for attempt in range(1, 5):
        assert login(client, "a_clerk", f"wrong-{attempt}").status_code == 200
    locked = login(client, "a_clerk", "wrong-5")
    assert locked.status_code == 429
    assert "workbench/locked_out.html" in [t.name for t in locked.templates]
    # the right password no longer helps
    again = login(client, "a_clerk", two_counties.password)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="a_clerk").exists()
    # until an administrator resets the lock
    reset(username="a_clerk")
    assert login(client, "a_clerk", two_counties.password).status_code == 302


def test_lock_is_per_user_name(client, two_counties):
    for attempt in range(5):
        login(client, "a_clerk", f"wrong-{attempt}")
    assert login(client, "a_reviewer", two_counties.password).status_code == 302


def test_success_resets_the_failure_count(client, two_counties):
    for attempt in range(4):
        login(client, "a_clerk", f"wrong-{attempt}")
    assert login(client, "a_clerk", two_counties.password).status_code == 302
    client.post("/staff/logout/")
    for attempt in range(4):
        assert login(client, "a_clerk", f"wrong-again-{attempt}").status_code == 200


def test_login_page_states_the_throttling_rule(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert response.context["failure_limit"] == 5
    assert response.context["lockout_minutes"] == 15


def test_logout_needs_a_post(client, two_counties):
    client.force_login(two_counties.a.user(Role.CLERK))
    assert client.get("/staff/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/staff/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_logout_is_csrf_protected(two_counties):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(two_counties.a.user(Role.CLERK))
    assert csrf_client.post("/staff/logout/").status_code == 403
    assert "_auth_user_id" in csrf_client.session


@pytest.mark.parametrize("path", ["/staff/", "/staff/organization/"])
def test_staff_pages_need_a_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/staff/login/?next={path}")


def test_inactive_account_cannot_log_in(client, two_counties):
    get_user_model().objects.filter(username="a_clerk").update(is_active=False)
    assert login(client, "a_clerk", two_counties.password).status_code == 200
    assert "_auth_user_id" not in client.session
