"""Cases and moments the feedback tests build on (the ``hall`` county of tests/cases)."""

from __future__ import annotations

from datetime import datetime

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from tests.cases.helpers import Hall, at

# Mon 2026-10-12 … : the week after the National Day holiday (a make-up Saturday on 10-10).
RATED_AT = at(2026, 10, 12)


def concluded_case(hall: Hall, when: datetime | None = None) -> Case:
    """An instant case received and concluded on the spot at window 01 by the hall's clerk."""
    when = when or at(2026, 10, 12, 9)
    case = case_services.case_submit(
        actor=hall.clerk, item_code=hall.instant_item.implementation_code, applicant=hall.applicant(),
        materials=hall.checklist(item=hall.instant_item), window_number="01", at=when)
    return case_services.case_conclude_instant(case_id=case.id, actor=hall.clerk, at=when, result="准予")


def open_case(hall: Hall) -> Case:
    """A committed case only submitted (not concluded)."""
    return case_services.case_submit(
        actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
        materials=hall.checklist(), window_number="01", at=at(2026, 10, 12, 9))


def bad_rating(hall: Hall, when: datetime | None = None):
    """A 不满意 rating of a concluded case on its progress page: its rectification opens."""
    from onewindow.feedback.services import rating_submit

    case = concluded_case(hall)
    return rating_submit(level="dissatisfied", reasons=["attitude"], comment="态度生硬", channel="progress",
                         case_number=case.number, query_code=case.query_code, at=when or at(2026, 10, 12, 15))
