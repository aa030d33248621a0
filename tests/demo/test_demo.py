"""The demo county: what ``load_demo`` installs on a fresh database, and that loading twice changes nothing.

The demo is loaded once per module inside a transaction that is rolled back afterwards, so the
tests share it without leaking it into other modules.
"""

from __future__ import annotations

import time
from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q

from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    FeeItem,
    Material,
    ServiceItem,
    ServiceItemVersion,
    Stage,
)
from onewindow.catalog.selectors import search_items
from onewindow.core.timesource import local_date
from onewindow.demo.loader import MAIN_LOGINS, SECOND_COUNTY_LOGINS, DemoReport, load_demo
from onewindow.organization.models import (
    Authorization,
    BackupPost,
    Department,
    Posting,
    Region,
    Staff,
    Window,
)
from onewindow.organization.permissions import Action, can
from onewindow.organization.rules import Role

COUNTY = "990121000000"
TOWN = "990121100000"
PASSWORD = "onewindow-demo"

# The 18 units stationed in the center by the third plan of seed 001 (县 → 云溪县).
SEED_DEPARTMENTS = ["县民政局", "县国土局", "县住建局", "县房管局", "县财政局", "县环保局", "县人防办", "县煤炭局",
                    "县人社局", "县工商局", "县卫生局", "县食品药品监督管理局", "县物价局", "县林业局", "县交通局",
                    "县安监局", "县文广新局", "县质监局"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module (timed), rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        report = load_demo()
        report.seconds = time.monotonic() - started
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db) -> DemoReport:
    return demo


def _demo_items():
    return ServiceItem.objects.filter(region__is_demo=True, current_version__isnull=False).select_related(
        "current_version", "department")


# --- the counts of the issue -------------------------------------------------------------------


def test_the_county_has_the_18_stationed_departments_of_the_seed(loaded):
    county = Region.objects.get(code=COUNTY)
    names = list(Department.objects.filter(region=county, is_stationed=True).order_by("order")
                 .values_list("name", flat=True))
    assert names == [name.replace("县", "云溪县", 1) for name in SEED_DEPARTMENTS]
    assert county.has_center
    assert county.is_demo
    assert county.name == "云溪县"
    assert loaded.departments >= 18


def test_three_townships_with_centers_and_their_villages(loaded):
    townships = Region.objects.filter(parent__code=COUNTY)
    assert townships.count() == 3
    for township in townships:
        assert township.has_center
        assert township.level == 4
        assert township.children.count() >= 3
    assert not Region.objects.filter(code__startswith="99", is_demo=False).exists()
    assert Region.objects.get(code="990000000000").name == "演示省"


def test_the_catalog_counts(loaded):
    assert loaded.items >= 150
    assert loaded.items == _demo_items().count()
    assert loaded.instant >= 10
    assert loaded.joint >= 5
    assert loaded.bundles >= 3
    per_department = _demo_items().filter(region__code=COUNTY).values("department__code").annotate(n=Count("pk"))
    assert len(per_department) == 18
    assert all(row["n"] >= 5 for row in per_department), list(per_department)


def test_instant_items_are_done_the_same_day(loaded):
    instant = [i.current_version for i in _demo_items() if i.current_version.handling_type == "instant"]
    assert len(instant) >= 10
    assert all(v.promised_limit == 0 for v in instant)


def test_every_committed_item_promises_less_than_the_law_allows(loaded):
    for item in _demo_items():
        v = item.current_version
        if v.handling_type == "committed":
            assert v.promised_unit == v.statutory_unit
            assert 1 <= v.promised_limit < v.statutory_limit, v.name


def test_joint_items_run_stages_of_different_departments_in_parallel(loaded):
    joint = [i for i in _demo_items() if i.current_version.is_joint]
    assert len(joint) >= 5
    for item in joint:
        version = item.current_version
        assert version.statutory_limit == 45  # 行政许可法 第四十二条
        groups: dict[int, set[str]] = defaultdict(set)
        for stage in version.stages.exclude(parallel_group=None):
            groups[stage.parallel_group].add(stage.department_code)
        assert any(len(departments) >= 2 for departments in groups.values()), version.name


def test_fees_only_with_a_legal_basis_and_most_items_free(loaded):
    fees = FeeItem.objects.filter(version__item__region__is_demo=True, version__item__current_version=models_f())
    assert fees.exists()
    assert all(fee.basis.strip() and fee.standard.strip() for fee in fees)
    charging = _demo_items().filter(current_version__fees__isnull=False).distinct().count()
    assert charging <= loaded.items // 10


def models_f():
    from django.db.models import F

    return F("version")


def test_items_are_realistic_enough(loaded):
    for item in _demo_items():
        v = item.current_version
        assert v.legal_basis.startswith("《"), v.name
        assert "第" in v.legal_basis, v.name
        assert v.acceptance_conditions
        assert 2 <= v.materials.count() <= 8, v.name
        assert item.windows.exists(), v.name
    assert ServiceItemVersion.objects.filter(item__region__is_demo=True).exclude(special_procedures=[]).count() >= 5


def test_a_search_for_yyzz_finds_the_business_licence(loaded):
    names = [item.current_version.name for item in search_items("yyzz", region_code=COUNTY)]
    assert names
    assert all("营业执照" in name for name in names)
    assert _demo_items().filter(current_version__name="个体工商户设立登记（营业执照）").exists()


def test_the_bundles(loaded):
    bundles = Bundle.objects.filter(region__is_demo=True)
    assert bundles.count() >= 3
    restaurant = bundles.get(life_event="我要开餐馆")
    names = {bi.item.current_version.name for bi in BundleItem.objects.filter(bundle=restaurant)
             .select_related("item__current_version")}
    assert {"个体工商户设立登记（营业执照）", "食品经营许可证核发"} <= names
    for bundle in bundles:
        assert BundleItem.objects.filter(bundle=bundle).count() >= 2


