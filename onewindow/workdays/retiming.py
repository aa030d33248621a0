"""Re-timing open clocks when a calendar changes (DESIGN.md §4 rule 10).

Apps that keep due dates computed on a calendar (cases, disclosure requests) register a
*retimer* here: a function ``(change) -> RetimeReport`` that recomputes the open clocks the
change may move, records the old and new due dates (a ``calendar_retimed`` case event) and says
how many moved. The registry is explicit — no Django signals — so reading this module and the
``register_retimer`` calls tells the whole story.

Calendar services call :func:`schedule_retiming` inside their transaction; the retimers run
after the commit, so they see the new calendar and a failed retimer never undoes the change.

:func:`retime_open_clocks` is the batch helper a retimer uses: given many open clocks as plain
data, it recomputes each on the old and the new snapshot and returns only those whose due dates
moved. With a ``window`` (the span of days a clock's computation reads), clocks that no changed
day touches are skipped without computing anything.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import transaction

from .arithmetic import CalendarRangeError, CalendarSnapshot, changed_days

if TYPE_CHECKING:
    from .models import CalendarChange

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class RetimeReport:
    """What one retimer did for one change."""

    retimer: str
    examined: int
    moved: int
    error: str = ""
    details: tuple[Any, ...] = ()


Retimer = Callable[["CalendarChange"], RetimeReport]

_registry: list[Retimer] = []


def register_retimer(func: Retimer) -> Retimer:
    """Add a retimer (idempotent); usable as a decorator. Call it from the app's ``ready()``."""
    if func not in _registry:
        _registry.append(func)
    return func


def unregister_retimer(func: Retimer) -> None:
    """Remove a retimer (tests)."""
    if func in _registry:
        _registry.remove(func)


def registered_retimers() -> tuple[Retimer, ...]:
    return tuple(_registry)


def run_retimers(change: CalendarChange) -> list[RetimeReport]:
    """Run every registered retimer for ``change``; one failing does not stop the others."""
    reports = []
    for func in list(_registry):
        name = getattr(func, "__qualname__", repr(func))
        try:
            report = func(change)
        except Exception as exc:  # the calendar change is committed; log loudly, keep going
            logger.exception("retimer %s failed for calendar change #%s", name, change.number)
            report = RetimeReport(retimer=name, examined=0, moved=0, error=f"{exc.__class__.__name__}: {exc}")
        reports.append(report)
        logger.info("calendar change #%s: %s examined %s, moved %s", change.number, report.retimer,
                    report.examined, report.moved)
    return reports


def schedule_retiming(change: CalendarChange) -> None:
    """Run the retimers once the current transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: run_retimers(change))


# --- the batch helper ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Moved(Generic[T]):
    """A clock whose due dates moved: ``old`` and ``new`` are what ``compute`` returned."""

    clock: T
    old: Any
    new: Any


def _safe(compute: Callable[[T, CalendarSnapshot], Hashable], clock: T, snapshot: CalendarSnapshot) -> Any:
    try:
        return compute(clock, snapshot)
    except CalendarRangeError:
        return None


def retime_open_clocks(clocks: Iterable[T], old_snapshot: CalendarSnapshot, new_snapshot: CalendarSnapshot,
                       compute: Callable[[T, CalendarSnapshot], Any], *,
                       window: Callable[[T], tuple[date, date]] | None = None,
                       stored: Callable[[T], Any] | None = None) -> list[Moved[T]]:
    """Recompute open clocks on both snapshots; return those whose result changed.

    ``compute(clock, snapshot)`` returns the clock's due dates in any comparable form (a date, a
    tuple, a dataclass); a result outside a snapshot's range counts as None. ``window(clock)``,
    if given, returns the first and last day the computation can read (e.g. the start date and
    the latest stored due date): a clock whose window holds no changed day cannot move and is
    skipped. ``stored(clock)``, if given, returns the due dates stored with the clock (computed
    on ``old_snapshot``, in the form ``compute`` returns), so only the new ones are computed.
    Pure: no database; 100 000 clocks take well under a second with a simple compute.
    """
    changed = [d.toordinal() for d in changed_days(old_snapshot, new_snapshot)] if window else []
    if window is not None and not changed:
        return []
    moved: list[Moved[T]] = []
    for clock in clocks:
        if window is not None:
            lo, hi = window(clock)
            i = bisect_left(changed, lo.toordinal())
            if i >= len(changed) or changed[i] > hi.toordinal():
                continue
        old = stored(clock) if stored is not None else _safe(compute, clock, old_snapshot)
        new = _safe(compute, clock, new_snapshot)
        if old != new:
            moved.append(Moved(clock, old, new))
    return moved
