"""Benchmark of the hall at peak over HTTP: gunicorn + PostgreSQL, driven by Locust on the same machine.
Run from the repository root:

    .venv/bin/python bench/http.py [--smoke] [--users 100] [--seconds 60] [--workers 4] [--threads 1]

1. A database of its own (``onewindow_http``; the name must end in ``_http``: it is dropped and
   made again on every run) is migrated and given the demo county with its case load, as
   ``make run`` does; API tokens are issued to the clerk and the reviewer.
2. The production server starts: ``gunicorn onewindow.wsgi`` with ``--workers``/``--threads``,
   ``DEBUG=0``, persistent database connections, static files by WhiteNoise, the rate limits in
   Redis when it answers (else the database cache), and one trusted proxy so that each simulated
   user is a client address of its own (``X-Forwarded-For``; see ``bench/locust/hall.py``).
3. After an unmeasured warm-up run of the mixed workload, three Locust runs against it, each ``--seconds`` long with ``--users`` users:
   - **healthz**: every user asks ``/healthz`` without pause — the stack's own ceiling;
   - **mixed, throughput**: the hall's workload (citizens' guides, search, results and progress
     lookups; clerks' home, inbox, ledger, case pages, API submissions with idempotency keys and
     acceptances; reviewers' inbox and cases; the supervisors' dashboard) without pause. Its
     requests/s over healthz's is the **ratio (target ≥ 20 %)**; **errors: 0**;
   - **mixed, latency**: the same users reading each page 1–3 s before the next, as people do:
     **staff pages' p95 < 300 ms** at that many concurrent users.
4. **The morning burst**: ``--burst`` staff (default 200) log in within the first minute (Locust
   spawns them at ``burst/60`` a second): the login's p50/p95 with the documented Argon2
   parameters.

Figures per operation (requests, failures, requests/s, p50/p95/p99) are printed and written to
bench/results/http.json. Without PostgreSQL the benchmark says so and exits 0. ``--smoke`` loads
the demo without its case load (the case pages and progress lookups are then skipped), runs 5 users
for 5 s per phase and a burst of 5, and judges nothing.
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
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

from bench.support import pg  # noqa: E402

ROOT = _HERE.parent
PY = sys.executable
RESULTS = _HERE / "results" / "http.json"
LOCUSTFILE = _HERE / "locust" / "hall.py"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/onewindow_http"
PASSWORD = "onewindow-demo"  # the demo county's password (README)
TARGETS = {"errors": 0, "staff_p95_ms": 300, "ratio": 0.20}


def _redis_url() -> str:
    """Redis for the shared rate-limit counts when it answers on its usual port, else nothing."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return "redis://127.0.0.1:6379/7"
    except OSError:
        pass
    return ""


