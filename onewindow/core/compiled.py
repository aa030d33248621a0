"""The ORM's statements compiled once, for the few that every case transition runs.

Django builds and compiles a queryset's SQL anew on every call, and walks its whole save
machinery for every insert: for the locked case row with its region, department and item that
costs more than the database takes to answer. A transition runs the same dozen statements each
time with different values, so this module compiles each once per thread (Django's connections
are per thread too) and afterwards only binds the values, converts the columns back exactly as
the ORM does (its own converters), and builds the instances with ``Model.from_db`` and the ORM's
related populators, as :class:`django.db.models.query.ModelIterable` does.

Only for hot paths whose shape is fixed (:func:`fetch`: compiled once, the values bound each
time), or whose shape and values follow from a key that is cheap to know (:func:`fetch_keyed`: a
staff member's inbox, compiled once per member, reach and day): everything else uses the ORM
directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.query import get_related_populators

from . import batching, caches

M = TypeVar("M", bound=models.Model)

_local = threading.local()
# Each thread keeps its own plans; forgetting them bumps the generation, and every thread drops
# its plans the next time it looks (another thread's locals are out of reach).
_generation = 0


def _cache() -> dict[Any, Any]:
    cache = getattr(_local, "plans", None)
    if cache is None or _local.generation != _generation:
        cache = _local.plans = {}
        _local.generation = _generation
    return cache


@caches.register
def forget_plans() -> None:
    """Drop the compiled statements of every thread (after a model or the database settings changed)."""
    global _generation
    _generation += 1


@dataclass(frozen=True)
class _Select:
    sql: str
    model: type[models.Model]
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]
    converters: dict[int, tuple[list[Callable[..., Any]], Any]]
    annotations: dict[str, int]
    width: int  # the columns the statement selects
    nulls: list[str]  # a NULL of each column's type (for :func:`_union`'s spans of the others)


def _compile_select(queryset: models.QuerySet[Any], params: Sequence[Any], using: str) -> _Select:
    plan, sql_params = _compile(queryset, using)
    if list(sql_params) != list(params):
        # The contract of fetch(): the queryset's parameters are exactly ``params``, in order, so
        # later calls can bind new values into the same text.
        raise ValueError(f"compiled query parameters {sql_params!r} are not {list(params)!r}")
    return plan


def _compile(queryset: models.QuerySet[Any], using: str) -> tuple[_Select, list[Any]]:
    compiler = queryset.query.get_compiler(using=using)
    sql, sql_params = compiler.as_sql()
    info = compiler.klass_info
    fields = info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    select = compiler.select
    connection = connections[using]
    return _Select(
        sql=sql, model=info["model"], init_list=[f[0].target.attname for f in select[start:end]], start=start,
        end=end, populators=get_related_populators(info, select, using),
        converters=compiler.get_converters([s[0] for s in select[:compiler.col_count]]),
        annotations=dict(compiler.annotation_col_map or {}),
        width=compiler.col_count,
        nulls=[_typed_null(expression, connection) for expression, *_ in select[:compiler.col_count]],
    ), list(sql_params)


def _typed_null(expression: Any, connection: Any) -> str:
    # PostgreSQL types a column of UNION ALL branch by branch, from the left: two untyped NULLs
    # make it text, which a third branch's bigint then cannot match.
    try:
        db_type = expression.output_field.cast_db_type(connection)
    except Exception:  # an expression without a field: left to the server, as before
        db_type = None
    return f"NULL::{db_type}" if db_type else "NULL"


def _plan(name: str, build: Callable[..., models.QuerySet[Any]], params: Sequence[Any], using: str) -> _Select:
    cache = _cache()
    key = ("select", name, using)
    plan = cache.get(key)
    if plan is None:
        plan = cache[key] = _compile_select(build(*params), params, using)
    elif settings.ONEWINDOW.get("CHECK_PLANS"):
        # The contract, checked on every call (tests turn it on): the SQL's shape depends only on
        # its parameters. A query whose text changed with the actor — a permission filter that
        # grew for one role, say — would otherwise run another call's SQL with this call's values.
        fresh = _compile_select(build(*params), params, using)
        if fresh.sql != plan.sql:
            raise ValueError(f"compiled query {name!r} changed its shape between calls:\n{plan.sql}\n{fresh.sql}")
    return plan


def _instances(plan: _Select, rows: list[Any], using: str) -> list[Any]:
    connection = connections[using]
    result = []
    converters = plan.converters
    for row in rows:
        if converters:
            row = list(row)
            for pos, (functions, expression) in converters.items():
                value = row[pos]
                for convert in functions:
                    value = convert(value, expression, connection)
                row[pos] = value
        obj = plan.model.from_db(using, plan.init_list, row[plan.start:plan.end])
        for populator in plan.populators:
            populator.populate(row, obj)
        for attr, pos in plan.annotations.items():
            setattr(obj, attr, row[pos])
        result.append(obj)
    return result


def fetch(name: str, build: Callable[..., models.QuerySet[M]], *params: Any,
          using: str = DEFAULT_DB_ALIAS) -> list[M]:
    """The model instances of ``build(*params)``, its SQL compiled on the first call only.

    ``build`` must turn ``params`` into the query's parameters unchanged and in order (pass
    values as the database takes them: ints, strings, ``connection.ops``-adapted dates); a
    different shape needs a different ``name``. None is refused: the ORM writes ``IS NULL`` for
    it, a shape the compiled text does not have. ``select_related`` objects and annotations are
    filled in as the ORM would. No transaction check is made for ``select_for_update``: call it
    inside ``transaction.atomic`` like the queryset itself.
    """
    return fetch_together((name, build, params), using=using)[0]


def fetch_together(*queries: tuple[str, Callable[..., models.QuerySet[Any]], Sequence[Any]],
                   using: str = DEFAULT_DB_ALIAS, one_statement_from: int | None = None) -> list[list[Any]]:
    """Several :func:`fetch` calls, ``(name, build, params)`` each, sent in one round trip (with
    any writes still queued by :mod:`onewindow.core.batching`); their results, in order.

    ``one_statement_from=k``: on PostgreSQL the queries from the k-th on are one statement
    (:func:`_union`), so they read one snapshot and cost the server and the driver one statement;
    the rows of each of those come in no promised order (the caller sorts them)."""
    if any(value is None for _, _, params in queries for value in params):
        raise ValueError(f"None among the parameters of {[name for name, _, _ in queries]}: the query's shape would change")
    plans = [_plan(name, build, params, using) for name, build, params in queries]
    statements = [(plan.sql, params) for plan, (_, _, params) in zip(plans, queries, strict=True)]
    k = one_statement_from
    if k is None or len(queries) - k < 2 or connections[using].vendor != "postgresql":
        rows = batching.rows_together(statements, using)
    else:
        *rows, union_rows = batching.rows_together([*statements[:k], _union(plans[k:], statements[k:])], using)
        rows += _split(plans[k:], union_rows)
    return [_instances(plan, found, using) for plan, found in zip(plans, rows, strict=True)]


# A thread's keyed statements (fetch_keyed): one per staff member and day, say; the oldest go.
KEYED_MAX = 512


def fetch_keyed(key: Hashable, build: Callable[[], models.QuerySet[M]], *, using: str = DEFAULT_DB_ALIAS) -> list[M]:
    """The model instances of ``build()``, its SQL *and its parameters* compiled on the first call
    with ``key`` only (kept per thread, the newest :data:`KEYED_MAX`).

    For reads whose shape and values follow from a few inputs that are cheap to know — a staff
    member's id, reach and the day — and costly to compile (a permission filter of several
    regions, a ranking window): ``key`` must hold every input ``build`` reads, so that one key
    always builds one statement; ``build`` is not called when the key is known. Tests check the
    contract at every call (``CHECK_PLANS``): a key that misses an input fails loudly.
    """
    cache = _cache()
    keyed = cache.setdefault(("keyed", using), {})
    entry = keyed.get(key)
    if entry is None or settings.ONEWINDOW.get("CHECK_PLANS"):
        fresh = _compile(build(), using)
        if entry is not None and (fresh[0].sql, fresh[1]) != (entry[0].sql, entry[1]):
            raise ValueError(f"keyed query {key!r} changed between calls:\n{entry[0].sql} {entry[1]!r}\n"
                             f"{fresh[0].sql} {fresh[1]!r}")
        if entry is None:
            if len(keyed) >= KEYED_MAX:
                del keyed[next(iter(keyed))]
            entry = keyed[key] = fresh
    plan, params = entry
    [rows] = batching.rows_together([(plan.sql, params)], using)
    return _instances(plan, rows, using)


def _union(plans: list[_Select], statements: list[tuple[str, Sequence[Any]]]) -> tuple[str, list[Any]]:
    """One statement for several: ``UNION ALL`` of each query as a subquery, its columns in a span
    of their own (NULL in the others' spans), after a first column saying whose row it is."""
    nulls = [null for plan in plans for null in plan.nulls]
    parts, params, before = [], [], 0
    for i, (plan, (sql, own)) in enumerate(zip(plans, statements, strict=True)):
        columns = ", ".join([str(i), *nulls[:before], f"q{i}.*", *nulls[before + plan.width:]])
        parts.append(f"SELECT {columns} FROM ({sql}) AS q{i}")
        params += own
        before += plan.width
    return " UNION ALL ".join(parts), params


def _split(plans: list[_Select], rows: list[Any]) -> list[list[Any]]:
    """The rows of :func:`_union`, each query's own columns, per query."""
    spans, before = [], 1
    for plan in plans:
        spans.append((before, before + plan.width))
        before += plan.width
    out: list[list[Any]] = [[] for _ in plans]
    for row in rows:
        start, end = spans[row[0]]
        out[row[0]].append(row[start:end])
    return out


@dataclass(frozen=True)
class _Write:
    sql: str
    fields: list[models.Field[Any, Any]]
    returning: bool


def _insert_plan(model: type[models.Model], using: str, unique: str | None) -> _Write:
    connection = connections[using]
    meta = model._meta
    quote = connection.ops.quote_name
    auto = meta.auto_field
    fields = [f for f in meta.local_concrete_fields if f is not auto and not f.generated]
    table = quote(meta.db_table)
    sql = (f"INSERT INTO {table} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    if unique is not None:
        sql += f" ON CONFLICT ({quote(meta.get_field(unique).column)}) DO NOTHING"
    returning = auto is not None and connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {table}.{quote(auto.column)}"
    return _Write(sql, fields, returning)


def insert(obj: models.Model, *, unless_taken: str | None = None, defer: bool = False,
           using: str = DEFAULT_DB_ALIAS) -> bool:
    """``obj.save(force_insert=True)`` in one compiled statement: fills ``auto_now_add`` fields
    and the new primary key. For models without multi-table inheritance or save() overrides.

    With ``unless_taken`` (a field with a unique constraint), a row already holding ``obj``'s
    value there is left alone and nothing is inserted: returns False, ``obj`` unsaved. With
    ``defer``, inside :func:`onewindow.core.batching.deferred_writes` the insert is queued and
    the primary key filled in once it ran (a later insert that points at ``obj`` needs it now:
    do not defer that one); it returns True then, whatever ``unless_taken`` finds.
    """
    cache = _cache()
    model = type(obj)
    key = ("insert", model, unless_taken, using)
    plan = cache.get(key)
    if plan is None:
        plan = cache[key] = _insert_plan(model, using, unless_taken)
    connection = connections[using]
    obj._prepare_related_fields_for_save(operation_name="save")
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in plan.fields]
    inserted = True

    def stored(cursor: Any) -> None:
        nonlocal inserted
        row = cursor.fetchone() if plan.returning else None
        # ON CONFLICT DO NOTHING returns no row, and counts none.
        if unless_taken is not None and (row is None if plan.returning else cursor.rowcount == 0):
            inserted = False
            return
        auto = obj._meta.auto_field
        if auto is not None:
            new_id = row[0] if plan.returning else cursor.lastrowid
            for convert in auto.get_db_converters(connection):
                new_id = convert(new_id, auto, connection)
            setattr(obj, auto.attname, new_id)
        obj._state.adding = False
        obj._state.db = using

    # Shares a statement only when it returns its key (a model without an auto key returns nothing).
    if defer and batching.defer(plan.sql, values, then=stored, using=using,
                                table=model._meta.db_table if plan.returning else None,
                                appends=unless_taken is None):
        return True  # not known yet with ``unless_taken``: ``obj.pk`` tells once the queue went out
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, values)
        stored(cursor)
    return inserted


