"""Benchmark of the public service guides (portal issue, target: a guide page renders in under
100 ms server-side on the demo data). Run from the repository root:

    .venv/bin/python bench/guide.py [--smoke] [--rounds N]

A fresh SQLite database in a temporary directory is migrated and the demo county loaded into it
(never the database ``DATABASE_URL`` names: the benchmark writes). Then, through Django's test
client — the whole server side: middleware, view, queries, template — it renders:

1. the guide page of every demo item (``/items/<code>/``), ``--rounds`` times after one warm-up
   round (the first request compiles templates and fills caches, as after a deploy);
2. every bundle guide (``/bundles/<code>/``);
3. a set of searches (``/search/?q=…``) once the index is built.

It prints p50 / p95 / max in milliseconds and the queries per guide page, and writes
bench/results/guide.json. ``--smoke`` renders ten guides once (a few seconds, mostly migrating).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# bench/ holds calendar.py: drop this directory from the path, or it would shadow the standard
# library's ``calendar`` for everything imported below; put the repository root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

RESULTS = _HERE / "results" / "guide.json"
TARGET_MS = 100.0
QUERIES = ["yyzz", "我要开餐馆", "营业执照", "营业执造", "餐官", "结婚登记", "民政局", "不动产", "食品经营许可证",
           "开饭店", "xyz"]


def _setup(var_dir: str) -> None:
    """Django on a throwaway SQLite database; static files without a manifest; no rate limit."""
    os.environ["ONEWINDOW_VAR_DIR"] = var_dir
    os.environ["ONEWINDOW_TESTING"] = "1"  # plain static storage: no collectstatic manifest needed
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.ONEWINDOW = {**settings.ONEWINDOW, "PUBLIC_RATE_LIMIT": None}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[k]


def _summary(times: list[float]) -> dict:
    return {"pages": len(times), "p50_ms": round(statistics.median(times), 2) if times else 0.0,
            "p95_ms": round(_percentile(times, 0.95), 2), "max_ms": round(max(times, default=0.0), 2),
            "mean_ms": round(statistics.fmean(times), 2) if times else 0.0}


def _time(client, url: str) -> float:
    began = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a tiny, fast run")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over every guide (default 5)")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="onewindow-bench-guide-")
    try:
        _setup(var_dir)
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from onewindow.catalog.models import Bundle, ServiceItem
        from onewindow.demo.loader import load_demo

        began = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        report = load_demo()
        setup_seconds = time.perf_counter() - began

        codes = list(ServiceItem.objects.filter(region__is_demo=True, is_active=True, current_version__isnull=False)
                     .order_by("implementation_code").values_list("implementation_code", flat=True))
        bundles = list(Bundle.objects.order_by("code").values_list("code", flat=True))
        rounds = 1 if args.smoke else max(1, args.rounds)
        if args.smoke:
            codes, bundles = codes[:10], bundles[:2]
        client = Client()

        for code in codes:  # warm-up: templates compiled, connections open
            _time(client, f"/items/{code}/")
        guide_times = [_time(client, f"/items/{code}/") for _ in range(rounds) for code in codes]
        with CaptureQueriesContext(connection) as queries:
            _time(client, f"/items/{codes[0]}/")
        query_count = len(queries)

        for code in bundles:
            _time(client, f"/bundles/{code}/")
        bundle_times = [_time(client, f"/bundles/{code}/") for _ in range(rounds) for code in bundles]

        began = time.perf_counter()
        _time(client, "/search/?q=yyzz")  # builds the index (and loads jieba's dictionary)
        index_seconds = time.perf_counter() - began
        search_times = [_time(client, f"/search/?q={q}") for _ in range(rounds) for q in QUERIES]

        guides = _summary(guide_times)
        result = {
            "benchmark": "guide", "smoke": args.smoke, "python": platform.python_version(),
            "machine": platform.machine(), "database": connection.vendor, "rounds": rounds,
            "demo": {"items": report.items, "bundles": report.bundles, "setup_seconds": round(setup_seconds, 2)},
            "guide": {**guides, "items": len(codes), "queries_per_page": query_count, "target_ms": TARGET_MS},
            "bundle": {**_summary(bundle_times), "bundles": len(bundles)},
            "search": {**_summary(search_times), "queries": QUERIES,
                       "first_search_with_index_build_seconds": round(index_seconds, 2)},
            "ok": guides["p95_ms"] < TARGET_MS,
        }
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    g, b, s = result["guide"], result["bundle"], result["search"]
    print(f"demo: {result['demo']['items']} items, {result['demo']['bundles']} bundles, "
          f"migrated and loaded in {result['demo']['setup_seconds']} s ({result['database']})")
    print(f"guide pages: {g['pages']} renders of {g['items']} items · p50 {g['p50_ms']} ms · p95 {g['p95_ms']} ms · "
          f"max {g['max_ms']} ms · {g['queries_per_page']} queries per page (target < {TARGET_MS:.0f} ms)")
    print(f"bundle guides: {b['pages']} renders · p50 {b['p50_ms']} ms · p95 {b['p95_ms']} ms · max {b['max_ms']} ms")
    print(f"searches: {s['pages']} · p50 {s['p50_ms']} ms · p95 {s['p95_ms']} ms · max {s['max_ms']} ms "
          f"(first search, building the index: {s['first_search_with_index_build_seconds']} s)")
    print(f"written to {RESULTS.relative_to(_HERE.parent)} · ok: {result['ok']}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
