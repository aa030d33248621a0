"""The openness tests stand on ``two_counties`` (tests/conftest.py): 云溪县's market department
receives the requests; its clerk registers post and in-person requests, its reviewer handles them,
its chief representative approves extensions."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
