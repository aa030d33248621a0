"""最多跑一次 counts the applicant's trips to apply and to supplement, not the pickup of a result,
and the clerk is warned before an action that would pass the item's maximum."""

from __future__ import annotations

import pytest

from onewindow.cases import services as s
from onewindow.cases.rules import visit_overrun

from .helpers import at
from .helpers import granted_case as granted


def test_the_warning_names_the_visit_and_the_promise():
    assert visit_overrun(visits=0, max_visits=1) == ""
    assert visit_overrun(visits=1, max_visits=1) == "本次将是第 2 次到现场，超过承诺的最多 1 次"
    # an item handled fully online (0 visits): even the first trip passes the promise
    assert visit_overrun(visits=0, max_visits=0) == "本次将是第 1 次到现场，超过承诺的最多 0 次"


@pytest.mark.django_db
def test_collecting_the_certificate_at_the_window_is_not_a_visit(hall):
    case = s.case_issue_certificate(case_id=granted(hall).id, actor=hall.clerk, at=at(2026, 10, 9))
    assert case.visits == 1  # the application at the window
    case = s.case_deliver(case_id=case.id, actor=hall.clerk, method="window", at=at(2026, 10, 12))
    assert case.status == "concluded"
    assert case.visits == 1
    assert case.events.get(kind="delivered").projection["visits"] == "1"
