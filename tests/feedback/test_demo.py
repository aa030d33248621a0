"""The demo county's ratings, rectifications, work orders and 12345 batch, on top of its case load."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from onewindow.core.timesource import local_date
from onewindow.demo.cases import load_demo_cases
from onewindow.demo.loader import load_demo
from onewindow.feedback import demo as feedback_demo
from onewindow.feedback.models import Rating, Rectification, WorkOrder
from onewindow.feedback.rules import OrderState, RectState
from onewindow.feedback.subjects import ORDER_SUBJECT, RECT_SUBJECT
from onewindow.lifecycle.selectors import verify_all


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys), transaction.atomic():
        load_demo()
        load_demo_cases()
        first = feedback_demo.load_demo()
        second = feedback_demo.load_demo()
        yield first, second
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def test_the_demo_loads_once_and_says_what(loaded):
    first, second = loaded
    assert first.startswith("好差评与诉求工单：评价")
    assert "已存在" in second


def test_ratings_are_mostly_good_with_bad_ones_in_every_rectification_state(loaded):
    assert Rating.objects.count() > Rectification.objects.count()
    states = set(Rectification.objects.values_list("state", flat=True))
    assert states == {s.value for s in RectState}
    today = local_date()
    assert Rectification.objects.filter(state=RectState.VERIFYING, verify_due__lt=today).exists()


def test_work_orders_in_every_state_including_overdue_and_a_hotline_batch(loaded):
    states = set(WorkOrder.objects.values_list("state", flat=True))
    assert states == {s.value for s in OrderState}
    today = local_date()
    assert WorkOrder.objects.filter(state=OrderState.HANDLING, answer_due__lt=today).exists()
    assert WorkOrder.objects.filter(source="hotline_import").count() == 4
    assert WorkOrder.objects.filter(published=True).exists()


def test_every_demo_chain_verifies(loaded):
    assert all(report.ok for report in verify_all(RECT_SUBJECT))
    assert all(report.ok for report in verify_all(ORDER_SUBJECT))


def test_a_follow_up_and_bulk_notices_one_sent_one_awaiting_approval(loaded):
    from onewindow.feedback.models import BulkNotice, RatingFollowUp

    assert RatingFollowUp.objects.filter(rating__rectification__state=RectState.CLOSED).count() == 1
    assert set(BulkNotice.objects.values_list("state", flat=True)) == {"sent", "draft"}
    assert all(report.ok for report in verify_all("bulk_notice"))
