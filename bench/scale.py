"""A province on PostgreSQL: do the everyday reads cost the same at ten million cases as at
100 000? Run from the repository root:

    .venv/bin/python bench/scale.py [--smoke] [--cases N] [--small M]

1. Two databases are filled by the same generator: the *small* one with ``M`` cases (default
   100 000) and the *big* one with ``N`` (default 10 000 000), for one province of 10 cities × 10
   counties (the big database's cases fill every county; the small one's fill as few counties as
   keep each county as full as the big one's — one county of 100 000 cases by default — since the
   target is that cost grows with the county, not with the province), each county with 10 departments (one service item each), a window, a reviewer per
   department and a county clerk. 90 % of the cases concluded in 2025 (accepted, reviewed,
   decided, concluded: four events, one done review task, closed deadlines), 10 % are open in
   review (two events, one open task, open promised and statutory deadlines). The rows are
   written by the server itself (``INSERT … SELECT … FROM generate_series``) with the secondary
   indexes dropped during the load and rebuilt after it (and, for a superuser, the foreign keys'
   row-by-row checks skipped: the rows are consistent by construction); the statistics rows are then
   written by ``facts_backfill`` and their monthly roll-up rebuilt in one statement
   (``supervision.rollup.rebuild``). Personal columns hold real ciphertext and
   blind indexes from :mod:`onewindow.core.crypto` for eight fake people (encrypted once, the
   ciphertext reused), so the pages that decrypt work. **Event hashes are placeholders**: the
   chains do not verify, and this benchmark never runs ``verify_history``.
2. On each database, in a subprocess of its own (Django settings are per process), ~30
   repetitions with random parameters of: a reviewer's inbox, the case page's read
   (``case_view``), a county-day's ledger page (the day's summary and its first page), one
   supervision sweep at a fixed moment, a county-year's and the province-year's indicator sets,
   the public progress lookup and the first page of the published results. Their p95 are
   compared: **target: big p95 ≤ 3 × small p95**.

``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/onewindow``) names the server; the
databases are ``onewindow_small_scale`` and ``onewindow_big_scale`` on it (their names must end in
``_scale``: their case tables are emptied at every run). ``--drop`` drops them at the end. Without
PostgreSQL the benchmark says so and exits 0. ``--smoke`` uses 2 000 and 20 000 cases and judges
nothing (databases ``onewindow_smoke_small_scale`` and ``onewindow_smoke_big_scale``). The result is written to bench/results/scale.json.
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
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

from bench.support import pg  # noqa: E402

RESULTS = _HERE / "results" / "scale.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/onewindow"
SUFFIX = "_scale"
CITIES, COUNTIES, DEPARTMENTS = 10, 10, 10
PEOPLE = 8
DAY = date(2026, 11, 16)  # T, a Monday: open cases were accepted in the weeks before it
YEAR = 2025  # the year the concluded cases were accepted and concluded in
REPEAT = 30
RATIO = 3.0
QUERIES = ["inbox", "case_page", "ledger_day", "sweep", "indicators_county_year", "indicators_province_year",
           "progress_lookup", "published_results"]


def _setup_django(url: str, var_dir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "onewindow.settings"
    os.environ["DATABASE_URL"] = url
    # Both subprocesses share one VAR_DIR, hence the same development keys: the ciphertext decrypts.
    os.environ["ONEWINDOW_VAR_DIR"] = var_dir
    os.environ.setdefault("ONEWINDOW_DEV_KEY_FILES", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    logging.getLogger("onewindow.notifications").setLevel(logging.WARNING)
    logging.getLogger("onewindow.supervision").setLevel(logging.WARNING)


# --- the province ------------------------------------------------------------------------------------


def _county_code(c: int, k: int) -> str:
    return f"99{c + 1:02d}{k + 1:02d}000000"


def _organization() -> dict[str, Any]:
    """The province, its cities and counties, departments, items, windows and staff; idempotent."""
    from django.contrib.auth import get_user_model

    from onewindow.catalog.models import ServiceItem, ServiceItemVersion, Stage
    from onewindow.organization.models import Department, Posting, Region, Staff, Window

    province, _ = Region.objects.get_or_create(code="990000000000", defaults={"name": "基准省", "level": 1})
    counties: list[Any] = []
    for c in range(CITIES):
        city, _ = Region.objects.get_or_create(code=f"99{c + 1:02d}00000000",
                                               defaults={"name": f"基准{c + 1}市", "level": 2, "parent": province})
        for k in range(COUNTIES):
            county, _ = Region.objects.get_or_create(
                code=_county_code(c, k), defaults={"name": f"基准{c + 1}市{k + 1}县", "level": 3, "parent": city,
                                                   "has_center": True})
            counties.append(county)
    user_model = get_user_model()
    slots: list[dict[str, Any]] = []
    reviewers: list[Any] = []
    clerks: list[Any] = []
    for ci, county in enumerate(counties):
        window, _ = Window.objects.get_or_create(region=county, number="01",
                                                 defaults={"name": "综合窗口", "kind": "general"})
        depts = []
        for d in range(DEPARTMENTS):
            dept, _ = Department.objects.get_or_create(region=county, code=f"D{d:02d}",
                                                       defaults={"name": f"{county.name}第{d + 1}局", "order": d})
            code = f"{county.code[:6]}D{d:02d}SCALE001"
            item = ServiceItem.objects.filter(implementation_code=code).first()
            if item is None:
                item = ServiceItem.objects.create(region=county, department=dept, implementation_code=code,
                                                  basic_code=code[:12])
                version = ServiceItemVersion.objects.create(
                    item=item, version=1, name=f"基准事项{d + 1}", item_type="licensing", implementing_body=dept.name,
                    legal_basis="《中华人民共和国行政许可法》", acceptance_conditions="材料齐全", statutory_limit=20,
                    promised_limit=10, handling_type="committed", result_type="certificate", result_name="许可证")
                Stage.objects.create(version=version, order=1, name="审查", role="reviewer", budget_workdays=3,
                                     department_code=dept.code)
                item.current_version = version
                item.save(update_fields=["current_version"])
            username = f"scale-r-{ci:03d}-{d:02d}"
            staff = Staff.objects.filter(employee_number=username).first()
            if staff is None:
                user = user_model.objects.create(username=username, password="!")
                staff = Staff.objects.create(user=user, name=username, employee_number=username, region=county,
                                             department=dept)
                Posting.objects.create(staff=staff, role="reviewer", region=county, department=dept)
            reviewers.append(staff.pk)
            depts.append(dept)
            slots.append({"region_id": county.id, "department_id": dept.id, "item_id": item.id,
                          "item_version_id": item.current_version_id, "window_id": window.id})
        window.departments.set(depts)
        username = f"scale-c-{ci:03d}"
        clerk = Staff.objects.filter(employee_number=username).first()
        if clerk is None:
            user = user_model.objects.create(username=username, password="!")
            clerk = Staff.objects.create(user=user, name=username, employee_number=username, region=county)
            Posting.objects.create(staff=clerk, role="clerk", region=county, window=window)
        clerks.append(clerk.pk)
    return {"province": province, "counties": counties, "slots": slots, "reviewers": reviewers, "clerks": clerks}


def _truncate() -> None:
    from django.db import connection

    from onewindow.cases.models import Case, CaseNumberSequence
    from onewindow.lifecycle.models import Deadline
    from onewindow.notifications.models import OutboxMessage
    from onewindow.supervision import models as m

    tables = [x._meta.db_table for x in (Case, CaseNumberSequence, OutboxMessage, m.Warning, m.WarningEvent,
                                         m.SweepCursor, m.CaseRecheck, m.SupervisionOrder, m.EfficiencyWarning,
                                         m.CaseFact, m.FactRollup, Deadline)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _people() -> list[tuple[str, str, str, str, str]]:
    """Eight fake people: name, encrypted id number and its blind index, encrypted phone and its index
    (encrypted once here, the ciphertext reused by every case of that person)."""
    from onewindow.cases.models import Case
    from onewindow.core import crypto

    id_field = Case._meta.get_field("applicant_id_number")
    phone_field = Case._meta.get_field("applicant_phone")
    out = []
    for p in range(PEOPLE):
        number, phone = f"11010119900101{p:03d}X", f"1380000{p:04d}"
        out.append((f"基准申请人{p + 1}", crypto.encrypt(number, context=id_field.context),
                    crypto.blind_index("id_number", number), crypto.encrypt(phone, context=phone_field.context),
                    crypto.blind_index("phone", phone)))
    return out


def _secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the plain secondary indexes of ``tables`` (not the primary keys
    nor the unique constraints, which the load's own checks need)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND i.schemaname = "
            "'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [tables])
        return list(cursor.fetchall())


# The columns the loader writes; the others get their model defaults (pg.model_defaults).
_LOADED_CASE_COLUMNS = (
    "number", "query_code", "region_id", "department_id", "item_id", "item_version_id", "window_id",
    "channel", "applicant_kind", "applicant_name", "applicant_id_type", "applicant_id_number",
    "applicant_id_number_bidx", "applicant_phone", "applicant_phone_bidx", "legal_representative",
    "agent_name", "agent_id_number", "agent_id_number_bidx", "applicant_account_id", "status", "is_urgent",
    "submitted_at", "accepted_on", "concluded_at", "visits", "current_stage", "outcome",
    "extension_requested_days", "deferred_owed", "deferred_due", "acceptance_due", "promised_due",
    "statutory_due", "issuance_due", "yellow_from", "yellow_share", "is_paused", "clock_provisional",
    "calendar_version", "row_version", "last_event_hash",
)


def _load(org: dict[str, Any], n: int) -> tuple[dict[str, float], list[str]]:
    """Write ``n`` cases with their events, tasks and deadlines, server-side, their tables' secondary
    indexes dropped; seconds per step and the statements that rebuild the indexes."""
    from django.db import DatabaseError, connection, transaction

    from onewindow.cases.models import Case, CaseEvent, CaseTask
    from onewindow.lifecycle.models import Deadline

    case_t, event_t, task_t, deadline_t = (m._meta.db_table for m in (Case, CaseEvent, CaseTask, Deadline))
    seconds: dict[str, float] = {}
    slots = len(org["slots"])
    with connection.cursor() as cursor:
        # Rows built consistent by construction: skip the foreign keys' row-by-row checks (deferred
        # to the commit, they cost more than the inserts) where the role may (a superuser).
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            pass
        began = time.perf_counter()
        indexes = _secondary_indexes([case_t, event_t, task_t, deadline_t])
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        cursor.execute("CREATE TEMP TABLE scale_slot (k int PRIMARY KEY, region_id bigint, department_id bigint, "
                       "item_id bigint, item_version_id bigint, window_id bigint, prefix text)")
        for k, s in enumerate(org["slots"]):
            code = next(c.code for c in org["counties"] if c.id == s["region_id"])
            cursor.execute("INSERT INTO scale_slot VALUES (%s, %s, %s, %s, %s, %s, %s)",
                           [k, s["region_id"], s["department_id"], s["item_id"], s["item_version_id"], s["window_id"],
                            code[:6]])
        cursor.execute("CREATE TEMP TABLE scale_person (p int PRIMARY KEY, name text, id_enc text, id_bidx text, "
                       "phone_enc text, phone_bidx text)")
        for p, row in enumerate(_people()):
            cursor.execute("INSERT INTO scale_person VALUES (%s, %s, %s, %s, %s, %s)", [p, *row])
        # Case g: slot g / 10 % slots (county and department), person g % 8; every 10th open in review,
        # accepted in the 20 days before T; the others accepted through 2025 and concluded 2–22 days later.
        open_ = "(g % 10 = 0)"
        accepted = (f"CASE WHEN {open_} THEN DATE '{DAY.isoformat()}' - (g / 10 % 20)::int "
                    f"ELSE DATE '{YEAR}-01-02' + ((g * 7919) % 340)::int END")
        more = pg.sql_literals(pg.model_defaults(Case, _LOADED_CASE_COLUMNS))
        more_values = "".join(f", {v}" for v in more.values())
        cursor.execute(f"""
            INSERT INTO {case_t} ({', '.join([*_LOADED_CASE_COLUMNS, *more])})
            SELECT s.prefix || '-S-' || lpad(g::text, 9, '0'), 'Q' || upper(to_hex(g * 2654435761 % 4294967296)),
                s.region_id, s.department_id, s.item_id, s.item_version_id, s.window_id,
                'window', 'person', p.name, 'resident_id', p.id_enc, p.id_bidx, p.phone_enc, p.phone_bidx, '', '',
                '', '', NULL,
                CASE WHEN o THEN 'in_review' ELSE 'concluded' END, false, (a::timestamp + time '09:00') AT TIME ZONE
                'Asia/Shanghai', a, CASE WHEN o THEN NULL ELSE ((a + 2 + (g % 21)::int)::timestamp + time '15:00')
                AT TIME ZONE 'Asia/Shanghai' END, 1, CASE WHEN o THEN 1 END, CASE WHEN o THEN '' ELSE 'grant' END,
                NULL, '[]'::jsonb, NULL, NULL, a + 14, a + 28, NULL, a + 12, NULL, false, false, 0,
                CASE WHEN o THEN 3 ELSE 6 END, repeat('0', 64){more_values}
            FROM (SELECT g, {open_} AS o, {accepted} AS a FROM generate_series(1, {int(n)}::bigint) g) x
            JOIN scale_slot s ON s.k = x.g / 10 % {slots} JOIN scale_person p ON p.p = x.g % {PEOPLE}
        """)
        seconds["cases"] = time.perf_counter() - began
        began = time.perf_counter()
        # Events: submitted and accepted for every case; stage_completed, decided and concluded for
        # the concluded ones. Placeholder hashes (the chains do not verify; see the docstring).
        cursor.execute(f"""
            INSERT INTO {event_t} (case_id, region_id, seq, kind, at, actor_id, actor_label, payload, projection,
                prev_hash, hash, key_id, recorded_at)
            SELECT c.id, c.region_id, e.seq, e.kind, CASE WHEN e.seq <= 2 THEN c.submitted_at + (e.seq - 1) * interval '1 hour'
                WHEN e.seq = 5 THEN c.concluded_at ELSE c.concluded_at - (6 - e.seq) * interval '1 hour' END,
                NULL, '基准', '{{}}'::jsonb, '{{}}'::jsonb, repeat('0', 64), repeat('0', 64), '', now()
            FROM {case_t} c JOIN (VALUES (1, 'submitted'), (2, 'accepted'), (3, 'stage_completed'),
                (4, 'decided'), (5, 'concluded')) e(seq, kind)
                ON e.seq <= 2 OR c.status = 'concluded'
        """)
        seconds["events"] = time.perf_counter() - began
        began = time.perf_counter()
        cursor.execute(f"""
            INSERT INTO {task_t} (case_id, stage_order, stage_name, department_id, role, budget_workdays, state,
                assignee_id, opened_at, due_on, claimed_at, done_at)
            SELECT c.id, 1, '审查', c.department_id, 'reviewer', 3, CASE WHEN c.status = 'concluded' THEN 'done'
                ELSE 'open' END, NULL, c.submitted_at + interval '1 hour', c.accepted_on + 5, NULL,
                CASE WHEN c.status = 'concluded' THEN c.concluded_at - interval '3 hours' END
            FROM {case_t} c
        """)
        seconds["tasks"] = time.perf_counter() - began
        began = time.perf_counter()
        cursor.execute(f"""
            INSERT INTO {deadline_t} (subject_type, subject_id, kind, key, region_id, department_id, due_on,
                statutory, yellow_from, provisional, state, closed_reason, explanation, title, changed_at)
            SELECT 'case', c.id, d.kind, '', c.region_id, c.department_id,
                CASE WHEN d.statutory THEN c.statutory_due ELSE c.promised_due END, d.statutory,
                CASE WHEN d.statutory THEN NULL ELSE c.yellow_from END, false,
                CASE WHEN c.status = 'concluded' THEN 'closed' ELSE 'open' END,
                CASE WHEN c.status = 'concluded' THEN '办件办结' ELSE '' END, '', '',
                coalesce(c.concluded_at, c.submitted_at)
            FROM {case_t} c CROSS JOIN (VALUES ('promised', false), ('statutory', true)) d(kind, statutory)
        """)
        seconds["deadlines"] = time.perf_counter() - began
    return seconds, [statement for _, statement in indexes]


def _rebuild_indexes(statements: list[str]) -> None:
    """After the load's commit: the foreign keys are checked at commit (deferred), and PostgreSQL
    does not build an index over a table with such checks pending."""
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _events_per_county_day() -> float:
    """The mean number of events a county-day's ledger reads (what its range scan grows with)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT avg(n) FROM (SELECT count(*) AS n FROM cases_caseevent "
                       "GROUP BY region_id, (at AT TIME ZONE 'Asia/Shanghai')::date) d")
        return round(float(cursor.fetchone()[0] or 0), 1)


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# --- the measurements ------------------------------------------------------------------------------


