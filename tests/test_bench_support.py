"""The benchmarks' database vetting: a database migrated by another checkout is recognised."""

from __future__ import annotations

from typing import Any

from bench.support import pg


class _Rows:
    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows

    def fetchone(self) -> tuple[Any, ...]:
        return self.rows[0]

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows


class _Connection:
    """Answers the two queries :func:`pg.stale_migrations` asks, like psycopg would."""

    def __init__(self, applied: list[tuple[str, str]] | None) -> None:
        self.applied = applied

    def execute(self, query: str) -> _Rows:
        if "to_regclass" in query:
            return _Rows([(self.applied is not None,)])
        return _Rows(list(self.applied or []))


def test_the_checkout_lists_its_numbered_migrations_by_app_label() -> None:
    ours = pg.checkout_migrations()
    assert ("cases", "0001_initial") in ours
    assert not any(name.startswith("__") for _, name in ours)


def test_a_migration_this_checkout_lacks_makes_the_database_stale() -> None:
    ours = sorted(pg.checkout_migrations())
    applied = [*ours[:5], ("feedback", "0099_renumbered_away"), ("auth", "0099_not_ours_to_judge")]
    assert pg.stale_migrations(_Connection(applied)) == ["feedback.0099_renumbered_away"]
    assert pg.stale_migrations(_Connection(ours)) == []
    assert pg.stale_migrations(_Connection(None)) == []  # never migrated: nothing to judge


def test_a_url_is_parsed_with_the_servers_defaults() -> None:
    target = pg.parse("postgres://bench:secret@db.example:6543/onewindow_bench")
    assert (target.host, target.port, target.user, target.name) == ("db.example", 6543, "bench", "onewindow_bench")
    assert target.conninfo("postgres")["password"] == "secret"
    assert target.url_for("other") == "postgres://bench:secret@db.example:6543/other"
