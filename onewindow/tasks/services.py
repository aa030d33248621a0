"""Writes of the scheduler's own rows."""

from __future__ import annotations

from onewindow.core.timesource import now as current_time

from .models import PeriodicJob


def job_run_soon(name: str) -> None:
    """Make job ``name`` due now, so the scheduler's next tick runs it: for a change that no wake
    check can see (a removed row). Only a request; a job not yet run once is due anyway."""
    moment = current_time()
    PeriodicJob.objects.filter(name=name, next_run_at__gt=moment).update(next_run_at=moment)
