"""Gap-free counters kept in a row per key (case numbers, notice numbers).

One statement takes the next value: it creates the row at 1 or adds 1 to it, and returns the new
value. The row stays locked until the caller's transaction ends, so numbers are issued in commit
order and a rolled-back transaction leaves no gap. Both PostgreSQL and SQLite (3.35+) support
``INSERT … ON CONFLICT … DO UPDATE … RETURNING``; the ORM has no single call for it, and the
three it would take (lock or create, update, read back) cost three round trips per number.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models


def next_value(model: type[models.Model], key: dict[str, Any], *, counter: str = "last") -> int:
    """Increment the ``counter`` of ``model``'s row identified by ``key`` and return it.

    ``key`` names the fields of a unique constraint of ``model`` (e.g. ``{"scope": …, "year": …}``);
    a key seen for the first time starts at 1. Call it inside the transaction that uses the number.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in key]
    count = quote(meta.get_field(counter).column)
    table = quote(meta.db_table)
    sql = (f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}, {count}) "
           f"VALUES ({', '.join(['%s'] * len(columns))}, 1) "
           f"ON CONFLICT ({', '.join(quote(c) for c in columns)}) "
           f"DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}")
    params = [meta.get_field(name).get_db_prep_value(value, connection) for name, value in key.items()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])
