"""can() / require() for every role × every action × four places, and the posting and grant rules.

The expected answers are written out by hand from DESIGN.md §1 (who does what), not derived from
the permission table, so a change to the table shows up here as a failing row.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from onewindow.core.errors import PermissionDenied
from onewindow.organization.models import Authorization
from onewindow.organization.permissions import Action, can, require
from onewindow.organization.rules import Power, Role

A = Action
ALLOWED: dict[Role, set[Action]] = {
    Role.CLERK: {A.CASE_VIEW, A.CASE_SUBMIT, A.CASE_ACCEPT, A.CASE_REFUSE, A.CASE_REQUEST_SUPPLEMENT,
                 A.CASE_ISSUE_CERTIFICATE, A.CASE_DELIVER, A.CATALOG_VIEW, A.PERSONAL_DATA_VIEW},
    Role.REVIEWER: {A.CASE_VIEW, A.CASE_REVIEW, A.CASE_SPECIAL_PROCEDURE, A.CASE_REQUEST_EXTENSION,
                    A.CASE_DECIDE, A.CASE_ISSUE_CERTIFICATE, A.CATALOG_VIEW, A.PERSONAL_DATA_VIEW},
    Role.CHIEF_REPRESENTATIVE: {A.CASE_VIEW, A.CASE_REVIEW, A.CASE_SPECIAL_PROCEDURE, A.CASE_REQUEST_EXTENSION,
                                A.CASE_GRANT_EXTENSION, A.CASE_DECIDE, A.CASE_ISSUE_CERTIFICATE,
                                A.CASE_REASSIGN, A.CATALOG_VIEW, A.SUPERVISION_REPLY, A.PERSONAL_DATA_VIEW},
    Role.CENTER_ADMIN: {A.CASE_VIEW, A.CATALOG_VIEW, A.CATALOG_EDIT, A.ORGANIZATION_EDIT, A.CALENDAR_PUBLISH,
                        A.SUPERVISION_VIEW, A.SUPERVISION_SETTINGS, A.ASSESSMENT_RUN, A.CASE_IMPORT,
                        A.CATALOG_LEGAL_REVIEW},
    Role.SUPERVISOR: {A.CASE_VIEW, A.CATALOG_VIEW, A.SUPERVISION_VIEW, A.SUPERVISION_ORDER},
    Role.PROXY_AGENT: {A.CASE_VIEW, A.CASE_SUBMIT, A.CASE_DELIVER, A.CATALOG_VIEW},
    # 本级人民政府负责人: a joint case's extension (行政许可法 第四十二条第二款), nothing else.
    Role.GOVERNMENT_HEAD: {A.CASE_VIEW, A.CATALOG_VIEW, A.CASE_APPROVE_JOINT_EXTENSION},
}
# Roles whose postings reach the regions below their own (DESIGN.md §3).
REACH_DOWN = {Role.SUPERVISOR, Role.CENTER_ADMIN}
PLACES = ["own county", "child township", "sibling county", "parent city"]


def test_every_role_has_an_expectation():
    assert set(ALLOWED) == set(Role)


@pytest.fixture
def posted(two_counties, staff_factory):
    """A staff member of ``role`` posted to county A (no department limit), holding both powers
    over every department of county A and B, so only role and place decide."""

    def make(role: Role):
        org = two_counties
        staff = staff_factory(role, org.a.region)
        for dept in (org.a.market, org.a.civil, org.b.market, org.b.civil):
            for power in Power:
                Authorization.objects.create(staff=staff, power=power, department=dept, valid_from=date(2020, 1, 1))
        return staff

    return make


def _target(org, place: str):
    """(region, department) of a target at ``place`` seen from county A."""
    return {
        "own county": (org.a.region, org.a.market),
        "child township": (org.a.township, None),
        "sibling county": (org.b.region, org.b.market),
        "parent city": (org.city, None),
    }[place]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", list(Role))
def test_role_and_place_matrix(two_counties, posted, role: Role, place: str):
    # given a staff member of `role` posted to county A
    staff = posted(role)
    region, department = _target(two_counties, place)
    # when every action is asked about a target at `place`
    answers = {action: can(staff, action, region=region, department=department) for action in Action}
    # then only the role's actions are allowed, and only where the posting reaches
    reaches_place = place == "own county" or (place == "child township" and role in REACH_DOWN)
    expected = {action: reaches_place and action in ALLOWED[role] for action in Action}
    assert answers == expected


@pytest.mark.parametrize("role", list(Role))
def test_require_raises_with_code_and_chinese_message(two_counties, posted, role: Role):
    staff = posted(role)
    org = two_counties
    for action in Action:
        # own county: require() agrees with can()
        if action in ALLOWED[role]:
            assert require(staff, action, region=org.a.region, department=org.a.market) is None
        else:
            with pytest.raises(PermissionDenied) as denied:
                require(staff, action, region=org.a.region, department=org.a.market)
            assert denied.value.code == f"forbidden.{action.value}"
            assert denied.value.status == 403
        # sibling county: always refused, the message names the county
        with pytest.raises(PermissionDenied) as denied:
            require(staff, action, region=org.b.region, department=org.b.market)
        assert "邻水县" in denied.value.message


def test_nobody_may_do_anything(two_counties):
    for action in Action:
        assert not can(None, action, region=two_counties.a.region)
        with pytest.raises(PermissionDenied):
            require(None, action, region=two_counties.a.region)


def test_staff_without_postings_may_do_nothing(two_counties, staff_factory):
    nobody = staff_factory(None, two_counties.a.region)
    assert not any(can(nobody, action, region=two_counties.a.region) for action in Action)


@pytest.mark.parametrize("role", sorted(REACH_DOWN))
def test_subtree_roles_posted_to_the_city_reach_both_counties_and_below(two_counties, staff_factory, role):
    org = two_counties
    staff = staff_factory(role, org.city)
    action = Action.SUPERVISION_VIEW
    assert can(staff, action, region=org.city)
    assert can(staff, action, region=org.a.region, department=org.a.market)
    assert can(staff, action, region=org.b.township)
    assert not can(staff, action, region=org.province)


@pytest.mark.parametrize("role", sorted(set(Role) - REACH_DOWN))
def test_other_roles_posted_to_the_city_do_not_reach_the_counties(two_counties, staff_factory, role):
    org = two_counties
    staff = staff_factory(role, org.city)
    assert can(staff, Action.CASE_VIEW, region=org.city)
    assert not can(staff, Action.CASE_VIEW, region=org.a.region)
    assert not can(staff, Action.CASE_VIEW, region=org.b.township)


def test_proxy_agent_of_a_township_reaches_only_that_township(two_counties):
    org = two_counties
    agent = org.a.staff[Role.PROXY_AGENT]
    assert can(agent, Action.CASE_SUBMIT, region=org.a.township)
    assert not can(agent, Action.CASE_SUBMIT, region=org.a.region)
    assert not can(agent, Action.CASE_SUBMIT, region=org.b.township)


# --- department-bound postings ------------------------------------------------------------------


def test_clerk_at_a_dedicated_window_handles_only_its_department(two_counties):
    org = two_counties
    clerk = org.a.staff[Role.CLERK]  # posted at window 02, market department only
    Authorization.objects.create(staff=clerk, power=Power.ACCEPT, department=org.a.civil, valid_from=date(2020, 1, 1))
    assert can(clerk, Action.CASE_ACCEPT, region=org.a.region, item=org.a.market_item)
    assert can(clerk, Action.CASE_SUBMIT, region=org.a.region, department=org.a.market)
    # the civil-affairs grant does not help: the posting does not reach that department
    assert not can(clerk, Action.CASE_ACCEPT, region=org.a.region, item=org.a.civil_item)
    assert not can(clerk, Action.CASE_SUBMIT, region=org.a.region, department=org.a.civil)


def test_clerk_at_the_general_window_handles_every_department_it_serves(two_counties, staff_factory):
    org = two_counties
    clerk = staff_factory(Role.CLERK, org.a.region, window=org.a.general_window)
    assert can(clerk, Action.CASE_SUBMIT, region=org.a.region, department=org.a.market)
    assert can(clerk, Action.CASE_SUBMIT, region=org.a.region, department=org.a.civil)
    assert not can(clerk, Action.CASE_SUBMIT, region=org.b.region, department=org.b.market)


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.CHIEF_REPRESENTATIVE])
def test_department_postings_reach_only_their_department(two_counties, role):
    org = two_counties
    staff = org.a.staff[role]  # posted for the market department
    assert can(staff, Action.CASE_REVIEW, region=org.a.region, department=org.a.market)
    assert not can(staff, Action.CASE_REVIEW, region=org.a.region, department=org.a.civil)
    assert not can(staff, Action.CASE_REVIEW, region=org.b.region, department=org.b.market)


def test_department_bound_posting_still_answers_region_level_questions(two_counties):
    reviewer = two_counties.a.staff[Role.REVIEWER]
    assert can(reviewer, Action.CATALOG_VIEW, region=two_counties.a.region)


# --- authorizations (授权) for accepting and deciding -------------------------------------------

DAY = date(2025, 6, 16)


def _grant(staff, department, power: Power, **kwargs):
    return Authorization.objects.create(staff=staff, power=power, department=department,
                                        valid_from=kwargs.pop("valid_from", date(2020, 1, 1)), **kwargs)


@pytest.fixture
def bare_clerk(two_counties, staff_factory):
    """A clerk at county A's general window with no grant yet."""
    return staff_factory(Role.CLERK, two_counties.a.region, window=two_counties.a.general_window)


