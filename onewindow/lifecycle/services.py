"""The kernel's writes, made inside the owning app's transaction: deadline rows and chained events.

Neither opens a transaction of its own nor checks a permission: the owner's action does both,
and calls these with its record locked, so a deadline and the change that set it commit together.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from onewindow.core import store

from . import keys
from .chain import GENESIS, canonical, event_hash
from .deadlines import DeadlineSpec
from .models import ChainedEvent, Deadline

_COLUMNS = ("subject_type", "subject_id", "kind", "key", "region_id", "department_id", "responsible_id", "due_on",
            "statutory", "yellow_from", "lapses_after", "provisional", "state", "closed_reason", "explanation",
            "title", "changed_at")
_UNIQUE = ("subject_type", "subject_id", "kind", "key")


def _upsert_sql(rows: int) -> str:
    table = Deadline._meta.db_table
    one = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in _UNIQUE)
    return (f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES {', '.join([one] * rows)} "
            f"ON CONFLICT ({', '.join(_UNIQUE)}) DO UPDATE SET {updates}")


def deadlines_write(*, subject_type: str, subject_id: int, region_id: int, specs: Sequence[DeadlineSpec],
                    at: datetime | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Write these deadline rows of one record (new ones inserted, existing ones replaced), in the
    caller's transaction; returns how many. One statement, queued with the next one inside a
    :func:`onewindow.core.store.atomic` block (nothing reads it back in the same action).

    The caller passes only what changed (:func:`onewindow.lifecycle.deadlines.changes`), so an
    action that moves no deadline costs nothing here.
    """
    if not specs:
        return 0
    ops = connections[using].ops
    changed_at = ops.adapt_datetimefield_value(at or timezone.now())
    params: list[Any] = []
    for s in specs:
        params += [subject_type, int(subject_id), s.kind.value, s.key, region_id, s.department_id, s.responsible_id,
                   ops.adapt_datefield_value(s.due_on), s.statutory, ops.adapt_datefield_value(s.yellow_from),
                   ops.adapt_datefield_value(s.lapses_after), s.provisional, s.state.value, s.closed_reason[:100],
                   s.explanation, s.title[:100], changed_at]
    store.write_sql(_upsert_sql(len(specs)), params, table=Deadline._meta.db_table, using=using)
    return len(specs)


def deadlines_of(subject_type: str, subject_id: int) -> list[Deadline]:
    """The stored deadline rows of one record (for pages and tests)."""
    return list(Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("kind", "key"))


# -- chained events ------------------------------------------------------------------------------------

# The columns every ChainedEvent has, named in its hashed content; a subclass's own columns are
# added by their attribute name (its record's foreign key, any column it adds).
_BASE_COLUMNS = frozenset({"id", "seq", "kind", "at", "actor", "actor_label", "note", "payload", "prev_hash", "hash",
                           "key_id"})


def event_content(event: ChainedEvent, subject_label: str) -> dict[str, Any]:
    """What a chained event's hash covers: every column of the event — the record it belongs to
    (by its number, and the subclass's foreign key), the event, who did it (id and name as
    recorded), the key it is signed with, any column the subclass adds — except its own id, the
    hashes themselves (the previous hash is chained, not hashed as content) and columns the
    database fills at save (``auto_now_add``)."""
    content: dict[str, Any] = {
        "subject": subject_label,
        "seq": event.seq,
        "kind": event.kind,
        "at": event.at.astimezone(UTC).isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "note": event.note,
        "payload": event.payload,
        "key": event.key_id,
    }
    for f in type(event)._meta.concrete_fields:
        # A column the database fills at save (auto_now_add: an insert time) is not known when
        # the hash is made; it is left out, as the case's ``recorded_at`` is.
        if f.name not in _BASE_COLUMNS and not (getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)):
            value = getattr(event, f.attname)
            if isinstance(value, datetime):
                value = value.astimezone(UTC).isoformat()  # as the database hands it back
            content[f.attname] = value if value is None or isinstance(value, int | str | bool) else str(value)
    return content


def event_append(event: ChainedEvent, *, subject_label: str, previous: ChainedEvent | None) -> ChainedEvent:
    """Chain ``event`` (an unsaved instance of a :class:`ChainedEvent` subclass, its record set)
    after ``previous`` — the record's last event, read under the record's lock — and save it.

    The hash is keyed with the chain's signing key (:func:`onewindow.lifecycle.keys.signing_key`),
    whose id the event keeps."""
    event.seq = previous.seq + 1 if previous is not None else 1
    event.prev_hash = previous.hash if previous is not None else GENESIS
    if event.actor_id is not None and not event.actor_label:
        event.actor_label = str(event.actor.name)
    # The JSON as stored (and read back): a tuple or a date in the payload would hash differently.
    event.payload = _json_roundtrip(event.payload)
    sign(event, event_content, subject_label)
    event.save(force_insert=True)
    return event


def sign(event: Any, content: Any, subject_label: str) -> None:
    """Set ``event.key_id`` and ``event.hash`` (after its ``prev_hash``): the HMAC of
    ``content(event, subject_label)`` with the signing key."""
    key = keys.signing_key()
    event.key_id = key.id
    event.hash = event_hash(event.prev_hash, content(event, subject_label), key.secret)


def _json_roundtrip(value: Any) -> Any:
    return json.loads(canonical({"v": value}))["v"]
