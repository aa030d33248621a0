"""Benchmark of the electronic-supervision sweep and the indicator queries on PostgreSQL.
Run from the repository root:

    .venv/bin/python bench/sweep.py [--smoke] [--open N] [--concluded M]

1. ``N`` open cases (default 1 000 000) are bulk-loaded with ``COPY`` into a county of 20
   departments, every one of them *in review*, their due dates spread over the weeks ahead.
2. **1 % cross a line** on the benchmark day T: 0.5 % turn yellow on T (``yellow_from`` = T) and
   0.5 % pass their promised due date (``promised_due`` = T − 1). One sweep at T 00:05, with the
   cursor at T − 1, is timed (target < 2 s): it must find exactly those cases by index range scans,
   fire their warnings (red ones try to notify: nobody has a phone, which is recorded), and do
   nothing about the other 99 %.
3. **None cross**: the next day's sweep (T + 1 00:05) is timed (target < 0.2 s): no stored date
   falls in (T, T + 1].
4. **Indicators**: ``M`` concluded cases (default 200 000) of one county-year, each with its
   ``decided`` event, then the indicator set of the county, of one department, and the ranking
   of all its departments are timed (target < 1 s per indicator set).

``DATABASE_URL`` names the benchmark's database (default
``postgres://postgres@127.0.0.1:5432/onewindow_sweep``): made anew on every run and migrated; its
case and supervision tables are emptied at the start of every run, so its name must end in
``_sweep``. ``ONEWINDOW_VAR_DIR`` is a fresh temporary directory. Without PostgreSQL the benchmark
says so and exits 0. ``--smoke`` loads 2 000 open and 2 000 concluded cases. The result is
written to bench/results/sweep.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this directory would come first on the path and its calendar.py would shadow
# the standard library's ``calendar``: put the repository root there instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

from bench.support import pg  # noqa: E402

RESULTS = _HERE / "results" / "sweep.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/onewindow_sweep"
COUNTY = "990121000000"
DEPARTMENTS = 20
DAY = date(2026, 11, 16)  # T, a Monday
TARGETS = {"sweep_1pct_s": 2.0, "sweep_none_s": 0.2, "indicator_set_s": 1.0}


def _setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "onewindow.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["ONEWINDOW_VAR_DIR"] = tempfile.mkdtemp(prefix="onewindow-sweep-bench-")
    # Personal data is encrypted: without keys in the environment, key files in the fresh VAR_DIR.
    os.environ.setdefault("ONEWINDOW_DEV_KEY_FILES", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    logging.getLogger("onewindow.notifications").setLevel(logging.WARNING)


# --- the organization and the data --------------------------------------------------------------------


def _organization() -> dict[str, Any]:
    from onewindow.catalog.models import ServiceItem, ServiceItemVersion, Stage
    from onewindow.organization.models import Department, Region, Window

    province, _ = Region.objects.get_or_create(code="990000000000", defaults={"name": "演示省", "level": 1})
    city, _ = Region.objects.get_or_create(code="990100000000", defaults={"name": "演示市", "level": 2,
                                                                           "parent": province})
    county, _ = Region.objects.get_or_create(code=COUNTY, defaults={"name": "云溪县", "level": 3, "parent": city,
                                                                     "has_center": True})
    window, _ = Window.objects.get_or_create(region=county, number="01", defaults={"name": "综合窗口",
                                                                                  "kind": "general"})
    departments, versions = [], []
    for i in range(DEPARTMENTS):
        dept, _ = Department.objects.get_or_create(region=county, code=f"D{i:02d}",
                                                   defaults={"name": f"云溪县第{i + 1}局", "order": i})
        code = f"990121D{i:02d}BENCH0001"
        item = ServiceItem.objects.filter(implementation_code=code).first()
        if item is None:
            item = ServiceItem.objects.create(region=county, department=dept, implementation_code=code,
                                              basic_code=code[:12])
            version = ServiceItemVersion.objects.create(
                item=item, version=1, name=f"基准事项{i + 1}", item_type="licensing", implementing_body=dept.name,
                legal_basis="《中华人民共和国行政许可法》", acceptance_conditions="材料齐全", statutory_limit=20,
                promised_limit=10, handling_type="committed", result_type="certificate", result_name="许可证")
            Stage.objects.create(version=version, order=1, name="审查", role="reviewer", budget_workdays=3,
                                 department_code=dept.code)
            item.current_version = version
            item.save(update_fields=["current_version"])
        departments.append(dept)
        versions.append(item.current_version)
    window.departments.set(departments)
    return {"county": county, "window": window, "departments": departments, "versions": versions}


def _truncate() -> None:
    from django.db import connection

    from onewindow.cases.models import Case, CaseNumberSequence
    from onewindow.lifecycle.models import Deadline
    from onewindow.notifications.models import OutboxMessage
    from onewindow.supervision import models as m

    tables = [x._meta.db_table for x in (Case, CaseNumberSequence, OutboxMessage, m.Warning, m.WarningEvent,
                                         m.SweepCursor, m.CaseRecheck, m.SupervisionOrder, m.EfficiencyWarning,
                                         Deadline)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _case_columns() -> list[str]:
    from onewindow.cases.models import Case

    return [f.column for f in Case._meta.concrete_fields if f.column != "id"]


def _copy_cases(rows: Any) -> int:
    """COPY rows (dicts of column → value) into cases_case; returns how many."""
    from django.db import connection

    from onewindow.cases.models import Case

    columns = _case_columns()
    count = 0
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        statement = f"COPY {Case._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with cursor.copy(statement) as copy:
            defaults: dict[str, Any] | None = None
            for row in rows:
                if defaults is None:  # the columns the loader leaves to the model's defaults
                    defaults = pg.model_defaults(Case, row)
                copy.write_row([row[c] if c in row else defaults.get(c) for c in columns])
                count += 1
    raw.commit()
    return count


def _base_row(org: dict[str, Any], i: int) -> dict[str, Any]:
    k = i % DEPARTMENTS
    return {
        "number": f"{COUNTY[:6]}-B-{i:08d}", "query_code": "BENCH", "region_id": org["county"].id,
        "department_id": org["departments"][k].id, "item_id": org["versions"][k].item_id,
        "item_version_id": org["versions"][k].id, "window_id": org["window"].id, "channel": "window",
        "applicant_kind": "person", "applicant_name": "测试申请人", "applicant_id_type": "resident_id",
        "applicant_id_number": f"B{i:011d}", "applicant_phone": "", "legal_representative": "", "agent_name": "",
        "agent_id_number": "", "applicant_account_id": None, "is_urgent": False, "visits": 1, "current_stage": None,
        "outcome": "", "extension_requested_days": None, "is_paused": False, "clock_provisional": False,
        "calendar_version": 0, "row_version": 1, "last_event_hash": "", "concluded_at": None,
        "acceptance_due": None, "issuance_due": None,
    }


def _open_rows(org: dict[str, Any], n: int):
    """Every 200th case turns yellow on T, every 200th (offset 100) went past its promised due on T − 1;
    the rest are due weeks later. All were accepted two weeks before T."""
    accepted = DAY - timedelta(days=14)
    submitted = datetime.combine(accepted, datetime.min.time(), tzinfo=UTC)
    for i in range(n):
        row = _base_row(org, i)
        spread = timedelta(days=30 + i % 60)
        if i % 200 == 0:
            yellow, promised = DAY, DAY + timedelta(days=2)
        elif i % 200 == 100:
            yellow, promised = DAY - timedelta(days=3), DAY - timedelta(days=1)
        else:
            yellow, promised = DAY + spread, DAY + spread + timedelta(days=2)
        row.update(status="in_review", submitted_at=submitted, accepted_on=accepted, yellow_from=yellow,
                   promised_due=promised, statutory_due=promised + timedelta(days=20))
        yield row


def _concluded_rows(org: dict[str, Any], n: int, start: int):
    """A county-year (2025) of concluded cases, accepted through the year, most on time."""
    for j in range(n):
        i = start + j
        row = _base_row(org, i)
        accepted = date(2025, 1, 2) + timedelta(days=j % 350)
        promised = accepted + timedelta(days=14)
        finished = accepted + timedelta(days=(j % 21))
        concluded = datetime.combine(finished + timedelta(days=2), datetime.min.time(), tzinfo=UTC) \
            + timedelta(hours=3)
        row.update(status="concluded", submitted_at=datetime.combine(accepted, datetime.min.time(), tzinfo=UTC),
                   accepted_on=accepted, concluded_at=concluded, yellow_from=promised - timedelta(days=1),
                   promised_due=promised, statutory_due=promised + timedelta(days=14), visits=1 + j % 3 // 2,
                   outcome="grant", decided_on=finished)
        yield row


def _copy_decided_events(rows: list[tuple[int, int, date]]) -> None:
    """One ``decided`` event per concluded case (the indicators read the decision day), with its
    case's region (``CaseEvent.region``, as ``history.chain_event`` writes it)."""
    from django.db import connection

    from onewindow.cases.models import CaseEvent

    raw = connection.connection
    now = datetime.now(UTC)
    with raw.cursor() as cursor:
        statement = (f"COPY {CaseEvent._meta.db_table} (case_id, region_id, seq, kind, at, actor_id, actor_label, "
                     "payload, projection, prev_hash, hash, key_id, recorded_at) FROM STDIN")
        with cursor.copy(statement) as copy:
            for case_id, region_id, day in rows:
                at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
                copy.write_row([case_id, region_id, 1, "decided", at, None, "系统", '{"outcome": "grant"}', "{}",
                                "0" * 64, "0" * 64, "", now])
    raw.commit()