@pytest.fixture
def bare_chief(two_counties, staff_factory):
    return staff_factory(Role.CHIEF_REPRESENTATIVE, two_counties.a.region, department=two_counties.a.market)


@pytest.mark.parametrize("action", [Action.CASE_ACCEPT, Action.CASE_REFUSE])
def test_accepting_needs_an_accept_grant(two_counties, bare_clerk, action):
    item = two_counties.a.market_item
    assert not can(bare_clerk, action, region=two_counties.a.region, item=item, on=DAY)
    assert can(bare_clerk, Action.CASE_SUBMIT, region=two_counties.a.region, item=item, on=DAY)
    _grant(bare_clerk, two_counties.a.market, Power.DECIDE)
    assert not can(bare_clerk, action, region=two_counties.a.region, item=item, on=DAY)
    _grant(bare_clerk, two_counties.a.market, Power.ACCEPT)
    assert can(bare_clerk, action, region=two_counties.a.region, item=item, on=DAY)


def test_deciding_needs_a_decide_grant(two_counties, bare_chief):
    item = two_counties.a.market_item
    assert not can(bare_chief, Action.CASE_DECIDE, region=two_counties.a.region, item=item, on=DAY)
    assert can(bare_chief, Action.CASE_GRANT_EXTENSION, region=two_counties.a.region, item=item, on=DAY)
    _grant(bare_chief, two_counties.a.market, Power.ACCEPT)
    assert not can(bare_chief, Action.CASE_DECIDE, region=two_counties.a.region, item=item, on=DAY)
    _grant(bare_chief, two_counties.a.market, Power.DECIDE)
    assert can(bare_chief, Action.CASE_DECIDE, region=two_counties.a.region, item=item, on=DAY)


