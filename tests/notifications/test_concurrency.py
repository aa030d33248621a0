"""Two workers at the same time, each with its own database connection (PostgreSQL only).

On SQLite the claim's IMMEDIATE transaction serializes workers; the sequential version of this
guarantee (a second worker starting while the first sends) is in test_services.py.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from onewindow.notifications.models import OutboxMessage, Status
from onewindow.notifications.services import deliver_due
from onewindow.organization.models import Region

from .sending import T0, MeetingSender, RecordingSender

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SKIP LOCKED across connections"),
    pytest.mark.django_db(transaction=True),
]


def _queue(n: int) -> set[int]:
    """``n`` due rows, written directly: notify() would deliver each at once after its commit."""
    region = Region.objects.create(code="990121000000", name="云溪县", level=3)
    return {OutboxMessage.objects.create(region=region, channel="sms", recipient="13800138000", body=f"第{i}条",
                                         kind="case.accepted", created_at=T0, next_attempt_at=T0).pk
            for i in range(n)}


def _in_thread(func) -> list[object]:
    """Run ``func`` on its own connection; return [result] or [exception]."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(func())
        except BaseException as exc:
            out.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the second worker waited for the first one's lock"
    return out


def test_a_worker_skips_the_rows_another_worker_is_claiming(use_senders):
    # given a worker that has locked two of three due rows and not committed its claim yet
    use_senders(sms="RecordingSender")
    ids = sorted(_queue(3))
    with transaction.atomic():
        held = list(OutboxMessage.objects.select_for_update().filter(pk__in=ids[:2]))
        # when a second worker runs meanwhile
        result = _in_thread(lambda: deliver_due(now=T0))
        # then it neither waits for the lock nor takes the locked rows: it sends only the free one
        assert result == [1]
        assert RecordingSender.sent == [ids[2]]
        assert len(held) == 2
    assert OutboxMessage.objects.get(pk=ids[2]).status == Status.SENT
    assert set(OutboxMessage.objects.filter(pk__in=ids[:2]).values_list("status", flat=True)) == {Status.PENDING}


def test_two_workers_at_once_never_send_a_message_twice(use_senders):
    use_senders(sms="MeetingSender")
    ids = _queue(40)
    start = threading.Barrier(2, timeout=30)
    MeetingSender.meeting = threading.Barrier(2, timeout=30)  # both have claimed rows before either sends
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            while deliver_due(now=T0, limit=5):
                pass
        except BaseException as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(RecordingSender.sent) == len(ids)
    assert set(RecordingSender.sent) == ids  # each once, none twice
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
