"""Periodic jobs of the case app."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .services import cases_deem_overdue_acceptances


@periodic("cases.deem_overdue_acceptances", every=timedelta(minutes=1))
def deem_overdue_acceptances(now: datetime) -> int:
    """行政许可法 第三十二条: no acceptance decision within 5 working days → accepted on receipt."""
    return cases_deem_overdue_acceptances(now=now)
