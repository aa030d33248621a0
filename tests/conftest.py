"""Shared fixtures.

``two_counties``: two sibling counties of one city, each with a township, two departments, a
general and a dedicated window, two published items and one staff member per role. ``hall``:
云溪县 with one committed and one instant item and the staff who handle them, the county of the
case, supervision, documents, online and page tests (built by :mod:`tests.cases.helpers`). Both
are built with the ORM directly, so these fixtures don't depend on the services under test.

Fixtures live in conftest.py files; plain helpers and constants in ``helpers.py`` modules. No
module imports a test module or a conftest.py (tests/test_hygiene.py holds that).

Log in with ``client.force_login(user)``: django-axes' backend needs the request, which
``client.login`` does not pass. To test the real login form, POST to ``/staff/login/`` with
:data:`FIXTURE_PASSWORD`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from onewindow.catalog.models import ServiceItem, ServiceItemVersion
from onewindow.core import caches
from onewindow.organization.models import Authorization, Department, Posting, Region, Staff, Window
from onewindow.organization.rules import Power, RegionLevel, Role
from tests.cases.helpers import Hall, build_hall

FIXTURE_PASSWORD = "Yunxi-fixture-2024"

# Property tests judge correctness, not speed: on a busy CI machine a slow draw or a slow example
# is not a failure (speed is measured in bench/).
hypothesis_settings.register_profile("onewindow", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("onewindow")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test's anchors' file copy with its own database (anchor ids are reused across tests).
    settings.ONEWINDOW = {**settings.ONEWINDOW, "ANCHOR_DIR": str(tmp_path / "anchors")}


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Each test starts and ends with nothing kept in process: each test's database has its own
    centers' settings and reuses ids (versions, calendar changes), and the rate limiters count in
    Django's cache. Every app registers the reset of its caches in ``core.caches``."""
    caches.reset_all()
    cache.clear()
    yield
    caches.reset_all()
    cache.clear()


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    """Browser tests run last: they are the slowest, and they flush the database (live_server)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# --- two counties ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fixture_password_hash() -> str:
    """One Argon2 hash of :data:`FIXTURE_PASSWORD`, shared by all fixture accounts (~0.1 s each)."""
    return make_password(FIXTURE_PASSWORD)


@dataclass
class CountyOrg:
    """One county's organization; ``staff[Role.CLERK]`` etc. is its one staff member per role."""

    key: str  # "a" or "b": the prefix of usernames and codes
    region: Region
    township: Region
    market: Department  # 市场监督管理局, code SCJG
    civil: Department  # 民政局, code MZJ
    general_window: Window  # 综合窗口 01: both departments
    market_window: Window  # 专门窗口 02: the market department only
    market_item: ServiceItem
    civil_item: ServiceItem
    staff: dict[Role, Staff] = field(default_factory=dict)

    def user(self, role: Role):
        return self.staff[role].user


@dataclass
class TwoCounties:
    province: Region
    city: Region
    a: CountyOrg  # 云溪县 990121000000
    b: CountyOrg  # 邻水县 990122000000
    password: str = FIXTURE_PASSWORD


def make_item(*, region: Region, department: Department, code: str, name: str, handling_type: str = "committed",
              statutory_limit: int = 20, promised_limit: int = 10) -> ServiceItem:
    """A service item with one published version."""
    item = ServiceItem.objects.create(region=region, department=department, implementation_code=code,
                                      basic_code=code[:12])
    version = ServiceItemVersion.objects.create(
        item=item, version=1, name=name, item_type="licensing", implementing_body=department.name,
        legal_basis="《中华人民共和国行政许可法》", acceptance_conditions="申请材料齐全、符合法定形式",
        statutory_limit=statutory_limit, promised_limit=promised_limit, handling_type=handling_type,
        result_type="certificate",
    )
    item.current_version = version
    item.save(update_fields=["current_version"])
    return item


