"""A day's ledger lists the cases of the staff member's reach handled that day: read from the
events' own region when every posting reaches whole regions, through each event's case when a
posting is bound to departments or the page filters — the same lines as asking every case."""

from __future__ import annotations

import pytest

from onewindow.cases import selectors as sel
from onewindow.cases import services as cs
from onewindow.cases.models import Case, CaseEvent
from onewindow.organization.models import Department
from onewindow.organization.permissions import reaches
from tests.cases.helpers import at, submit

pytestmark = pytest.mark.django_db

DAY = at(2026, 9, 28).date()


def _reference(staff, **filters) -> list[str]:
    cases = sel.visible_cases(staff)
    if filters.get("department_id"):
        cases = cases.filter(department_id=filters["department_id"])
    if filters.get("window_id"):
        cases = cases.filter(window_id=filters["window_id"])
    start, end = sel._day_bounds(DAY)
    ids = set(CaseEvent.objects.filter(at__gte=start, at__lte=end, case__in=cases).values_list("case_id", flat=True))
    return sorted(c.number for c in cases.filter(id__in=ids))


def test_the_ledger_from_the_regions_equals_asking_every_case(hall):
    here = [submit(hall, at(2026, 9, 28, 9 + i)) for i in range(3)]
    cs.case_accept(case_id=here[0].id, actor=hall.clerk, at=at(2026, 9, 28, 15))
    submit(hall, at(2026, 9, 29))  # another day
    # one of the county's cases of another department: the clerk's, not the department-bound reviewer's
    elsewhere = Department.objects.create(region=hall.county, code="MZJ", name="云溪县民政局")
    Case.objects.filter(pk=here[2].pk).update(department=elsewhere)
    clerk_reach = reaches(hall.clerk)
    assert all(r.department_ids is None for r in clerk_reach), "the county clerk reaches whole regions"
    lines = sorted(line.number for line in sel.daily_ledger(hall.clerk, DAY))
    assert lines == _reference(hall.clerk) == sorted(c.number for c in here)
    # a posting bound to a department asks each case, and the page's filters too
    assert any(r.department_ids is not None for r in reaches(hall.reviewer))
    reviewer_lines = sorted(line.number for line in sel.daily_ledger(hall.reviewer, DAY))
    assert reviewer_lines == _reference(hall.reviewer) == sorted(c.number for c in here[:2])
    assert (sorted(line.number for line in sel.daily_ledger(hall.clerk, DAY, department_id=hall.dept.id))
            == _reference(hall.clerk, department_id=hall.dept.id))
    # the other county's clerk sees none of them
    assert sel.daily_ledger(hall.outsider, DAY) == []
