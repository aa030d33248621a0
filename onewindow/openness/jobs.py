"""Periodic jobs of the openness app."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .publication_services import publications_end_case_publicity


@periodic("openness.end_case_publicity", every=timedelta(minutes=10))
def end_case_publicity(now: datetime) -> int:
    """决定前公示 whose period ran out with no objection waiting: finalized, the case's clock resumes."""
    return publications_end_case_publicity(now=now)
