"""Periodic delivery of the outbox: retries, and messages whose first attempt never ran."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .services import deliver_due


@periodic("notifications.deliver", every=timedelta(seconds=30))
def deliver(now: datetime) -> int:
    """Send what is due. Idempotent: a row is claimed by one worker at a time and sent once it is."""
    return deliver_due(now=now)
