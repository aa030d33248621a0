"""Reads of the calendars: the effective snapshot of a region, its version, the history.

A request asks :func:`snapshot_for` for the calendar of a region. The region's chain (its own
code and its ancestors', root first) is kept in process after the first lookup, and the version
of the chain is one indexed ``MAX(number)`` over :class:`CalendarChange`; a snapshot is built
only when that version has not been seen yet. So a request costs at most that one cheap query,
and every process picks up a change made by any other process on its next request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Q, QuerySet

from onewindow.core import caches, store
from onewindow.core.errors import NotFound
from onewindow.core.timesource import local_date
from onewindow.organization.models import Region

from .arithmetic import CalendarSnapshot, build_snapshot
from .models import Calendar, CalendarChange, CalendarDay, PublishedYear
from .rules import FIRST_YEAR

FIRST_DAY = date(FIRST_YEAR, 1, 1)
YEARS_AHEAD = 10  # the snapshot reaches 31 Dec of (latest published year + 10): weekends only past it
_CACHE_SIZE = 64

_lock = threading.Lock()
_chains: dict[str, tuple[str, ...]] = {}
_heads: dict[tuple[str, ...], tuple[tuple[int, str], tuple[int, str]]] = {}  # chain: (newest seen, its head)
_snapshots: OrderedDict[tuple[tuple[str, ...], int, str], CalendarSnapshot] = OrderedDict()


@caches.register
def clear_cache() -> None:
    """Forget every cached chain and snapshot (tests; after moving a region in the tree)."""
    with _lock:
        _chains.clear()
        _heads.clear()
        _snapshots.clear()


def region_chain(region_code: str | None) -> tuple[str, ...]:
    """The codes from the root region down to ``region_code``; () for the national calendar.

    Raises :class:`NotFound` (field ``region``) for an unknown code. Known chains are kept in
    process: region codes encode the tree, so a region never changes its ancestors.
    """
    if region_code is None or region_code == "":
        return ()
    with _lock:
        cached = _chains.get(region_code)
    if cached is not None:
        return cached
    region = Region.objects.filter(code=region_code).select_related("parent").first()
    if region is None:
        raise NotFound(f"区划 {region_code} 不存在", code="region.not_found", field="region")
    chain = tuple(r.code for r in region.ancestors()) + (region.code,)
    with _lock:
        _chains[region_code] = chain
    return chain


def _chain_head(chain: tuple[str, ...], newest: tuple[int, str] | None = None) -> tuple[int, str]:
    """(number, token) of the latest change in the chain: one indexed query, or none when the
    caller read the ``newest`` change of all calendars and it is the one seen when this chain's
    head was last read (numbers only grow: no change anywhere means none in the chain)."""
    if newest is not None:
        with _lock:
            seen = _heads.get(chain)
        if seen is not None and seen[0] == newest:
            return seen[1]
    # Asked by every case transition: compiled once per chain length.
    found = store.fetch(f"workdays.chain_head.{len(chain)}", _latest_change, "", *chain)
    head = (int(found[0].number), str(found[0].token)) if found else (0, "")
    if newest is not None:
        with _lock:
            _heads[chain] = (newest, head)
    return head


def _latest_change(*codes: str) -> QuerySet[CalendarChange]:
    return CalendarChange.objects.filter(region_code__in=codes).order_by("-number").only("number", "token")[:1]


# The newest change of any calendar: a caller reads it along with its own rows and passes
# (number, token) to snapshot_for, which then knows the chain's version without a query of its own.
NEWEST_CHANGE = CalendarChange.objects.order_by("-number")


def _newest_change() -> QuerySet[CalendarChange]:
    return NEWEST_CHANGE.only("number", "token")[:1]


NEWEST_CHANGE_READ = ("workdays.newest_change", _newest_change, ())


def newest_change(found: list[CalendarChange]) -> tuple[int, str]:
    """(number, token) of the newest change of any calendar, from the rows of
    :data:`NEWEST_CHANGE_READ` (a read for :func:`onewindow.core.store.fetch_together`, so a
    caller asks it together with its own reads and passes the result to :func:`snapshot_for`)."""
    return (int(found[0].number), str(found[0].token)) if found else (0, "")


def calendar_version_for(region_code: str | None) -> int:
    """The version of a region's effective calendar: the largest change number in its chain."""
    return _chain_head(region_chain(region_code))[0]


def latest_version() -> int:
    """The largest change number of any calendar."""
    return int(CalendarChange.objects.aggregate(v=Max("number"))["v"] or 0)


