"""The hall of tests/cases plus the people of the feedback loop: the county's center administrator
(dispatcher, hotline desk), its supervisor, and the neighbouring county's administrator."""

from __future__ import annotations

import pytest

from onewindow.organization.rules import Role
from tests.cases.helpers import Hall, hall_staff


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(hall: Hall):
    class P:
        admin = hall_staff("center_admin", hall.county, None, Role.CENTER_ADMIN)
        supervisor = hall_staff("supervisor", hall.county, None, Role.SUPERVISOR)
        other_admin = hall_staff("other_admin", hall.other_county, None, Role.CENTER_ADMIN)

    return P
