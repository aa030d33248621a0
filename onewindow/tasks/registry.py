"""Periodic jobs, registered by the apps that own them (``<app>/jobs.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class JobSpec:
    name: str
    every: timedelta
    func: Callable[[datetime], object]
    timeout: timedelta


_JOBS: dict[str, JobSpec] = {}


def periodic(name: str, *, every: timedelta, timeout: timedelta = timedelta(minutes=10)):
    """Register ``func(now)`` to run every ``every``. It must be idempotent."""

    def decorate(func: Callable[[datetime], object]) -> Callable[[datetime], object]:
        _JOBS[name] = JobSpec(name, every, func, timeout)
        return func

    return decorate


def registered_jobs() -> dict[str, JobSpec]:
    """All registered jobs, after importing every installed app's ``jobs`` module."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("jobs")
    return dict(_JOBS)
