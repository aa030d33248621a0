"""Two windows calling at the same instant never get the same ticket (PostgreSQL only: SQLite's
IMMEDIATE transactions run one at a time). The race is made to happen: the first window holds its
chosen ticket's lock, uncommitted, while the second one calls."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from onewindow.hall import duty_services, services
from onewindow.hall.models import CallRecord, Ticket, WindowQueue
from onewindow.organization.models import Window

from .helpers import at, window_clerk

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two writers at once"),
    pytest.mark.django_db(transaction=True),
]


def run(target, out: list) -> threading.Thread:
    def body() -> None:
        try:
            out.append(target())
        except BaseException as exc:  # reported by the test
            out.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def test_the_second_window_skips_the_ticket_the_first_is_taking(lobby):
    for clerk, window in ((lobby.clerk1, lobby.w1), (lobby.clerk3, lobby.w3)):
        duty_services.sign_in(window=window, actor=clerk, at=at(8, 55))
    first = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 0))
    second = services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, 1))
    locked = threading.Event()
    second_done = threading.Event()
    waited: list[bool] = []
    table = f'"{Ticket._meta.db_table}"'

    def hold_the_lock(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "SKIP LOCKED" in sql and table in sql and not locked.is_set():
            locked.set()
            # keep the row locked until the other window has called: it must not wait for this lock
            waited.append(second_done.wait(timeout=20))
        return result

    def window_1():
        with connection.execute_wrapper(hold_the_lock):
            return services.call_next(window=lobby.w1, actor=lobby.clerk1, at=at(9, 2))

    def window_3():
        locked.wait(timeout=30)
        try:
            return services.call_next(window=lobby.w3, actor=lobby.clerk3, at=at(9, 2))
        finally:
            second_done.set()

    out1: list = []
    out3: list = []
    threads = [run(window_1, out1), run(window_3, out3)]
    for t in threads:
        t.join(timeout=60)
    assert not isinstance(out1[0], BaseException), out1
    assert not isinstance(out3[0], BaseException), out3
    assert waited == [True]  # the second window called while the first held its ticket
    assert out1[0].pk == first.pk
    assert out3[0].pk == second.pk


def test_many_windows_calling_at_once_call_each_ticket_once(lobby):
    windows, clerks = [], []
    for n in range(6):
        window = Window.objects.create(region=lobby.hall.county, number=f"1{n}", name=f"综合窗口{n}", kind="general")
        WindowQueue.objects.create(window=window, queue=lobby.queue_a, rank=1)
        clerk = window_clerk(f"race{n}", lobby.hall.county, window)
        duty_services.sign_in(window=window, actor=clerk, at=at(8, 55))
        windows.append(window)
        clerks.append(clerk)
    for minute in range(30):
        services.ticket_issue(queue_id=lobby.queue_a.pk, at=at(9, minute))
    start = threading.Barrier(len(windows), timeout=30)

    def calls(window, clerk):
        def body():
            got = []
            start.wait()
            for k in range(5):
                ticket = services.call_next(window=window, actor=clerk, at=at(10, k))
                if ticket is not None:
                    services.ticket_serve(ticket_id=ticket.pk, window=window, actor=clerk, at=at(10, k, 30))
                    got.append(ticket.pk)
            return got
        return body

    outs: list[list] = [[] for _ in windows]
    threads = [run(calls(w, c), out) for w, c, out in zip(windows, clerks, outs, strict=True)]
    for t in threads:
        t.join(timeout=120)
    for out in outs:
        assert not isinstance(out[0], BaseException), out
    called = [pk for out in outs for pk in out[0]]
    assert len(called) == 30
    assert len(set(called)) == 30
    assert CallRecord.objects.filter(kind="call").count() == 30
