"""Benchmark of the monthly assessment on PostgreSQL: a province-size month. Run from the repository root:

    .venv/bin/python bench/assessment.py [--smoke] [--subjects N] [--cases M]

1. One region with ``N`` windows (default 20 000, the subjects) and 20 departments, and ``M``
   cases (default 2 000 000) concluded in November 2026, each with its kernel ``promised``
   Deadline row; one case in 20 concluded two days after its promised date (late), the others
   three days before it. The rows are written by the server (``INSERT … SELECT … FROM
   generate_series``), as ``bench/scale.py`` does.
2. A window month scheme: late cases (``window_overdue_cases``) −5 each, counted only from a
   sample of 50 concluded cases (最小样本: the sample is every case the window concluded in the
   month), and the bad-rating items (no ratings here: their sources still run).
3. **Bare**: one aggregate SQL over the same facts — per window, the cases concluded in the month
   and those concluded after their promised day — the floor of what reading the facts can cost.
4. **Scoring**: :func:`onewindow.assessment.services.assessment_score` — the real path: the scheme
   in force, every source of its items, the samples, every window's score with its line items and
   their evidence (each late case's number, promised and conclusion days, link), the chain event
   and the objection deadline.

Both times and their ratio are printed; **target: scoring ≤ 2 × bare**. The figures of a run are
checked against each other (the late cases the scoring found equal the bare query's). ``DATABASE_URL``
(default ``postgres://postgres@127.0.0.1:5432/onewindow_assessment_bench``) names the benchmark's
database: made anew on every run, so its name must end in ``_bench``. Without PostgreSQL the
benchmark says so and exits 0. ``--smoke`` runs 200 windows and 20 000 cases and judges nothing.
The result is written to bench/results/assessment.json.
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
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, date, datetime  # noqa: E402
from decimal import Decimal  # noqa: E402
from typing import Any  # noqa: E402

from bench.support import pg  # noqa: E402

RESULTS = _HERE / "results" / "assessment.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/onewindow_assessment_bench"
REGION = "990000000000"
DEPARTMENTS = 20
LATE_EVERY = 20  # one case in 20 is concluded after its promised day
MINIMUM_SAMPLE = 50
TARGET_RATIO = 2.0
PERIOD = "2026-11"
FIRST = date(2026, 11, 1)
DAYS = 30


def _setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "onewindow.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["ONEWINDOW_VAR_DIR"] = tempfile.mkdtemp(prefix="onewindow-assessment-bench-")
    os.environ.setdefault("ONEWINDOW_DEV_KEY_FILES", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    logging.getLogger("onewindow.notifications").setLevel(logging.WARNING)


def _organization(subjects: int) -> dict[str, Any]:
    """The region, its departments (one service item each), ``subjects`` windows and an administrator."""
    from django.contrib.auth import get_user_model

    from onewindow.catalog.models import ServiceItem, ServiceItemVersion, Stage
    from onewindow.organization.models import Department, Posting, Region, Staff, Window

    region = Region.objects.create(code=REGION, name="基准省", level=1, has_center=True)
    slots = []
    for d in range(DEPARTMENTS):
        dept = Department.objects.create(region=region, code=f"D{d:02d}", name=f"基准省第{d + 1}厅", order=d)
        code = f"{REGION[:6]}D{d:02d}ASMT0001"
        item = ServiceItem.objects.create(region=region, department=dept, implementation_code=code,
                                          basic_code=code[:12])
        version = ServiceItemVersion.objects.create(
            item=item, version=1, name=f"基准事项{d + 1}", item_type="licensing", implementing_body=dept.name,
            legal_basis="《中华人民共和国行政许可法》", acceptance_conditions="材料齐全", statutory_limit=20,
            promised_limit=10, handling_type="committed", result_type="certificate", result_name="许可证")
        Stage.objects.create(version=version, order=1, name="审查", role="reviewer", budget_workdays=3,
                             department_code=dept.code)
        item.current_version = version
        item.save(update_fields=["current_version"])
        slots.append((dept.id, item.id, version.id))
    Window.objects.bulk_create([Window(region=region, number=f"{w + 1:05d}", name=f"综合窗口{w + 1}", kind="general")
                                for w in range(subjects)], batch_size=2000)
    user = get_user_model().objects.create(username="bench_assessor", password="!")
    admin = Staff.objects.create(user=user, name="考核管理员", employee_number="BENCH-A", region=region)
    Posting.objects.create(staff=admin, role="center_admin", region=region)
    return {"region": region, "slots": slots, "admin": admin}


def _load(org: dict[str, Any], n: int) -> float:
    """Write ``n`` concluded cases and their promised deadlines, server-side; seconds."""
    from django.db import connection

    from bench.scale import _LOADED_CASE_COLUMNS, _people
    from onewindow.cases.models import Case
    from onewindow.lifecycle.models import Deadline
    from onewindow.organization.models import Window

    case_t, deadline_t = Case._meta.db_table, Deadline._meta.db_table
    window_ids = list(Window.objects.filter(region=org["region"]).order_by("id").values_list("id", flat=True))
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE asmt_slot (k int PRIMARY KEY, department_id bigint, item_id bigint, "
                       "item_version_id bigint)")
        for k, (department_id, item_id, version_id) in enumerate(org["slots"]):
            cursor.execute("INSERT INTO asmt_slot VALUES (%s, %s, %s, %s)", [k, department_id, item_id, version_id])
        cursor.execute("CREATE TEMP TABLE asmt_window (k int PRIMARY KEY, window_id bigint)")
        cursor.execute("INSERT INTO asmt_window SELECT g - 1, (%s::bigint[])[g] FROM generate_series(1, %s) g",
                       [window_ids, len(window_ids)])
        cursor.execute("CREATE TEMP TABLE asmt_person (p int PRIMARY KEY, name text, id_enc text, id_bidx text, "
                       "phone_enc text, phone_bidx text)")
        people = _people()
        for p, row in enumerate(people):
            cursor.execute("INSERT INTO asmt_person VALUES (%s, %s, %s, %s, %s, %s)", [p, *row])
        # Case g: window g % windows, department g % 20, concluded on day g·7919 % 30 of November at
        # 15:00; every 20th concluded two days after its promised day, the others three days before.
        more = pg.sql_literals(pg.model_defaults(Case, _LOADED_CASE_COLUMNS))
        more_values = "".join(f", {v}" for v in more.values())
        cursor.execute(f"""
            INSERT INTO {case_t} ({', '.join([*_LOADED_CASE_COLUMNS, *more])})
            SELECT '{REGION[:6]}-A-' || lpad(g::text, 9, '0'), 'Q' || upper(to_hex(g * 2654435761 % 4294967296)),
                {org['region'].id}, s.department_id, s.item_id, s.item_version_id, w.window_id,
                'window', 'person', p.name, 'resident_id', p.id_enc, p.id_bidx, p.phone_enc, p.phone_bidx, '', '',
                '', '', NULL, 'concluded', false, (c - 10)::timestamp AT TIME ZONE 'Asia/Shanghai', c - 10,
                (c::timestamp + time '15:00') AT TIME ZONE 'Asia/Shanghai', 1, NULL, 'grant',
                NULL, '[]'::jsonb, NULL, NULL, CASE WHEN g % {LATE_EVERY} = 0 THEN c - 2 ELSE c + 3 END,
                c + 10, NULL, c - 5, NULL, false, false, 0, 6, repeat('0', 64){more_values}
            FROM (SELECT g, DATE '{FIRST.isoformat()}' + ((g * 7919) % {DAYS})::int AS c
                  FROM generate_series(1, {int(n)}::bigint) g) x
            JOIN asmt_slot s ON s.k = x.g % {DEPARTMENTS} JOIN asmt_window w ON w.k = x.g % {len(window_ids)}
            JOIN asmt_person p ON p.p = x.g % {len(people)}
        """)
        cursor.execute(f"""
            INSERT INTO {deadline_t} (subject_type, subject_id, kind, key, region_id, department_id, due_on,
                statutory, yellow_from, provisional, state, closed_reason, explanation, title, changed_at)
            SELECT 'case', c.id, 'promised', '', c.region_id, c.department_id, c.promised_due, false, c.yellow_from,
                false, 'closed', '办件办结', '', '', c.concluded_at
            FROM {case_t} c
        """)
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - began


def _scheme(org: dict[str, Any]) -> None:
    from onewindow.assessment.rules import Band, Grade, PeriodKind, SubjectKind
    from onewindow.assessment.services import ItemSpec, scheme_define

    scheme_define(by=org["admin"], region=org["region"], name="窗口月度考核（基准）", period_kind=PeriodKind.MONTH,
                  subject_kind=SubjectKind.WINDOW, effective_from=date(2026, 1, 1), base=Decimal(100),
                  cap=Decimal(110),
                  items=[ItemSpec("late", "超承诺时限办结", Decimal(-5), "window_overdue_cases", MINIMUM_SAMPLE),
                         ItemSpec("bad_ok", "差评已整改", Decimal("-0.5"), "window_bad_ratings_rectified"),
                         ItemSpec("bad_open", "差评未整改", Decimal(-2), "window_bad_ratings_unrectified")],
                  bands=[Band(Grade.EXCELLENT, Decimal(95), Decimal(110)), Band(Grade.GOOD, Decimal(85), Decimal(95)),
                         Band(Grade.PASS, Decimal(60), Decimal(85)), Band(Grade.FAIL, Decimal(0), Decimal(60))])


def _bare(org: dict[str, Any]) -> tuple[float, int, int]:
    """The aggregate SQL over the same facts: per window, concluded cases and late ones. Seconds,
    windows with a case, late cases."""
    from django.db import connection

    from onewindow.cases.models import Case
    from onewindow.lifecycle.models import Deadline
    from onewindow.organization.models import Region

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT c.window_id, count(*), count(*) FILTER (
                WHERE (c.concluded_at AT TIME ZONE 'Asia/Shanghai')::date > d.due_on)
            FROM {Case._meta.db_table} c
            JOIN {Region._meta.db_table} r ON r.id = c.region_id
            LEFT JOIN {Deadline._meta.db_table} d ON d.subject_type = 'case' AND d.subject_id = c.id
                AND d.kind = 'promised' AND d.key = ''
            WHERE r.code LIKE %s AND c.concluded_at >= %s AND c.concluded_at < %s
            GROUP BY c.window_id
        """, [org["region"].prefix + "%", datetime(2026, 10, 31, 16, tzinfo=UTC), datetime(2026, 11, 30, 16, tzinfo=UTC)])
        rows = cursor.fetchall()
    seconds = time.perf_counter() - began
    return seconds, len(rows), sum(late for _, _, late in rows)


