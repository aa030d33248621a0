"""Periodic job of the assessment (run by ``onewindow.tasks``; idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .services import assessments_score_closed


@periodic("assessment.score_closed_periods", every=timedelta(hours=1))
def score_closed_periods(now: datetime) -> int:
    """At period end, every subject's draft for the period just closed, with the scheme in force for
    it (a period scored already is skipped): see ``services.assessments_score_closed``."""
    return len(assessments_score_closed(at=now))