def _copy_deadlines() -> int:
    """The deadline rows the cases' transitions would have written (the lifecycle kernel's table the
    sweep scans): the promised and the statutory date of every open case, written a day ago."""
    from django.db import connection

    from onewindow.cases.models import Case
    from onewindow.lifecycle.models import Deadline

    def select(kind: str, due: str, yellow: str, statutory: str) -> str:
        return (f"SELECT 'case', id, '{kind}', '', region_id, department_id, {due}, {statutory}, {yellow}, false, "
                f"'open', '', '', '', now() - interval '1 day' FROM {Case._meta.db_table} WHERE status = 'in_review'")

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Deadline._meta.db_table} (subject_type, subject_id, kind, key, region_id, department_id, "
            "due_on, statutory, yellow_from, provisional, state, closed_reason, explanation, title, changed_at) "
            + select("promised", "promised_due", "yellow_from", "false") + " UNION ALL "
            + select("statutory", "statutory_due", "NULL", "true"))
        return cursor.rowcount


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _plan_uses_index() -> str:
    """EXPLAIN of the yellow range scan: the plan's first line (an index scan, not a seq scan)."""
    from django.db import connection

    from onewindow.lifecycle.models import Deadline

    qs = Deadline.objects.filter(yellow_from__gt=DAY - timedelta(days=1), yellow_from__lte=DAY,
                                 state="open").order_by().values("id")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return " | ".join(row[0].strip() for row in cursor.fetchall()[:3])


