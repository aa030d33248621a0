"""Moments and contact details for the supervision tests: sweeps run at the start of a legal day,
a due date ends at its last second."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from onewindow.core.timesource import SHANGHAI
from onewindow.organization.models import Staff


def start_of(d: date) -> datetime:
    """00:00:00 of a legal day in Asia/Shanghai."""
    return datetime.combine(d, time.min, tzinfo=SHANGHAI)


def end_of(d: date) -> datetime:
    """23:59:59 of a legal day: the last moment of a due date (DESIGN.md §4 rule 2)."""
    return datetime.combine(d, time(23, 59, 59), tzinfo=SHANGHAI)


def next_day(d: date) -> date:
    return d + timedelta(days=1)


def give_phone(staff: Staff, phone: str) -> None:
    staff.user.phone = phone
    staff.user.save(update_fields=["phone"])
