"""The monthly roll-up of the statistics rows (:class:`~.models.FactRollup`): how it follows the
rows it counts, and how it is rebuilt from them.

A roll-up row of a region counts the statistics rows of its whole subtree: a county's rows are
counted in the county's buckets, its city's and its province's. A region's months are then read
from its own rows only — a province's year is 12 months × the buckets that occur, the same
number of rows for ten counties as for a hundred (issue 14: cost grows with the county, not with
the province). Below a region means what every other scope means (``region_prefix``: the codes
that start with the region's significant digits).

Every write of statistics rows (:func:`.case_checks.write_facts`) reads the rows it is about to
replace, and moves their counts: each row leaves the buckets it counted in (its acceptance month;
its conclusion month with its values) and enters those of its new values, in its region and every
region above it. The writers take one lock for this (PostgreSQL: a transaction-level advisory
lock), so two of them never read the same "before". :func:`rebuild` computes the whole table again
from the rows, in the database.

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

from onewindow.organization.models import Region
from onewindow.organization.rules import PREFIX_DIGITS, region_prefix

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


def enclosing(region_ids: Iterable[int]) -> dict[int, list[int]]:
    """For each region, the regions whose subtree holds it: itself and those above it (two
    indexed reads: the regions' codes, then the codes their ancestors can have)."""
    codes = dict(Region.objects.filter(id__in=set(region_ids)).values_list("id", "code"))
    candidates = {code[:k].ljust(12, "0") for code in codes.values() for k in PREFIX_DIGITS.values()}
    above = list(Region.objects.filter(code__in=candidates).values_list("id", "code"))
    return {rid: [aid for aid, acode in above if code.startswith(region_prefix(acode))]
            for rid, code in codes.items()}


def _to_subtrees(delta: Mapping[Key, int]) -> Counter[Key]:
    """``delta`` of rows by their own region, counted in every region whose subtree holds it."""
    up = enclosing(k[0] for k in delta)
    out: Counter[Key] = Counter()
    for key, d in delta.items():
        for region_id in up.get(key[0], [key[0]]):
            out[(region_id, *key[1:])] += d
    return out


def apply(delta: Mapping[Key, int]) -> None:
    """Add ``delta`` (keyed by each statistics row's own region) to the roll-up's counts of that
    region and every region above it (a count that reaches 0 is deleted). The caller holds
    :func:`lock`, in the transaction that writes the statistics rows."""
    delta = {k: d for k, d in _to_subtrees({k: d for k, d in delta.items() if d}).items() if d}
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


def _prefix_digits(column: str) -> str:
    """SQL: ``region_prefix``'s length for the region code in ``column`` (both databases)."""
    return (f"CASE WHEN substr({column}, 3) = '0000000000' THEN 2 WHEN substr({column}, 5) = '00000000' THEN 4 "
            f"WHEN substr({column}, 7) = '000000' THEN 6 WHEN substr({column}, 10) = '000' THEN 9 ELSE 12 END")


def rebuild() -> int:
    """The whole roll-up computed again from the statistics rows, in one statement of the
    database (after a bulk load, or to repair it); returns its rows."""
    table, facts, regions = FactRollup._meta.db_table, CaseFact._meta.db_table, Region._meta.db_table

    def month(column: str) -> str:
        if connection.vendor == "postgresql":
            return f"date_trunc('month', {column})::date"
        return f"date({column}, 'start of month')"

    bucket = ", ".join(BUCKET)
    own = ", ".join(f"o.{c}" for c in BUCKET)
    digits = " UNION ALL ".join(f"SELECT {k} AS k" for k in sorted(PREFIX_DIGITS.values()))
    with transaction.atomic(), connection.cursor() as cursor:
        lock()
        cursor.execute(f"DELETE FROM {table}")
        # Each row's own region first (grouped: a few rows per county and month), then that
        # count in every region above it: the region whose code is the row's region code cut
        # to k digits and whose own significant digits are exactly k.
        cursor.execute(f"""
            INSERT INTO {table} (region_id, month, concluded, {bucket}, n)
            SELECT a.id, o.month, o.concluded, {own}, sum(o.n)
            FROM (
                SELECT region_id, {month('accepted_on')} AS month, false AS concluded, NULL AS on_time,
                       NULL AS early, false AS is_instant, 0 AS visits, NULL AS workdays, NULL AS compression,
                       count(*) AS n
                FROM {facts} GROUP BY region_id, {month('accepted_on')}
                UNION ALL
                SELECT region_id, {month('concluded_on')}, true, {bucket}, count(*)
                FROM {facts} WHERE concluded_on IS NOT NULL GROUP BY region_id, {month('concluded_on')}, {bucket}
            ) o
            JOIN {regions} r ON r.id = o.region_id
            CROSS JOIN ({digits}) p
            JOIN {regions} a ON a.code = substr(r.code, 1, p.k) || substr('000000000000', 1, 12 - p.k)
            WHERE {_prefix_digits('a.code')} = p.k
            GROUP BY a.id, o.month, o.concluded, {own}
        """)
    return FactRollup.objects.count()
