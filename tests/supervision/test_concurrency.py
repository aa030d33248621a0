"""Two sweeps at the same moment on two connections (PostgreSQL only): the unique constraint and
``ON CONFLICT DO NOTHING`` make the second one skip what the first is still inserting. The race is
made to happen, not hoped for: the workers meet at a barrier at the point where it matters.

On SQLite the sweep's IMMEDIATE transaction serializes workers; the sequential version of this
guarantee is in test_sweep.py (repeated sweeps, a lost cursor).
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from onewindow.supervision import services as sv
from onewindow.supervision.models import SweepCursor, Warning, WarningEvent
from onewindow.supervision.rules import Code
from tests.cases.helpers import accepted_case

from .helpers import start_of

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
    out: list[sv.SweepResult | BaseException] = []
    # The critical point: the second worker has read the cursor while the first one's sweep (which
    # moved it and inserted its warnings) is not committed yet. Both wait there for each other.
    cursor_read = threading.Barrier(2, timeout=30)
    cursor_table = f'"{SweepCursor._meta.db_table}"'

    def second_worker() -> None:
        met = False

        def meet_once_the_cursor_is_read(execute, sql, params, many, context):
            nonlocal met
            result = execute(sql, params, many, context)
            if not met and sql.lstrip().upper().startswith("SELECT") and cursor_table in sql:
                met = True
                cursor_read.wait()
            return result

        try:
            with connection.execute_wrapper(meet_once_the_cursor_is_read):
                out.append(sv.sweep(now=moment))
        except BaseException as exc:  # reported below
            out.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        first = sv.sweep(now=moment)  # inserted, not committed
        thread = threading.Thread(target=second_worker)
        thread.start()
        cursor_read.wait()  # the second worker scans from the cursor this sweep has not committed
    thread.join(timeout=30)
    assert not thread.is_alive()
    [second] = out
    assert isinstance(second, sv.SweepResult), second
    assert first.fired >= 1
    assert second.crossings >= 1  # it did find the crossing,
    assert second.fired == 0  # and the database said no
    assert Warning.objects.filter(rule=Code.PROMISED_OVERDUE).count() == 1
    assert WarningEvent.objects.filter(kind="not_notified").count() == Warning.objects.filter(level="red").count()
