"""A small organization built through the services: one county with two departments and windows."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.hashers import make_password

from onewindow.organization import services
from onewindow.organization.models import Department, Region, Staff, Window


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One Argon2 hash shared by the fixtures' accounts (hashing costs ~0.1 s each)."""
    return make_password("fixture-password-1")


@dataclass
class County:
    province: Region
    city: Region
    county: Region
    other_county: Region
    gsj: Department
    mzj: Department
    other_dept: Department
    general: Window
    gsj_window: Window
    password_hash: str

    def staff(self, username: str, *, region: Region | None = None, department: str | None = None) -> Staff:
        return services.staff_create(username=username, password=None, password_hash=self.password_hash,
                                     name=f"员工{username}", employee_number=f"E-{username}",
                                     region_code=(region or self.county).code, department_code=department)


@pytest.fixture
def org(db, password_hash) -> County:
    province = services.region_ensure(code="990000000000", name="演示省")
    city = services.region_ensure(code="990100000000", name="演示市")
    county = services.region_ensure(code="990121000000", name="云溪县", has_center=True)
    other = services.region_ensure(code="990122000000", name="邻县", has_center=True)
    gsj = services.department_ensure(region_code=county.code, code="GSJ", name="云溪县工商局")
    mzj = services.department_ensure(region_code=county.code, code="MZJ", name="云溪县民政局")
    other_dept = services.department_ensure(region_code=other.code, code="GSJ", name="邻县工商局")
    general = services.window_ensure(region_code=county.code, number="01", name="综合窗口", kind="general",
                                     department_codes=["GSJ", "MZJ"])
    gsj_window = services.window_ensure(region_code=county.code, number="02", name="工商局窗口",
                                        department_codes=["GSJ"])
    return County(province, city, county, other, gsj, mzj, other_dept, general, gsj_window, password_hash)


@pytest.fixture
def county_admin(org: County) -> Staff:
    admin = org.staff("admin")
    services.posting_add(staff=admin, role="center_admin", region_code=org.county.code)
    return admin
