"""Periodic jobs of the case app."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.lifecycle.center_settings import settings_changed_since
from onewindow.tasks.registry import periodic

from .services import cases_deem_overdue_acceptances, cases_refresh_yellow_lines


@periodic("cases.deem_overdue_acceptances", every=timedelta(minutes=1))
def deem_overdue_acceptances(now: datetime) -> int:
    """行政许可法 第三十二条: no acceptance decision within 5 working days → accepted on receipt."""
    return cases_deem_overdue_acceptances(now=now)


def _settings_changed(now: datetime, last_started_at: datetime | None) -> bool:
    return settings_changed_since(last_started_at)


@periodic("cases.refresh_yellow_lines", every=timedelta(minutes=10), wake=_settings_changed)
def refresh_yellow_lines(now: datetime) -> int:
    """A center's new or removed yellow share reaches its open cases at the next tick; a
    transition timed meanwhile with a share a process still kept is put right at the next run."""
    return cases_refresh_yellow_lines(now=now)