def test_item_grant_covers_that_item_only(two_counties, bare_clerk, item_factory):
    org = two_counties
    other = item_factory(region=org.a.region, department=org.a.market, code="990121SCJG0002", name="特种设备使用登记")
    _grant(bare_clerk, org.a.market, Power.ACCEPT, item=org.a.market_item)
    assert can(bare_clerk, Action.CASE_ACCEPT, region=org.a.region, item=org.a.market_item, on=DAY)
    assert not can(bare_clerk, Action.CASE_ACCEPT, region=org.a.region, item=other, on=DAY)


def test_grant_of_another_department_does_not_count(two_counties, bare_clerk):
    org = two_counties
    _grant(bare_clerk, org.a.civil, Power.ACCEPT)
    assert not can(bare_clerk, Action.CASE_ACCEPT, region=org.a.region, item=org.a.market_item, on=DAY)
    assert can(bare_clerk, Action.CASE_ACCEPT, region=org.a.region, item=org.a.civil_item, on=DAY)


def test_grant_in_the_other_county_does_not_open_it(two_counties, bare_clerk):
    org = two_counties
    _grant(bare_clerk, org.b.market, Power.ACCEPT)
    assert not can(bare_clerk, Action.CASE_ACCEPT, region=org.b.region, item=org.b.market_item, on=DAY)


