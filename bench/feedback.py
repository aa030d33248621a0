"""Benchmark of the 12345 hotline import on PostgreSQL. Run from the repository root:

    .venv/bin/python bench/feedback.py [--smoke] [--orders N]

1. ``N`` hotline rows (default 100 000) in the provincial columns, for a county of 20 departments.
2. **Bare**: the same ``N`` work orders built in Python and written with ``bulk_create`` into the
   work-order table, nothing else (no checks, no numbers from the sequence, no history, no
   deadlines) — then the table is emptied again.
3. **Import**: :func:`onewindow.feedback.importer.hotline_import` — every row checked (dates,
   category, unit, duplicates), numbered, saved with its hash-chained history (received,
   dispatched) and its answer deadline row, dispatched to its unit.

Both rates (orders per second) and their ratio are printed; the target is a ratio of at least
0.25. ``DATABASE_URL`` names the benchmark's database (default
``postgres://postgres@127.0.0.1:5432/onewindow_feedback_bench``): made anew on every run and migrated;
its work-order tables are emptied at the start, so its name must end in ``_bench``. Without
PostgreSQL the benchmark says so and exits 0. ``--smoke`` runs 2 000 rows and judges nothing.
The result is written to bench/results/feedback.json.
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
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

from bench.support import pg  # noqa: E402

RESULTS = _HERE / "results" / "feedback.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/onewindow_feedback_bench"
COUNTY = "990121000000"
DEPARTMENTS = 20
TARGET_RATIO = 0.25
DAY = date(2026, 11, 16)  # the calls came in on this Monday


def _setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "onewindow.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["ONEWINDOW_VAR_DIR"] = tempfile.mkdtemp(prefix="onewindow-feedback-bench-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    logging.getLogger("onewindow.notifications").setLevel(logging.WARNING)


def _organization() -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from onewindow.organization.models import Department, Posting, Region, Staff

    province, _ = Region.objects.get_or_create(code="990000000000", defaults={"name": "演示省", "level": 1})
    city, _ = Region.objects.get_or_create(code="990100000000", defaults={"name": "演示市", "level": 2,
                                                                           "parent": province})
    county, _ = Region.objects.get_or_create(code=COUNTY, defaults={"name": "云溪县", "level": 3, "parent": city,
                                                                     "has_center": True})
    departments = [Department.objects.get_or_create(region=county, code=f"D{i:02d}",
                                                    defaults={"name": f"云溪县第{i + 1}局", "order": i})[0]
                   for i in range(DEPARTMENTS)]
    user, _ = get_user_model().objects.get_or_create(username="bench_dispatcher")
    staff, _ = Staff.objects.get_or_create(user=user, defaults={"name": "分派员", "employee_number": "BENCH-1",
                                                                "region": county})
    Posting.objects.get_or_create(staff=staff, role="center_admin", region=county)
    return {"county": county, "departments": departments, "staff": staff}


def _truncate() -> None:
    from django.db import connection

    from onewindow.feedback.models import FeedbackSequence, WorkOrder, WorkOrderEvent
    from onewindow.lifecycle.models import Deadline

    tables = [m._meta.db_table for m in (WorkOrderEvent, WorkOrder, FeedbackSequence, Deadline)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _rows(org: dict[str, Any], n: int) -> list[dict[str, str]]:
    kinds = ["咨询", "投诉", "建议", "表扬", "求助"]
    out = []
    for i in range(n):
        received = datetime(DAY.year, DAY.month, DAY.day, 8, 0) + timedelta(seconds=i % 36_000)
        due = DAY + timedelta(days=3 + i % 10)
        out.append({"external_number": f"12345-{i:09d}", "received_at": received.strftime("%Y-%m-%d %H:%M:%S"),
                    "caller_name": "市民", "caller_phone": "139" + f"{i:08d}"[-8:],
                    "content": f"第 {i} 号来电：咨询营业执照办理所需材料和办理时限，希望尽快答复。",
                    "kind": kinds[i % len(kinds)], "department": org["departments"][i % DEPARTMENTS].name,
                    "due_at": f"{due.isoformat()} 18:00"})
    return out


def _bare(org: dict[str, Any], rows: list[dict[str, str]]) -> float:
    """bulk_create of the same orders into the same table: the floor of what a write can cost."""
    from django.db import transaction

    from onewindow.feedback.models import WorkOrder

    now = datetime.now(UTC)
    start = time.perf_counter()
    with transaction.atomic():
        WorkOrder.objects.bulk_create([WorkOrder(
            number=f"990121-GD2026-B{i:08d}", region=org["county"], kind="inquiry", source="hotline_import",
            handling="hotline", topic=row["content"][:30], content=row["content"], caller_name=row["caller_name"],
            caller_phone=row["caller_phone"], external_number=row["external_number"],
            department=org["departments"][i % DEPARTMENTS], owner=org["staff"], state="dispatched", received_at=now,
            answer_due=DAY + timedelta(days=5)) for i, row in enumerate(rows)], batch_size=1000)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="2 000 rows; judge nothing")
    parser.add_argument("--orders", type=int, default=None)
    args = parser.parse_args()
    n = args.orders or (2_000 if args.smoke else 100_000)
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        return pg.skip("this benchmark runs on PostgreSQL only")
    if not pg.parse(url).name.endswith("_bench"):
        return pg.skip("the benchmark database's name must end in _bench (its tables are emptied)")
    problem = pg.prepare_database(url, fresh=True)
    if problem:
        return pg.skip(problem)
    _setup_django(url)

    from onewindow.feedback.importer import hotline_import
    from onewindow.feedback.models import WorkOrder, WorkOrderEvent
    from onewindow.lifecycle.models import Deadline

    _truncate()
    org = _organization()
    rows = _rows(org, n)
    bare_s = _bare(org, rows)
    _truncate()
    at = datetime(DAY.year, DAY.month, DAY.day, 20, 0, tzinfo=UTC)
    start = time.perf_counter()
    report = hotline_import(region=org["county"], rows=rows, actor=org["staff"], at=at)
    import_s = time.perf_counter() - start
    assert len(report.created) == n, (len(report.created), report.problems[:3])
    assert WorkOrder.objects.filter(state="dispatched").count() == n
    assert WorkOrderEvent.objects.count() == 2 * n
    assert Deadline.objects.filter(subject_type="work_order").count() == n
    bare_rate, import_rate = n / bare_s, n / import_s
    ratio = import_rate / bare_rate
    print(f"orders: {n}")
    print(f"bare bulk_create: {bare_s:.2f} s, {bare_rate:,.0f} orders/s")
    print(f"import + dispatch (checks, numbers, events, deadlines): {import_s:.2f} s, {import_rate:,.0f} orders/s")
    print(f"ratio: {ratio:.1%} (target ≥ {TARGET_RATIO:.0%})")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "orders": n, "smoke": args.smoke, "bare_s": round(bare_s, 3), "import_s": round(import_s, 3),
        "bare_per_s": round(bare_rate), "import_per_s": round(import_rate), "ratio": round(ratio, 4),
        "target_ratio": TARGET_RATIO, "python": platform.python_version(),
        "at": datetime.now(UTC).isoformat(timespec="seconds")}, indent=2) + "\n", encoding="utf-8")
    _truncate()
    if not args.smoke and ratio < TARGET_RATIO:
        print("MISSED: the import is slower than a quarter of the bare bulk_create")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
