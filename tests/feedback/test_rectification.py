"""The rectification of a bad rating: 核实 → 整改 → 回访 → 结果, malicious marking with a second
look, working-day deadlines as kernel rows, warnings from the sweep, the chain verified."""

from __future__ import annotations

import pytest

from onewindow.core.errors import Conflict, DomainError, PermissionDenied
from onewindow.feedback import selectors as sel
from onewindow.feedback import services as svc
from onewindow.feedback.subjects import RECT_SUBJECT
from onewindow.lifecycle.selectors import verify_all
from onewindow.lifecycle.services import deadlines_of
from onewindow.notifications.models import OutboxMessage
from onewindow.supervision.models import Warning
from onewindow.supervision.sweep import sweep
from tests.cases.helpers import at
from tests.feedback.helpers import bad_rating

pytestmark = pytest.mark.django_db


def _rows(rect):
    return {d.key: d for d in deadlines_of(RECT_SUBJECT, rect.id)}


def test_verify_rectify_visit_closes_and_tells_the_rater(hall, people):
    rect = bad_rating(hall).rectification
    assert _rows(rect)["verify"].state == "open"
    rect = svc.rectification_verify(rectification_id=rect.id, finding="已电话联系申请人，情况属实", actor=hall.chief,
                                    at=at(2026, 10, 13))
    assert rect.state == "rectifying"
    assert _rows(rect)["verify"].state == "closed"
    rect = svc.rectification_rectify(rectification_id=rect.id, measures="对窗口人员进行服务规范培训", actor=hall.chief,
                                     at=at(2026, 10, 20))
    assert rect.state == "visiting"
    assert rect.visit_due.isoformat() == "2026-10-23"
    assert _rows(rect)["rectify"].state == "closed"
    assert _rows(rect)["visit"].state == "open"
    rect = svc.rectification_visit(rectification_id=rect.id, note="申请人表示认可", satisfaction="satisfied",
                                   actor=people.admin, at=at(2026, 10, 21))
    assert rect.state == "closed"
    assert rect.outcome == "rectified"
    assert _rows(rect)["visit"].state == "closed"
    assert OutboxMessage.objects.filter(topic=rect.number, kind="feedback.rectification").exists()
    assert sel.rectification_outcome_for_case(rect.rating.case).outcome == "rectified"
    report = next(verify_all(RECT_SUBJECT, rect.number))
    assert report.ok


def test_each_refused_move_says_why(hall, people):
    rect = bad_rating(hall).rectification
    with pytest.raises(DomainError) as exc:
        svc.rectification_rectify(rectification_id=rect.id, measures="x", actor=hall.chief, at=at(2026, 10, 13))
    assert exc.value.code == "rectification.transition_refused.rectify"
    with pytest.raises(DomainError) as exc:
        svc.rectification_visit(rectification_id=rect.id, note="x", satisfaction="satisfied", actor=people.admin,
                                at=at(2026, 10, 13))
    assert exc.value.code == "rectification.transition_refused.visit"


def test_only_the_responsible_department_verifies(hall, people):
    rect = bad_rating(hall).rectification
    with pytest.raises(PermissionDenied):
        svc.rectification_verify(rectification_id=rect.id, finding="x", actor=hall.outsider, at=at(2026, 10, 13))
    with pytest.raises(PermissionDenied):
        svc.rectification_verify(rectification_id=rect.id, finding="x", actor=people.admin, at=at(2026, 10, 13))


def test_a_malicious_rating_needs_a_reason_and_a_second_person(hall, people):
    rect = bad_rating(hall).rectification
    with pytest.raises(DomainError) as exc:
        svc.rectification_mark_invalid(rectification_id=rect.id, reason=" ", actor=hall.chief, at=at(2026, 10, 13))
    assert exc.value.field == "reason"
    rect = svc.rectification_mark_invalid(rectification_id=rect.id, reason="评价人多次辱骂且与办件无关",
                                          actor=hall.chief, at=at(2026, 10, 13))
    assert rect.state == "invalid_pending"
    with pytest.raises(DomainError) as same:
        svc.rectification_review_invalid(rectification_id=rect.id, confirm=True, note="同意", actor=hall.chief,
                                         at=at(2026, 10, 13))
    assert same.value.code == "rectification.same_confirmer"
    rect = svc.rectification_review_invalid(rectification_id=rect.id, confirm=True, note="复核属实",
                                            actor=people.supervisor, at=at(2026, 10, 14))
    assert rect.state == "invalid"
    assert rect.outcome == "invalid"
    assert all(d.state == "closed" for d in _rows(rect).values())


def test_a_rejected_invalid_marking_goes_back_to_verification(hall, people):
    rect = bad_rating(hall).rectification
    svc.rectification_mark_invalid(rectification_id=rect.id, reason="怀疑恶意", actor=hall.chief, at=at(2026, 10, 13))
    rect = svc.rectification_review_invalid(rectification_id=rect.id, confirm=False, note="理由不足", actor=people.admin,
                                            at=at(2026, 10, 13))
    assert rect.state == "verifying"
    assert not rect.malicious


def test_a_stale_page_is_told_to_reload(hall):
    rect = bad_rating(hall).rectification
    svc.rectification_verify(rectification_id=rect.id, finding="属实", actor=hall.chief, at=at(2026, 10, 13),
                             expected_version=0)
    with pytest.raises(Conflict):
        svc.rectification_mark_invalid(rectification_id=rect.id, reason="x", actor=hall.chief, at=at(2026, 10, 13),
                                       expected_version=0)


def test_the_rectify_deadline_warns_yellow_from_its_yellow_line_and_red_once_due(hall):
    rect = bad_rating(hall).rectification
    svc.rectification_verify(rectification_id=rect.id, finding="属实", actor=hall.chief, at=at(2026, 10, 13))
    # 90 % of 15 working days: yellow with 2 working days left, on Thu 2026-10-29.
    assert _rows(rect)["rectify"].yellow_from.isoformat() == "2026-10-29"
    sweep(now=at(2026, 10, 28, 9))
    assert not Warning.objects.filter(subject_type=RECT_SUBJECT, subject_id=rect.id).exists()
    sweep(now=at(2026, 10, 29, 9))
    yellow = Warning.objects.get(subject_type=RECT_SUBJECT, subject_id=rect.id, rule="deadline_near")
    assert yellow.level == "yellow"
    assert "临近" in yellow.message
    sweep(now=at(2026, 11, 3, 9))
    yellow.refresh_from_db()
    assert yellow.state == "resolved"  # the red one speaks for it now
    red = Warning.objects.get(subject_type=RECT_SUBJECT, subject_id=rect.id, rule="deadline_overdue",
                              deadline__key="rectify")
    assert red.level == "red"
    svc.rectification_rectify(rectification_id=rect.id, measures="已整改", actor=hall.chief, at=at(2026, 11, 3, 10))
    sweep(now=at(2026, 11, 3, 11))
    red.refresh_from_db()
    assert red.state == "resolved"


def test_a_center_sets_its_own_rectify_limit(hall):
    from onewindow.feedback.models import FeedbackSettings

    FeedbackSettings.objects.create(region=hall.county, rectify_workdays=5)
    rect = bad_rating(hall).rectification
    assert rect.rectify_due.isoformat() == "2026-10-19"
