"""Writes held back and sent with the next statement, so one round trip carries several.

A case transition writes rows whose results it never reads back — the event, the row update,
a task, a notice — between reads it cannot do without. Inside :func:`deferred_writes` such a
write is queued (:func:`defer`) instead of sent; the next statement of any kind on the
connection, ORM or raw, first sends the queue, and on PostgreSQL queue and statement travel
together in one pipeline (psycopg's pipeline mode) and cost one round trip. Leaving the block
sends what is still queued. Any statement flushes the queue before it runs, so nothing ever reads
around a queued write; a failed write fails the statement that carried it, inside the same
transaction, which then rolls back as a whole.

:func:`atomic` is the transaction of a case action: ``transaction.atomic`` with deferred writes
whose BEGIN goes out with the first statement and COMMIT with the last writes, so an action
costs two or three round trips. SQLite has no round trips to save: there the queue is simply
executed before the statement, and :func:`atomic` is Django's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

_local = threading.local()


@dataclass
class _Queued:
    sql: str
    params: Sequence[Any]
    then: Callable[[Any], None] | None  # called with the statement's cursor (or a _OneValue) once it ran
    # The one table the write touches, when it reads no other and returns at most one value
    # (what ``then`` reads with ``fetchone``): such writes may share one statement (:func:`_combined`).
    table: str | None = None
    appends: bool = False  # a plain INSERT of a new row: it cannot touch another write's row


class _OneValue:
    """What ``then`` reads of a write that shared a statement: its one RETURNING value, a key,
    NULL when the write returned no row (an insert that found its unique value taken)."""

    lastrowid = None

    def __init__(self, value: Any) -> None:
        self._row = (value,) if value is not None else None
        self.rowcount = 0 if value is None else 1

    def fetchone(self) -> tuple[Any] | None:
        return self._row


def _groups(queued: list[_Queued]) -> list[list[_Queued]]:
    """The queue in runs that may share one statement: consecutive writes that each name their
    one table, a table twice in a run only for plain inserts (two writes of one table in one
    statement would not see each other's rows: an update could miss the row another wrote)."""
    groups: list[list[_Queued]] = []
    tables: dict[str, bool] = {}  # table: every write of it in the run appends
    for item in queued:
        table = item.table
        joins = (groups and table is not None and groups[-1][-1].table is not None
                 and (table not in tables or (tables[table] and item.appends)))
        if joins:
            groups[-1].append(item)
            tables[table] = tables.get(table, True) and item.appends
        else:
            groups.append([item])
            tables = {table: item.appends} if table is not None else {}
    return groups


def _combined(group: list[_Queued]) -> tuple[str, list[Any]]:
    """Several writes as one PostgreSQL statement: each a data-modifying ``WITH`` query, the main
    query selecting what those with a ``then`` return. They run on one snapshot, in no promised
    order: fine for writes that each touch a table of their own and read no other (foreign keys
    are checked at commit, Django makes them deferrable)."""
    parts, returned, params = [], [], []
    for i, item in enumerate(group):
        parts.append(f"w{i} AS ({item.sql})")
        params += item.params
        if item.then is not None:
            returned.append(f"(SELECT * FROM w{i})")
    return f"WITH {', '.join(parts)} SELECT {', '.join(returned) or '1'}", params


@dataclass
class _Batch:
    connection: BaseDatabaseWrapper
    queued: list[_Queued] = field(default_factory=list)
    waiting: list[tuple[CursorWrapper, Callable[[CursorWrapper], None]]] = field(default_factory=list)
    sending_queue: bool = False
    # In a transaction of :func:`atomic`'s own, BEGIN waits for the first statement and COMMIT
    # travels with the last writes.
    own_transaction: bool = False
    begun: bool = False

    @cached_property
    def pipelined(self) -> bool:
        return _pipelined(self.connection)

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                 context: dict[str, Any]) -> Any:
        """The connection's execute wrapper: send the queue ahead of every statement."""
        if self.sending_queue:  # a statement of the queue itself
            return execute(sql, params, many, context)
        if self.own_transaction and not self.begun:
            self.begun = True
            self.queued.insert(0, _Queued("BEGIN", (), None))
        if not self.queued:
            return execute(sql, params, many, context)
        if _is_server_side(context["cursor"]):  # a named cursor cannot run in a pipeline
            with self.sending():
                pass
            return execute(sql, params, many, context)
        with self.sending():
            return execute(sql, params, many, context)

    @contextmanager
    def sending(self) -> Iterator[None]:
        """Send the queue, then whatever the block executes, in one round trip where possible."""
        if self.pipelined:
            self.connection.ensure_connection()
            raw = self.connection.connection
            import psycopg

            if raw.pgconn.pipeline_status != psycopg.pq.PipelineStatus.OFF:
                # An enclosing block owns the pipeline: its sync delivers these results too.
                self._send_queue()
                yield
                return
        try:
            if self.pipelined:
                with self.connection.wrap_database_errors, raw.pipeline():
                    self._send_queue()
                    yield
            else:
                # One by one: read what the queue returns before the next statement runs
                # (SQLite refuses a savepoint's release while a RETURNING is unread).
                self._send_queue()
                self._call_back()
                yield
        except BaseException:
            self._forget_waiting()
            raise
        self._call_back()

    def _send_queue(self) -> None:
        queued, self.queued = self.queued, []
        if not queued:
            return
        self.sending_queue = True
        try:
            if not self.pipelined:
                # One statement after the other (on PostgreSQL, a run of writes of tables of their
                # own as one statement): one cursor for them all, each one's result read (``then``)
                # before the next runs.
                groups = _groups(queued) if self.connection.vendor == "postgresql" else [[q] for q in queued]
                with self.connection.cursor() as cursor:
                    for group in groups:
                        if len(group) == 1:
                            item = group[0]
                            cursor.execute(item.sql, item.params)
                            if item.then is not None:
                                item.then(cursor)
                            continue
                        cursor.execute(*_combined(group))
                        values = iter(cursor.fetchone())
                        for item in group:
                            if item.then is not None:
                                item.then(_OneValue(next(values)))
                return
            for item in queued:
                cursor = self.connection.cursor()
                cursor.execute(item.sql, item.params)
                if item.then is not None:
                    self.waiting.append((cursor, item.then))
                else:
                    cursor.close()
        finally:
            self.sending_queue = False

    def _forget_waiting(self) -> None:
        """The statements failed: close their cursors (SQLite keeps an unread one in progress)."""
        waiting, self.waiting = self.waiting, []
        for cursor, _ in waiting:
            cursor.close()

    def _call_back(self) -> None:
        waiting, self.waiting = self.waiting, []
        for cursor, then in waiting:
            try:
                then(cursor)
            finally:
                cursor.close()


