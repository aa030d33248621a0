"""Periodic housekeeping of 网上办事."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .services import otp_purge


@periodic("online.purge_codes", every=timedelta(hours=6))
def purge_codes(now: datetime) -> int:
    """Remove one-time codes older than two days. Idempotent."""
    return otp_purge(before=now - timedelta(days=2))
