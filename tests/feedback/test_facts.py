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


def test_hot_issues_group_orders_with_their_trend(hall, people, client):
    for day in (5, 6):
        svc.order_receive(region=hall.county, kind="complaint", content="排队", actor=people.admin,
                          at=at(2026, 10, day))
    svc.order_receive(region=hall.county, kind="complaint", content="排队", actor=people.admin, at=at(2026, 9, 28))
    svc.order_receive(region=hall.county, kind="inquiry", content="咨询", actor=people.admin, at=at(2026, 10, 6))
    [complaints, inquiries] = sel.hot_issues(staff=people.admin, first=date(2026, 10, 1), last=date(2026, 10, 7),
                                             by="kind")
    assert (complaints.label, complaints.count, complaints.previous, complaints.trend) == ("投诉", 2, 1, "↑ 1")
    assert (inquiries.count, inquiries.previous) == (1, 0)
    client.force_login(people.admin.user)
    page = client.get("/staff/feedback/hot/?from=2026-10-01&to=2026-10-07&by=kind").content.decode()
    assert page.count('data-testid="hot-row"') == 2
