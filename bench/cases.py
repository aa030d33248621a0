"""Benchmark of case lifecycles through the service layer on PostgreSQL (issue: case throughput).
Run from the repository root:

    .venv/bin/python bench/cases.py [--smoke] [--lifecycles N]

1. Full lifecycles — submit → accept → two review stages → grant → certificate → deliver, seven
   transitions — run through :mod:`onewindow.cases.services` by 2 worker processes at once, each
   with its own ``django.setup()`` and connection. Every service call is timed; the result is
   transitions per second over the wall time of the run, and p50/p95/p99 per transition kind.
   1500 lifecycles by default: about as long as pgbench runs, so both see the machine alike.
   Each call is one transaction as in production: the row lock, the hash-chained event, the
   numbered notice or signed certificate, the queued SMS. Nothing is rendered (the services
   never render inside a transaction; PDFs are a background job).
2. ``pgbench`` on the same server in the same run: its built-in TPC-B-like script at scale 10
   with 2 clients for 30 s on a database of its own (``onewindow_pgbench``), as the yardstick of
   what this machine's PostgreSQL does. The ratio of our transitions per second to pgbench's
   transactions per second is printed against the target (≥ 25 %).

3. The SQL statements of one warm lifecycle, counted by kind (BEGIN, SELECT, INSERT, …), and the
   round trips they take, to read the ratio by: a pgbench transaction is BEGIN, five statements
   and END, seven round trips.

``DATABASE_URL`` names the benchmark's database (default
``postgres://postgres@127.0.0.1:5432/onewindow_bench``): made anew on every run, migrated, given a
small organization and one item with two review stages and real grants (through the ORM, as
tests/cases/conftest.py does). Every run empties its case tables first so runs compare; for that
reason the database's name must end in ``_bench``. ``ONEWINDOW_VAR_DIR`` is a fresh temporary
directory (signing keys, media), never the developer's var/. Without PostgreSQL or pgbench the
benchmark says so and exits 0. ``--smoke`` runs a few lifecycles and pgbench at scale 1 for 3 s.
The result is written to bench/results/cases.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this directory would come first on the path, and its calendar.py would shadow
# the standard library's ``calendar`` (which Django's views import): put the repository root there.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from bench.support import pg  # noqa: E402

RESULTS = _HERE / "results" / "cases.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/onewindow_bench"
PGBENCH_DB = "onewindow_pgbench"
TARGET_RATIO = 0.25
WORKERS = 2
# About 30 s of lifecycles here, as long as pgbench runs: this machine's speed drifts by tens of
# percent from minute to minute, and two phases of equal length see the same drift.
DEFAULT_LIFECYCLES = 1500
WARMUP = 2  # lifecycles per worker before the clock starts (connections, caches, the signing key)

# The transitions of one lifecycle, in order; the two stages are timed as one kind.
KINDS = ("submit", "accept", "complete_stage", "decide", "issue_certificate", "deliver")
TRANSITIONS_PER_LIFECYCLE = 7

COUNTY = "990121000000"
ITEM_CODE = "11990121BENCH000000000000000001"
VALID_ID = "11010519491231002X"  # GB 11643's example number (valid check character)


# --- pure: statistics ----------------------------------------------------------------------------


def percentile(sorted_values: list[float], share: float) -> float:
    """The nearest-rank percentile of already sorted values (share in (0, 1])."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-int(share * 1000) * len(sorted_values) // 1000))  # ceil without float error
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarize(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """p50/p95/p99 and mean in milliseconds, and the count, per transition kind."""
    result = {}
    for kind in KINDS:
        values = sorted(samples.get(kind, []))
        result[kind] = {"count": len(values), "p50_ms": round(percentile(values, 0.50) * 1000, 2),
                        "p95_ms": round(percentile(values, 0.95) * 1000, 2),
                        "p99_ms": round(percentile(values, 0.99) * 1000, 2),
                        "mean_ms": round(sum(values) / len(values) * 1000, 2) if values else float("nan")}
    return result


def parse_pgbench_tps(output: str) -> float:
    """The ``tps = …`` figure pgbench prints (``without initial connection time`` on PostgreSQL 14+)."""
    found = re.findall(r"^tps = ([0-9.]+)", output, flags=re.MULTILINE)
    if not found:
        raise ValueError(f"no tps in pgbench output:\n{output}")
    return float(found[-1])


# --- the environment -------------------------------------------------------------------------------


def _quiet() -> None:
    """The outbox logs every message it delivers at INFO: thousands of lines, none of them news here."""
    logging.getLogger("onewindow.notifications").setLevel(logging.WARNING)


def _configure(server: pg.Target, var_dir: str) -> None:
    """Environment for Django in this process and the workers it spawns."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "onewindow.settings"
    os.environ["DATABASE_URL"] = server.url
    os.environ["ONEWINDOW_VAR_DIR"] = var_dir
    # Personal data is encrypted: without keys in the environment, key files in the fresh VAR_DIR.
    os.environ.setdefault("ONEWINDOW_DEV_KEY_FILES", "1")
    os.environ.pop("ONEWINDOW_MEDIA_ROOT", None)
    os.environ.setdefault("DB_CONN_MAX_AGE", "600")  # one connection per worker for the whole run


# --- the organization ---------------------------------------------------------------------------------


def _organization() -> dict[str, int]:
    """A county with a window, a clerk, two reviewers, a chief representative and one item whose
    process has two review stages. Idempotent; returns the staff ids."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from onewindow.catalog.models import Material, ServiceItem, ServiceItemVersion, Stage
    from onewindow.organization.models import Authorization, Department, Posting, Region, Staff, Window
    from onewindow.organization.rules import Power, Role

    province, _ = Region.objects.get_or_create(code="990000000000", defaults={"name": "演示省", "level": 1})
    city, _ = Region.objects.get_or_create(code="990100000000", defaults={"name": "演示市", "level": 2,
                                                                           "parent": province})
    county, _ = Region.objects.get_or_create(code=COUNTY, defaults={"name": "云溪县", "level": 3, "parent": city,
                                                                     "has_center": True})
    dept, _ = Department.objects.get_or_create(region=county, code="GSJ", defaults={"name": "云溪县工商局"})
    window, _ = Window.objects.get_or_create(region=county, number="01",
                                             defaults={"name": "综合窗口", "kind": "general"})
    window.departments.add(dept)

    def staff(username: str, role: Role, *, power: Power | None = None, posted_to_window: bool = False) -> int:
        found = Staff.objects.filter(user__username=username).first()
        if found is not None:
            return found.pk
        user = get_user_model().objects.create_user(username=username, password=None)  # no login needed
        person = Staff.objects.create(user=user, name=username, employee_number=username, region=county,
                                      department=None if posted_to_window else dept)
        Posting.objects.create(staff=person, role=role, region=county, department=None if posted_to_window else dept,
                               window=window if posted_to_window else None)
        if power is not None:
            Authorization.objects.create(staff=person, power=power, department=dept, valid_from=date(2020, 1, 1))
        return person.pk

    ids = {"clerk": staff("bench.clerk", Role.CLERK, power=Power.ACCEPT, posted_to_window=True),
           "reviewer": staff("bench.reviewer", Role.REVIEWER), "reviewer2": staff("bench.reviewer2", Role.REVIEWER),
           "chief": staff("bench.chief", Role.CHIEF_REPRESENTATIVE, power=Power.DECIDE)}
    if not ServiceItem.objects.filter(implementation_code=ITEM_CODE).exists():
        item = ServiceItem.objects.create(region=county, department=dept, implementation_code=ITEM_CODE,
                                          basic_code=ITEM_CODE[-12:])
        item.windows.add(window)
        version = ServiceItemVersion.objects.create(
            item=item, version=1, name="食品经营许可证核发（基准测试）", item_type="licensing", implementing_body=dept.name,
            legal_basis="《中华人民共和国食品安全法》第三十五条", acceptance_conditions="具有与经营的食品品种、数量相适应的经营场所",
            statutory_limit=20, promised_limit=10, handling_type="committed", result_type="certificate",
            result_name="食品经营许可证", delivery_methods=["window", "post"],
        )
        for order, name in enumerate(["食品经营许可申请书", "营业执照", "经营场所平面图"], start=1):
            Material.objects.create(version=version, order=order, name=name, required=True)
        for order, (name, role, days) in enumerate([("受理", "clerk", 0), ("审查", "reviewer", 3),
                                                   ("复核", "reviewer", 2), ("决定", "chief_representative", 1)],
                                                  start=1):
            Stage.objects.create(version=version, order=order, name=name, role=role, budget_workdays=days,
                                 department_code=dept.code)
        item.current_version = version
        item.save(update_fields=["current_version"])
    return ids


def _empty_case_tables() -> None:
    """Start every run from no cases, so runs compare (the database is the benchmark's own)."""
    from django.db import connection

    from onewindow.cases.models import Case, CaseNumberSequence
    from onewindow.documents.models import DocumentNumberSequence
    from onewindow.notifications.models import OutboxMessage

    tables = [m._meta.db_table for m in (Case, CaseNumberSequence, DocumentNumberSequence, OutboxMessage)]
    with connection.cursor() as cursor:
        # CASCADE takes the events, tasks, documents and certificates that point at the cases.
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


# --- the workers ---------------------------------------------------------------------------------------


def _lifecycle(ids: dict[str, Any], samples: dict[str, list[float]] | None) -> None:
    """One case from submission to delivery; each service call timed into ``samples``."""
    from onewindow.cases import services as s

    staff = ids["staff"]

    def timed(kind: str, call, **kwargs):
        began = time.perf_counter()
        result = call(**kwargs)
        if samples is not None:
            samples[kind].append(time.perf_counter() - began)
        return result

    case = timed("submit", s.case_submit, actor=staff["clerk"], item_code=ITEM_CODE, applicant=ids["applicant"],
                 materials=ids["materials"], window_number="01")
    timed("accept", s.case_accept, case_id=case.id, actor=staff["clerk"])
    timed("complete_stage", s.case_complete_stage, case_id=case.id, actor=staff["reviewer"], stage_order=2,
          opinion="材料齐全，符合法定条件")
    timed("complete_stage", s.case_complete_stage, case_id=case.id, actor=staff["reviewer2"], stage_order=3,
          opinion="复核无误，同意")
    timed("decide", s.case_decide, case_id=case.id, actor=staff["chief"], grant=True)
    timed("issue_certificate", s.case_issue_certificate, case_id=case.id, actor=staff["clerk"])
    timed("deliver", s.case_deliver, case_id=case.id, actor=staff["clerk"], method="window")


def _inputs(index: int, staff_ids: dict[str, int]) -> dict[str, Any]:
    """The staff members, the applicant and the checklist one worker's lifecycles use."""
    from onewindow.cases.rules import Applicant, MaterialCheck
    from onewindow.organization.models import Staff

    return {
        "staff": {k: Staff.objects.select_related("region").get(pk=v) for k, v in staff_ids.items()},
        "applicant": Applicant(kind="person", name=f"测试申请人{index}", id_type="resident_id", id_number=VALID_ID,
                               phone=f"1390000000{index}"),
        "materials": [MaterialCheck(n, "received") for n in ("食品经营许可申请书", "营业执照", "经营场所平面图")],
    }


def statements_per_lifecycle(staff_ids: dict[str, int]) -> dict[str, int]:
    """The SQL statements one warm lifecycle sends, by their first word, and the round trips they
    take (what a transition costs the database, next to pgbench's five statements and a commit,
    seven round trips). Counted at the cursor, so BEGIN and COMMIT are there when they are sent
    as statements (:func:`onewindow.core.batching.atomic` does); a round trip is a statement
    sent on its own or one pipeline of them."""
    from django.db import connection

    ids = _inputs(9, staff_ids)
    for _ in range(WARMUP):
        _lifecycle(ids, None)
    counts: dict[str, int] = {}
    trips = [0]

    def count(execute, sql, params, many, context):
        word = sql.split(None, 1)[0].upper()
        counts[word] = counts.get(word, 0) + 1
        return execute(sql, params, many, context)

    raw = connection.connection
    off = 0  # psycopg.pq.PipelineStatus.OFF
    pipeline, factory = raw.pipeline, raw.cursor_factory

    class Counting(factory):
        def execute(self, *args: Any, **kwargs: Any) -> Any:
            if raw.pgconn.pipeline_status == off:  # sent alone
                trips[0] += 1
            return super().execute(*args, **kwargs)

    def counted_pipeline():
        if raw.pgconn.pipeline_status == off:  # an outermost pipeline: one sync
            trips[0] += 1
        return pipeline()

    raw.pipeline, raw.cursor_factory = counted_pipeline, Counting
    try:
        with connection.execute_wrapper(count):
            _lifecycle(ids, None)
    finally:
        del raw.pipeline
        raw.cursor_factory = factory
    total = sum(counts.values())
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]), total=total, round_trips=trips[0])


