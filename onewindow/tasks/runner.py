"""Runs due periodic jobs. Safe with any number of runners on PostgreSQL, and with one on SQLite."""

from __future__ import annotations

import logging
import threading
import traceback
from datetime import datetime

from django.db import close_old_connections, transaction

from onewindow.core.timesource import now as current_time

from .models import PeriodicJob
from .registry import JobSpec, registered_jobs

log = logging.getLogger("onewindow.tasks")


def _claim(spec: JobSpec, at: datetime) -> bool:
    """Take the job's lease if it is due and free. True if this runner now owns this run."""
    with transaction.atomic():
        PeriodicJob.objects.get_or_create(name=spec.name, defaults={"next_run_at": at})
        job = (PeriodicJob.objects.select_for_update(skip_locked=True)
               .filter(name=spec.name, next_run_at__lte=at).first())
        if job is None or (job.lease_until is not None and job.lease_until > at):
            return False
        job.lease_until = at + spec.timeout
        job.last_started_at = at
        job.next_run_at = at + spec.every
        job.save(update_fields=["lease_until", "last_started_at", "next_run_at"])
        return True


def _finish(spec: JobSpec, error: str) -> None:
    job = PeriodicJob.objects.get(name=spec.name)
    job.lease_until = None
    job.last_finished_at = current_time()
    job.last_error = error
    job.runs += 1
    job.save(update_fields=["lease_until", "last_finished_at", "last_error", "runs"])


def run_due_jobs(at: datetime | None = None) -> list[str]:
    """Run every job that is due at ``at``; return the names of those this call ran."""
    at = at or current_time()
    ran: list[str] = []
    for spec in registered_jobs().values():
        if not _claim(spec, at):
            continue
        error = ""
        try:
            spec.func(at)
        except Exception:
            error = traceback.format_exc()
            log.exception("job %s failed", spec.name)
        _finish(spec, error)
        ran.append(spec.name)
    return ran


def run_forever(tick_seconds: float, stop: threading.Event) -> None:
    """Poll for due jobs until ``stop`` is set."""
    log.info("scheduler started, tick %ss", tick_seconds)
    while not stop.is_set():
        close_old_connections()
        try:
            run_due_jobs()
        except Exception:
            log.exception("scheduler tick failed")
        stop.wait(tick_seconds)
    close_old_connections()