def make_staff(*, username: str, name: str, region: Region, password_hash: str, role: Role | None = None,
               posting_region: Region | None = None, department: Department | None = None,
               window: Window | None = None, is_django_staff: bool = False) -> Staff:
    """A login, its Staff record and (with ``role``) one posting."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username=username, full_name=name, password=password_hash,
                                           is_staff=is_django_staff)
    staff = Staff.objects.create(user=user, name=name, employee_number=f"E-{username}", region=region,
                                 department=department)
    if role is not None:
        Posting.objects.create(staff=staff, role=role.value, region=posting_region or region,
                               department=department if window is None else None, window=window)
    return staff


def _county(key: str, code: str, name: str, city: Region, password_hash: str) -> CountyOrg:
    region = Region.objects.create(code=code, name=name, level=RegionLevel.COUNTY, parent=city, has_center=True)
    township = Region.objects.create(code=code[:6] + "001000", name=f"{name[:2]}镇", level=RegionLevel.TOWNSHIP,
                                     parent=region, has_center=True)
    market = Department.objects.create(region=region, code="SCJG", name=f"{name}市场监督管理局", order=1)
    civil = Department.objects.create(region=region, code="MZJ", name=f"{name}民政局", order=2)
    general = Window.objects.create(region=region, number="01", name="综合窗口", kind=Window.Kind.GENERAL)
    general.departments.set([market, civil])
    dedicated = Window.objects.create(region=region, number="02", name="市场监管窗口", kind=Window.Kind.DEDICATED)
    dedicated.departments.set([market])
    county = CountyOrg(
        key=key, region=region, township=township, market=market, civil=civil, general_window=general,
        market_window=dedicated,
        market_item=make_item(region=region, department=market, code=f"{code[:6]}SCJG0001",
                              name=f"{name[:2]}食品经营许可"),
        civil_item=make_item(region=region, department=civil, code=f"{code[:6]}MZJ0001",
                             name=f"{name[:2]}婚姻登记", handling_type="instant", statutory_limit=1,
                             promised_limit=0),
    )

    def add(role: Role, label: str, **kwargs: object) -> Staff:
        staff = make_staff(username=f"{key}_{role.value}", name=f"{name[:2]}{label}", region=region,
                           password_hash=password_hash, role=role, **kwargs)
        county.staff[role] = staff
        return staff

    since = date(2020, 1, 1)
    clerk = add(Role.CLERK, "窗口员", window=dedicated)
    Authorization.objects.create(staff=clerk, power=Power.ACCEPT, department=market, valid_from=since)
    add(Role.REVIEWER, "审核员", department=market)
    chief = add(Role.CHIEF_REPRESENTATIVE, "首席代表", department=market)
    Authorization.objects.create(staff=chief, power=Power.DECIDE, department=market, valid_from=since,
                                 valid_until=date.today() + timedelta(days=3650))
    add(Role.CENTER_ADMIN, "管理员", is_django_staff=True)
    add(Role.SUPERVISOR, "监察员")
    add(Role.PROXY_AGENT, "代办员", posting_region=township)
    add(Role.GOVERNMENT_HEAD, "县政府负责人")
    return county


@pytest.fixture
def two_counties(db, fixture_password_hash: str) -> TwoCounties:
    """云溪县 (a) and 邻水县 (b) under 演示市, one staff member per role in each (``a_clerk`` …)."""
    province = Region.objects.create(code="990000000000", name="演示省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="990100000000", name="演示市", level=RegionLevel.CITY, parent=province)
    return TwoCounties(
        province=province, city=city,
        a=_county("a", "990121000000", "云溪县", city, fixture_password_hash),
        b=_county("b", "990122000000", "邻水县", city, fixture_password_hash),
    )


@pytest.fixture
def staff_factory(db, fixture_password_hash: str):
    """``staff_factory(role, region, department=…, window=…)``: a new staff member with one posting."""
    count = iter(range(1, 10_000))

    def factory(role: Role | None, region: Region, *, department: Department | None = None,
                window: Window | None = None, home: Region | None = None, is_django_staff: bool = False) -> Staff:
        n = next(count)
        return make_staff(username=f"s{n}_{role.value if role else 'none'}", name=f"员工{n}", region=home or region,
                          password_hash=fixture_password_hash, role=role, posting_region=region,
                          department=department, window=window, is_django_staff=is_django_staff)

    return factory


@pytest.fixture
def item_factory(db):
    """``item_factory(region=…, department=…, code=…, name=…)``: a published service item."""
    return make_item


# --- the hall of the case tests -------------------------------------------------------------------


@pytest.fixture
def hall(db) -> Hall:
    """云溪县 under 演示市 with its window 01, a committed item (review, two-signature verification,
    decision) and an instant one, their clerk, two reviewers and chief, and a clerk of 邻水县."""
    return build_hall()
