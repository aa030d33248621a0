"""Benchmark of the hall's calls on PostgreSQL. Run from the repository root:

    .venv/bin/python bench/hall.py [--smoke] [--windows N] [--tickets M]

1. ``N`` windows (default 200), each with its clerk signed in, call one queue while ``M`` tickets
   (default 2 000) are issued over one minute (2 000 a minute) by a kiosk thread. Worker threads
   (16: the machine has few cores and PostgreSQL a bounded number of connections) each act for
   a window at a time, round robin, calling ``services.call_next`` until every ticket is called.
   Every call's latency is recorded; afterwards each ticket must have exactly one ``call`` record
   (no duplicate call, none lost).
2. The same tickets are put back to *waiting* and called again by the same threads with a bare
   ``SELECT … FOR UPDATE SKIP LOCKED`` + ``UPDATE`` of the same rows (no service, no checks), in
   the same run: the service's overhead over the bare statement, printed as p50/p95 of both.

``DATABASE_URL`` names the benchmark's database (default
``postgres://postgres@127.0.0.1:5432/onewindow_hall``): made anew on every run and migrated; its hall
tables are emptied at the start of every run, so its name must end in ``_hall``. Without
PostgreSQL the benchmark says so and exits 0. ``--smoke``: 10 windows, 60 tickets, issued as
fast as they go. The result is written to bench/results/hall.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

from bench.support import pg  # noqa: E402

RESULTS = _HERE / "results" / "hall.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/onewindow_hall"
COUNTY = "990121000000"
THREADS = 16


def _setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "onewindow.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["ONEWINDOW_VAR_DIR"] = tempfile.mkdtemp(prefix="onewindow-hall-bench-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    logging.getLogger("onewindow.notifications").setLevel(logging.WARNING)


def _hall(windows: int) -> tuple[Any, list[tuple[Any, Any]]]:
    """The county, one window group with one queue, ``windows`` windows with a clerk signed in each."""
    from django.contrib.auth import get_user_model

    from onewindow.core.timesource import local_date, now
    from onewindow.hall.models import (
        Appointment,
        Attendance,
        CallRecord,
        OpeningHours,
        Queue,
        RosterEntry,
        Ticket,
        TicketCounter,
        WindowGroup,
        WindowQueue,
    )
    from onewindow.organization.models import Posting, Region, Staff, Window

    for model in (CallRecord, Appointment, Ticket, TicketCounter, Attendance, RosterEntry, WindowQueue, Queue):
        model.objects.all().delete()
    # The benchmark runs at any hour: published opening hours would refuse its tickets at night.
    OpeningHours.objects.all().delete()
    WindowGroup.objects.all().delete()
    province, _ = Region.objects.get_or_create(code="990000000000", defaults={"name": "演示省", "level": 1})
    city, _ = Region.objects.get_or_create(code="990100000000", defaults={"name": "演示市", "level": 2,
                                                                           "parent": province})
    county, _ = Region.objects.get_or_create(code=COUNTY, defaults={"name": "云溪县", "level": 3, "parent": city,
                                                                    "has_center": True})
    group = WindowGroup.objects.create(region=county, code="BENCH", name="压测区")
    queue = Queue.objects.create(group=group, letter="Z", name="压测队列")
    user_model = get_user_model()
    desks = []
    day = local_date()
    for n in range(windows):
        number = f"B{n:03d}"
        window, _ = Window.objects.get_or_create(region=county, number=number, defaults={"name": f"压测窗口{n}"})
        WindowQueue.objects.create(window=window, queue=queue, rank=1)
        user, _ = user_model.objects.get_or_create(username=f"bench_hall_{n}")
        staff, created = Staff.objects.get_or_create(user=user, defaults={"name": f"压测{n}", "region": county,
                                                                          "employee_number": f"BH{n:04d}"})
        if created:
            Posting.objects.create(staff=staff, role="clerk", region=county, window=window)
        Attendance.objects.create(window=window, staff=staff, day=day, signed_in_at=now())
        desks.append((window, staff))
    return queue, desks


def _percentiles(values: list[float]) -> dict[str, float]:
    from onewindow.hall.rules import percentile

    return {"p50_ms": round(percentile(values, 0.5) * 1000, 2), "p95_ms": round(percentile(values, 0.95) * 1000, 2),
            "calls": len(values)}


def _run_callers(call, desks: list, tickets: int, issued_done: threading.Event) -> tuple[list[float], list[int]]:
    """``THREADS`` threads call for the windows round robin until every ticket is called."""
    from django.db import connection

    latencies: list[float] = []
    called: list[int] = []
    lock = threading.Lock()
    turn = [0]

    def worker() -> None:
        try:
            while True:
                with lock:
                    if len(called) >= tickets:
                        return
                    window, staff = desks[turn[0] % len(desks)]
                    turn[0] += 1
                got, elapsed = call(window, staff)
                with lock:
                    latencies.append(elapsed)
                    if got is not None:
                        called.append(got)
                if got is None and issued_done.is_set():
                    with lock:
                        if len(called) >= tickets:
                            return
                if got is None:
                    time.sleep(0.01)  # nobody waiting yet: the kiosk is still issuing
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, called


def run(windows: int, tickets: int, per_minute: int | None) -> dict[str, Any]:
    from django.db import connection, transaction

    from onewindow.core.errors import Conflict
    from onewindow.core.timesource import local_date
    from onewindow.hall import services
    from onewindow.hall.models import CallRecord, Ticket

    queue, desks = _hall(windows)
    issued_done = threading.Event()

    def kiosk() -> None:
        try:
            gap = 60 / per_minute if per_minute else 0
            started = time.perf_counter()
            for n in range(tickets):
                services.ticket_issue(queue_id=queue.pk)
                if gap:
                    time.sleep(max(0.0, started + (n + 1) * gap - time.perf_counter()))
        finally:
            issued_done.set()
            connection.close()

    def service_call(window, staff):
        """One call at a window (timed); the applicant then comes (serve, not timed), so the
        window's next call finishes it. Another thread acting for the same window meanwhile is
        told the window is busy (a 409, as a clerk double-clicking would be)."""
        started = time.perf_counter()
        try:
            ticket = services.call_next(window=window, actor=staff)
        except Conflict:
            return None, time.perf_counter() - started
        elapsed = time.perf_counter() - started
        if ticket is None:
            return None, elapsed
        with contextlib.suppress(Conflict):
            services.ticket_serve(ticket_id=ticket.pk, window=window, actor=staff)
        return ticket.pk, elapsed

    started = time.perf_counter()
    issuer = threading.Thread(target=kiosk)
    issuer.start()
    latencies, called = _run_callers(service_call, desks, tickets, issued_done)
    issuer.join()
    service_seconds = time.perf_counter() - started
    calls_per_ticket = CallRecord.objects.filter(kind="call").count()
    no_duplicate = len(called) == len(set(called)) == tickets == calls_per_ticket

    # The same rows, back to waiting, called with the bare statement.
    Ticket.objects.filter(queue=queue).update(state="waiting", window=None)
    table = Ticket._meta.db_table
    day = local_date()
    bare_sql = (f'SELECT id FROM "{table}" WHERE day = %s AND state = %s AND queue_id = %s '
                f"ORDER BY issued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED")

    def bare_call(window, _staff):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as c:
            c.execute(bare_sql, [day, "waiting", queue.pk])
            row = c.fetchone()
            if row is not None:
                c.execute(f'UPDATE "{table}" SET state = %s, window_id = %s WHERE id = %s',
                          ["called", window.pk, row[0]])
        return (row[0] if row is not None else None), time.perf_counter() - started

    done = threading.Event()
    done.set()
    bare_latencies, bare_called = _run_callers(bare_call, desks, tickets, done)
    return {
        "windows": windows, "tickets": tickets, "tickets_per_minute": per_minute, "threads": THREADS,
        "service": {**_percentiles(latencies), "seconds": round(service_seconds, 2),
                    "called": len(called), "distinct": len(set(called)), "call_records": calls_per_ticket},
        "bare_skip_locked": {**_percentiles(bare_latencies), "called": len(bare_called),
                             "distinct": len(set(bare_called))},
        "no_duplicate_call": no_duplicate and len(bare_called) == len(set(bare_called)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="10 windows, 60 tickets, issued at once")
    parser.add_argument("--windows", type=int, default=None)
    parser.add_argument("--tickets", type=int, default=None)
    args = parser.parse_args(argv)
    windows = args.windows or (10 if args.smoke else 200)
    tickets = args.tickets or (60 if args.smoke else 2_000)
    per_minute = None if args.smoke else 2_000
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        return pg.skip(f"DATABASE_URL is not PostgreSQL ({url.split(':')[0]})")
    if not pg.parse(url).name.endswith("_hall"):
        return pg.skip("the benchmark empties its database's hall tables: its name must end in _hall")
    problem = pg.prepare_database(url, fresh=True)
    if problem:
        return pg.skip(problem)
    _setup_django(url)
    result = run(windows, tickets, per_minute)
    result.update({"smoke": args.smoke, "python": platform.python_version(), "machine": platform.machine(),
                   "cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
                   "at": datetime.now(UTC).isoformat(timespec="seconds")})
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print("OK" if result["no_duplicate_call"] else "DUPLICATE OR LOST CALL")
    return 0 if result["no_duplicate_call"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
