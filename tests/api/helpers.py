"""Helpers of the API tests: who calls the API in the fuzzing (tests/api/test_schemathesis.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from onewindow.accounts.services import api_token_issue
from onewindow.core.timesource import now
from onewindow.online.models import ApplicantProfile
from onewindow.online.services import LOGIN_BACKEND

# The demo's staff logins the fuzzing calls as: every role of 云溪县, and 青禾县’s clerk.
STAFF_LOGINS = ("clerk", "reviewer", "chief", "admin", "supervisor", "agent", "qh.clerk")


def _session_cookies(user: Any) -> dict[str, str]:
    client = Client()
    client.force_login(user, backend=LOGIN_BACKEND)
    return {name: morsel.value for name, morsel in client.cookies.items()}


def make_callers() -> dict[str, dict[str, Any]]:
    """Tokens of the demo's staff logins (both counties), an applicant's session, and nobody."""
    callers: dict[str, dict[str, Any]] = {
        login: {"headers": {"Authorization": f"Bearer {api_token_issue(username=login).token}"}}
        for login in STAFF_LOGINS
    }
    applicant = get_user_model().objects.create_user(username="applicant-13900000009", password=None)
    ApplicantProfile.objects.create(user=applicant, phone="13900000009", phone_verified_at=now(), created_at=now())
    callers["applicant"] = {"cookies": _session_cookies(applicant)}
    callers["anonymous"] = {}
    return callers
