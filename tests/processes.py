"""For tests that run a real second process on the test database."""

from __future__ import annotations

import pytest
from django.db import connection


def database_url() -> str:
    """The test database as a ``DATABASE_URL`` another process can open; skips the test on SQLite's
    in-memory database (set ``SQLITE_TEST_NAME`` for a file)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(s["NAME"])
        if "memory" in name or name == ":memory:":
            pytest.skip("the second process needs a database file (set SQLITE_TEST_NAME) or PostgreSQL")
        return f"sqlite:///{name}"
    return f"postgres://{s['USER']}:{s.get('PASSWORD') or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
