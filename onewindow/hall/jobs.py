"""Periodic jobs of the hall (run by ``onewindow.tasks``; each is idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .appointment_services import appointments_mark_no_shows, appointments_remind


@periodic("hall.appointment_reminders", every=timedelta(hours=1))
def hall_appointment_reminders(now: datetime) -> int:
    """The day-before reminder of tomorrow's bookings (each once: the outbox's dedupe key)."""
    return appointments_remind(at=now)


@periodic("hall.no_shows", every=timedelta(minutes=15))
def hall_no_shows(now: datetime) -> int:
    """Bookings whose check-in time has passed become no-shows; repeated ones ban booking."""
    return appointments_mark_no_shows(at=now)
