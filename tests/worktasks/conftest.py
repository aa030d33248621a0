"""The hall of tests/cases plus the people of a plan and a campaign (see helpers)."""

from __future__ import annotations

import pytest

from tests.cases.helpers import Hall

from .helpers import People, build_people


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(hall: Hall) -> People:
    return build_people(hall)
