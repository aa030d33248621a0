"""Helpers of the tamper tests: direct SQL as an intruder with database access would send it, and
verify_history's answer."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import CommandError, call_command
from django.db import connection

from onewindow.lifecycle.maintenance import protected_uris, triggers_lifted


def sql(statement: str, *params: Any) -> None:
    """Run ``statement`` as an intruder would: on PostgreSQL with the append-only triggers lifted
    (as a superuser who disables them could), so the test shows what verify_history catches."""
    with triggers_lifted(protected_uris()), connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify_history(*args: str) -> tuple[bool, str]:
    """verify_history's verdict (True: nothing found) and everything it printed."""
    out = StringIO()
    try:
        call_command("verify_history", *args, stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()