# --- the people --------------------------------------------------------------------------------


def test_the_six_main_logins_work_with_the_demo_password(loaded, rf):
    for username in MAIN_LOGINS:
        user = authenticate(rf.post("/staff/login/"), username=username, password=PASSWORD)
        assert user is not None, username
    roles = {username: set(Posting.objects.filter(staff__user__username=username).values_list("role", flat=True))
             for username in MAIN_LOGINS}
    assert roles == {"clerk": {"clerk"}, "reviewer": {"reviewer"}, "chief": {"chief_representative"},
                     "admin": {"center_admin"}, "supervisor": {"supervisor"}, "agent": {"proxy_agent"}}
    assert get_user_model().objects.get(username="admin").is_staff
    assert not get_user_model().objects.filter(username__in=MAIN_LOGINS, is_superuser=True).exists()


def test_there_is_a_login_for_every_role(loaded):
    held = set(Posting.objects.filter(region__is_demo=True).values_list("role", flat=True))
    assert held == {role.value for role in Role}


def test_every_department_has_a_clerk_a_reviewer_and_a_chief(loaded):
    for department in Department.objects.filter(region__code=COUNTY):
        for role in (Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE):
            posted = Posting.objects.filter(role=role, region=department.region).filter(
                Q(department=department) | Q(department=None, window__departments=department))
            assert posted.exists(), (department.name, role)
    assert Staff.objects.filter(user__username="gsj.clerk").exists()
    assert Posting.objects.filter(staff__user__username="town.clerk", role="clerk", region__code=TOWN).exists()


def test_the_grants_let_each_main_login_do_its_job(loaded):
    today = local_date()
    county = Region.objects.get(code=COUNTY)
    items = {i.current_version.name: i for i in _demo_items().filter(region__code=COUNTY)}
    clerk, reviewer, chief = (Staff.objects.get(user__username=u) for u in ("clerk", "reviewer", "chief"))
    assert can(clerk, Action.CASE_ACCEPT, region=county, item=items["最低生活保障审批"], on=today)
    assert can(clerk, Action.CASE_ACCEPT, region=county, item=items["个体工商户设立登记（营业执照）"], on=today)
    assert not can(clerk, Action.CASE_ACCEPT, region=county, item=items["有限责任公司设立登记"], on=today)
    assert can(chief, Action.CASE_DECIDE, region=county, item=items["有限责任公司设立登记"], on=today)
    assert can(reviewer, Action.CASE_DECIDE, region=county, item=items["个体工商户设立登记（营业执照）"], on=today)
    assert not can(reviewer, Action.CASE_DECIDE, region=county, item=items["有限责任公司设立登记"], on=today)
    supervisor = Staff.objects.get(user__username="supervisor")
    assert can(supervisor, Action.SUPERVISION_VIEW, region=Region.objects.get(code=TOWN))
    agent = Staff.objects.get(user__username="agent")
    assert can(agent, Action.CASE_SUBMIT, region=Region.objects.get(code=TOWN))
    assert Authorization.objects.filter(item__isnull=False, staff__region__is_demo=True).count() >= 4


def test_windows_and_ab_posts(loaded):
    county = Region.objects.get(code=COUNTY)
    general = Window.objects.get(region=county, kind="general", name="综合窗口")
    assert general.departments.count() >= 3
    periodic = Window.objects.get(region=county, kind="periodic")
    assert list(periodic.departments.values_list("code", flat=True)) == ["MTJ"]
    assert "周二" in periodic.schedule
    posts = BackupPost.objects.filter(primary__region__is_demo=True).select_related("primary", "backup")
    assert posts.count() >= 3
    assert all(p.primary.region_id == p.backup.region_id for p in posts)


def test_the_second_county_is_small_and_apart(loaded, rf):
    # given the second demo county 青禾县, a sibling of 云溪县 in the same city
    second = Region.objects.get(code="990123000000")
    assert second.is_demo
    assert second.has_center
    assert second.parent.code == "990100000000"
    # then it has its own departments, windows, items and one login per role, with the demo password
    assert set(Department.objects.filter(region=second).values_list("code", flat=True)) == {"GSJ", "MZJ", "GTJ"}
    assert Window.objects.filter(region=second).count() == 2
    assert _demo_items().filter(region=second).count() == 4  # 不动产转移登记 is the one with a fee
    for username in SECOND_COUNTY_LOGINS:
        assert authenticate(rf.post("/staff/login/"), username=username, password=PASSWORD) is not None, username
    held = set(Posting.objects.filter(region__code__startswith="990123").values_list("role", flat=True))
    assert held == {role.value for role in Role}
    # and none of its staff is posted in 云溪县
    assert not Posting.objects.filter(staff__user__username__startswith="qh.", region__code__startswith="990121")


# --- idempotence and the command ---------------------------------------------------------------

COUNTED = [Region, Department, Window, Staff, Posting, BackupPost, Authorization, ServiceItem,
           ServiceItemVersion, Material, FeeItem, Stage, Bundle, BundleItem]


def _snapshot() -> dict[str, object]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts["User"] = get_user_model().objects.count()
    counts["passwords"] = sorted(get_user_model().objects.values_list("password", flat=True))
    return counts


def test_loading_twice_changes_nothing(loaded):
    call_command("load_demo", stdout=StringIO())  # as `make run` does: the case load and the apps' demos
    before = _snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert _snapshot() == before
    text = out.getvalue()
    assert f"事项{loaded.items}个" in text
    assert f"未变{loaded.items}个" in text
    assert "新建演示账户" not in text

