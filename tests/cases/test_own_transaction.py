"""Case transitions as production runs them: each the outermost transaction, not nested in a test's.

Most tests run inside a transaction pytest-django rolls back, so every service call there is a
nested ``atomic`` block. In production a transition is the outermost transaction, and on
PostgreSQL :func:`onewindow.core.batching.atomic` then sends BEGIN with its first statement and
COMMIT with its last writes. These tests run the main journeys that way (``transaction=True``).
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from onewindow.cases import services as s
from onewindow.cases.history import verify_case
from onewindow.cases.models import Case
from onewindow.core import batching, compiled
from onewindow.core.errors import DomainError
from onewindow.notifications.models import OutboxMessage

from . import journeys
from .helpers import at, submit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True, params=[False, True], ids=["plain", "pipelined"])
def pipeline(request, settings) -> bool:
    """Every test twice: production's default (one round trip per statement) and psycopg's
    pipeline mode with BEGIN and COMMIT sent by the batch (``ONEWINDOW["PIPELINE"]``)."""
    settings.ONEWINDOW = {**settings.ONEWINDOW, "PIPELINE": request.param}
    return request.param


@pytest.mark.parametrize("journey", [
    journeys.full_lifecycle_to_a_grant, journeys.denial_concludes_with_reasons_and_rights,
    journeys.instant_item_concludes_on_the_spot, journeys.one_time_notice_then_supplement_restarts_acceptance_window,
    journeys.special_procedure_pauses_and_extension_moves_both_dues,
    journeys.stale_version_is_a_conflict_not_a_lost_update],
                         ids=["lifecycle", "denial", "instant", "supplement", "special_procedure", "stale_version"])
def test_the_journeys_hold_as_outermost_transactions(hall, journey):
    journey(hall)
    assert connection.get_autocommit()
    assert not connection.in_atomic_block
    assert all(verify_case(case).ok for case in Case.objects.all())


def test_a_refused_transition_leaves_the_case_as_it_was(hall):
    case = s.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    hall.item.refresh_from_db()
    assert hall.item.use_count == 1  # counted with the submission (the guide's 热门 ranking)
    with pytest.raises(DomainError):
        s.case_decide(case_id=case.id, actor=hall.chief, grant=True, at=at(2026, 9, 30))
    case.refresh_from_db()
    assert case.status == "in_review"
    assert case.row_version == 2
    assert case.events.count() == 2
    # the connection is back in autocommit, and the next transition works
    s.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=2, opinion="材料齐全", at=at(2026, 9, 30))
    assert Case.objects.get(pk=case.pk).row_version == 3


def test_a_failing_queued_write_rolls_the_whole_transaction_back(hall):
    region = hall.county
    kept = OutboxMessage(region=region, channel="sms", recipient="13900000000", body="第一条", kind="case.accepted",
                         next_attempt_at=at(2026, 9, 29), created_at=at(2026, 9, 29), dedupe_key="k")
    compiled.insert(kept)
    with pytest.raises(IntegrityError), batching.atomic():
        compiled.insert(OutboxMessage(region=region, channel="sms", recipient="13900000000", body="不会留下",
                                      kind="case.accepted", next_attempt_at=at(2026, 9, 29),
                                      created_at=at(2026, 9, 29)), defer=True)
        compiled.insert(OutboxMessage(region=region, channel="sms", recipient="13900000000", body="重复",
                                      kind="case.accepted", next_attempt_at=at(2026, 9, 29),
                                      created_at=at(2026, 9, 29), dedupe_key="k"), defer=True)
    assert list(OutboxMessage.objects.values_list("body", flat=True)) == ["第一条"]
    assert connection.get_autocommit()


def test_an_inner_block_that_failed_keeps_the_outer_one_from_committing(hall):
    region = hall.county
    with batching.atomic():
        compiled.insert(OutboxMessage(region=region, channel="sms", recipient="13900000000", body="不会留下",
                                      kind="case.accepted", next_attempt_at=at(2026, 9, 29),
                                      created_at=at(2026, 9, 29)), defer=True)
        try:
            with transaction.atomic(savepoint=False):
                raise IntegrityError("a failure the caller swallows")
        except IntegrityError:
            pass
        assert connection.needs_rollback
    assert OutboxMessage.objects.count() == 0


def test_on_commit_callbacks_run_after_the_commit(hall):
    seen: list[int] = []

    def count() -> None:
        with connection.cursor() as cursor:  # a new statement, outside the finished transaction
            cursor.execute("SELECT COUNT(*) FROM cases_case")
            seen.append(cursor.fetchone()[0])

    with batching.atomic():
        submit(hall)
        transaction.on_commit(count)
    assert seen == [1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="round trips are PostgreSQL's")
def test_a_review_stage_costs_two_round_trips(hall, monkeypatch, pipeline):
    """BEGIN, the lock and the reads in one pipeline; the task, row and event writes and COMMIT
    in the other."""
    if not pipeline:
        pytest.skip("round trips are counted in pipeline mode")
    case = s.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    s.case_claim_task(case_id=case.id, actor=hall.reviewer, stage_order=2, at=at(2026, 9, 29))  # warms the caches
    raw = connection.connection
    real = raw.pipeline
    pipelines: list[int] = []

    def counted():
        pipelines.append(1)
        return real()

    monkeypatch.setattr(raw, "pipeline", counted)
    s.case_complete_stage(case_id=case.id, actor=hall.reviewer, stage_order=2, opinion="材料齐全", at=at(2026, 9, 30))
    monkeypatch.undo()
    assert len(pipelines) == 2
    case.refresh_from_db()
    assert case.current_stage == 3
    assert verify_case(case).ok
    assert list(case.tasks.values_list("stage_order", "state")) == [(2, "done"), (3, "open")]
