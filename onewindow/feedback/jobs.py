"""Periodic jobs of the citizen's voice: the conclusion SMS's rating link, and 默认好评 where a
center's rule has it."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .services import rating_invitations_send, ratings_record_defaults


@periodic("feedback.rating_invitations", every=timedelta(minutes=10))
def rating_invitations(now: datetime) -> int:
    """Invite the applicants of cases concluded in the last two days to rate (once each)."""
    return rating_invitations_send(since=now - timedelta(days=2), now=now)


@periodic("feedback.default_ratings", every=timedelta(hours=6))
def default_ratings(now: datetime) -> int:
    """Record the default rating of unrated cases past their center's days (none by default)."""
    return ratings_record_defaults(now=now)
