"""Periodic jobs, registered by the apps that own them (``<app>/jobs.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

# ``wake(now, last_started_at)``: True when work is waiting that should not wait for the interval.
Wake = Callable[[datetime, datetime | None], bool]


@dataclass(frozen=True)
class JobSpec:
    name: str
    every: timedelta
    func: Callable[[datetime], object]
    timeout: timedelta
    wake: Wake | None = None


_JOBS: dict[str, JobSpec] = {}


def periodic(name: str, *, every: timedelta, timeout: timedelta = timedelta(minutes=10), wake: Wake | None = None):
    """Register ``func(now)`` to run every ``every``. It must be idempotent.

    With ``wake``, the runner also starts the job at its next tick, before the interval is up,
    whenever ``wake`` says work is waiting (a cheap indexed check, made only while the job is
    not due). So actions that leave work behind (a notice to render, a message to send) need
    not do anything after their commit: the next tick picks the work up.
    """

    def decorate(func: Callable[[datetime], object]) -> Callable[[datetime], object]:
        _JOBS[name] = JobSpec(name, every, func, timeout, wake)
        return func

    return decorate


def registered_jobs() -> dict[str, JobSpec]:
    """All registered jobs, after importing every installed app's ``jobs`` module."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("jobs")
    return dict(_JOBS)
