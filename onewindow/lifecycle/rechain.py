"""Re-signing chains with the chain key: once, when the chain became keyed (the data migrations
``cases.0009_rechain`` and ``supervision.0008_rechain``), and when an operator moves history onto
a new key (``manage.py history_maintenance --reason … rekey``).

Only a chain that verifies as it stands is re-signed — an unkeyed event against the plain SHA-256
content it was hashed with before the key (``legacy``), a keyed one against its own key — so
re-signing never launders a tampering: a broken chain is left as it is and ``verify_history``
keeps reporting it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import models

from . import keys
from .chain import GENESIS, event_hash
from .services import sign

Content = Callable[[Any, str], dict[str, Any]]


def chain_intact(events: Sequence[Any], label: str, *, content: Content, legacy: Content | None) -> bool:
    """Whether the stored chain verifies: unkeyed events by ``legacy`` (None: an unkeyed event is
    refused), keyed ones by their key."""
    prev, seq = GENESIS, 1
    for e in events:
        if e.seq != seq or e.prev_hash != prev:
            return False
        if e.key_id:
            secret = keys.secret_of(e.key_id)
            if secret is None or event_hash(e.prev_hash, content(e, label), secret) != e.hash:
                return False
        elif legacy is None or event_hash(e.prev_hash, legacy(e, label)) != e.hash:
            return False
        prev, seq = e.hash, seq + 1
    return bool(events)


def resign(events: Sequence[Any], label: str, *, content: Content, seal: Callable[[Any], None] | None = None) -> str:
    """Sign ``events`` (one record's, in order) again with the signing key, each after the one
    before; ``seal(last)`` may complete the last event first. Returns the last hash."""
    prev = GENESIS
    for i, e in enumerate(events):
        if seal is not None and i == len(events) - 1:
            seal(e)
        e.prev_hash = prev
        sign(e, content, label)
        prev = e.hash
    return prev


def _copies(events: Sequence[Any]) -> list[Any]:
    """Shallow copies whose payloads ``amend`` may try on without touching the events."""
    out = []
    for e in events:
        twin = copy.copy(e)
        twin.payload = copy.deepcopy(e.payload)
        out.append(twin)
    return out


def rechain_table(event_model: type[models.Model], record_field: str, records: Iterable[Any], *,
                  label_of: Callable[[Any], str], content: Content, legacy: Content | None,
                  seal: Callable[[Any, Any], None] | None = None,
                  after: Callable[[Any, str], None] | None = None, amend: Callable[[Any], bool] | None = None,
                  chunk: int = 500) -> tuple[int, list[str]]:
    """Re-sign the chain of every record in ``records`` (the events' foreign key ``record_field``);
    returns how many were re-signed and the labels of those left alone because they did not verify.

    ``seal(record, last_event)`` may complete the last event before it is signed; ``after(record,
    last_hash)`` updates the record (a case keeps its last hash on its row). ``amend(event)`` may
    rewrite an event's payload once its chain has verified (True when it did); with ``amend``,
    only the records with an amended event are re-signed.
    """
    done, refused = 0, []
    batch: list[Any] = []

    def flush() -> None:
        nonlocal done
        by_record: dict[Any, list[Any]] = {r.pk: [] for r in batch}
        for e in event_model._default_manager.filter(**{f"{record_field}__in": list(by_record)}).order_by(
                record_field, "seq"):
            by_record[getattr(e, f"{record_field}_id")].append(e)
        changed: list[Any] = []
        for record in batch:
            events, label = by_record[record.pk], label_of(record)
            if amend is not None and not any([amend(e) for e in _copies(events)]):
                continue  # nothing to amend: the chain stays as it is signed
            if not chain_intact(events, label, content=content, legacy=legacy):
                refused.append(label)
                continue
            if amend is not None:
                for e in events:
                    amend(e)
            last_hash = resign(events, label, content=content,
                               seal=(lambda last, r=record: seal(r, last)) if seal is not None else None)
            changed.extend(events)
            if after is not None:
                after(record, last_hash)
            done += 1
        fields = (["prev_hash", "hash", "key_id"] + (["projection"] if seal is not None else [])
                  + (["payload"] if amend is not None else []))
        event_model._default_manager.bulk_update(changed, fields, batch_size=500)
        batch.clear()

    for record in records:
        batch.append(record)
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    return done, refused