def _moment(d: date, minutes: int = 5) -> datetime:
    from onewindow.core.timesource import SHANGHAI

    return datetime.combine(d, datetime.min.time(), tzinfo=SHANGHAI) + timedelta(minutes=minutes)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _measure(org: dict[str, Any], n: int, repeat: int, seed: int) -> dict[str, Any]:
    """p95 (and median) in milliseconds of every read, ``repeat`` times with random parameters."""
    from django.db import connection
    from django.utils import timezone

    from onewindow.cases.models import Case, CaseEvent
    from onewindow.cases.selectors import case_view, inbox, ledger_day, ledger_lines
    from onewindow.online.selectors import progress_lookup, published_results, result_row
    from onewindow.organization.models import Staff
    from onewindow.supervision import services as sv
    from onewindow.supervision.indicators import compute
    from onewindow.supervision.models import SweepCursor
    from onewindow.supervision.selectors import Unit, indicator_inputs
    from onewindow.workbench.case_views import LEDGER_PAGE_SIZE

    rng = random.Random(seed)
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    reviewers = {s.pk: s for s in Staff.objects.filter(pk__in=org["reviewers"])}
    clerks = {s.pk: s for s in Staff.objects.filter(pk__in=org["clerks"])}
    max_id = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    departments = [s["department_id"] for s in org["slots"]]

    def random_case() -> Case:
        return Case.objects.get(id=rng.randint(1, max_id))

    def q_inbox() -> None:
        inbox(reviewers[rng.choice(org["reviewers"])])

    def q_case_page() -> None:
        case = Case.objects.select_related("region", "department", "item", "item_version").get(
            number=random_case().number)
        case_view(case)

    def q_ledger() -> None:
        day = first + timedelta(days=rng.randint(0, 364))
        # What the ledger page reads: the day's summary, then its first page's rows (the export,
        # every line, is a download, not a page).
        of_day = ledger_day(clerks[rng.choice(org["clerks"])], day)
        ledger_lines(of_day, list(of_day.done)[:LEDGER_PAGE_SIZE])

    def q_sweep() -> None:
        sv.sweep(now=_moment(DAY))

    def q_county() -> None:
        compute(indicator_inputs(Unit("region", rng.choice(org["counties"])), first, last))

    def q_province() -> None:
        compute(indicator_inputs(Unit("region", org["province"]), first, last))

    def q_progress() -> None:
        case = random_case()
        progress_lookup(case.number, case.query_code)

    def q_results() -> None:
        page = published_results(department_id=rng.choice(departments))[:20]
        [result_row(c) for c in page]

    # The sweep's state as if it had run every day until the day before T; its first pass at T
    # fires the day's warnings (timed, not judged), the repetitions at the same moment are the
    # steady cost of a pass (the same fixed moment: nothing new crosses).
    SweepCursor.objects.update_or_create(name=sv.CURSOR, defaults={
        "last_day": DAY - timedelta(days=1), "last_event_id": CaseEvent.objects.order_by("-id").values_list(
            "id", flat=True).first() or 0, "last_deadline_change": timezone.now()})
    began = time.perf_counter()
    first_pass = sv.sweep(now=_moment(DAY))
    first_sweep_s = time.perf_counter() - began

    measures = {"inbox": q_inbox, "case_page": q_case_page, "ledger_day": q_ledger, "sweep": q_sweep,
                "indicators_county_year": q_county, "indicators_province_year": q_province,
                "progress_lookup": q_progress, "published_results": q_results}
    out: dict[str, Any] = {"first_sweep_seconds": round(first_sweep_s, 3), "first_sweep_fired": first_pass.fired}
    for name in QUERIES:
        fn = measures[name]
        fn()  # warm: the first call pays for imports and the plan cache
        samples = []
        for _ in range(repeat):
            began = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - began) * 1000)
        out[name] = {"p95_ms": round(_p95(samples), 2), "median_ms": round(sorted(samples)[len(samples) // 2], 2)}
    connection.close()
    return out


def _populated(org: dict[str, Any], counties: int) -> dict[str, Any]:
    """The organization restricted to its first ``counties`` counties: where the cases go, and
    whose staff, departments and counties the reads pick (each county has 10 departments, 10
    reviewers and a clerk, listed in county order)."""
    per = DEPARTMENTS
    return {**org, "counties": org["counties"][:counties], "slots": org["slots"][:counties * per],
            "reviewers": org["reviewers"][:counties * per], "clerks": org["clerks"][:counties]}


def counties_for(cases: int, big: int) -> int:
    """How many counties the small database's cases fill: as many as keep a county the size of
    the big database's (cost grows with the county, not with the province: the small database
    is the same counties, fewer of them), at least one."""
    return max(1, min(CITIES * COUNTIES, round(CITIES * COUNTIES * cases / big)))


def worker(n: int, repeat: int, seed: int, out_path: str, *, reuse: bool = False,
           counties: int = CITIES * COUNTIES) -> int:
    """One database: load ``n`` cases into its first ``counties`` counties, back-fill the statistics
    rows, measure; JSON to ``out_path``."""
    from django.db import connection, transaction

    from onewindow.cases.models import Case, CaseEvent, CaseTask
    from onewindow.lifecycle.models import Deadline
    from onewindow.supervision import rollup
    from onewindow.supervision.case_checks import facts_backfill

    org = _populated(_organization(), counties)
    if reuse and Case.objects.count() == n:
        # The same database, already loaded (by an earlier run, then migrated): measure only.
        result = {"cases": n, "counties": counties, "reused": True}
        result |= _measure(org, n, repeat, seed)
        Path(out_path).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        return 0
    _truncate()
    began = time.perf_counter()
    with transaction.atomic():
        steps, indexes = _load(org, n)
    began_indexes = time.perf_counter()
    _rebuild_indexes(indexes)
    steps["indexes"] = time.perf_counter() - began_indexes
    load_s = time.perf_counter() - began
    # The statistics rows (CaseFact) the sweep writes as it sees cases accepted and concluded, then
    # their monthly roll-up in one statement of the server (the sweep keeps it row by row).
    began = time.perf_counter()
    facts = facts_backfill(batch=20_000, keep_rollup=False)
    facts_s = time.perf_counter() - began
    began = time.perf_counter()
    rollup_rows = rollup.rebuild()
    rollup_s = time.perf_counter() - began
    began = time.perf_counter()
    _analyze()
    analyze_s = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    result = {"cases": Case.objects.count(), "counties": counties, "events": CaseEvent.objects.count(), "tasks": CaseTask.objects.count(),
              "deadlines": Deadline.objects.count(), "facts": facts, "database_mb": round(size / 2**20),
              "load_seconds": round(load_s, 1), "load_steps_seconds": {k: round(v, 1) for k, v in steps.items()},
              "facts_seconds": round(facts_s, 1), "rollup_rows": rollup_rows, "rollup_seconds": round(rollup_s, 1),
              "events_per_county_day": _events_per_county_day(), "analyze_seconds": round(analyze_s, 1)}
    result |= _measure(org, n, repeat, seed)
    Path(out_path).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _run_worker(url: str, n: int, repeat: int, var_dir: str, reuse: bool, counties: int) -> dict[str, Any]:
    out = Path(var_dir) / f"{pg.parse(url).name}.json"
    env = dict(os.environ, DATABASE_URL=url)
    subprocess.run([sys.executable, __file__, "--worker", "--cases", str(n), "--repeat", str(repeat),
                    "--counties", str(counties), "--out", str(out), "--var-dir", var_dir,
                    *(["--reuse"] if reuse else [])],
                   env=env, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="2 000 and 20 000 cases, nothing judged")
    parser.add_argument("--cases", type=int, default=None, help="cases of the big database (default 10 000 000)")
    parser.add_argument("--small", type=int, default=None, help="cases of the small database (default 100 000)")
    parser.add_argument("--repeat", type=int, default=None, help=f"repetitions per query (default {REPEAT})")
    parser.add_argument("--drop", action="store_true", help="drop both databases at the end")
    parser.add_argument("--reuse", action="store_true",
                        help="measure again without loading when a database already holds its cases")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--counties", type=int, default=CITIES * COUNTIES, help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help="the VAR_DIR (keys) of an earlier run, with --reuse")
    args = parser.parse_args(argv)
    repeat = args.repeat or (5 if args.smoke else REPEAT)
    if args.worker:
        url = os.environ["DATABASE_URL"]
        if not pg.parse(url).name.endswith(SUFFIX):  # never empty a database that is not ours
            raise SystemExit(f"refusing: the database's name must end in {SUFFIX}")
        _setup_django(url, args.var_dir)
        return worker(args.cases, repeat, 14, args.out, reuse=args.reuse, counties=args.counties)
    big = args.cases or (20_000 if args.smoke else 10_000_000)
    small = args.small or (2_000 if args.smoke else 100_000)
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        return pg.skip(f"DATABASE_URL is not PostgreSQL ({url.split(':')[0]})")
    infix = "_smoke" if args.smoke else ""
    urls = {size: pg.parse(url).url_for(f"onewindow{infix}_{size}{SUFFIX}") for size in ("small", "big")}
    for u in urls.values():
        problem = pg.prepare_database(u)
        if problem:
            return pg.skip(problem)
    # With --reuse, pass the earlier run's --var-dir: its development keys decrypt the loaded rows.
    var_dir = args.var_dir or tempfile.mkdtemp(prefix="onewindow-scale-bench-")
    print(f"ONEWINDOW_VAR_DIR={var_dir}", flush=True)
    # The small database is the big one's counties, fewer of them, each as full as the big one's.
    figures = {size: _run_worker(urls[size], n, repeat, var_dir, args.reuse, counties_for(n, big))
               for size, n in (("small", small), ("big", big))}
    comparison = {}
    for name in QUERIES:
        s, b = figures["small"][name]["p95_ms"], figures["big"][name]["p95_ms"]
        ratio = b / s if s else float("inf")
        comparison[name] = {"small_p95_ms": s, "big_p95_ms": b, "ratio": round(ratio, 2),
                            "target_ratio": RATIO, "ok": ratio <= RATIO}
    result = {"smoke": args.smoke, "small_cases": small, "big_cases": big, "repeat": repeat,
              "comparison": comparison, "small": figures["small"], "big": figures["big"],
              "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
              "load_average_1m": round(os.getloadavg()[0], 2), "at": datetime.now(UTC).isoformat(timespec="seconds")}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("small", "big")}, ensure_ascii=False, indent=2))
    print(f"{'query':28} {'small p95 ms':>13} {'big p95 ms':>11} {'ratio':>7}  target ≤ {RATIO}×")
    for name, c in comparison.items():
        verdict = "" if args.smoke else ("ok" if c["ok"] else "MISSED")
        print(f"{name:28} {c['small_p95_ms']:>13.2f} {c['big_p95_ms']:>11.2f} {c['ratio']:>7.2f}  {verdict}")
    if args.drop:
        for u in urls.values():
            pg.drop_database(u)
    if args.smoke:
        print("SMOKE (nothing judged)")
    else:
        print("OK" if all(c["ok"] for c in comparison.values()) else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
