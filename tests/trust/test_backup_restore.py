"""The documented backup works: a ``pg_dump`` restored into a new database passes ``verify_history``.

docs/operations.md "Backups" gives the commands; this test runs them on the test database (its
rows committed: ``transaction=True``) and runs ``manage.py verify_history`` on the restored copy in
a process of its own, as an operator would after a restore.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from onewindow.cases import services as case_services
from tests.cases.helpers import at, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore are PostgreSQL's"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="postgresql-client is not installed"),
]

ROOT = Path(__file__).resolve().parents[2]


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def test_a_pg_dump_restored_into_a_new_database_passes_verify_history(hall, tmp_path):
    for _ in range(3):
        case = case_services.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    case_services.case_claim_task(case_id=case.id, actor=hall.reviewer, stage_order=2, at=at(2026, 9, 29))
    source = settings.DATABASES["default"]["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "onewindow.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), _url(source)], check=True)
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", "-d", _url(restored), str(dump)], check=True)
        # the restored database's anchors only (earlier tests' processes leave theirs in the shared var dir)
        env = {**os.environ, "DATABASE_URL": _url(restored), "ONEWINDOW_ANCHOR_DIR": str(tmp_path / "anchors")}
        done = subprocess.run([sys.executable, "manage.py", "verify_history"], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "核查办件 3 件，有问题 0 件" in done.stdout
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
