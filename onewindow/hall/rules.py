"""The hall's pure rules: ticket states and priorities, the wait estimate, the appointment rules
(local: book ≥ 1 day ahead within the next 5 working days, real name, one booking per person per
day, cancel ≥ 2 h before, no-shows lose booking rights) and the half-hour slots of a day."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import time, timedelta

from django.db import models


class TicketState(models.TextChoices):
    WAITING = "waiting", "等候中"
    CALLED = "called", "已叫号"
    SERVING = "serving", "办理中"
    DONE = "done", "已办结"
    SKIPPED = "skipped", "已过号"
    ABANDONED = "abandoned", "未办理离开"


OPEN_STATES = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)


class Priority(models.IntegerChoices):
    """GB/T 36112 queue order: first come first served, with the priorities the center grants.
    A larger number is called first; within a priority, arrival order."""

    NORMAL = 0, "普通"
    RETURNING = 1, "补正回访"
    SPECIAL = 2, "老年人/残疾人/绿色通道"
    APPOINTMENT = 3, "预约"


PRIORITY_REASONS = {"returning": Priority.RETURNING, "elderly": Priority.SPECIAL,
                    "disabled": Priority.SPECIAL, "green": Priority.SPECIAL}

# Appointments (LEGAL-RULES §4, local rules).
BOOK_MIN_DAYS_AHEAD = 1
BOOK_WITHIN_WORKDAYS = 5
CANCEL_HOURS_BEFORE = 2
NO_SHOWS_BEFORE_BAN = 3  # within the look-back below
NO_SHOW_LOOKBACK_DAYS = 90
BAN_DAYS = 90
CHECK_IN_EARLY_MINUTES = 60  # a check-in earlier than this before the slot is refused
CHECK_IN_LATE_MINUTES = 30  # later than this after the slot starts: the booking counts as missed

# The hall's opening hours (the slots of a day); the afternoon starts after the lunch break.
OPENING = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 0)))
SLOT = timedelta(minutes=30)

RECENT_SERVICES = 20  # the service times a wait estimate averages


def day_slots(opening: Sequence[tuple[time, time]] = OPENING) -> list[time]:
    """The starts of the half-hour slots in the opening hours."""
    slots: list[time] = []
    for start, end in opening:
        minutes = start.hour * 60 + start.minute
        last = end.hour * 60 + end.minute
        while minutes + SLOT.seconds // 60 <= last:
            slots.append(time(minutes // 60, minutes % 60))
            minutes += SLOT.seconds // 60
    return slots


def estimate_wait_minutes(*, ahead: int, service_minutes: float, windows: int) -> int:
    """Minutes until a ticket with ``ahead`` tickets before it is called, with ``windows`` serving
    its queue at ``service_minutes`` each (at least one window: a closed hall still gives a figure)."""
    if ahead <= 0:
        return 0
    return round(ahead * service_minutes / max(windows, 1))


def mean_service_minutes(durations_seconds: Sequence[float], default_minutes: float) -> float:
    """The mean of recent service times, or the queue's default when none is recorded."""
    if not durations_seconds:
        return float(default_minutes)
    return sum(durations_seconds) / len(durations_seconds) / 60


def ticket_label(letter: str, number: int) -> str:
    """A001: the queue's letter and the day's number, at least three digits."""
    return f"{letter}{number:03d}"


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` percentile (0–1) by the nearest-rank method; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return float(ordered[rank - 1])
