"""Ratings: five levels, one per case or visit, only once concluded, on four channels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing

from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.feedback import services as svc
from onewindow.feedback.models import Rating, Rectification
from onewindow.feedback.rules import Level
from tests.cases.helpers import at
from tests.feedback.helpers import RATED_AT, concluded_case, open_case

pytestmark = pytest.mark.django_db


def test_a_good_rating_on_the_progress_page_is_bound_to_case_item_department_window_and_clerk(hall):
    case = concluded_case(hall)
    rating = svc.rating_submit(level="very_satisfied", channel="progress", case_number=case.number,
                               query_code=case.query_code, at=RATED_AT)
    assert rating.level == Level.VERY_SATISFIED
    assert (rating.case_id, rating.item_id, rating.department_id) == (case.id, case.item_id, case.department_id)
    assert rating.window_id == case.window_id
    assert rating.staff_id == hall.clerk.id
    assert not Rectification.objects.exists()


def test_a_case_is_rated_once(hall):
    case = concluded_case(hall)
    svc.rating_submit(level="satisfied", channel="progress", case_number=case.number, query_code=case.query_code,
                      at=RATED_AT)
    with pytest.raises(Conflict) as exc:
        svc.rating_submit(level="satisfied", channel="progress", case_number=case.number,
                          query_code=case.query_code, at=RATED_AT)
    assert exc.value.code == "rating.already_rated"


def test_a_case_not_concluded_cannot_be_rated(hall):
    case = open_case(hall)
    with pytest.raises(DomainError) as exc:
        svc.rating_submit(level="satisfied", channel="progress", case_number=case.number,
                          query_code=case.query_code, at=RATED_AT)
    assert exc.value.code == "rating.case_not_concluded"


def test_a_wrong_query_code_finds_no_case(hall):
    case = concluded_case(hall)
    with pytest.raises(NotFound):
        svc.rating_submit(level="satisfied", channel="progress", case_number=case.number, query_code="WRONG",
                          at=RATED_AT)


@pytest.mark.parametrize(("level", "reasons", "comment", "code"), [
    ("great", [], "", "rating.level_invalid"),
    ("dissatisfied", [], "", "rating.reason_required"),
    ("dissatisfied", ["no_such"], "", "rating.reason_invalid"),
    ("very_dissatisfied", ["other"], "", "rating.comment_required"),
])
def test_bad_input_is_refused_with_its_code(hall, level, reasons, comment, code):
    case = concluded_case(hall)
    with pytest.raises(DomainError) as exc:
        svc.rating_submit(level=level, reasons=reasons, comment=comment, channel="progress",
                          case_number=case.number, query_code=case.query_code, at=RATED_AT)
    assert exc.value.code == code
    assert not Rating.objects.exists()


def test_the_online_channel_needs_the_owner_of_the_case(hall, django_user_model):
    case = concluded_case(hall)
    stranger = django_user_model.objects.create_user(username="stranger", password="x-Unused-Pass1")
    with pytest.raises(NotFound):
        svc.rating_submit(level="satisfied", channel="online", case_number=case.number, user=stranger, at=RATED_AT)
    case.applicant_account = stranger
    case.save(update_fields=["applicant_account"])
    rating = svc.rating_submit(level="satisfied", channel="online", case_number=case.number, user=stranger,
                               at=RATED_AT)
    assert rating.channel == "online"


def test_the_sms_link_carries_no_personal_data_and_is_single_use(hall):
    case = concluded_case(hall)
    _link, token = svc.rating_link_issue(case_id=case.id, at=RATED_AT)
    inside = signing.loads(token, salt="onewindow.feedback.rating-link")
    assert case.number not in token
    assert case.applicant_phone not in inside
    svc.rating_submit(level="satisfied", channel="sms", token=token, at=RATED_AT)
    with pytest.raises(Conflict) as exc:
        svc.rating_submit(level="satisfied", channel="sms", token=token, at=RATED_AT)
    assert exc.value.code == "rating.link_used"


def test_an_expired_or_forged_link_is_refused(hall):
    case = concluded_case(hall)
    _link, token = svc.rating_link_issue(case_id=case.id, at=RATED_AT)
    with pytest.raises(DomainError) as expired:
        svc.rating_submit(level="satisfied", channel="sms", token=token, at=RATED_AT + timedelta(days=8))
    assert expired.value.code == "rating.link_expired"
    with pytest.raises(DomainError) as forged:
        svc.rating_submit(level="satisfied", channel="sms", token=token[:-2] + "xx", at=RATED_AT)
    assert forged.value.code == "rating.link_invalid"


def test_the_pad_rates_a_counter_visit_and_names_the_clerk(hall):
    _link, token = svc.rating_link_issue(channel="pad", actor=hall.clerk, window_id=hall.window.id, at=RATED_AT)
    rating = svc.rating_submit(level="basic", channel="pad", token=token, at=RATED_AT)
    assert rating.staff_id == hall.clerk.id
    assert rating.window_id == hall.window.id
    assert rating.case_id is None


def test_a_bad_rating_opens_a_rectification_on_working_days(hall):
    case = concluded_case(hall)
    rating = svc.rating_submit(level="dissatisfied", reasons=["slow"], comment="等了很久", channel="progress",
                               case_number=case.number, query_code=case.query_code, at=at(2026, 10, 12, 15))
    rect = rating.rectification
    assert rect.state == "verifying"
    assert rect.department_id == case.department_id
    # 1 working day after Mon 2026-10-12, and 15 working days: Mon 2026-11-02.
    assert rect.verify_due.isoformat() == "2026-10-13"
    assert rect.rectify_due.isoformat() == "2026-11-02"
    assert "2026" in rect.due_notes["rectify"]["explanation"]
