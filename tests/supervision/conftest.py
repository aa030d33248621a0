"""The hall of tests/cases (云溪县 with one committed and one instant item), plus the people who
watch it: a county supervisor, a center administrator, a supervisor of the neighbouring county and
one of the city above both.

Case histories are built with the case services at fixed past moments; sweeps then run at chosen
``now`` values.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from onewindow.cases import services as cs
from onewindow.cases.models import Case
from onewindow.core.timesource import SHANGHAI
from onewindow.organization.models import Posting, Region, Staff
from onewindow.organization.rules import Role
from tests.cases import conftest as cases_conftest
from tests.cases.conftest import Hall, _staff, at

hall = cases_conftest.hall  # the fixture, shared with tests/cases
__all__ = ["Hall", "at", "hall"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The fixture's logins never log in with a password here: skip Argon2's cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def start_of(d: date) -> datetime:
    """00:00:00 of a legal day in Asia/Shanghai."""
    return datetime.combine(d, time.min, tzinfo=SHANGHAI)


def end_of(d: date) -> datetime:
    """23:59:59 of a legal day: the last moment of a due date (DESIGN.md §4 rule 2)."""
    return datetime.combine(d, time(23, 59, 59), tzinfo=SHANGHAI)


def next_day(d: date) -> date:
    return d + timedelta(days=1)


@pytest.fixture
def watchers(hall: Hall):
    """supervisor / admin of 云溪县, supervisor of 邻水县, supervisor of 演示市 (sees both)."""
    city = Region.objects.get(code="990100000000")

    class W:
        supervisor = _staff("supervisor", hall.county, None, Role.SUPERVISOR)
        admin = _staff("center_admin", hall.county, None, Role.CENTER_ADMIN)
        other_supervisor = _staff("other_supervisor", hall.other_county, None, Role.SUPERVISOR)
        city_supervisor = _staff("city_supervisor", city, None, Role.SUPERVISOR)

    return W


def submit(hall: Hall, when: datetime | None = None, *, window: str = "01", **kw) -> Case:
    return cs.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
                          materials=hall.checklist(**kw), window_number=window, at=when or at(2026, 9, 28))


def accepted_case(hall: Hall, *, submitted: datetime | None = None, accepted: datetime | None = None,
                  window: str = "01") -> Case:
    """Submitted Mon 2026-09-28, accepted Tue 2026-09-29 (promised due 2026-10-19, yellow from
    2026-10-16, statutory due 2026-11-02 on the 2026 calendar)."""
    case = submit(hall, submitted, window=window)
    return cs.case_accept(case_id=case.id, actor=hall.clerk, at=accepted or at(2026, 9, 29))


def review_all(hall: Hall, case: Case, when: datetime) -> Case:
    """Complete every review stage (the verification stage with two signatures)."""
    for order, who in [(2, hall.reviewer), (3, hall.reviewer), (3, hall.reviewer2)]:
        case = cs.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="同意", at=when)
    return case


def give_phone(staff: Staff, phone: str) -> None:
    staff.user.phone = phone
    staff.user.save(update_fields=["phone"])


def post(staff: Staff, role: Role, region: Region, **kw) -> None:
    Posting.objects.create(staff=staff, role=role, region=region, **kw)
    staff.__dict__.pop("_reaches", None)