def _worker(index: int, lifecycles: int, staff_ids: dict[str, int], barrier: Any, queue: Any) -> None:
    """One worker process: its own Django and connection; warm up, wait for the other, run."""
    import django

    django.setup()
    _quiet()
    ids = _inputs(index, staff_ids)
    errors: list[str] = []
    for _ in range(WARMUP):
        _lifecycle(ids, None)
    samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
    barrier.wait()
    # monotonic() is CLOCK_MONOTONIC on Linux: one clock for every process, so the parent can
    # take the run's wall time from the earliest start to the latest end.
    started = time.monotonic()
    for _ in range(lifecycles):
        try:
            _lifecycle(ids, samples)
        except Exception as exc:  # a failed lifecycle is reported, not fatal: the others still count
            errors.append(f"{exc.__class__.__name__}: {exc}")
    queue.put({"worker": index, "started": started, "ended": time.monotonic(), "samples": samples,
               "errors": errors})


def run_lifecycles(lifecycles: int, staff_ids: dict[str, int]) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")  # never fork a process holding a database connection
    barrier, queue = context.Barrier(WORKERS), context.Queue()
    shares = [lifecycles // WORKERS + (1 if i < lifecycles % WORKERS else 0) for i in range(WORKERS)]
    processes = [context.Process(target=_worker, args=(i, shares[i], staff_ids, barrier, queue))
                 for i in range(WORKERS)]
    for p in processes:
        p.start()
    reports = [queue.get() for _ in processes]
    for p in processes:
        p.join()
        if p.exitcode:
            raise RuntimeError(f"worker exited with {p.exitcode}")
    samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for report in reports:
        for kind, values in report["samples"].items():
            samples[kind].extend(values)
    wall = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    transitions = sum(len(v) for v in samples.values())
    errors = [e for r in reports for e in r["errors"]]
    return {"workers": WORKERS, "lifecycles": lifecycles, "transitions": transitions,
            "wall_seconds": round(wall, 3), "transitions_per_second": round(transitions / wall, 1) if wall else 0.0,
            "lifecycles_per_second": round((transitions / TRANSITIONS_PER_LIFECYCLE) / wall, 2) if wall else 0.0,
            "per_transition": summarize(samples), "errors": len(errors), "first_errors": errors[:3]}


# --- pgbench -------------------------------------------------------------------------------------------


def run_pgbench(server: pg.Target, *, scale: int, seconds: int) -> dict[str, Any]:
    """pgbench's built-in TPC-B-like script on a fresh database of its own."""
    pg.prepare_database(server.url_for(PGBENCH_DB), fresh=True)
    env = {**os.environ, "PGPASSWORD": server.password} if server.password else dict(os.environ)
    where = ["-h", server.host, "-p", str(server.port), "-U", server.user]
    began = time.perf_counter()
    subprocess.run(["pgbench", "-i", "-q", "-s", str(scale), *where, PGBENCH_DB], env=env, check=True,
                   capture_output=True, text=True)
    init_seconds = time.perf_counter() - began
    done = subprocess.run(["pgbench", "-c", "2", "-j", "2", "-T", str(seconds), *where, PGBENCH_DB], env=env,
                          check=True, capture_output=True, text=True)
    return {"scale": scale, "clients": 2, "threads": 2, "seconds": seconds, "init_seconds": round(init_seconds, 1),
            "tps": round(parse_pgbench_tps(done.stdout), 1)}


# --- main ----------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a few lifecycles, pgbench at scale 1 for 3 s")
    parser.add_argument("--lifecycles", type=int, default=None,
                        help=f"lifecycles in all (default {DEFAULT_LIFECYCLES}; smoke 20)")
    args = parser.parse_args()
    lifecycles = args.lifecycles or (20 if args.smoke else DEFAULT_LIFECYCLES)

    server = pg.parse(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    if not server.url.startswith(("postgres://", "postgresql://")):
        return pg.skip(f"DATABASE_URL is not PostgreSQL ({server.url.split(':', 1)[0]}); this benchmark needs PostgreSQL")
    if shutil.which("pgbench") is None:
        return pg.skip("pgbench is not installed (Debian: postgresql-client); the benchmark needs it as its yardstick")
    if not server.name.endswith("_bench"):
        print(f"refused: the benchmark empties the case tables of its database, and {server.name!r} "
              "does not end in _bench", file=sys.stderr)
        return 2

    if (problem := pg.prepare_database(server.url, fresh=True)) is not None:
        return pg.skip(problem)
    var_dir = tempfile.mkdtemp(prefix="onewindow-bench-")
    _configure(server, var_dir)
    began = time.perf_counter()
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    _quiet()
    call_command("migrate", verbosity=0)
    _empty_case_tables()
    staff_ids = _organization()
    statements = statements_per_lifecycle(staff_ids)
    connections.close_all()
    setup_seconds = time.perf_counter() - began

    cases = run_lifecycles(lifecycles, staff_ids)
    pgbench = run_pgbench(server, scale=1 if args.smoke else 10, seconds=3 if args.smoke else 30)
    shutil.rmtree(var_dir, ignore_errors=True)

    ratio = cases["transitions_per_second"] / pgbench["tps"] if pgbench["tps"] else 0.0
    result = {
        "benchmark": "cases", "smoke": args.smoke, "python": platform.python_version(),
        "machine": platform.machine(), "database": f"{server.host}:{server.port}/{server.name}",
        "setup_seconds": round(setup_seconds, 1), "lifecycles": cases, "statements_per_lifecycle": statements,
        "pgbench": pgbench,
        "ratio": round(ratio, 3), "target_ratio": TARGET_RATIO,
        # A smoke run is too short to judge the target: it checks that everything runs.
        "ok": cases["errors"] == 0 and (args.smoke or ratio >= TARGET_RATIO),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    print(f"setup (create, migrate, organization): {setup_seconds:.1f} s")
    print(f"{cases['lifecycles']} lifecycles × {TRANSITIONS_PER_LIFECYCLE} transitions by {WORKERS} workers "
          f"in {cases['wall_seconds']} s: {cases['transitions_per_second']} transitions/s "
          f"({cases['lifecycles_per_second']} lifecycles/s), errors {cases['errors']}")
    print(f"statements per lifecycle ({TRANSITIONS_PER_LIFECYCLE} transitions, BEGIN and COMMIT included): "
          + ", ".join(f"{word} {n}" for word, n in statements.items() if word != "round_trips")
          + f"; round trips {statements['round_trips']}")
    for kind, row in cases["per_transition"].items():
        print(f"  {kind:18} n={row['count']:5}  p50 {row['p50_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms  "
              f"p99 {row['p99_ms']:7.2f} ms")
    for error in cases["first_errors"]:
        print(f"  error: {error}")
    print(f"pgbench TPC-B-like, scale {pgbench['scale']}, 2 clients, {pgbench['seconds']} s: {pgbench['tps']} tps")
    print(f"ratio {ratio:.1%} of pgbench (target ≥ {TARGET_RATIO:.0%}) · written to "
          f"{RESULTS.relative_to(_HERE.parent)} · ok: {result['ok']}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
