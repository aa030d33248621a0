"""The case page's reads are made once: the history and the calendar for the timeline, the
clock and its explanations; the staff member's powers for every action the page weighs. The
answers are those of the one-at-a-time reads (the guards' and views' own tests pin them); here,
that the page does not read the same thing twice."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases import guards
from onewindow.cases import selectors as sel
from onewindow.cases.models import Case
from onewindow.organization.permissions import can
from tests.cases.helpers import submit

pytestmark = pytest.mark.django_db


def _reads_of(queries: CaptureQueriesContext, table: str) -> int:
    return sum(1 for q in queries.captured_queries if f'FROM "{table}"' in q["sql"])


def test_the_case_view_reads_its_history_and_calendar_once(hall):
    case = Case.objects.select_related("region", "department", "item", "item_version").get(pk=submit(hall).pk)
    with CaptureQueriesContext(connection) as queries:
        view = sel.case_view(case)
    assert _reads_of(queries, "cases_caseevent") == 1
    assert _reads_of(queries, "workdays_calendarchange") <= 1
    assert [e.seq for e in view.history] == [e.seq for e in case.events.order_by("seq")]
    assert sel.materials_of(case, view.history) == sel.materials_of(case)


def test_the_verdicts_read_the_powers_once_and_answer_as_can_does(hall):
    case = Case.objects.select_related("region", "department", "item", "item_version").get(pk=submit(hall).pk)
    view = sel.case_view(case)
    with CaptureQueriesContext(connection) as queries:
        verdicts = guards.verdicts(case, hall.clerk, events=view.events, tasks=view.tasks)
    assert _reads_of(queries, "organization_authorization") == 1
    keys = {v.key for v in verdicts}
    assert {"accept", "refuse", "request_supplement"} <= keys  # three powered actions, one read
    # … and the read-once answer is the one-at-a-time check's, for staff with and without each power
    for staff in (hall.clerk, hall.reviewer, hall.chief, hall.outsider):
        for perm in (guards.Perm.CASE_ACCEPT, guards.Perm.CASE_REFUSE, guards.Perm.CASE_DECIDE,
                     guards.Perm.CASE_REVIEW, guards.Perm.CASE_SUBMIT):
            token = guards._POWERS.set({})
            try:
                read_once = guards._may(staff, case, perm)
            finally:
                guards._POWERS.reset(token)
            plain = can(staff, perm, region=case.region, department=case.department, item=case.item)
            assert read_once == plain, (staff.name, perm)
    assert can(hall.clerk, guards.Perm.CASE_ACCEPT, region=case.region, department=case.department, item=case.item)
    assert not can(hall.reviewer, guards.Perm.CASE_ACCEPT, region=case.region, department=case.department,
                   item=case.item)