def _server_env(url: str, var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_TESTING")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "onewindow.settings", "DATABASE_URL": url, "ONEWINDOW_VAR_DIR": var_dir,
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(48), "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ONEWINDOW_TRUSTED_PROXIES": "1", "DB_CONN_MAX_AGE": "600", "REDIS_URL": _redis_url(),
        # The benchmark's own database: its data and chain keys are generated in its var dir, as
        # `make run` does (production passes them in the environment).
        "ONEWINDOW_DEV_KEY_FILES": "1", "ONEWINDOW_CHAIN_KEY_FILE": "1",
    })
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _prepare(env: dict[str, str], data_path: Path, *, cases: bool = True) -> dict[str, Any]:
    """Migrate, load the demo (a smoke run: without its case load), issue tokens, and write what
    the simulated users need."""
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "collectstatic", "--noinput", "-v0")
    _manage(env, "load_demo", *(() if cases else ("--no-cases",)))
    tokens = {name: _manage(env, "create_api_token", name, "--name", "bench").strip() for name in ("clerk", "reviewer")}
    script = (ROOT / "bench" / "locust" / "data.py").read_text(encoding="utf-8")
    done = subprocess.run([PY, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"reading the demo failed:\n{done.stderr}")
    data = json.loads(done.stdout)
    data.update({"tokens": tokens, "password": PASSWORD})
    data_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "onewindow.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread" if threads > 1 else "sync",
         "--max-requests", "0", "--timeout", "60", "--log-level", "warning",
         # The application is imported once in the master and forked: workers start warm and share
         # the imported code's memory pages.
         "--preload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"gunicorn did not answer: {server.stderr.read() if server.stderr else ''}")


def _locust(port: int, data_path: Path, profile: str, users: int, seconds: int, spawn_rate: float,
            think: str = "") -> dict[str, Any]:
    """One headless Locust run; its per-operation figures from Locust's CSV."""
    out = Path(tempfile.mkdtemp(prefix="onewindow-locust-"))
    env = {**os.environ, "BENCH_PROFILE": profile, "BENCH_DATA": str(data_path), "BENCH_THINK": think}
    done = subprocess.run(
        [str(Path(PY).parent / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", f"http://127.0.0.1:{port}",
         "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s", "--csv", str(out / "run"), "--only-summary",
         "--stop-timeout", "5", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True)
    if not (out / "run_stats.csv").exists():
        raise RuntimeError(f"locust ({profile}) ended with {done.returncode} and no figures:\n{done.stdout}\n{done.stderr}")
    rows = list(csv.DictReader((out / "run_stats.csv").open(encoding="utf-8")))
    failures = list(csv.DictReader((out / "run_failures.csv").open(encoding="utf-8")))
    shutil.rmtree(out, ignore_errors=True)
    if not rows:
        raise RuntimeError(f"locust produced no figures:\n{done.stdout}\n{done.stderr}")
    ops = {}
    for row in rows:
        ops[row["Name"]] = {
            "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1), "p50_ms": _ms(row["50%"]), "p95_ms": _ms(row["95%"]),
            "p99_ms": _ms(row["99%"])}
    return {"users": users, "seconds": seconds, "think": think or "0", "ops": ops,
            "failures": [{"name": f["Name"], "error": f["Error"], "count": int(f["Occurrences"])} for f in failures]}


def _ms(text: str) -> float | None:
    return None if text in ("", "N/A") else float(text)


def _staff_p95(run: dict[str, Any]) -> float | None:
    """The worst p95 of the staff pages (not the login)."""
    values = [op["p95_ms"] for name, op in run["ops"].items()
              if name.startswith("staff: ") and "login" not in name and op["p95_ms"] is not None]
    return max(values) if values else None


def run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    var_dir = tempfile.mkdtemp(prefix="onewindow-http-bench-")
    env = _server_env(url, var_dir)
    data_path = Path(var_dir) / "bench-data.json"
    began = time.perf_counter()
    _prepare(env, data_path, cases=not args.smoke)
    prepare_s = round(time.perf_counter() - began, 1)
    port = _free_port()
    server = _start_server(env, port, args.workers, args.threads)
    try:
        spawn = max(args.users / 5, 1)
        # Unmeasured: every worker opens its connection and fills its process caches (compiled
        # statements, the portal's search index, calendar chains) before the figures count.
        _locust(port, data_path, "mixed", args.users, max(args.seconds // 3, 5), spawn)
        healthz = _locust(port, data_path, "healthz", args.users, args.seconds, spawn)
        mixed = _locust(port, data_path, "mixed", args.users, args.seconds, spawn)
        latency = _locust(port, data_path, "mixed", args.users, args.seconds, spawn, think="1-3")
        # The burst's users arrive over its first minute; the run lasts that minute and a little more.
        burst_rate = max(args.burst / 60, 1)
        burst = _locust(port, data_path, "logins", args.burst, max(int(args.burst / burst_rate) + 5, 10), burst_rate)
    finally:
        server.terminate()
        server.wait(timeout=30)
    healthz_rps = healthz["ops"]["Aggregated"]["rps"]
    mixed_rps = mixed["ops"]["Aggregated"]["rps"]
    ratio = round(mixed_rps / healthz_rps, 3) if healthz_rps else 0.0
    errors = sum(r["ops"]["Aggregated"]["failures"] for r in (healthz, mixed, latency, burst))
    staff_p95 = _staff_p95(latency)
    login = burst["ops"].get("staff: login", {})
    return {
        "server": {"workers": args.workers, "threads": args.threads, "redis": bool(env["REDIS_URL"])},
        "prepare_s": prepare_s,
        "healthz": healthz, "mixed": mixed, "latency": latency, "burst": burst,
        "ratio": {"value": ratio, "mixed_rps": mixed_rps, "healthz_rps": healthz_rps, "target": TARGETS["ratio"],
                  "ok": ratio >= TARGETS["ratio"]},
        "errors": {"value": errors, "target": TARGETS["errors"], "ok": errors == TARGETS["errors"]},
        "staff_p95": {"value_ms": staff_p95, "users": args.users, "target_ms": TARGETS["staff_p95_ms"],
                      "ok": staff_p95 is not None and staff_p95 < TARGETS["staff_p95_ms"]},
        "login_burst": {"staff": args.burst, "p50_ms": login.get("p50_ms"), "p95_ms": login.get("p95_ms")},
    }


def _print(result: dict[str, Any]) -> None:
    for phase in ("healthz", "mixed", "latency", "burst"):
        r = result[phase]
        print(f"\n== {phase}: {r['users']} users, {r['seconds']} s, think {r['think']} s")
        print(f"{'operation':38} {'requests':>9} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}")
        for name, op in sorted(r["ops"].items(), key=lambda kv: (kv[0] == "Aggregated", kv[0])):
            print(f"{name:38} {op['requests']:>9} {op['failures']:>5} {op['rps']:>7} {op['p50_ms'] or '-':>6} "
                  f"{op['p95_ms'] or '-':>6} {op['p99_ms'] or '-':>6}")
        for f in r["failures"]:
            print(f"   FAILED {f['count']}× {f['name']}: {f['error'][:160]}")
    ratio, staff, errors = result["ratio"], result["staff_p95"], result["errors"]
    print(f"\nmixed {ratio['mixed_rps']} req/s ÷ healthz {ratio['healthz_rps']} req/s = {ratio['value']:.1%} "
          f"(target ≥ {ratio['target']:.0%}) {'ok' if ratio['ok'] else 'MISSED'}")
    print(f"staff pages p95 at {staff['users']} users reading 1–3 s: {staff['value_ms']} ms "
          f"(target < {staff['target_ms']} ms) {'ok' if staff['ok'] else 'MISSED'}")
    print(f"errors: {errors['value']} (target 0) {'ok' if errors['ok'] else 'MISSED'}")
    burst = result["login_burst"]
    print(f"login burst of {burst['staff']} staff: p50 {burst['p50_ms']} ms, p95 {burst['p95_ms']} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="5 users, 5 s per phase, a burst of 5; judges nothing")
    parser.add_argument("--users", type=int, default=None, help="concurrent users (default 100)")
    parser.add_argument("--seconds", type=int, default=None, help="length of each phase (default 60)")
    parser.add_argument("--burst", type=int, default=None, help="staff logging in within a minute (default 200)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1: sync workers)")
    args = parser.parse_args(argv)
    args.users = args.users or (5 if args.smoke else 100)
    args.seconds = args.seconds or (5 if args.smoke else 60)
    args.burst = args.burst or (5 if args.smoke else 200)
    url = os.environ.get("BENCH_HTTP_DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        return pg.skip(f"BENCH_HTTP_DATABASE_URL is not PostgreSQL ({url.split(':')[0]})")
    if not pg.parse(url).name.endswith("_http"):
        return pg.skip("the benchmark drops its database on every run: its name must end in _http")
    problem = pg.prepare_database(url, fresh=True)
    if problem:
        return pg.skip(problem)
    result = run(args, url)
    result.update({"smoke": args.smoke, "python": platform.python_version(), "machine": platform.machine(),
                   "cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
                   "at": datetime.now(UTC).isoformat(timespec="seconds")})
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print(result)
    if args.smoke:
        # A smoke run proves the harness works: every operation answered without a server error.
        return 0 if result["errors"]["ok"] else 1
    ok = all(result[k]["ok"] for k in ("ratio", "errors", "staff_p95"))
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
