"""A county organization for the catalog tests, built directly with the ORM.

云溪县 (990121000000) has the departments the sample catalog names (MZJ, SCJ, WJW) and windows
01 and 03; 邻水县 (990122000000) is another county. Staff: a center administrator, a second one
who reviews (法制审核) and a clerk of 云溪县, and a center administrator of 邻水县.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from django.contrib.auth import get_user_model

from onewindow.organization.models import Department, Posting, Region, Staff, Window
from onewindow.organization.rules import RegionLevel, Role

from .helpers import SAMPLE


@dataclass
class CatalogOrg:
    county: Region
    other_county: Region
    admin: Staff
    clerk: Staff
    other_admin: Staff
    legal: Staff  # a second center administrator of 云溪县: the legal reviewer (法制审核)


def _staff(username: str, region: Region, role: Role) -> Staff:
    user = get_user_model().objects.create(username=username, full_name=username, is_staff=True)
    staff = Staff.objects.create(user=user, name=username, employee_number=f"E-{username}", region=region)
    Posting.objects.create(staff=staff, role=role.value, region=region)
    return staff


@pytest.fixture
def catalog_org(db) -> CatalogOrg:
    """The organization rows the sample catalog refers to."""
    county = Region.objects.create(code="990121000000", name="云溪县", level=RegionLevel.COUNTY, has_center=True)
    other = Region.objects.create(code="990122000000", name="邻水县", level=RegionLevel.COUNTY, has_center=True)
    for order, (code, name) in enumerate([("MZJ", "云溪县民政局"), ("SCJ", "云溪县市场监督管理局"),
                                          ("WJW", "云溪县卫生健康委员会")], start=1):
        Department.objects.create(region=county, code=code, name=name, order=order)
    Department.objects.create(region=other, code="SCJ", name="邻水县市场监督管理局")
    Window.objects.create(region=county, number="01", name="综合窗口", kind=Window.Kind.GENERAL)
    Window.objects.create(region=county, number="03", name="民政窗口")
    Window.objects.create(region=other, number="01", name="综合窗口", kind=Window.Kind.GENERAL)
    return CatalogOrg(county=county, other_county=other, admin=_staff("yx_admin", county, Role.CENTER_ADMIN),
                      clerk=_staff("yx_clerk", county, Role.CLERK),
                      other_admin=_staff("ls_admin", other, Role.CENTER_ADMIN),
                      legal=_staff("yx_legal", county, Role.CENTER_ADMIN))


@pytest.fixture
def sample_data() -> dict[str, Any]:
    """The sample catalog as a fresh dict (tests may change it)."""
    return copy.deepcopy(_SAMPLE_DATA)


_SAMPLE_DATA = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
