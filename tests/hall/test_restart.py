"""A restarted server loses no ticket and no call (issue 19): every ticket and call is a row
committed with the request. A real second process issues and calls, and is killed (SIGKILL) —
once after its commit, once inside its transaction: the committed ticket and call are there, the
half-done call left nothing, and the ticket is called once, by the next call.

The process opens the test database, so the test needs one another process can open: PostgreSQL,
or SQLite with ``SQLITE_TEST_NAME`` (a file); with SQLite's in-memory test database it is skipped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from onewindow.hall import duty_services, services
from onewindow.hall.models import CallRecord, Ticket
from tests.processes import database_url

pytestmark = pytest.mark.django_db(transaction=True)

PROCESS = """
import os, signal, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
django.setup()
from django.db import transaction
from onewindow.hall import services
from onewindow.organization.models import Staff, Window
queue_id, window_id, staff_id, when = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
window, clerk = Window.objects.get(pk=window_id), Staff.objects.get(pk=staff_id)
if when == "after_commit":
    services.ticket_issue(queue_id=queue_id)
    services.call_next(window=window, actor=clerk)
else:  # killed inside the request's transaction, after the call's writes
    with transaction.atomic():
        services.call_next(window=window, actor=clerk)
        os.kill(os.getpid(), signal.SIGKILL)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _killed(lobby, when: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url()}
    env.pop("SQLITE_TEST_NAME", None)
    return subprocess.run([sys.executable, "-c", PROCESS, str(lobby.queue_a.pk), str(lobby.w3.pk),
                           str(lobby.clerk3.pk), when], env=env, capture_output=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])


def test_a_killed_server_keeps_what_it_committed_and_nothing_it_did_not(lobby):
    duty_services.sign_in(window=lobby.w3, actor=lobby.clerk3)
    done = _killed(lobby, "after_commit")
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()[-2000:]
    first = Ticket.objects.get()
    assert (first.state, first.window_id) == ("called", lobby.w3.pk)  # the ticket and its call survived
    assert list(CallRecord.objects.filter(ticket=first).values_list("kind", flat=True)) == ["call"]

    services.ticket_serve(ticket_id=first.pk, window=lobby.w3, actor=lobby.clerk3)  # the visitor came
    waiting = services.ticket_issue(queue_id=lobby.queue_a.pk)
    done = _killed(lobby, "inside_transaction")
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()[-2000:]
    waiting.refresh_from_db()
    first.refresh_from_db()
    assert waiting.state == "waiting"  # the half-done call left nothing …
    assert first.state == "serving"  # … not even the close of the window's previous ticket
    assert not CallRecord.objects.filter(ticket=waiting).exists()
    called = services.call_next(window=lobby.w3, actor=lobby.clerk3)  # the next call takes it, once
    assert called == waiting
    first.refresh_from_db()
    assert first.state == "done"
    assert CallRecord.objects.filter(ticket=waiting, kind="call").count() == 1