# --- the runs ---------------------------------------------------------------------------------------------


def _moment(d: date, minutes: int = 5) -> datetime:
    from onewindow.core.timesource import SHANGHAI

    return datetime.combine(d, datetime.min.time(), tzinfo=SHANGHAI) + timedelta(minutes=minutes)


def run(open_cases: int, concluded: int, *, profile: bool = False) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from onewindow.cases.models import Case, CaseEvent
    from onewindow.supervision import services as sv
    from onewindow.supervision.indicators import compute
    from onewindow.supervision.models import SweepCursor, Warning
    from onewindow.supervision.selectors import Unit, department_ranking_sets, indicator_inputs

    org = _organization()
    _truncate()
    began = time.perf_counter()
    loaded = _copy_cases(_open_rows(org, open_cases))
    deadlines = _copy_deadlines()
    load_s = time.perf_counter() - began
    _analyze()
    crossing = sum(1 for i in range(open_cases) if i % 200 in (0, 100))

    SweepCursor.objects.update_or_create(name=sv.CURSOR, defaults={
        "last_day": DAY - timedelta(days=1), "last_event_id": CaseEvent.objects.order_by("-id").values_list(
            "id", flat=True).first() or 0, "last_deadline_change": timezone.now()})
    plan = _plan_uses_index()
    profiler = cProfile.Profile() if profile else None
    captured = CaptureQueriesContext(connection)
    began = time.perf_counter()
    if profiler is not None:
        captured.__enter__()
        profiler.enable()
    one_pct = sv.sweep(now=_moment(DAY))
    one_pct_s = time.perf_counter() - began
    if profiler is not None:
        profiler.disable()
        captured.__exit__(None, None, None)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:12]
        print(f"{len(captured.captured_queries)} statements; the slowest:")
        for q in slowest:
            print(f"  {q['time']} s  {q['sql'][:300]}")
    fired = Warning.objects.count()
    began = time.perf_counter()
    none = sv.sweep(now=_moment(DAY + timedelta(days=1)))
    none_s = time.perf_counter() - began

    # Indicators: a county-year of concluded cases with their decisions.
    began = time.perf_counter()
    rows = list(_concluded_rows(org, concluded, open_cases))
    decided_days = [r.pop("decided_on") for r in rows]
    _copy_cases(rows)
    concluded_rows = list(Case.objects.filter(status="concluded").order_by("id").values_list("id", "region_id"))
    _copy_decided_events([(case_id, region_id, day)
                          for (case_id, region_id), day in zip(concluded_rows, decided_days, strict=True)])
    load_concluded_s = time.perf_counter() - began
    # The statistics rows the sweep writes as it sees cases conclude; here all at once.
    began = time.perf_counter()
    facts = sv.facts_backfill(after_id=concluded_rows[0][0] - 1)
    backfill_s = time.perf_counter() - began
    _analyze()
    first, last = date(2025, 1, 1), date(2025, 12, 31)
    county = Unit("region", org["county"])
    began = time.perf_counter()
    county_set = compute(indicator_inputs(county, first, last))
    county_s = time.perf_counter() - began
    began = time.perf_counter()
    dept_set = compute(indicator_inputs(Unit("department", org["departments"][0]), first, last))
    dept_s = time.perf_counter() - began
    began = time.perf_counter()
    ranking, _ = department_ranking_sets(org["county"], org["departments"], first, last)
    ranking_s = time.perf_counter() - began
    connection.close()
    return {
        "open_cases": loaded, "open_deadlines": deadlines, "crossing_cases": crossing, "load_open_seconds": round(load_s, 2),
        "yellow_scan_plan": plan,
        "sweep_1pct": {"seconds": round(one_pct_s, 3), "fired": one_pct.fired, "warnings": fired,
                       "crossings": one_pct.crossings, "resolved": one_pct.resolved,
                       "target_seconds": TARGETS["sweep_1pct_s"], "ok": one_pct_s < TARGETS["sweep_1pct_s"]
                       and one_pct.fired == crossing},
        "sweep_none": {"seconds": round(none_s, 4), "fired": none.fired, "crossings": none.crossings,
                       "target_seconds": TARGETS["sweep_none_s"], "ok": none_s < TARGETS["sweep_none_s"]
                       and none.fired == 0},
        "indicators": {"concluded_cases": concluded, "load_seconds": round(load_concluded_s, 2),
                       "facts_written": facts, "facts_backfill_seconds": round(backfill_s, 2),
                       "county_year_seconds": round(county_s, 3), "county_cases": county_set.cases,
                       "county_on_time_rate": county_set["on_time_rate"].value,
                       "department_year_seconds": round(dept_s, 3), "department_cases": dept_set.cases,
                       "ranking_of_departments_seconds": round(ranking_s, 3),
                       "ranking_seconds_per_set": round(ranking_s / DEPARTMENTS, 3),
                       "ranked": len(ranking.ranked),
                       "target_seconds_per_set": TARGETS["indicator_set_s"],
                       "ok": county_s < TARGETS["indicator_set_s"] and ranking_s / DEPARTMENTS < TARGETS[
                           "indicator_set_s"]},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="2 000 open and 2 000 concluded cases")
    parser.add_argument("--open", type=int, default=None, help="open cases (default 1 000 000)")
    parser.add_argument("--concluded", type=int, default=None, help="concluded cases (default 200 000)")
    parser.add_argument("--profile", action="store_true", help="print where the 1 %% sweep spends its time")
    args = parser.parse_args(argv)
    open_cases = args.open or (2_000 if args.smoke else 1_000_000)
    concluded = args.concluded or (2_000 if args.smoke else 200_000)
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        return pg.skip(f"DATABASE_URL is not PostgreSQL ({url.split(':')[0]})")
    if not pg.parse(url).name.endswith("_sweep"):
        return pg.skip("the benchmark empties its database's case tables: its name must end in _sweep")
    problem = pg.prepare_database(url, fresh=True)
    if problem:
        return pg.skip(problem)
    _setup_django(url)
    result = run(open_cases, concluded, profile=args.profile)
    result.update({"smoke": args.smoke, "python": platform.python_version(), "machine": platform.machine(),
                   "cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
                   "day": DAY.isoformat(), "at": datetime.now(UTC).isoformat(timespec="seconds")})
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    ok = all(result[k]["ok"] for k in ("sweep_1pct", "sweep_none", "indicators"))
    print("OK" if ok else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
