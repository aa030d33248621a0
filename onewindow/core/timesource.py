"""The one source of "now", so tests and replays can fix the moment."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current moment, timezone-aware (UTC)."""
    return timezone.now()


def local_date(moment: datetime | None = None) -> date:
    """The legal day (Asia/Shanghai) on which ``moment`` falls."""
    return (moment or now()).astimezone(SHANGHAI).date()
