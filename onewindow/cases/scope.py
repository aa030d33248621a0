"""What one transition reads once: the case's events, tasks and calendar, and the row as loaded.

A service that locks a case holds them on that case instance from the lock to the save; every
rule, the clock and the notices it issues then read the same lists instead of asking the
database again, and the save writes only the columns that changed. Outside a transition nothing
is held and each read goes to the database, so a case instance kept by a caller never answers
from a stale copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from onewindow.lifecycle.deadlines import by_identity

from .deadlines import specs_of

if TYPE_CHECKING:
    from onewindow.lifecycle.deadlines import DeadlineSpec
    from onewindow.workdays.arithmetic import CalendarSnapshot

    from .models import Case, CaseEvent, CaseTask

_ATTR = "_transition_scope"


@dataclass
class Held:
    events: list[CaseEvent] = field(default_factory=list)
    row: dict[str, Any] = field(default_factory=dict)  # column values as loaded (the case has no JSON columns)
    calendar: CalendarSnapshot | None = None
    tasks: list[CaseTask] | None = None  # read on first use
    newest_calendar_change: tuple[int, str] | None = None  # of all calendars, read with the row lock
    # The case's deadlines as loaded (the lifecycle kernel's rows): the save writes only those that changed.
    deadlines: dict[tuple[str, str], DeadlineSpec] = field(default_factory=dict)


def _row(case: Case) -> dict[str, Any]:
    return {f.attname: getattr(case, f.attname) for f in case._meta.concrete_fields}


def hold(case: Case, events: list[CaseEvent], tasks: list[CaseTask] | None = None, *,
         newest_calendar_change: tuple[int, str] | None = None) -> None:
    """Start holding ``events`` (the case's whole history, in order) and, when read already,
    its ``tasks`` and the newest calendar change, for this transition; the row is taken as it
    is now, as stored."""
    setattr(case, _ATTR, Held(events, _row(case), tasks=tasks, newest_calendar_change=newest_calendar_change,
                              deadlines=by_identity(specs_of(case, tasks)) if not case._state.adding else {}))


def held(case: Case) -> Held | None:
    """What the transition holds for ``case``, or None outside a transition."""
    return case.__dict__.get(_ATTR)


def changed_fields(case: Case) -> list[str] | None:
    """The fields that differ from the row as loaded, or None outside a transition (save all)."""
    if (kept := held(case)) is None:
        return None
    return [f.name for f in case._meta.concrete_fields
            if not f.primary_key and getattr(case, f.attname) != kept.row.get(f.attname)]


def release(case: Case) -> None:
    """The transition is saved: read from the database again from now on."""
    case.__dict__.pop(_ATTR, None)
