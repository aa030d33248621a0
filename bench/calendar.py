"""Benchmark of the working-day calendar (issue 3). Run from the repository root:

    .venv/bin/python bench/calendar.py [--smoke]

1. ``add_workdays(start, 20)`` calls per second on a calendar snapshot, against a day-by-day
   loop over ``chinese_calendar.is_workday`` in the same run, printed as a ratio (target ≥ 50×).
2. Re-timing 100 000 open clocks after a calendar change (target < 10 s):
   a. a simple compute (start + promised limit) on the old and the new snapshot, every clock;
   b. the real ``clock()`` of :mod:`onewindow.workdays.clock`, as the case app's retimer would run
      it: the stored due dates stand for the old computation and a clock whose window holds no
      changed day is skipped;
   c. the real ``clock()`` on every clock (the worst case: a change inside every window).

The snapshots are built straight from chinesecalendar, so no database is needed. The result is
written to bench/results/calendar.json. ``--smoke`` runs a tiny version in about a second.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named calendar.py: drop its own directory from the path before anything imports
# the standard library's ``calendar`` module, and put the repository root there instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import date, timedelta  # noqa: E402

import chinese_calendar  # noqa: E402

from onewindow.workdays.arithmetic import CalendarSnapshot, build_snapshot  # noqa: E402
from onewindow.workdays.retiming import retime_open_clocks  # noqa: E402

RESULTS = _HERE / "results" / "calendar.json"
ONE = timedelta(days=1)


def national(extra_holidays: tuple[date, ...] = (), version: int = 1) -> CalendarSnapshot:
    """The national calendar as the seed migration stores it, plus optional local holidays."""
    return build_snapshot(first=date(2004, 1, 1), last=date(2036, 12, 31),
                          holidays=set(chinese_calendar.holidays) | set(extra_holidays),
                          makeup_workdays=chinese_calendar.workdays.keys(), published_years=range(2004, 2027),
                          version=version, explicit_days=extra_holidays)


def naive_add(start: date, n: int) -> date:
    """The loop the snapshot replaces: one ``is_workday`` call per calendar day."""
    d, counted = start, 0
    while counted < n:
        d += ONE
        if chinese_calendar.is_workday(d):
            counted += 1
    return d


def bench_add_workdays(snapshot: CalendarSnapshot, calls: int, naive_calls: int, rng: random.Random) -> dict:
    # Starts the naive loop can also answer: chinesecalendar stops at 2026-12-31.
    span = (date(2026, 11, 30) - date(2004, 1, 1)).days
    starts = [date(2004, 1, 1) + timedelta(days=rng.randrange(span)) for _ in range(calls)]
    add = snapshot.add_workdays
    began = time.perf_counter()
    for s in starts:
        add(s, 20)
    fast = time.perf_counter() - began
    began = time.perf_counter()
    for s in starts[:naive_calls]:
        naive_add(s, 20)
    slow = time.perf_counter() - began
    mismatches = sum(add(s, 20) != naive_add(s, 20) for s in starts[: min(naive_calls, 2000)])
    fast_rate, slow_rate = calls / fast, naive_calls / slow
    return {"calls": calls, "naive_calls": naive_calls, "snapshot_calls_per_second": round(fast_rate),
            "naive_calls_per_second": round(slow_rate), "ratio": round(fast_rate / slow_rate, 1),
            "target_ratio": 50, "mismatches": mismatches}


@dataclass(frozen=True, slots=True)
class OpenClock:
    """An open case as the retimer loads it: events, limits and the due dates stored with it."""

    case: int
    start: date
    promised: int
    events: tuple
    stored: tuple  # (statutory_due, promised_due) computed on the old calendar
    window_end: date


def bench_retiming(old: CalendarSnapshot, new: CalendarSnapshot, count: int, full_count: int,
                   rng: random.Random) -> dict:
    from onewindow.workdays.clock import ClockEvent, ClockLimits, clock

    limits = {p: ClockLimits(statutory=20, promised=p) for p in range(1, 21)}
    as_of = date(2026, 6, 30)

    def dues(c: OpenClock, snap: CalendarSnapshot) -> tuple:
        state = clock(c.events, limits[c.promised], snap, as_of)
        return state.statutory_due, state.promised_due

    clocks = []
    for i in range(count):
        received = date(2026, 1, 5) + timedelta(days=rng.randrange(170))
        promised = rng.randrange(1, 21)
        events = (ClockEvent("submitted", received, seq=1), ClockEvent("accepted", received + ONE, seq=2))
        statutory_due = old.add_workdays(received + ONE, 20)
        promised_due = old.add_workdays(received + ONE, promised)
        clocks.append(OpenClock(i, received, promised, events, (statutory_due, promised_due), statutory_due))

    # a. simple compute, every clock on both snapshots
    began = time.perf_counter()
    simple = retime_open_clocks(clocks, old, new, lambda c, s: s.add_workdays(c.start, c.promised))
    simple_seconds = time.perf_counter() - began

    # b. the real clock(), as a retimer runs it: stored dues, window pruning
    began = time.perf_counter()
    computed = 0

    def counted_dues(c: OpenClock, snap: CalendarSnapshot) -> tuple:
        nonlocal computed
        computed += 1
        return dues(c, snap)

    pruned = retime_open_clocks(clocks, old, new, counted_dues, window=lambda c: (c.start, c.window_end),
                                stored=lambda c: c.stored)
    pruned_seconds = time.perf_counter() - began

    # c. the real clock() on every clock (worst case), on a share when asked to be quick
    subset = clocks[:full_count]
    began = time.perf_counter()
    full = retime_open_clocks(subset, old, new, dues, stored=lambda c: c.stored)
    full_seconds = time.perf_counter() - began
    pruned_in_subset = {m.clock.case for m in pruned if m.clock.case < full_count}
    agree = {m.clock.case for m in full} == pruned_in_subset
    return {
        "open_clocks": count,
        "change": "one local holiday (Friday 2026-03-13)",
        "simple": {"seconds": round(simple_seconds, 3), "moved": len(simple)},
        "clock_with_window": {"seconds": round(pruned_seconds, 3), "recomputed": computed, "moved": len(pruned)},
        "clock_every_clock": {"clocks": len(subset), "seconds": round(full_seconds, 3), "moved": len(full),
                              "seconds_per_100k": round(full_seconds * 100_000 / max(1, len(subset)), 2),
                              "agrees_with_window": agree},
        "target_seconds": 10,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a tiny, fast run")
    parser.add_argument("--seed", type=int, default=20260313)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    began = time.perf_counter()
    old = national()
    build_seconds = time.perf_counter() - began
    new = national((date(2026, 3, 13),), version=2)

    calls, naive_calls = (2_000, 200) if args.smoke else (200_000, 5_000)
    count, full_count = (2_000, 2_000) if args.smoke else (100_000, 100_000)
    add = bench_add_workdays(old, calls, naive_calls, rng)
    retime = bench_retiming(old, new, count, full_count, rng)

    result = {
        "benchmark": "calendar", "smoke": args.smoke, "python": platform.python_version(),
        "machine": platform.machine(), "snapshot_build_seconds": round(build_seconds, 4),
        "add_workdays": add, "retiming": retime,
        "ok": add["ratio"] >= 50 and add["mismatches"] == 0 and retime["simple"]["seconds"] < 10
        and retime["clock_with_window"]["seconds"] < 10 and retime["clock_every_clock"]["agrees_with_window"],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    print(f"snapshot build (2004–2036): {build_seconds * 1000:.1f} ms")
    print(f"add_workdays(n=20): {add['snapshot_calls_per_second']:,} calls/s; "
          f"day-by-day chinese_calendar.is_workday: {add['naive_calls_per_second']:,} calls/s; "
          f"ratio {add['ratio']}× (target ≥ 50×), mismatches {add['mismatches']}")
    r = retime
    print(f"re-timing {r['open_clocks']:,} open clocks after {r['change']}:")
    print(f"  simple compute, every clock, both snapshots: {r['simple']['seconds']} s, {r['simple']['moved']:,} moved")
    print(f"  clock() with stored dues and window: {r['clock_with_window']['seconds']} s "
          f"({r['clock_with_window']['recomputed']:,} recomputed, {r['clock_with_window']['moved']:,} moved)")
    e = r["clock_every_clock"]
    print(f"  clock() on every clock: {e['seconds']} s for {e['clocks']:,} "
          f"({e['seconds_per_100k']} s per 100 000), {e['moved']:,} moved, agrees with window: {e['agrees_with_window']}")
    print(f"target < 10 s · written to {RESULTS.relative_to(_HERE.parent)} · ok: {result['ok']}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
