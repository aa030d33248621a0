"""Documents tests use the cases' county (``hall``, tests/conftest.py) and keep signing keys in the
test's tmp dir."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    settings.ONEWINDOW_KEY_DIR = tmp_path / "keys"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # ``hall`` makes six accounts; Argon2 would spend most of each test hashing their passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