def snapshot_for(region_code: str | None, *, newest: tuple[int, str] | None = None) -> CalendarSnapshot:
    """The effective working-day calendar of a region (None: the national one), cached by version.

    National days, overridden by each ancestor region's own days, the nearest region winning.
    The range is 2004-01-01 to 31 Dec of the latest published year + 10; years without a
    published arrangement count weekends only and make results provisional (§4 rule 10).
    ``newest`` (see :func:`newest_change`), read just before, saves the query of the chain's
    version when no calendar changed since it was last asked.
    """
    chain = region_chain(region_code)
    version, token = _chain_head(chain, newest)
    key = (chain, version, token)
    with _lock:
        snap = _snapshots.get(key)
        if snap is not None:
            _snapshots.move_to_end(key)
            return snap
    snap = _build(chain, version)
    with _lock:
        _snapshots[key] = snap
        while len(_snapshots) > _CACHE_SIZE:
            _snapshots.popitem(last=False)
    return snap


def _build(chain: tuple[str, ...], version: int) -> CalendarSnapshot:
    published = set(PublishedYear.objects.filter(calendar__region__isnull=True).values_list("year", flat=True))
    depth = {"": 0} | {code: i + 1 for i, code in enumerate(chain)}
    rows = CalendarDay.objects.filter(Q(calendar__region__isnull=True) | Q(calendar__region__code__in=chain))
    effective: dict[date, tuple[int, str, str]] = {}
    for day, kind, name, code in rows.values_list("day", "kind", "name", "calendar__region__code"):
        level = depth[code or ""]
        if day not in effective or effective[day][0] < level:
            effective[day] = (level, kind, name)
    last_year = max(published) if published else local_date().year
    holidays = {d for d, (_, kind, _) in effective.items() if kind == "holiday"}
    makeup = {d for d, (_, kind, _) in effective.items() if kind == "makeup_workday"}
    # Every stored day was published or set by a region on purpose, so each counts even in a
    # year whose national arrangement is not out yet (a regional festival, a December lead-in).
    return build_snapshot(first=FIRST_DAY, last=date(last_year + YEARS_AHEAD, 12, 31), holidays=holidays,
                          makeup_workdays=makeup, published_years=published, version=version,
                          explicit_days=effective.keys(), names={d: n for d, (_, _, n) in effective.items()})


# --- pages -----------------------------------------------------------------------------------


def national_calendar() -> Calendar:
    """The national calendar row (created by the seed migration)."""
    calendar, _ = Calendar.objects.get_or_create(region=None, defaults={"name": "全国工作日历"})
    return calendar


def published_years() -> list[PublishedYear]:
    """The national publications, newest first."""
    return list(PublishedYear.objects.filter(calendar__region__isnull=True)
                .select_related("published_by").order_by("-year"))


def recent_changes(region_code: str | None = None, *, limit: int = 50) -> list[CalendarChange]:
    """The latest changes of a region's chain (every calendar when ``region_code`` is None)."""
    qs = CalendarChange.objects.select_related("calendar", "actor")
    if region_code:
        qs = qs.filter(region_code__in=["", *region_chain(region_code)])
    return list(qs.order_by("-number")[:limit])


@dataclass(frozen=True)
class OverrideRow:
    region_code: str
    region_name: str
    day: date
    kind: str
    name: str


def overrides_of(region_code: str) -> list[OverrideRow]:
    """The days set by the region itself and by each of its ancestors, by day."""
    chain = region_chain(region_code)
    rows = (CalendarDay.objects.filter(calendar__region__code__in=chain)
            .select_related("calendar__region").order_by("day"))
    return [OverrideRow(r.calendar.region.code, r.calendar.region.name, r.day, r.kind, r.name) for r in rows]


def region_choices() -> list[tuple[str, str]]:
    """(code, label) of every region, indented by level, for the calculator's select."""
    return [(code, f"{'　' * (level - 1)}{name}")
            for code, name, level in Region.objects.order_by("code").values_list("code", "name", "level")]


def preview_snapshot(year: int, rows: list[tuple[date, str, str]]) -> CalendarSnapshot:
    """The national calendar as it would be if ``year`` were published with ``rows`` (day, kind, name).

    For the publish page's preview: the year's current publication, if any, is left out.
    """
    published = set(PublishedYear.objects.filter(calendar__region__isnull=True).values_list("year", flat=True))
    kept = (CalendarDay.objects.filter(calendar__region__isnull=True)
            .exclude(published_year__year=year).values_list("day", "kind", "name"))
    effective = {day: (kind, name) for day, kind, name in kept}
    effective.update({day: (kind, name) for day, kind, name in rows})
    published.add(year)
    return build_snapshot(first=FIRST_DAY, last=date(max(published) + YEARS_AHEAD, 12, 31),
                          holidays={d for d, (k, _) in effective.items() if k == "holiday"},
                          makeup_workdays={d for d, (k, _) in effective.items() if k == "makeup_workday"},
                          published_years=published, explicit_days=effective.keys(),
                          names={d: n for d, (_, n) in effective.items()})