def update(obj: models.Model, fields: Sequence[str], *, defer: bool = False, using: str = DEFAULT_DB_ALIAS) -> int:
    """``obj.save(update_fields=fields)`` in one compiled statement; returns the rows updated
    (0 when the row is gone). ``auto_now`` fields among ``fields`` are stamped as by save().
    With ``defer``, inside :func:`onewindow.core.batching.deferred_writes`, the update is queued
    (for a row the caller holds locked) and 1 is returned."""
    if not fields:
        return 1
    cache = _cache()
    model = type(obj)
    key = ("update", model, tuple(fields), using)
    plan = cache.get(key)
    connection = connections[using]
    if plan is None:
        meta = model._meta
        quote = connection.ops.quote_name
        targets = [meta.get_field(name) for name in fields]
        sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in targets)} "
               f"WHERE {quote(meta.pk.column)} = %s")
        plan = cache[key] = _Write(sql, targets, False)
    if obj.pk is None:
        batching.flush(using)  # its insert may still be queued: the key comes back with it
        if obj.pk is None:
            raise ValueError(f"{model.__name__} is not stored: nothing to update")
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection=connection) for f in plan.fields]
    values.append(obj._meta.pk.get_db_prep_value(obj.pk, connection))
    if defer and batching.defer(plan.sql, values, using=using, table=model._meta.db_table):
        return 1
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, values)
        return cursor.rowcount


def increment(model: type[models.Model], pk: Any, field: str, *, by: int = 1, defer: bool = False,
              using: str = DEFAULT_DB_ALIAS) -> None:
    """``model.objects.filter(pk=pk).update(field=F(field) + by)`` in one compiled statement; with
    ``defer``, queued like :func:`update` (a counter nothing reads back in the transaction)."""
    cache = _cache()
    key = ("increment", model, field, using)
    sql = cache.get(key)
    connection = connections[using]
    if sql is None:
        meta = model._meta
        quote = connection.ops.quote_name
        column = quote(meta.get_field(field).column)
        sql = cache[key] = (f"UPDATE {quote(meta.db_table)} SET {column} = {column} + %s "
                            f"WHERE {quote(meta.pk.column)} = %s")
    params = [by, model._meta.pk.get_db_prep_value(pk, connection)]
    if defer and batching.defer(sql, params, using=using, table=model._meta.db_table):
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
