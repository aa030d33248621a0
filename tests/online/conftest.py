"""Online tests use the cases' county (``hall`` of tests/conftest.py: one committed item with three materials and a
clerk who may accept), and register applicants the real way: a code requested through the
service, read on the phone it was texted to (:class:`PhoneSender`: the outbox keeps no code),
used to register."""

from __future__ import annotations

import pytest

from onewindow.online import services
from tests.notifications.sending import HERE, PhoneSender

from .helpers import OTHER_ID, SOMEONE_ELSE, register


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    settings.ONEWINDOW_KEY_DIR = tmp_path / "keys"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _phones(settings):
    """SMS go to :class:`PhoneSender`'s inbox, the applicants' phones."""
    PhoneSender.inbox = []
    settings.ONEWINDOW = {**settings.ONEWINDOW, "SENDERS": {"sms": f"{HERE}.PhoneSender"}}


@pytest.fixture
def me(hall):
    return register()


@pytest.fixture
def someone_else(hall):
    return register(SOMEONE_ELSE, name="李四", id_number=OTHER_ID)


@pytest.fixture
def my_client(client, me):
    client.force_login(me, backend=services.LOGIN_BACKEND)
    return client
