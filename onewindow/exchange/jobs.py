"""The exchange job: collect the records of new case facts, then push what is due."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .services import collect, collecting_due, push_due, pushing_due


def _waiting(now: datetime, last_started_at: datetime | None = None) -> bool:
    return collecting_due(now, last_started_at) or pushing_due(now, last_started_at)


@periodic("exchange.push", every=timedelta(minutes=1), wake=_waiting)
def push(now: datetime) -> int:
    """Idempotent: a fact is recorded once, a record is claimed by one worker at a time."""
    collect(now=now)
    return push_due(now=now)
