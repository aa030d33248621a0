"""追评: the applicant who rated adds exactly one follow-up later, linked to the rating, which is
never edited; a second one is refused; shown on the applicant's page, the staff page and the API."""

from __future__ import annotations

import pytest

from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.feedback import services as svc
from onewindow.feedback.models import Rating, RatingFollowUp, RectificationEvent
from onewindow.feedback.ratings_api import FeedbackFollowUpOut, RatingPage
from onewindow.lifecycle.selectors import verify_all
from tests.cases.helpers import at
from tests.feedback.helpers import Api, bad_rating, concluded_case, conforms

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json()


def _follow(case, **kw):
    return svc.rating_follow_up(channel="progress", case_number=case.number, query_code=case.query_code,
                                **{"comment": "回访后问题已解决", "at": at(2026, 10, 20), **kw})


def test_one_follow_up_after_the_return_visit_leaves_the_rating_as_it_was(hall, people):
    rating = bad_rating(hall)
    rect = rating.rectification
    svc.rectification_verify(rectification_id=rect.pk, finding="属实", actor=hall.chief, at=at(2026, 10, 13))
    svc.rectification_rectify(rectification_id=rect.pk, measures="已培训", actor=hall.chief, at=at(2026, 10, 14))
    svc.rectification_visit(rectification_id=rect.pk, note="已回访", satisfaction="satisfied", actor=people.admin,
                            at=at(2026, 10, 15))
    follow_up = _follow(rating.case, level="satisfied")
    assert follow_up.rating_id == rating.pk
    assert follow_up.level == 4
    again = Rating.objects.get(pk=rating.pk)
    assert (again.level, again.comment, again.reasons) == (rating.level, rating.comment, rating.reasons)
    # The department reads it on the rectification's history.
    assert RectificationEvent.objects.filter(rectification=rect, kind="follow_up").count() == 1
    assert all(report.ok for report in verify_all("rectification"))
    with pytest.raises(Conflict) as second:
        _follow(rating.case, comment="再说一次")
    assert second.value.code == "rating.follow_up_exists"
    assert second.value.status == 409
    assert RatingFollowUp.objects.count() == 1


def test_a_follow_up_needs_a_rating_words_and_the_applicants_own_channel(hall):
    case = concluded_case(hall)
    with pytest.raises(NotFound) as unrated:
        _follow(case)
    assert unrated.value.code == "rating.not_found"
    svc.rating_submit(level="satisfied", channel="progress", case_number=case.number, query_code=case.query_code,
                      at=at(2026, 10, 12, 15))
    with pytest.raises(DomainError) as empty:
        _follow(case, comment="  ")
    assert empty.value.field == "comment"
    with pytest.raises(DomainError) as level:
        _follow(case, level="great")
    assert level.value.field == "level"
    with pytest.raises(DomainError) as channel:
        svc.rating_follow_up(comment="x", channel="sms", case_number=case.number, query_code=case.query_code)
    assert channel.value.code == "rating.channel_invalid"
    with pytest.raises(NotFound):
        svc.rating_follow_up(comment="x", channel="progress", case_number=case.number, query_code="WRONG")


def test_a_default_rating_cannot_be_followed_up(hall):
    case = concluded_case(hall)
    Rating.objects.create(region=case.region, case=case, level=3, channel="default", rated_at=at(2026, 10, 20))
    with pytest.raises(DomainError) as refused:
        _follow(case)
    assert refused.value.code == "rating.follow_up_default"


def test_the_api_takes_one_follow_up_and_lists_it(client, hall, people, document):
    case = concluded_case(hall)
    anonymous = Api(client)
    anonymous.post("/ratings", {"level": "satisfied", "channel": "progress", "case_number": case.number,
                                "query_code": case.query_code})
    body = {"comment": "补充：窗口很耐心", "level": "very_satisfied", "channel": "progress",
            "case_number": case.number, "query_code": case.query_code}
    made = anonymous.post("/ratings/follow-up", body)
    assert made.status_code == 201, made.json()
    conforms(document, "/api/v1/ratings/follow-up", "post", made)
    assert FeedbackFollowUpOut.model_validate(made.json()).level == "very_satisfied"
    second = anonymous.post("/ratings/follow-up", body)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "rating.follow_up_exists"
    conforms(document, "/api/v1/ratings/follow-up", "post", second)
    page = RatingPage.model_validate(Api(client, people.admin).get("/ratings").json())
    assert page.results[0].follow_up is not None
    assert page.results[0].follow_up.comment == "补充：窗口很耐心"


def test_the_applicants_page_and_the_staff_page_show_it(client, hall):
    rating = bad_rating(hall)
    case = rating.case
    url = f"/rate-case/?number={case.number}&code={case.query_code}"
    assert 'data-testid="follow-up-form"' in client.get(url).content.decode()
    posted = client.post("/rate-case/", {"number": case.number, "code": case.query_code, "follow_up": "1",
                                         "comment": "整改后满意了", "level": "satisfied"})
    text = posted.content.decode()
    assert posted.status_code == 200
    assert "您的追评：满意，整改后满意了" in text
    assert 'data-testid="follow-up-form"' not in text
    twice = client.post("/rate-case/", {"number": case.number, "code": case.query_code, "follow_up": "1",
                                        "comment": "再来"})
    assert twice.status_code == 409
    assert "只能追评一次" in twice.content.decode()
    client.force_login(hall.chief.user)
    staff_page = client.get(f"/staff/feedback/rectifications/{rating.rectification.pk}/").content.decode()
    assert 'data-testid="rating-follow-up"' in staff_page
    assert "整改后满意了" in staff_page
