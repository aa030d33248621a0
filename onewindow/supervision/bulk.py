"""Bulk inserts for the sweep: thousands of warnings and history rows in a few statements.

On PostgreSQL each varying column goes in as one array and a column that is the same for every
row as one value: ``INSERT … SELECT … FROM unnest(…)`` writes them all, and
``ON CONFLICT DO NOTHING RETURNING …`` hands back exactly the rows that were new. No per-row
parameters (Django's ``bulk_create`` binds one per value: a quarter of a million for 10 000
warnings), no model instances, no second query to find what was created. Elsewhere (SQLite) the
rows become instances for ``bulk_create`` and the caller finds the new ones by its batch token.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import JSONField, Model

_CHUNK = 5000


@dataclass(frozen=True)
class Same:
    """A column's value for every row of the insert."""

    value: Any


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _db_value(field: Any, value: Any) -> Any:
    if isinstance(field, JSONField):
        return None if value is None else json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return value


def insert_columns(model: type[Model], values: Mapping[str, Sequence[Any] | Same], *, rows: int,
                   ignore_conflicts: bool = False, returning: Sequence[str] = (),
                   update_on: str | None = None) -> list[tuple]:
    """Insert ``rows`` rows of ``model``: ``values`` maps each field's attname to a list of ``rows``
    values or to :class:`Same`; a field left out takes its default. Returns the ``returning``
    columns of the rows actually inserted (PostgreSQL); elsewhere ``bulk_create`` and [].

    ``update_on`` names a unique field (the primary key included): a row that exists already is
    updated with the new values instead (an upsert)."""
    if rows == 0:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.name == update_on]
    columns: dict[str, Sequence[Any] | Same] = {}
    for f in fields:
        given = values.get(f.attname)
        if given is None:
            given = Same(f.get_default())
        elif not isinstance(given, Same) and len(given) != rows:
            raise ValueError(f"{f.attname}: {len(given)} values for {rows} rows")
        columns[f.attname] = given
    unknown = set(values) - set(columns)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if not is_postgresql():
        objs = [model(**{name: (v.value if isinstance(v, Same) else v[i]) for name, v in columns.items()})
                for i in range(rows)]
        if update_on is not None:
            model.objects.bulk_create(objs, batch_size=500, update_conflicts=True, unique_fields=[update_on],
                                      update_fields=[f.name for f in fields if f.name != update_on])
        else:
            model.objects.bulk_create(objs, batch_size=500, ignore_conflicts=ignore_conflicts)
        return []

    qn = connection.ops.quote_name
    varying = [f for f in fields if not isinstance(columns[f.attname], Same)]
    select, head_params = [], []
    for f in fields:
        v = columns[f.attname]
        if isinstance(v, Same):
            select.append(f"%s::{f.db_type(connection)}")
            head_params.append(_db_value(f, v.value))
        else:
            select.append(f"u.v{varying.index(f)}")
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in varying) or "%s::int[]"
    names = ", ".join(f"v{i}" for i in range(len(varying))) or "v"
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"SELECT {', '.join(select)} FROM unnest({arrays}) AS u({names})")
    if update_on is not None:
        target = model._meta.get_field(update_on).column
        sql += f" ON CONFLICT ({qn(target)}) DO UPDATE SET " + ", ".join(
            f"{qn(f.column)} = EXCLUDED.{qn(f.column)}" for f in fields if f.column != target)
    elif ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(qn(c) for c in returning)
    out: list[tuple] = []
    connection.ensure_connection()
    # A plain psycopg cursor binds the arrays server-side; Django's default client-side cursor would
    # render 10 000-element arrays into the SQL text.
    with psycopg.Cursor(connection.connection) as cursor:
        for start in range(0, rows, _CHUNK):
            stop = min(rows, start + _CHUNK)
            arrays_params = [
                [_db_value(f, x) for x in columns[f.attname][start:stop]] if isinstance(f, JSONField)
                else list(columns[f.attname][start:stop]) for f in varying]
            if not varying:  # one placeholder row per inserted row
                arrays_params = [[None] * (stop - start)]
            cursor.execute(sql, [*head_params, *arrays_params])
            if returning:
                out.extend(cursor.fetchall())
    return out
