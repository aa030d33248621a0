"""Housekeeping jobs of the platform itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.sessions.models import Session

from .registry import periodic


@periodic("core.clear_expired_sessions", every=timedelta(hours=6))
def clear_expired_sessions(now: datetime) -> int:
    """Expired login sessions are deleted so the session table stays small."""
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted
