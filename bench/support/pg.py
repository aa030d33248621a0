"""The benchmarks' PostgreSQL databases: parse a URL, create, vet and drop a database.

Every benchmark keeps a database of its own on the machine's server, and that server outlives the
checkout: a database migrated by an older checkout may carry migrations this checkout no longer
has (a migration renumbered after a merge), and ``migrate`` would then skip the new ones and leave
columns missing; and its rows were encrypted and chained with the keys of that run's fresh VAR_DIR,
which no later run has. The benchmarks therefore make their database anew on every run
(``fresh=True``); only ``bench/scale.py`` keeps its loaded databases (``--reuse`` with the earlier
run's ``--var-dir``), and :func:`prepare_database` drops and recreates even that one when its
applied migrations are not all this checkout's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_APPS_DIR = Path(__file__).resolve().parents[2] / "onewindow"


def skip(message: str) -> int:
    """Say why the benchmark does not run here; exit status 0 (a missing server is no failure)."""
    print(f"SKIPPED: {message}")
    return 0


@dataclass(frozen=True)
class Target:
    """Where a benchmark's database lives, parsed from its ``DATABASE_URL``."""

    url: str
    host: str
    port: int
    user: str
    password: str
    name: str

    def conninfo(self, dbname: str | None = None) -> dict[str, Any]:
        """psycopg keyword arguments for ``dbname`` (default: this database) on the same server."""
        info: dict[str, Any] = {"host": self.host, "port": self.port, "user": self.user,
                                "dbname": dbname or self.name, "connect_timeout": 3}
        if self.password:
            info["password"] = self.password
        return info

    def url_for(self, name: str) -> str:
        """The URL of another database ``name`` on the same server with the same login."""
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgres://{auth}@{self.host}:{self.port}/{name}"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def parse(url: str) -> Target:
    """The parts of a ``postgres://`` URL, with the server's usual defaults filled in."""
    import dj_database_url

    cfg = dj_database_url.parse(url)
    return Target(url, cfg.get("HOST") or "127.0.0.1", int(cfg.get("PORT") or 5432), cfg.get("USER") or "postgres",
                  cfg.get("PASSWORD") or "", cfg["NAME"])


def checkout_migrations() -> set[tuple[str, str]]:
    """(app label, migration name) of every migration file of this checkout's apps."""
    return {(path.parent.parent.name, path.stem) for path in _APPS_DIR.glob("*/migrations/[0-9]*.py")}


def stale_migrations(conn: Any) -> list[str]:
    """Migrations recorded in the connected database that this checkout does not have."""
    present = conn.execute("SELECT to_regclass('django_migrations') IS NOT NULL").fetchone()[0]
    if not present:
        return []
    ours = checkout_migrations()
    labels = {label for label, _ in ours}
    applied = conn.execute("SELECT app, name FROM django_migrations").fetchall()
    return sorted(f"{app}.{name}" for app, name in applied if app in labels and (app, name) not in ours)


def prepare_database(url: str, *, fresh: bool = False) -> str | None:
    """Make the database ready for ``migrate``; None when ready, else why not (no server).

    Created when missing; dropped first when ``fresh`` or when it holds migrations this checkout
    does not have (then the reason is printed).
    """
    import psycopg
    from psycopg import sql

    target = parse(url)
    try:
        with psycopg.connect(**target.conninfo("postgres"), autocommit=True) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target.name]).fetchone()
            if exists and not fresh:
                with psycopg.connect(**target.conninfo()) as conn:
                    stale = stale_migrations(conn)
                if stale:
                    print(f"{target.name}: migrations of another checkout ({', '.join(stale[:3])}"
                          f"{' …' if len(stale) > 3 else ''}); made again")
                    fresh = True
            if exists and fresh:
                admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(target.name)))
            if fresh or not exists:
                admin.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8'").format(sql.Identifier(target.name)))
    except psycopg.OperationalError as exc:  # connection refused, DNS, authentication: no server for us
        return f"PostgreSQL is not reachable at {target.where} ({exc.__class__.__name__}: {exc})"
    return None


def drop_database(url: str) -> None:
    """Drop the database (its sessions closed first)."""
    import psycopg
    from psycopg import sql

    target = parse(url)
    with psycopg.connect(**target.conninfo("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target.name)))


def model_defaults(model: Any, given: Iterable[str]) -> dict[str, Any]:
    """Database values of the Python-side defaults of ``model``'s columns not in ``given``
    (a NOT NULL text column without one gets Django's empty string).

    The benchmarks load rows with ``COPY`` or ``INSERT … SELECT``, around the ORM: a column added
    later with a Python default (not a database default) would arrive NULL and fail its NOT NULL.
    Filling these keeps a benchmark's loader right as the models grow.
    """
    from django.db import connection

    given = set(given)
    return {f.column: f.get_db_prep_save(f.get_default(), connection)
            for f in model._meta.concrete_fields
            if not f.primary_key and f.column not in given and (f.has_default() or not f.null)}


def sql_literals(values: dict[str, Any]) -> dict[str, str]:
    """The same values as SQL literals (psycopg's quoting), for a generated ``INSERT … SELECT``."""
    from django.db import connection
    from psycopg import sql

    connection.ensure_connection()
    return {column: sql.Literal(value).as_string(connection.connection) for column, value in values.items()}
