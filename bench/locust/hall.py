"""Locust users of a county hall at peak, driven by ``bench/http.py`` (never imported by the application).

``BENCH_PROFILE`` picks the workload:

- ``healthz``: every user asks ``/healthz`` without pause — the yardstick of what the server
  stack (gunicorn, WSGI, one database round trip) does on this machine;
- ``mixed``: the hall — citizens read guides, search, read results and look up progress; clerks
  log in, read their home page, inbox and ledger, open cases and submit cases through the API
  with idempotency keys and accept them; reviewers read their inbox and cases; supervisors read
  the dashboard. Without pause (throughput) or, with ``BENCH_THINK`` = ``"1-3"``, with a reading
  time between pages (latency at a number of concurrent users);
- ``logins``: each user logs in as staff once (the morning burst), then idles.

``BENCH_DATA`` is a JSON file written by ``bench/http.py``: item codes, case numbers with their
query codes, API tokens and the staff password. Each simulated user sends its own
``X-Forwarded-For`` address (the server trusts one proxy in the benchmark), so the per-address
limits see a hall of distinct clients, not one address hammering: staff keep theirs for the
session, citizens take a new one for every page (each page view stands for another person).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid
from pathlib import Path

from locust import HttpUser, between, constant, task

PROFILE = os.environ.get("BENCH_PROFILE", "mixed")
DATA = json.loads(Path(os.environ["BENCH_DATA"]).read_text(encoding="utf-8"))
_THINK = os.environ.get("BENCH_THINK", "")
WAIT = between(*(float(x) for x in _THINK.split("-"))) if _THINK else constant(0)
_addresses = itertools.count(1)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _address() -> str:
    n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


class _Client(HttpUser):
    abstract = True
    wait_time = WAIT

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-For"] = _address()

    def fresh(self) -> None:
        """A new client address: a citizen's page view stands for one person of many in the hall."""
        self.client.headers["X-Forwarded-For"] = _address()


class _Staff(_Client):
    abstract = True
    username = "clerk"

    def on_start(self) -> None:
        super().on_start()
        self.login()

    def login(self) -> None:
        page = self.client.get("/staff/login/", name="staff: login page")
        token = _CSRF.search(page.text)
        with self.client.post("/staff/login/", name="staff: login", allow_redirects=False, catch_response=True,
                              data={"username": self.username, "password": DATA["password"],
                                    "csrfmiddlewaretoken": token.group(1) if token else ""},
                              headers={"Referer": self.host + "/staff/login/"}) as r:
            if r.status_code != 302:
                r.failure(f"login answered {r.status_code}")


if PROFILE == "healthz":

    class Probe(_Client):
        @task
        def healthz(self) -> None:
            self.client.get("/healthz", name="healthz")

elif PROFILE == "logins":

    class Arrival(_Staff):
        wait_time = constant(3600)

        @task
        def idle(self) -> None:  # the burst is the login in on_start
            pass

else:

    class Citizen(_Client):
        weight = 6

        @task(3)
        def guide(self) -> None:
            self.fresh()
            self.client.get(f"/items/{random.choice(DATA['items'])}/", name="public: guide")

        @task(2)
        def search(self) -> None:
            self.fresh()
            self.client.get("/search/", params={"q": random.choice(DATA["queries"])}, name="public: search")

        @task(1)
        def home(self) -> None:
            self.fresh()
            self.client.get("/", name="public: home")

        @task(1)
        def results(self) -> None:
            self.fresh()
            self.client.get("/online/results/", name="public: results")

        @task(2)
        def progress(self) -> None:
            if not DATA["progress"]:
                return
            self.fresh()
            number, code = random.choice(DATA["progress"])
            self.client.get("/api/v1/public/progress", params={"number": number, "code": code},
                            name="public: progress lookup")

    class Clerk(_Staff):
        weight = 2
        username = "clerk"

        @task(3)
        def home(self) -> None:
            self.client.get("/staff/", name="staff: home")

        @task(3)
        def inbox(self) -> None:
            self.client.get("/staff/inbox/", name="staff: inbox")

        @task(1)
        def ledger(self) -> None:
            self.client.get("/staff/ledger/", name="staff: ledger")

        @task(2)
        def case(self) -> None:
            if DATA["clerk_cases"]:
                self.client.get(f"/staff/cases/{random.choice(DATA['clerk_cases'])}/", name="staff: case page")

        @task(2)
        def submit_and_accept(self) -> None:
            """A window submission through the API, retried once with the same key (as a
            client whose answer got lost would), then accepted."""
            if not DATA["submissions"]:
                return
            auth = {"Authorization": f"Bearer {DATA['tokens']['clerk']}"}
            key = str(uuid.uuid4())
            body = random.choice(DATA["submissions"])
            for name in ("api: submit", "api: submit (retry)"):
                r = self.client.post("/api/v1/cases", json=body, headers={**auth, "Idempotency-Key": key}, name=name)
            if r.status_code == 201:
                number = r.json()["number"]
                self.client.post(f"/api/v1/cases/{number}/actions/accept", json={},
                                 headers={**auth, "Idempotency-Key": str(uuid.uuid4())}, name="api: accept")

    class Reviewer(_Staff):
        weight = 1
        username = "reviewer"

        @task(3)
        def inbox(self) -> None:
            self.client.get("/staff/inbox/", name="staff: inbox")

        @task(2)
        def case(self) -> None:
            if DATA["reviewer_cases"]:
                self.client.get(f"/staff/cases/{random.choice(DATA['reviewer_cases'])}/", name="staff: case page")

        @task(1)
        def case_api(self) -> None:
            if not DATA["reviewer_cases"]:
                return
            self.client.get(f"/api/v1/cases/{random.choice(DATA['reviewer_cases'])}",
                            headers={"Authorization": f"Bearer {DATA['tokens']['reviewer']}"}, name="api: case detail")

    class Supervisor(_Staff):
        weight = 1
        username = "supervisor"

        @task
        def dashboard(self) -> None:
            self.client.get("/staff/supervision/", name="staff: supervision dashboard")

