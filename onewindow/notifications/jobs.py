"""Delivery of the outbox: every message queued by an action, at the runner's next tick; retries."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .services import deliver_due, pending_delivery


@periodic("notifications.deliver", every=timedelta(seconds=30), wake=pending_delivery)
def deliver(now: datetime) -> int:
    """Send what is due. Idempotent: a row is claimed by one worker at a time and sent once it is."""
    return deliver_due(now=now)
