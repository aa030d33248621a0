"""Gap-free counters kept in a row per key (case numbers, notice numbers).

One statement takes the next value: it creates the row at 1 or adds 1 to it, and returns the new
value (several keys on PostgreSQL: one statement too, see :func:`next_values`). The row stays
locked until the caller's transaction ends, so numbers are issued in commit order and a
rolled-back transaction leaves no gap. Both PostgreSQL and SQLite (3.35+) support
``INSERT … ON CONFLICT … DO UPDATE … RETURNING``; the ORM has no single call for it, and the
three it would take (lock or create, update, read back) cost three round trips per number.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models

from . import batching


def next_value(model: type[models.Model], key: dict[str, Any], *, counter: str = "last") -> int:
    """Increment the ``counter`` of ``model``'s row identified by ``key`` and return it.

    ``key`` names the fields of a unique constraint of ``model`` (e.g. ``{"scope": …, "year": …}``);
    a key seen for the first time starts at 1. Call it inside the transaction that uses the number.
    """
    return next_values(model, [key], counter=counter)[0]


def next_values(model: type[models.Model], keys: list[dict[str, Any]], *, counter: str = "last") -> list[int]:
    """:func:`next_value` for several keys of the same fields, in one statement; the rows are
    locked in the order given (keep one order everywhere, so two transactions never deadlock)."""
    if not keys:
        return []
    meta = model._meta
    quote = connection.ops.quote_name
    names = list(keys[0])
    fields = [meta.get_field(name) for name in names]
    columns = ", ".join(quote(f.column) for f in fields)
    count = quote(meta.get_field(counter).column)
    table = quote(meta.db_table)
    values = [[f.get_db_prep_value(key[name], connection) for name, f in zip(names, fields, strict=True)]
              for key in keys]
    row = f"({', '.join(['%s'] * len(fields))}, 1)"

    def upsert(rows: int) -> str:
        return (f"INSERT INTO {table} ({columns}, {count}) VALUES {', '.join([row] * rows)} "
                f"ON CONFLICT ({columns}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}")

    if connection.vendor != "postgresql" or len({tuple(v) for v in values}) < len(values):
        # SQLite has no round trip to save and promises no order of RETURNING rows; a key given
        # twice could not be upserted twice by one statement: one statement per key.
        found = batching.rows_together([(upsert(1), v) for v in values])
        return [int(rows[0][0]) for rows in found]
    # One multi-row upsert on PostgreSQL: its RETURNING rows come in the order of VALUES (Django's
    # bulk_create relies on that for the new keys), and the rows are locked in that order too.
    found = batching.rows_together([(upsert(len(values)), [p for v in values for p in v])])[0]
    if len(found) != len(values):
        raise RuntimeError(f"{model.__name__}: {len(found)} counters returned for {len(values)} keys")
    return [int(r[0]) for r in found]
