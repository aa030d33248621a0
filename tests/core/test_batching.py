"""Deferred writes travel with the next statement and are never read around."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from onewindow.core import batching, compiled
from onewindow.notifications.models import OutboxMessage
from onewindow.organization.models import Region

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)


@pytest.fixture
def county(db) -> Region:
    return Region.objects.create(code="990121000000", name="云溪县", level=3, has_center=True)


def _message(county: Region, **extra) -> OutboxMessage:
    return OutboxMessage(region=county, channel="sms", recipient="13900000000", body="您的办件已受理",
                         kind="case.accepted", next_attempt_at=MOMENT, created_at=MOMENT, **extra)


def _inserts(captured: CaptureQueriesContext) -> int:
    return sum(1 for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("INSERT"))


def test_a_deferred_insert_waits_for_the_next_statement_and_gets_its_key(county):
    message = _message(county)
    with transaction.atomic(), batching.deferred_writes(), CaptureQueriesContext(connection) as captured:
        compiled.insert(message, defer=True)
        assert _inserts(captured) == 0
        assert message.pk is None
        # Any statement, the ORM's too, sends the queue first: it never reads around it.
        assert OutboxMessage.objects.filter(body="您的办件已受理").count() == 1
        assert _inserts(captured) == 1
        assert message.pk == OutboxMessage.objects.get().pk
        assert not message._state.adding


def test_the_end_of_the_block_sends_what_is_still_queued(county):
    first, second = _message(county), _message(county, subject="第二条")
    with transaction.atomic():
        with batching.deferred_writes():
            compiled.insert(first, defer=True)
            compiled.insert(second, defer=True)
            first.subject = "第一条"
            compiled.update(first, ["subject"], defer=True)  # its insert is sent first, for the key
        assert {m.subject for m in OutboxMessage.objects.all()} == {"第一条", "第二条"}
    assert first.pk
    assert second.pk
    assert first.pk != second.pk


def test_a_failing_deferred_write_fails_the_statement_that_carries_it(county):
    compiled.insert(_message(county, dedupe_key="990121-2026-000001:2:sms"))
    with pytest.raises(IntegrityError), transaction.atomic(), batching.deferred_writes():
        compiled.insert(_message(county, dedupe_key="990121-2026-000001:2:sms"), defer=True)
        Region.objects.count()
    assert OutboxMessage.objects.count() == 1


def test_a_block_that_raises_drops_its_queue(county):
    with pytest.raises(RuntimeError), transaction.atomic(), batching.deferred_writes():
        compiled.insert(_message(county), defer=True)
        raise RuntimeError("the transition refused")
    assert OutboxMessage.objects.count() == 0


def test_outside_a_block_a_deferred_write_runs_at_once(county):
    message = _message(county)
    compiled.insert(message, defer=True)
    assert message.pk is not None
    assert OutboxMessage.objects.count() == 1


def test_an_inner_block_adds_to_the_outer_queue(county):
    message = _message(county)
    with transaction.atomic(), batching.deferred_writes(), CaptureQueriesContext(connection) as captured:
        with batching.deferred_writes():
            compiled.insert(message, defer=True)
        assert _inserts(captured) == 0  # the inner block's end sends nothing: the outer one owns the queue
    assert message.pk is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pipeline mode is PostgreSQL's")
def test_on_postgresql_queue_and_statement_share_one_pipeline(county, monkeypatch, settings):
    """The queued writes and the statement that carries them go out in one pipeline, not one by one."""
    settings.ONEWINDOW = {**settings.ONEWINDOW, "PIPELINE": True}
    raw_pipelines = []
    message, other = _message(county), _message(county, subject="第二条")
    with transaction.atomic(), batching.deferred_writes():
        raw = connection.connection
        real = raw.pipeline

        def counted():
            raw_pipelines.append(1)
            return real()

        monkeypatch.setattr(raw, "pipeline", counted)
        compiled.insert(message, defer=True)
        compiled.insert(other, defer=True)
        found = compiled.fetch_together(("test.regions", lambda: Region.objects.order_by("pk"), []))
    assert raw_pipelines == [1]
    assert found[0] == [county]
    assert message.pk
    assert other.pk


def test_a_deferred_insert_unless_taken_keeps_the_first_row(county):
    """The case outputs queue their SMS with its dedupe key: a second one with the same key,
    queued in the same or a later transaction, leaves the first alone."""
    from onewindow.notifications.services import notify

    def queue(body: str) -> OutboxMessage | None:
        return notify(region=county, channel="sms", recipient="13900000000", subject="办件", body=body,
                      kind="case.accepted", dedupe_key="990121-2026-000001:2:sms", at=MOMENT)

    with transaction.atomic(), batching.deferred_writes():
        first, second = queue("第一条"), queue("第二条")
    with transaction.atomic(), batching.deferred_writes():
        third = queue("第三条")
    assert list(OutboxMessage.objects.values_list("body", flat=True)) == ["第一条"]
    assert first is not None
    assert first.pk is not None
    assert second is not None
    assert second.pk is None
    assert third is not None
    assert third.pk is None
