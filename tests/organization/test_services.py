"""The organization's write services: what they create, that they are idempotent, and every refusal."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import authenticate

from onewindow.catalog.models import ServiceItem
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.organization import services
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
from onewindow.organization.rules import RegionLevel

pytestmark = pytest.mark.django_db

START = date(2026, 1, 1)


def _code(excinfo: pytest.ExceptionInfo[DomainError]) -> str:
    return excinfo.value.code


# --- region_ensure ---------------------------------------------------------------------------


def test_region_ensure_derives_parent_and_level_from_the_code(org):
    # given the county of the fixture
    # when a township below it is ensured
    town = services.region_ensure(code="990121100000", name="城关镇", has_center=True, is_demo=True)
    # then parent and level come from the code
    assert town.parent == org.county
    assert town.level == RegionLevel.TOWNSHIP
    assert town.has_center
    assert town.is_demo
    assert org.county.parent == org.city
    assert org.city.parent == org.province
    assert org.province.parent is None
    assert org.province.level == RegionLevel.PROVINCE


def test_region_ensure_is_idempotent_and_updates_names(org):
    before = Region.objects.count()
    again = services.region_ensure(code="990121000000", name="云溪县", has_center=True)
    assert again.pk == org.county.pk
    assert Region.objects.count() == before
    renamed = services.region_ensure(code="990121000000", name="云溪县（演示）", has_center=True, is_demo=True)
    renamed.refresh_from_db()
    assert renamed.name == "云溪县（演示）"
    assert renamed.is_demo
    assert Region.objects.count() == before


@pytest.mark.parametrize("code", ["99012100000", "99012100000X", ""])
def test_region_ensure_refuses_a_malformed_code(db, code):
    with pytest.raises(DomainError) as excinfo:
        services.region_ensure(code=code, name="某地")
    assert _code(excinfo) == "region.invalid_code"
    assert excinfo.value.field == "code"


def test_region_ensure_refuses_a_missing_parent(db):
    with pytest.raises(DomainError) as excinfo:
        services.region_ensure(code="990121000000", name="云溪县")
    assert _code(excinfo) == "region.parent_missing"
    assert "990100000000" in excinfo.value.message
    assert not Region.objects.exists()


def test_region_ensure_refuses_an_empty_name(org):
    with pytest.raises(DomainError) as excinfo:
        services.region_ensure(code="990121100000", name="  ")
    assert _code(excinfo) == "region.name_required"


def test_a_county_administrator_adds_townships_below_but_not_elsewhere(org, county_admin):
    town = services.region_ensure(code="990121100000", name="城关镇", actor=county_admin)
    assert town.parent == org.county
    with pytest.raises(PermissionDenied):
        services.region_ensure(code="990122100000", name="邻县某镇", actor=county_admin)
    with pytest.raises(PermissionDenied):
        services.region_ensure(code="990121000000", name="改名", actor=org.staff("nobody"))


# --- department_ensure -----------------------------------------------------------------------


def test_department_ensure_creates_then_updates_in_place(org):
    count = Department.objects.count()
    dept = services.department_ensure(region_code=org.county.code, code="GSJ", name="云溪县市场监督管理局",
                                      short_name="市监局", order=10)
    assert dept.pk == org.gsj.pk
    assert Department.objects.count() == count
    dept.refresh_from_db()
    assert (dept.name, dept.short_name, dept.order) == ("云溪县市场监督管理局", "市监局", 10)


def test_department_ensure_refusals(org, county_admin):
    with pytest.raises(NotFound) as excinfo:
        services.department_ensure(region_code="990199000000", code="X", name="某局")
    assert _code(excinfo) == "region.not_found"
    with pytest.raises(DomainError) as excinfo:
        services.department_ensure(region_code=org.county.code, code="", name="某局")
    assert _code(excinfo) == "department.code_required"
    with pytest.raises(DomainError) as excinfo:
        services.department_ensure(region_code=org.county.code, code="X", name="")
    assert _code(excinfo) == "department.name_required"
    with pytest.raises(DomainError) as excinfo:
        services.department_ensure(region_code=org.county.code, code="X", name="某局", credit_code="123")
    assert _code(excinfo) == "department.invalid_credit_code"
    with pytest.raises(PermissionDenied):
        services.department_ensure(region_code=org.other_county.code, code="X", name="某局", actor=county_admin)
    made = services.department_ensure(region_code=org.county.code, code="X", name="某局", actor=county_admin)
    assert made.region == org.county


# --- window_ensure ---------------------------------------------------------------------------


def test_window_ensure_sets_exactly_the_given_departments(org):
    assert set(org.general.departments.values_list("code", flat=True)) == {"GSJ", "MZJ"}
    again = services.window_ensure(region_code=org.county.code, number="01", name="综合窗口", kind="general",
                                   department_codes=["MZJ"])
    assert again.pk == org.general.pk
    assert list(again.departments.values_list("code", flat=True)) == ["MZJ"]
    assert Window.objects.filter(region=org.county).count() == 2


def test_a_periodic_window_needs_a_schedule(org):
    with pytest.raises(DomainError) as excinfo:
        services.window_ensure(region_code=org.county.code, number="09", name="煤炭局定期窗口", kind="periodic",
                               department_codes=["GSJ"])
    assert _code(excinfo) == "window.schedule_required"
    assert excinfo.value.field == "schedule"
    window = services.window_ensure(region_code=org.county.code, number="09", name="煤炭局定期窗口",
                                    kind="periodic", department_codes=["GSJ"], schedule="每周二全天")
    assert window.kind == Window.Kind.PERIODIC
    assert window.schedule == "每周二全天"


def test_window_ensure_refusals(org, county_admin):
    county = org.county.code
    with pytest.raises(DomainError) as excinfo:
        services.window_ensure(region_code=county, number="03", name="窗口", department_codes=[])
    assert _code(excinfo) == "window.departments_required"
    with pytest.raises(DomainError) as excinfo:
        services.window_ensure(region_code=county, number="03", name="窗口", kind="mobile",
                               department_codes=["GSJ"])
    assert _code(excinfo) == "window.invalid_kind"
    with pytest.raises(NotFound) as excinfo:  # a department of another county is not found here
        services.window_ensure(region_code=county, number="03", name="窗口", department_codes=["NOPE"])
    assert _code(excinfo) == "department.not_found"
    with pytest.raises(DomainError) as excinfo:
        services.window_ensure(region_code=county, number="", name="窗口", department_codes=["GSJ"])
    assert _code(excinfo) == "window.number_required"
    with pytest.raises(DomainError) as excinfo:
        services.window_ensure(region_code=county, number="03", name="", department_codes=["GSJ"])
    assert _code(excinfo) == "window.name_required"
    with pytest.raises(PermissionDenied):
        services.window_ensure(region_code=org.other_county.code, number="03", name="窗口",
                               department_codes=["GSJ"], actor=county_admin)
    assert not Window.objects.filter(number="03").exists()


# --- staff_create ----------------------------------------------------------------------------


def test_staff_create_makes_an_argon2_login_and_a_staff_record(org, rf):
    staff = services.staff_create(username="gsj.clerk", password="onewindow-demo", name="王小明",
                                  employee_number="YX-0001", region_code=org.county.code,
                                  department_code="GSJ", is_django_staff=True)
    staff.user.refresh_from_db()
    assert staff.user.password.startswith("argon2")
    assert staff.user.full_name == "王小明"
    assert staff.user.is_staff
    assert not staff.user.is_superuser
    assert staff.department == org.gsj
    assert staff.region == org.county
    assert authenticate(rf.post("/login/"), username="gsj.clerk", password="onewindow-demo") == staff.user


def test_staff_create_refusals(org, county_admin):
    county = org.county.code
    org.staff("taken")
    base = {"password": "onewindow-demo", "name": "某人", "region_code": county}
    for kwargs, code in [
        ({"username": "taken", "employee_number": "N-1"}, "staff.username_taken"),
        ({"username": "fresh", "employee_number": "E-taken"}, "staff.employee_number_taken"),
        ({"username": "", "employee_number": "N-2"}, "staff.username_required"),
        ({"username": "fresh", "employee_number": ""}, "staff.employee_number_required"),
        ({"username": "fresh", "employee_number": "N-3", "name": ""}, "staff.name_required"),
        ({"username": "fresh", "employee_number": "N-4", "password": "123"}, "staff.weak_password"),
        ({"username": "fresh", "employee_number": "N-5", "password": ""}, "staff.password_required"),
        ({"username": "fresh", "employee_number": "N-6", "region_code": "990199000000"}, "region.not_found"),
        ({"username": "fresh", "employee_number": "N-7", "department_code": "NOPE"}, "department.not_found"),
    ]:
        with pytest.raises(DomainError) as excinfo:
            services.staff_create(**{**base, **kwargs})
        assert _code(excinfo) == code, kwargs
    with pytest.raises(PermissionDenied):
        services.staff_create(**base, username="x", employee_number="N-8", actor=org.staff("plain"))
    assert not Staff.objects.filter(user__username__in=["fresh", "x"]).exists()


# --- posting_add -----------------------------------------------------------------------------


def test_posting_add_gives_the_staff_member_their_reach(org):
    clerk = org.staff("clerk")
    assert not can(clerk, Action.CASE_SUBMIT, region=org.county, department=org.gsj)
    posting = services.posting_add(staff=clerk, role="clerk", region_code=org.county.code, window_number="01")
    assert posting.window == org.general
    assert posting.department is None
    assert can(clerk, Action.CASE_SUBMIT, region=org.county, department=org.gsj)
    assert not can(clerk, Action.CASE_SUBMIT, region=org.other_county)


def test_posting_add_refuses_a_duplicate(org):
    clerk = org.staff("clerk")
    services.posting_add(staff=clerk, role="clerk", region_code=org.county.code, window_number="02")
    with pytest.raises(DomainError) as excinfo:
        services.posting_add(staff=clerk, role="clerk", region_code=org.county.code, window_number="02")
    assert _code(excinfo) == "posting.duplicate"
    assert Posting.objects.filter(staff=clerk).count() == 1


def test_posting_add_refusals(org, county_admin):
    person = org.staff("person")
    county = org.county.code
    for kwargs, code in [
        ({"role": "janitor"}, "posting.invalid_role"),
        ({"role": "clerk", "window_number": "99"}, "window.not_found"),
        ({"role": "clerk", "department_code": "NOPE"}, "department.not_found"),
        ({"role": "clerk", "window_number": "02", "department_code": "MZJ"}, "posting.department_not_at_window"),
        ({"role": "clerk", "region_code": "990199000000"}, "region.not_found"),
    ]:
        with pytest.raises(DomainError) as excinfo:
            services.posting_add(**{"staff": person, "region_code": county, **kwargs})
        assert _code(excinfo) == code, kwargs
    with pytest.raises(PermissionDenied):
        services.posting_add(staff=person, role="clerk", region_code=org.other_county.code, actor=county_admin)
    services.posting_add(staff=person, role="reviewer", region_code=county, department_code="GSJ",
                         actor=county_admin)
    assert list(person.postings.values_list("role", flat=True)) == ["reviewer"]


def test_check_posting_refuses_a_department_or_window_of_another_region(org):
    person = org.staff("person")
    with pytest.raises(DomainError) as excinfo:
        services.check_posting(staff=person, role="clerk", region=org.county, department=org.other_dept,
                               window=None)
    assert _code(excinfo) == "posting.department_outside_region"
    with pytest.raises(DomainError) as excinfo:
        services.check_posting(staff=person, role="clerk", region=org.other_county, department=None,
                               window=org.general)
    assert _code(excinfo) == "posting.window_outside_region"


# --- backup_post_set -------------------------------------------------------------------------


def test_backup_post_set_pairs_two_clerks_once(org):
    a, b = org.staff("a"), org.staff("b")
    post = services.backup_post_set(primary=a, backup=b)
    assert (post.primary, post.backup) == (a, b)
    assert services.backup_post_set(primary=a, backup=b).pk == post.pk
    assert BackupPost.objects.count() == 1


def test_backup_post_set_refusals(org, county_admin):
    a = org.staff("a")
    far = org.staff("far", region=org.other_county)
    with pytest.raises(DomainError) as excinfo:
        services.backup_post_set(primary=a, backup=a)
    assert _code(excinfo) == "backup_post.self"
    with pytest.raises(DomainError) as excinfo:
        services.backup_post_set(primary=a, backup=far)
    assert _code(excinfo) == "backup_post.cross_region"
    with pytest.raises(PermissionDenied):
        services.backup_post_set(primary=a, backup=org.staff("b"), actor=a)
    assert not BackupPost.objects.exists()
    assert services.backup_post_set(primary=a, backup=org.staff("c"), actor=county_admin).backup.name == "员工c"


# --- authorization_grant ---------------------------------------------------------------------


@pytest.fixture
def people(org):
    clerk, reviewer, chief = org.staff("clerk"), org.staff("reviewer"), org.staff("chief")
    services.posting_add(staff=clerk, role="clerk", region_code=org.county.code, window_number="02")
    services.posting_add(staff=reviewer, role="reviewer", region_code=org.county.code, department_code="GSJ")
    services.posting_add(staff=chief, role="chief_representative", region_code=org.county.code,
                         department_code="GSJ")
    return clerk, reviewer, chief


def _item(org, department: Department, code: str) -> ServiceItem:
    return ServiceItem.objects.create(region=org.county, department=department, implementation_code=code,
                                      basic_code="000000000000")


def test_grants_let_the_clerk_accept_and_the_chief_decide(org, people):
    clerk, reviewer, chief = people
    item = _item(org, org.gsj, "GSJ-001")
    assert not can(clerk, Action.CASE_ACCEPT, region=org.county, item=item, on=START)
    accept = services.authorization_grant(staff=clerk, power="accept", department_code="GSJ",
                                          valid_from=START, document_number="云溪授〔2026〕1号")
    decide = services.authorization_grant(staff=chief, power="decide", department_code="GSJ",
                                          item_code="GSJ-001", valid_from=START)
    services.authorization_grant(staff=reviewer, power="decide", department_code="GSJ", valid_from=START)
    assert accept.item is None
    assert accept.document_number == "云溪授〔2026〕1号"
    assert decide.item == item
    assert can(clerk, Action.CASE_ACCEPT, region=org.county, item=item, on=START)
    assert can(chief, Action.CASE_DECIDE, region=org.county, item=item, on=START)
    assert not can(chief, Action.CASE_DECIDE, region=org.county, item=_item(org, org.gsj, "GSJ-002"), on=START)


def test_authorization_grant_is_idempotent(org, people):
    clerk = people[0]
    first = services.authorization_grant(staff=clerk, power="accept", department_code="GSJ", valid_from=START)
    again = services.authorization_grant(staff=clerk, power="accept", department_code="GSJ", valid_from=START)
    assert first.pk == again.pk
    assert Authorization.objects.count() == 1


def test_deciding_is_refused_to_someone_without_a_chief_or_reviewer_posting(org, people):
    clerk = people[0]
    with pytest.raises(DomainError) as excinfo:
        services.authorization_grant(staff=clerk, power="decide", department_code="GSJ", valid_from=START)
    assert _code(excinfo) == "authorization.decider_not_posted"
    assert excinfo.value.field == "staff"


def test_accepting_is_refused_to_someone_without_a_clerk_posting_there(org, people):
    clerk, reviewer, _chief = people
    with pytest.raises(DomainError) as excinfo:
        services.authorization_grant(staff=reviewer, power="accept", department_code="GSJ", valid_from=START)
    assert _code(excinfo) == "authorization.clerk_not_posted"
    # the clerk sits at the 工商局 window, which does not take 民政局 items
    with pytest.raises(DomainError) as excinfo:
        services.authorization_grant(staff=clerk, power="accept", department_code="MZJ", valid_from=START)
    assert _code(excinfo) == "authorization.clerk_not_posted"
    assert not Authorization.objects.exists()


def test_authorization_grant_other_refusals(org, people, county_admin):
    clerk, _reviewer, chief = people
    _item(org, org.mzj, "MZJ-001")
    for kwargs, code in [
        ({"power": "sign"}, "authorization.invalid_power"),
        ({"item_code": "NOPE"}, "item.not_found"),
        ({"item_code": "MZJ-001"}, "authorization.item_outside_department"),
        ({"valid_until": date(2025, 12, 31)}, "authorization.invalid_period"),
        ({"department_code": "NOPE"}, "department.not_found"),
    ]:
        with pytest.raises(DomainError) as excinfo:
            services.authorization_grant(**{"staff": chief, "power": "decide", "department_code": "GSJ",
                                            "valid_from": START, **kwargs})
        assert _code(excinfo) == code, kwargs
    with pytest.raises(PermissionDenied):
        services.authorization_grant(staff=clerk, power="accept", department_code="GSJ", valid_from=START,
                                     actor=chief)
    granted = services.authorization_grant(staff=clerk, power="accept", department_code="GSJ",
                                           valid_from=START, actor=county_admin)
    assert granted.staff == clerk
