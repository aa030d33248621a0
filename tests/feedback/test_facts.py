"""The facts the assessment and the public pages read."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.feedback import selectors as sel
from onewindow.feedback import services as svc
from tests.cases.helpers import at
from tests.feedback.helpers import bad_rating, concluded_case

pytestmark = pytest.mark.django_db


def test_bad_ratings_rectified_or_not_per_department(hall, people):
    done = bad_rating(hall).rectification
    svc.rectification_verify(rectification_id=done.id, finding="属实", actor=hall.chief, at=at(2026, 10, 13))
    svc.rectification_rectify(rectification_id=done.id, measures="培训", actor=hall.chief, at=at(2026, 10, 14))
    svc.rectification_visit(rectification_id=done.id, note="认可", satisfaction="satisfied", actor=people.admin,
                            at=at(2026, 10, 15))
    bad_rating(hall)  # left waiting for verification
    [facts] = sel.bad_ratings_rectified_per_department(region=hall.county, first=date(2026, 10, 1),
                                                       last=date(2026, 10, 31), today=date(2026, 10, 20))
    assert (facts.bad_ratings, facts.rectified, facts.open, facts.overdue_open) == (2, 1, 1, 1)


def test_a_rate_shows_only_from_the_minimum_sample(hall):
    for _ in range(3):
        case = concluded_case(hall)
        svc.rating_submit(level="satisfied", channel="progress", case_number=case.number, query_code=case.query_code,
                          at=at(2026, 10, 12, 11))
    [few] = sel.rating_results(by="department", region=hall.county, min_sample=5)
    assert few.rate is None
    assert few.rate_display == "样本不足"
    [enough] = sel.rating_results(by="item", region=hall.county, min_sample=3)
    assert enough.rate_display == "100.0%"
