"""The monthly roll-up of the statistics rows (:class:`~.models.FactRollup`): how it follows the
rows it counts, and how it is rebuilt from them.

Every write of statistics rows (:func:`.case_checks.write_facts`) reads the rows it is about to
replace, and moves their counts: each row leaves the buckets it counted in (its acceptance month;
its conclusion month with its values) and enters those of its new values. The writers take one
lock for this (PostgreSQL: a transaction-level advisory lock), so two of them never read the same
"before". :func:`rebuild` computes the whole table again from the rows, in the database.

Why months, not days: a county's day holds a handful of cases, most of them in a bucket of their
own, so a daily roll-up is nearly as large as the rows themselves; a county's month fills the few
buckets the indicators distinguish (on time, early, instant, visits, working days, compression).
A period's whole months are read here, its remaining days from the rows (``selectors``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import connection, transaction

from .models import CaseFact, FactRollup

# The columns the indicators group the concluded cases by (``indicators.CaseFact``'s fields).
BUCKET = ("on_time", "early", "is_instant", "visits", "workdays", "compression")
# (region id, month, concluded?, *BUCKET): a row of the roll-up.
Key = tuple[Any, ...]
_ACCEPTED_BUCKET = (None, None, False, 0, None, None)
_LOCK_ID = 1_400_020_001  # pg_advisory_xact_lock: the writers of statistics rows, one at a time

log = logging.getLogger("onewindow.supervision")


def month_of(day: date) -> date:
    return day.replace(day=1)


def contributions(rows: Iterable[tuple[Any, ...]]) -> Counter[Key]:
    """What statistics rows count in the roll-up; each row is ``(region_id, accepted_on,
    concluded_on, *BUCKET)``."""
    out: Counter[Key] = Counter()
    for region_id, accepted_on, concluded_on, *bucket in rows:
        out[(region_id, month_of(accepted_on), False, *_ACCEPTED_BUCKET)] += 1
        if concluded_on is not None:
            out[(region_id, month_of(concluded_on), True, *bucket)] += 1
    return out


def lock() -> None:
    """Serialize the writers of statistics rows until the end of the transaction (SQLite
    serializes every writer already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])


def key_of(row: FactRollup) -> Key:
    return (row.region_id, row.month, row.concluded, *(getattr(row, c) for c in BUCKET))


def apply(delta: Mapping[Key, int]) -> None:
    """Add ``delta`` to the roll-up's counts (a count that reaches 0 is deleted). The caller holds
    :func:`lock`, in the transaction that writes the statistics rows."""
    delta = {k: d for k, d in delta.items() if d}
    if not delta:
        return
    regions = {k[0] for k in delta}
    months = {k[1] for k in delta}
    existing = {key_of(r): r for r in FactRollup.objects.filter(region_id__in=regions, month__in=months)}
    created: list[FactRollup] = []
    changed: list[FactRollup] = []
    gone: list[int] = []
    for key, d in delta.items():
        row = existing.get(key)
        if row is None:
            if d < 0:  # a row the roll-up never counted cannot leave it: out of step
                log.warning("fact roll-up out of step at %s (%+d): run manage.py supervision_backfill_facts --rebuild-rollup", key, d)
                continue
            created.append(FactRollup(region_id=key[0], month=key[1], concluded=key[2], n=d,
                                      **dict(zip(BUCKET, key[3:], strict=True))))
        elif row.n + d <= 0:
            gone.append(row.pk)
        else:
            row.n += d
            changed.append(row)
    if created:
        FactRollup.objects.bulk_create(created, batch_size=1000)
    if changed:
        FactRollup.objects.bulk_update(changed, ["n"], batch_size=1000)
    if gone:
        FactRollup.objects.filter(pk__in=gone).delete()


def rebuild() -> int:
    """The whole roll-up computed again from the statistics rows, in one statement of the
    database (after a bulk load, or to repair it); returns its rows."""
    table, facts = FactRollup._meta.db_table, CaseFact._meta.db_table

    def month(column: str) -> str:
        if connection.vendor == "postgresql":
            return f"date_trunc('month', {column})::date"
        return f"date({column}, 'start of month')"

    bucket = ", ".join(BUCKET)
    with transaction.atomic(), connection.cursor() as cursor:
        lock()
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"""
            INSERT INTO {table} (region_id, month, concluded, {bucket}, n)
            SELECT region_id, {month('accepted_on')}, false, NULL, NULL, false, 0, NULL, NULL, count(*)
            FROM {facts} GROUP BY region_id, {month('accepted_on')}
            UNION ALL
            SELECT region_id, {month('concluded_on')}, true, {bucket}, count(*)
            FROM {facts} WHERE concluded_on IS NOT NULL GROUP BY region_id, {month('concluded_on')}, {bucket}
        """)
    return FactRollup.objects.count()