def _pipelined(connection: BaseDatabaseWrapper) -> bool:
    # Off unless asked for (``ONEWINDOW["PIPELINE"]``): on this machine's loopback it earned 0–20 %,
    # inside the noise, while it carries the riskiest trick (autocommit under Django's atomic
    # block). Turn it on where a benchmark against the database over the real network shows it pays.
    if connection.vendor != "postgresql" or not settings.ONEWINDOW.get("PIPELINE"):
        return False
    import psycopg

    return psycopg.Pipeline.is_supported()


def _is_server_side(cursor: CursorWrapper) -> bool:
    return getattr(cursor.cursor, "name", None) is not None


def _current(using: str) -> _Batch | None:
    return getattr(_local, "batches", {}).get(using)


@contextmanager
def deferred_writes(using: str = DEFAULT_DB_ALIAS, *, own_transaction: bool = False) -> Iterator[None]:
    """Queue :func:`defer`\\ red writes until the next statement or the end of the block.

    Use inside the transaction (``transaction.atomic``), so the block ends, and sends what it
    queued, before the commit. A block inside another adds to the outer block's queue. When the
    block raises, what is still queued is dropped: the transaction is rolling back anyway.
    """
    batches: dict[str, _Batch] = _local.__dict__.setdefault("batches", {})
    if using in batches:
        yield
        return
    batch = batches[using] = _Batch(connections[using], own_transaction=own_transaction)
    try:
        with batch.connection.execute_wrapper(batch):
            yield
            if batch.connection.needs_rollback:  # an inner block failed: the transaction rolls back
                batch.queued.clear()
            elif own_transaction and batch.begun:
                batch.queued.append(_Queued("COMMIT", (), None))
            flush(using)
    finally:
        del batches[using]


@contextmanager
def atomic(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """``transaction.atomic()`` with :func:`deferred_writes`, whose BEGIN and COMMIT cost no
    round trip of their own on PostgreSQL when it is the outermost transaction.

    psycopg sends BEGIN alone, and Django's commit sends COMMIT alone: two of the four or five
    round trips of a case transition. Here, once Django has opened the transaction, psycopg is
    switched to autocommit (Django still sees its atomic block; nothing else changes) and the
    block sends BEGIN itself, in the pipeline of its first statement, and COMMIT in the pipeline
    of its last queued writes. Django's commit then finds nothing to commit and runs the
    ``on_commit`` callbacks as usual. When the block raises, or an inner block marked the
    transaction for rollback, no COMMIT is sent and Django rolls back. Inside another
    transaction, on SQLite, or without pipeline support this is plain ``atomic`` with deferred writes.
    """
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        own = False
        if outermost and _pipelined(connection) and _current(using) is None:
            raw = connection.connection
            import psycopg

            if raw.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE:
                raw.autocommit = True  # psycopg's BEGIN off: the batch sends its own
                own = True
        with deferred_writes(using, own_transaction=own):
            yield


def defer(sql: str, params: Sequence[Any], *, then: Callable[[Any], None] | None = None,
          table: str | None = None, appends: bool = False, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Queue one write inside :func:`deferred_writes`; ``then(cursor)`` runs once it ran (to read
    a ``RETURNING`` value). Returns False, queueing nothing, outside such a block: the caller
    executes the statement itself. ``table``: the write touches that table only, reads no other,
    and returns at most one value (a key: one row of one column, or no row): it may then share a
    statement with other such writes of other tables, or, ``appends`` (a plain INSERT of a new
    row), with other plain inserts of its own table."""
    batch = _current(using)
    if batch is None:
        return False
    batch.queued.append(_Queued(sql, params, then, table, appends))
    return True


def flush(using: str = DEFAULT_DB_ALIAS) -> None:
    """Send the queue now (for a caller that needs what a queued insert returns)."""
    batch = _current(using)
    if batch is not None and batch.queued:
        with batch.sending():
            pass


def rows_together(statements: Sequence[tuple[str, Sequence[Any]]], using: str = DEFAULT_DB_ALIAS) -> list[list[Any]]:
    """Run ``(sql, params)`` statements in one round trip (after the queue, if any) and return
    each one's rows, in order. On SQLite the statements simply run one by one."""
    connection = connections[using]
    batch = _current(using) or _Batch(connection)
    cursors: list[CursorWrapper] = []
    try:
        with batch.sending():
            for sql, params in statements:
                cursor = connection.cursor()
                cursors.append(cursor)
                cursor.execute(sql, params)
        return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()
