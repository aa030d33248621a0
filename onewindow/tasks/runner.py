"""Runs due periodic jobs. Safe with any number of runners on PostgreSQL, and with one on SQLite."""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Collection
from datetime import datetime

from django.db import close_old_connections, transaction
from django.db.models import Q

from onewindow.core.timesource import now as current_time

from .models import PeriodicJob
from .registry import JobSpec, registered_jobs

log = logging.getLogger("onewindow.tasks")


def _claim(spec: JobSpec, at: datetime) -> bool:
    """Take the job's lease if it is due (or woken: work is waiting) and free. True if this
    runner now owns this run."""
    with transaction.atomic():
        job, _ = PeriodicJob.objects.get_or_create(name=spec.name, defaults={"next_run_at": at})
        # Lock only a job that is to run now: a lock on PostgreSQL makes the commit write.
        due = Q(next_run_at__lte=at)
        if job.next_run_at > at and spec.wake is not None and spec.wake(at, job.last_started_at):
            due = Q()
        job = PeriodicJob.objects.select_for_update(skip_locked=True).filter(due, name=spec.name).first()
        if job is None or (job.lease_until is not None and job.lease_until > at and holder_alive(job.lease_holder)):
            return False
        job.lease_until = at + spec.timeout
        job.lease_holder = _holder()
        job.last_started_at = at
        job.next_run_at = at + spec.every
        job.save(update_fields=["lease_until", "lease_holder", "last_started_at", "next_run_at"])
        return True


def _holder() -> str:
    """This process, as a lease names it (asked each time: a forked process has its own pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_alive(holder: str) -> bool:
    """Whether the process that holds a lease may still be running. Only a process of this host
    can be checked; any other (or an unknown one) is assumed alive until its lease ends."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process with that number: alive
        return True
    return True


def _finish(spec: JobSpec, error: str) -> None:
    job = PeriodicJob.objects.get(name=spec.name)
    job.lease_until = None
    job.lease_holder = ""
    job.last_finished_at = current_time()
    job.last_error = error
    job.runs += 1
    job.save(update_fields=["lease_until", "lease_holder", "last_finished_at", "last_error", "runs"])


def run_due_jobs(at: datetime | None = None, *, only: Collection[str] | None = None) -> list[str]:
    """Run every job that is due (or woken) at ``at`` — of the jobs named in ``only``, if given;
    return the names of those this call ran."""
    at = at or current_time()
    ran: list[str] = []
    for spec in registered_jobs().values():
        if only is not None and spec.name not in only:
            continue
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
