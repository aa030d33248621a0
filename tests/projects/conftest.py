"""The hall of tests/cases plus the people and joint item of a major project (see helpers)."""

from __future__ import annotations

import pytest

from tests.cases.helpers import Hall

from .helpers import World, build_world


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(hall: Hall) -> World:
    return build_world(hall)
