"""Fixtures of the calendar tests: a small region tree and staff with and without the right to publish.

Built with the models directly, so these tests depend only on the organization's tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from onewindow.organization.models import Posting, Region, Staff


@dataclass
class Tree:
    province: Region
    city: Region
    county: Region
    township: Region
    other_county: Region


def _region(code: str, name: str, level: int, parent: Region | None) -> Region:
    return Region.objects.create(code=code, name=name, level=level, parent=parent, has_center=level >= 3)


@pytest.fixture
def tree(db) -> Tree:
    province = _region("990000000000", "演示省", 1, None)
    city = _region("990100000000", "演示市", 2, province)
    county = _region("990121000000", "云溪县", 3, city)
    township = _region("990121100000", "城关镇", 4, county)
    other = _region("990122000000", "邻县", 3, city)
    return Tree(province, city, county, township, other)


def make_staff(username: str, region: Region, role: str | None = None, posted: Region | None = None) -> Staff:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, password=None)
    staff = Staff.objects.create(user=user, name=f"员工{username}", employee_number=f"E-{username}", region=region)
    if role is not None:
        Posting.objects.create(staff=staff, role=role, region=posted or region)
    return staff


@pytest.fixture
def county_admin(tree: Tree) -> Staff:
    """A center administrator of the county (reaches the county and its townships)."""
    return make_staff("admin", tree.county, "center_admin")


@pytest.fixture
def clerk(tree: Tree) -> Staff:
    """A window clerk of the county: may use the calculator, may not publish."""
    return make_staff("clerk", tree.county, "clerk")


@pytest.fixture
def admin_client(client, county_admin: Staff):
    client.force_login(county_admin.user, backend="onewindow.accounts.backends.UserBackend")
    return client


@pytest.fixture
def clerk_client(client, clerk: Staff):
    client.force_login(clerk.user, backend="onewindow.accounts.backends.UserBackend")
    return client


@pytest.fixture
def staff_factory(db):
    """``staff_factory(username, region, role=None, posted=None)`` → a staff member."""
    return make_staff
