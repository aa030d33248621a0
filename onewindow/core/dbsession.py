"""What every new database connection is given beyond Django's own settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper


def on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """psycopg keeps at most ``prepared_max`` prepared statements per connection (least recently
    used first out); a hall's pages and transitions run more distinct statements than its
    default, so the connection keeps ``settings.DB_PREPARED_MAX``.

    And PostgreSQL's JIT compilation is off unless ``settings.DB_JIT``: it starts when a plan's
    *estimated* cost passes ``jit_above_cost``, which on a province's tables a short read's
    estimate does (a day's ledger: 430 ms of JIT for 1 ms of work, ``bench/scale.py``); the
    application's reads are all index scans of a county's rows, where it never pays."""
    if connection.vendor != "postgresql":
        return
    if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        connection.connection.prepared_max = settings.DB_PREPARED_MAX
    if not settings.DB_JIT:
        with connection.connection.cursor() as cursor:
            cursor.execute("SET jit = off")