def _truncate_scores() -> None:
    from django.db import connection

    from onewindow.assessment.models import Assessment, AssessmentEvent, LineItem, Score
    from onewindow.lifecycle.models import Deadline

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(m._meta.db_table for m in (LineItem, Score, AssessmentEvent))}, "
                       f"{Assessment._meta.db_table} RESTART IDENTITY CASCADE")
        cursor.execute(f"DELETE FROM {Deadline._meta.db_table} WHERE subject_type = 'assessment'")


def _score(org: dict[str, Any]) -> tuple[float, int, int]:
    """The real scoring path; seconds, scores written, late cases in its lines."""
    from django.db.models import Sum

    from onewindow.assessment.models import LineItem
    from onewindow.assessment.rules import SubjectKind
    from onewindow.assessment.services import assessment_score

    at = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    began = time.perf_counter()
    assessment = assessment_score(by=org["admin"], region=org["region"], subject_kind=SubjectKind.WINDOW,
                                  period=PERIOD, at=at)
    seconds = time.perf_counter() - began
    late = LineItem.objects.filter(score__assessment=assessment, item__code="late").aggregate(n=Sum("count"))["n"]
    return seconds, assessment.scores.count(), int(late or 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="200 windows, 20 000 cases; judge nothing")
    parser.add_argument("--subjects", type=int, default=None)
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None, help="timed rounds of each (default 3, smoke 1)")
    args = parser.parse_args()
    subjects = args.subjects or (200 if args.smoke else 20_000)
    n = args.cases or (20_000 if args.smoke else 2_000_000)
    repeat = args.repeat or (1 if args.smoke else 3)
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        return pg.skip("this benchmark runs on PostgreSQL only")
    if not pg.parse(url).name.endswith("_bench"):
        return pg.skip("the benchmark database's name must end in _bench (it is made anew)")
    problem = pg.prepare_database(url, fresh=True)
    if problem:
        return pg.skip(problem)
    _setup_django(url)

    # A running server has its URLconf loaded: so does the benchmark before it times anything
    # (the evidence links are reversed).
    from django.urls import reverse

    reverse("workbench:home")
    org = _organization(subjects)
    load_s = _load(org, n)
    _scheme(org)
    print(f"windows: {subjects}, cases: {n} (loaded in {load_s:.1f} s)")
    bare_times, score_times = [], []
    for _ in range(repeat):
        # Alternated, so neither one alone enjoys a warm cache.
        bare_s, windows_with_cases, bare_late = _bare(org)
        bare_times.append(bare_s)
        _truncate_scores()
        score_s, scored, score_late = _score(org)
        score_times.append(score_s)
        assert scored == subjects, (scored, subjects)
        assert windows_with_cases == min(subjects, n), windows_with_cases
        # Every window has at least the minimum sample in the full run, so every late case counts.
        if n // subjects >= MINIMUM_SAMPLE:
            assert score_late == bare_late, (score_late, bare_late)
    bare_s, score_s = min(bare_times), min(score_times)
    ratio = score_s / bare_s
    print(f"bare aggregate SQL (per window: concluded, late): {bare_s:.2f} s, {bare_late} late cases")
    print(f"scoring (sources, samples, scores, line items with evidence, chain, deadline): {score_s:.2f} s")
    print(f"ratio: {ratio:.2f}× (target ≤ {TARGET_RATIO:.0f}×)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "subjects": subjects, "cases": n, "late_cases": bare_late, "smoke": args.smoke, "repeat": repeat,
        "load_s": round(load_s, 3), "bare_s": round(bare_s, 3), "score_s": round(score_s, 3),
        "bare_runs_s": [round(s, 3) for s in bare_times], "score_runs_s": [round(s, 3) for s in score_times],
        "ratio": round(ratio, 3), "target_ratio": TARGET_RATIO, "python": platform.python_version(),
        "at": datetime.now(UTC).isoformat(timespec="seconds")}, indent=2) + "\n", encoding="utf-8")
    if not args.smoke and ratio > TARGET_RATIO:
        print("MISSED: scoring is slower than twice the bare aggregate SQL")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
