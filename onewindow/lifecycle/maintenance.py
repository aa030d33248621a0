"""The one documented way round the append-only history tables (issue 13).

In PostgreSQL every event table, the anchor table and this log refuse UPDATE and DELETE
(``pgtrigger.Protect``, :func:`onewindow.lifecycle.models.append_only`). A correction that truly
must touch history (a court order to erase a record, a failed migration to repair) goes through
:func:`history_maintenance`: it first records who, why and what (:class:`HistoryMaintenance`,
itself append-only, and the log), then lifts the triggers for its own transaction only.
``verify_history`` still reports what was changed — a re-signed chain needs the key, and the
anchors taken before keep their counts — and the log explains it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pgtrigger
from django.db import connection, transaction
from django.utils import timezone

from .anchors import tables
from .models import APPEND_ONLY, Anchor, HistoryMaintenance

log = logging.getLogger("onewindow.lifecycle.maintenance")


def protected_uris() -> list[str]:
    """The append-only trigger of every protected table, as pgtrigger names it."""
    models_ = [t.model for t in tables()] + [Anchor, HistoryMaintenance]
    return [f"{m._meta.label}:{APPEND_ONLY}" for m in models_]


@contextmanager
def triggers_lifted(uris: Sequence[str]) -> Iterator[None]:
    """The append-only triggers named by ``uris`` let this transaction through (PostgreSQL; nothing
    to lift on SQLite). Like ``pgtrigger.ignore``, by the ``pgtrigger.ignore`` setting the
    triggers read — but set once, in a statement of its own and local to the transaction:
    ``pgtrigger.ignore`` prepends it to every statement, which the server-side binding of the
    PostgreSQL settings refuses (one command per prepared statement)."""
    if connection.vendor != "postgresql":
        yield
        return
    ids: set[str] = set()
    for model, trigger in pgtrigger.registered(*uris):
        pgid = trigger.get_pgid(model)
        ids |= {pgid, f"{model._meta.db_table}:{pgid}"}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(sorted(ids)) + "}"])
        yield  # an error rolls the setting back with the savepoint
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pgtrigger.ignore', NULL, true)")


@contextmanager
def history_maintenance(*, who: str, reason: str, statements: Sequence[str] = ()) -> Iterator[HistoryMaintenance]:
    """One transaction in which the history tables accept UPDATE and DELETE, recorded first.

    ``who`` (a person, not a role) and ``reason`` are required; ``statements`` is what the caller
    will run, for the record. Everything inside commits or rolls back together with the record.
    """
    if not who.strip() or not reason.strip():
        raise ValueError("维护历史表必须写明操作人和原因")
    uris = protected_uris()
    with transaction.atomic():
        entry = HistoryMaintenance.objects.create(who=who.strip()[:150], reason=reason.strip(),
                                                  started_at=timezone.now(), tables=uris,
                                                  statements="\n".join(statements))
        log.warning("history maintenance #%s by %s: %s", entry.pk, entry.who, entry.reason)
        with triggers_lifted(uris):
            yield entry
