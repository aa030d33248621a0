"""Two sweeps at the same moment on two connections (PostgreSQL only): the unique constraint and
``ON CONFLICT DO NOTHING`` make the second one skip what the first is still inserting.

On SQLite the sweep's IMMEDIATE transaction serializes workers; the sequential version of this
guarantee is in test_sweep.py (repeated sweeps, a lost cursor).
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.db import connection, transaction

from onewindow.supervision import services as sv
from onewindow.supervision.models import Warning, WarningEvent
from onewindow.supervision.rules import Code

from .conftest import accepted_case, start_of

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two writers at once"),
    pytest.mark.django_db(transaction=True),
]


def test_a_second_worker_sweeping_while_the_first_has_not_committed_creates_nothing_twice(hall):
    accepted_case(hall)
    # a committed cursor from an earlier sweep: both workers read it and scan the same range
    sv.sweep(now=start_of(date(2026, 10, 1)))
    moment = start_of(date(2026, 10, 20))
    out: list[object] = []

    def second_worker() -> None:
        try:
            out.append(sv.sweep(now=moment))
        except BaseException as exc:  # reported below
            out.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        first = sv.sweep(now=moment)  # inserted, not committed
        thread = threading.Thread(target=second_worker)
        thread.start()
        time.sleep(1.0)  # the second worker now waits on the first one's uncommitted warning rows
        assert thread.is_alive()
    thread.join(timeout=30)
    assert not thread.is_alive()
    [second] = out
    assert not isinstance(second, BaseException), second
    assert first.fired >= 1 and second.fired == 0  # type: ignore[union-attr]
    assert second.crossings >= 1  # type: ignore[union-attr] — it did find the crossing, and the database said no
    assert Warning.objects.filter(rule=Code.PROMISED_OVERDUE).count() == 1
    assert WarningEvent.objects.filter(kind="not_notified").count() == Warning.objects.filter(level="red").count()
