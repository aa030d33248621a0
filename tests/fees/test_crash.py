"""Crash safety: a worker killed (SIGKILL) between the provider's acknowledgement and the bill's
update leaves nothing half-written, and the next callback — or the day's reconciliation — completes
the payment.

The worker is a real second process that opens the test database, so the test needs a database
another process can open: PostgreSQL, or SQLite with ``SQLITE_TEST_NAME`` (a file); with SQLite's
in-memory test database it is skipped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from onewindow.fees import reconciliation as rs
from onewindow.fees import services as fs
from onewindow.fees.callbacks import local_charge, local_notice
from onewindow.fees.matching import Row
from onewindow.fees.models import Bill, CallbackLog, Payment
from onewindow.fees.statements import bank_profiles, statement_csv
from tests.processes import database_url

from .helpers import at, granted, lines

pytestmark = pytest.mark.django_db(transaction=True)

WORKER = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
django.setup()
from onewindow.fees.callbacks import callback_receive
body = open(sys.argv[1], "rb").read()
callback_receive(provider_key="local", body=body, headers={"X-Onewindow-Signature": sys.argv[2]})
print("survived")
"""


def acknowledged(fh) -> tuple[Bill, bytes, str]:
    """An issued bill the local provider has charged (its acknowledgement), whose callback is not delivered."""
    case = granted(fh.hall)
    bill = fs.bill_draft(case_id=case.id, lines=lines(fh.fees), actor=fh.hall.clerk, at=at(2026, 10, 9, 11))
    bill = fs.bill_confirm(bill_id=bill.id, actor=fh.hall.clerk, at=at(2026, 10, 9, 12))
    charge = local_charge(payment_code=bill.payment_code, callback_url="http://127.0.0.1:9/unreachable")
    body, headers = local_notice(charge)
    return bill, body, headers["X-Onewindow-Signature"]


def killed_worker(tmp_path: Path, body: bytes, signature: str) -> subprocess.CompletedProcess:
    path = tmp_path / "callback.json"
    path.write_bytes(body)
    env = {**os.environ, "DATABASE_URL": database_url(), "ONEWINDOW_FEES_CRASH_AT": "after_payment_insert"}
    if connection.vendor == "sqlite":
        env.pop("SQLITE_TEST_NAME", None)
    return subprocess.run([sys.executable, "-c", WORKER, str(path), signature], env=env, capture_output=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[2])


def test_a_worker_killed_mid_callback_leaves_nothing_half_written(fh, tmp_path):
    bill, body, signature = acknowledged(fh)
    done = killed_worker(tmp_path, body, signature)
    bill.refresh_from_db()
    assert (done.returncode, bill.state, Payment.objects.count(), CallbackLog.objects.count()) == (
        -signal.SIGKILL, "issued", 0, 0), done.stderr.decode()[-2000:]


def test_the_next_callback_completes_it(fh, tmp_path, client):
    bill, body, signature = acknowledged(fh)
    killed_worker(tmp_path, body, signature)
    answer = client.post("/api/v1/payments/callback/local", data=body, content_type="application/json",
                         HTTP_X_ONEWINDOW_SIGNATURE=signature)
    bill.refresh_from_db()
    assert (answer.json()["outcome"], bill.state, Payment.objects.get().amount_fen) == ("applied", "paid",
                                                                                       bill.total_fen)


def test_or_the_reconciliation_completes_it(fh, tmp_path):
    bill, body, signature = acknowledged(fh)
    killed_worker(tmp_path, body, signature)
    data = statement_csv(bank_profiles()["local"], [Row(2, bill.payment_code, bill.total_fen, "B1")])
    rec = rs.reconciliation_import(region_id=fh.hall.county.id, day=date(2026, 10, 9), bank="local",
                                   file_name="d.csv", data=data, actor=fh.finance)
    bill.refresh_from_db()
    assert (bill.state, rec.matched, rec.mismatches.count()) == ("paid", 1, 0)