@pytest.mark.parametrize(("valid_from", "valid_until", "on", "expected"), [
    (DAY, None, DAY, True),  # first day counts
    (DAY, None, DAY - timedelta(days=1), False),  # not yet in force
    (DAY - timedelta(days=30), DAY, DAY, True),  # last day counts
    (DAY - timedelta(days=30), DAY - timedelta(days=1), DAY, False),  # expired
    (DAY - timedelta(days=30), DAY + timedelta(days=30), DAY, True),
])
def test_grant_dates_are_respected(two_counties, bare_chief, valid_from, valid_until, on, expected):
    _grant(bare_chief, two_counties.a.market, Power.DECIDE, valid_from=valid_from, valid_until=valid_until)
    item = two_counties.a.market_item
    assert can(bare_chief, Action.CASE_DECIDE, region=two_counties.a.region, item=item, on=on) is expected


def test_grant_without_posting_is_not_enough(two_counties, staff_factory):
    # a supervisor holding a decide grant still has no role that decides
    org = two_counties
    supervisor = staff_factory(Role.SUPERVISOR, org.a.region)
    _grant(supervisor, org.a.market, Power.DECIDE)
    assert not can(supervisor, Action.CASE_DECIDE, region=org.a.region, item=org.a.market_item, on=DAY)


@pytest.mark.parametrize("action", [Action.CASE_ACCEPT, Action.CASE_DECIDE])
def test_a_grant_read_with_the_row_gives_the_same_answers(two_counties, bare_clerk, bare_chief, item_factory,
                                                          action):
    """A case transition reads whether the actor holds the power with the locked row
    (grant_exists) and hands it to can(): for every item, department and day it answers as
    can() does on its own."""
    from django.db.models import OuterRef

    from onewindow.catalog.models import ServiceItem
    from onewindow.organization.permissions import grant_exists

    org = two_counties
    staff = bare_clerk if action == Action.CASE_ACCEPT else bare_chief
    power = Power.ACCEPT if action == Action.CASE_ACCEPT else Power.DECIDE
    item_factory(region=org.a.region, department=org.a.market, code="990121SCJG0002", name="特种设备使用登记")
    _grant(staff, org.a.market, power, item=org.a.market_item, valid_until=DAY)
    _grant(staff, org.a.civil, power)
    _grant(staff, org.a.market, Power.ACCEPT if power == Power.DECIDE else Power.DECIDE)
    answers = set()
    for on in (DAY - timedelta(days=1), DAY, DAY + timedelta(days=1)):
        items = ServiceItem.objects.filter(region=org.a.region).select_related("department").annotate(
            granted=grant_exists(staff, action, on, department=OuterRef("department_id"), item=OuterRef("pk")))
        for item in items:
            plain = can(staff, action, region=org.a.region, department=item.department, item=item, on=on)
            assert can(staff, action, region=org.a.region, department=item.department, item=item, on=on,
                       granted=item.granted) == plain, (on, item.implementation_code)
            answers.add(plain)
    assert answers == {True, False}
