"""The conclusion SMS's rating link and 默认好评, as periodic jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onewindow.feedback import services as svc
from onewindow.feedback.models import FeedbackSettings, Rating
from onewindow.feedback.selectors import rating_results
from onewindow.notifications.models import OutboxMessage
from tests.cases.helpers import at
from tests.feedback.helpers import concluded_case

pytestmark = pytest.mark.django_db


def test_a_concluded_case_gets_one_rating_link_by_sms(hall):
    case = concluded_case(hall)
    assert svc.rating_invitations_send(since=at(2026, 10, 11), now=at(2026, 10, 12, 16)) == 1
    assert svc.rating_invitations_send(since=at(2026, 10, 11), now=at(2026, 10, 12, 17)) == 0
    message = OutboxMessage.objects.get(kind="feedback.invitation")
    assert "/rate/" in message.body
    assert case.applicant_name not in message.body
    assert case.number not in message.body
    token = message.body.split("/rate/")[1].split("/")[0]
    rating = svc.rating_submit(level="satisfied", channel="sms", token=token, at=at(2026, 10, 13))
    assert rating.case_id == case.id


def test_default_ratings_only_where_the_center_says_so_and_never_as_citizens_words(hall):
    case = concluded_case(hall)
    later = at(2026, 10, 12) + timedelta(days=8)
    assert svc.ratings_record_defaults(now=later) == 0
    FeedbackSettings.objects.create(region=hall.county, default_rating_days=7)
    assert svc.ratings_record_defaults(now=later) == 1
    assert Rating.objects.get(case=case).channel == "default"
    assert svc.ratings_record_defaults(now=later) == 0
    assert rating_results(by="department", region=hall.county, min_sample=1) == []
