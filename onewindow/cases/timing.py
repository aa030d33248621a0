"""The bridge from a case's stored events to the pure clock, and back onto the case row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.rules import SpecialProcedure
from onewindow.lifecycle.center_settings import yellow_share
from onewindow.organization.rules import Role
from onewindow.workdays.arithmetic import CalendarSnapshot
from onewindow.workdays.clock import (
    PUBLICITY,
    ClockEvent,
    ClockLimits,
    ClockState,
    Violation,
    check_transition,
    clock,
)
from onewindow.workdays.selectors import snapshot_for

from . import scope
from .history import events_of
from .models import Case, CaseEvent


def limits_for(version: ServiceItemVersion, region_code: str | None = None, *, urgent: bool = False) -> ClockLimits:
    """The limits a case of this item version runs against in ``region_code``'s center; an
    ``urgent`` case (急办件) is promised within the item's urgent limit when it has a shorter one."""
    promised = version.promised_limit
    if urgent and version.urgent_limit is not None:
        promised = min(promised, version.urgent_limit)
    return ClockLimits(
        statutory=version.statutory_limit,
        promised=promised,
        handling=version.handling_type,
        is_joint=version.is_joint,
        yellow_share=yellow_share(region_code),
        # 行政许可法 第四十二条: the department head extends; for joint handling, the head of the
        # local government (第二款) — the clock refuses an extension approved by another role.
        approver_roles=frozenset({Role.GOVERNMENT_HEAD.value if version.is_joint else Role.CHIEF_REPRESENTATIVE.value}),
        # The item's special procedures (Art. 45) and, for every item, the publicity before the
        # decision (services.case_start_publicity refuses it where the item does not ask for one).
        pause_kinds=frozenset({*(str(k) for k in SpecialProcedure), PUBLICITY}),
    )


def clock_events(events: Iterable[CaseEvent]) -> list[ClockEvent]:
    return [ClockEvent.from_record(e.kind, e.at, e.payload, seq=e.seq) for e in events]


def calendar_of(case: Case) -> CalendarSnapshot:
    """The case's region calendar; one lookup per transition (taken after the row lock, so a
    calendar change committed before it is seen, and one committed after it re-times the case)."""
    held = scope.held(case)
    if held is None:
        return snapshot_for(case.region.code)
    if held.calendar is None:
        held.calendar = snapshot_for(case.region.code, newest=held.newest_calendar_change)
    return held.calendar


def plan_event(case: Case, kind: str, at: datetime, payload: dict) -> tuple[list[Violation], ClockState]:
    """What the clock's rules say about appending this event, and the clock right after it."""
    history = clock_events(events_of(case))
    new = ClockEvent.from_record(kind, at, payload, seq=case.row_version + 1)
    limits, calendar = limits_for(case.item_version, case.region.code, urgent=case.is_urgent), calendar_of(case)
    violations = check_transition(history, new, limits, calendar)
    return violations, clock([*history, new], limits, calendar, at)


def clock_of(case: Case, as_of: datetime, *, events: list[CaseEvent] | None = None,
             calendar: CalendarSnapshot | None = None) -> ClockState:
    """The case's clock as of a moment, from its stored history (``events``: all of them, in
    order, when the caller read them already; ``calendar``: :func:`calendar_of`, likewise)."""
    return clock(clock_events(events_of(case) if events is None else events),
                 limits_for(case.item_version, case.region.code, urgent=case.is_urgent),
                 calendar_of(case) if calendar is None else calendar, as_of)


def share_decimal(share: Fraction) -> Decimal:
    """A yellow share as the row stores it (two decimals, as the centers' settings have it)."""
    return (Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.01"))


def materialize(case: Case, state: ClockState) -> None:
    """Copy the due dates onto the row, where the sweep and the inboxes query them, with the
    yellow share they were computed with."""
    case.acceptance_due = state.acceptance_due
    case.promised_due = state.promised_due
    case.statutory_due = state.statutory_due
    case.issuance_due = state.certificate_due
    case.yellow_from = state.yellow_from
    case.yellow_share = share_decimal(yellow_share(case.region.code))
    case.is_paused = state.paused
    case.clock_provisional = state.provisional
    case.calendar_version = state.calendar_version
