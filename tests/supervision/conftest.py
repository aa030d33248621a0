"""The hall of tests/cases (云溪县 with one committed and one instant item, the ``hall`` fixture of
tests/conftest.py), plus the people who watch it: a county supervisor, a center administrator, a
supervisor of the neighbouring county and one of the city above both.

Case histories are built with the case services at fixed past moments (tests/cases/helpers.py);
sweeps then run at chosen ``now`` values (tests/supervision/helpers.py).
"""

from __future__ import annotations

import pytest

from onewindow.organization.models import Region
from onewindow.organization.rules import Role
from tests.cases.helpers import Hall, hall_staff


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The fixture's logins never log in with a password here: skip Argon2's cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def watchers(hall: Hall):
    """supervisor / admin of 云溪县, supervisor of 邻水县, supervisor of 演示市 (sees both)."""
    city = Region.objects.get(code="990100000000")

    class W:
        supervisor = hall_staff("supervisor", hall.county, None, Role.SUPERVISOR)
        admin = hall_staff("center_admin", hall.county, None, Role.CENTER_ADMIN)
        other_supervisor = hall_staff("other_supervisor", hall.other_county, None, Role.SUPERVISOR)
        city_supervisor = hall_staff("city_supervisor", city, None, Role.SUPERVISOR)

    return W
