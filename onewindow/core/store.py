"""The store every action writes through: its transaction, the rows it adds and changes, the reads
it sends together. The only module that talks to :mod:`onewindow.core.compiled` and
:mod:`onewindow.core.batching`.

Those two leave Django's public API (the ORM's compiler, psycopg's pipeline) to make a case action
cost a few round trips: they are an optimization, not a fork. ``ONEWINDOW["COMPILED_SQL"]``
(environment ``ONEWINDOW_COMPILED_SQL``, on by default) turns them off; the store then does the
same with the plain ORM — ``transaction.atomic``, ``save()``, ``update()``, querysets — and
``make test`` runs the case and supervision suites that way too, so both paths are proven equal.

Inside :func:`atomic` a write whose result nobody reads back in the action (an event, a notice,
a queued message) waits for the action's next statement; a caller that needs the new row's id at
once says so (``need_id=True``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction
from django.db.models import F

from . import batching, compiled

M = TypeVar("M", bound=models.Model)

Query = tuple[str, Callable[..., models.QuerySet[Any]], Sequence[Any]]


def fast() -> bool:
    """Whether the compiled, batched path is on (``ONEWINDOW["COMPILED_SQL"]``)."""
    return bool(settings.ONEWINDOW.get("COMPILED_SQL", True))


@contextmanager
def atomic(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """One action's transaction."""
    if fast():
        with batching.atomic(using):
            yield
    else:
        with transaction.atomic(using):
            yield


def add(obj: models.Model, *, unless_taken: str | None = None, need_id: bool = False,
        using: str = DEFAULT_DB_ALIAS) -> bool:
    """Insert ``obj``. With ``unless_taken`` (a unique field), a row already holding its value
    there is left alone: False, ``obj`` unsaved. Inside :func:`atomic` the insert may wait for the
    next statement unless ``need_id`` (its id, and with ``unless_taken`` the answer, then come
    with it: True is returned meanwhile)."""
    if fast():
        return compiled.insert(obj, unless_taken=unless_taken, defer=not need_id, using=using)
    if unless_taken is None:
        obj.save(force_insert=True, using=using)
        return True
    try:
        with transaction.atomic(using):
            obj.save(force_insert=True, using=using)
    except IntegrityError:
        if not type(obj)._default_manager.using(using).filter(
                **{unless_taken: getattr(obj, unless_taken)}).exists():
            raise
        obj.pk = None
        return False
    return True


def change(obj: models.Model, fields: Sequence[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write these fields of a row the caller holds (locked, or just added); inside
    :func:`atomic` the update may wait for the next statement."""
    if not fields:
        return
    if fast():
        compiled.update(obj, fields, defer=True, using=using)
    else:
        obj.save(update_fields=list(fields), using=using)


def increment(model: type[models.Model], pk: Any, field: str, *, by: int = 1, using: str = DEFAULT_DB_ALIAS) -> None:
    """Add ``by`` to a counter nothing reads back in the action."""
    if fast():
        compiled.increment(model, pk, field, by=by, defer=True, using=using)
    else:
        model._default_manager.using(using).filter(pk=pk).update(**{field: F(field) + by})


def fetch_together(*queries: Query, using: str = DEFAULT_DB_ALIAS, one_statement_from: int | None = None,
                   ) -> list[list[Any]]:
    """The model instances of each ``(name, build, params)`` query, sent together in one round
    trip on the fast path (``build(*params)`` must keep the query's shape for every value).
    ``one_statement_from=k``: the queries from the k-th on may be sent as one statement, and
    then their rows come in no promised order (see :func:`onewindow.core.compiled.fetch_together`)."""
    if fast():
        return compiled.fetch_together(*queries, using=using, one_statement_from=one_statement_from)
    return [list(build(*params).using(using)) for _, build, params in queries]


def fetch(name: str, build: Callable[..., models.QuerySet[M]], *params: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
    """One :func:`fetch_together` query."""
    return fetch_together((name, build, params), using=using)[0]


def fetch_keyed(key: Hashable, build: Callable[[], models.QuerySet[M]], *, using: str = DEFAULT_DB_ALIAS) -> list[M]:
    """The model instances of ``build()``; on the fast path its statement is compiled once per
    ``key``, which must hold every input ``build`` reads (see
    :func:`onewindow.core.compiled.fetch_keyed`)."""
    if fast():
        return compiled.fetch_keyed(key, build, using=using)
    return list(build().using(using))


def write_sql(sql: str, params: Sequence[Any], *, table: str | None = None, using: str = DEFAULT_DB_ALIAS) -> None:
    """A raw write nothing reads back (an upsert of rows the action owns): queued inside
    :func:`atomic` on the fast path, run now otherwise. ``table``: the one table it writes, when it
    reads no other (it may then share a statement: :func:`onewindow.core.batching.defer`)."""
    if fast() and batching.defer(sql, params, table=table, using=using):
        return
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
