"""Helpers of the hall tests: fixed moments in the center's time zone and staff at windows."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model

from onewindow.core.timesource import SHANGHAI
from onewindow.organization.models import Posting, Region, Staff, Window
from onewindow.organization.rules import Role

MONDAY = (2026, 9, 28)  # a working day


def at(hour: int, minute: int = 0, second: int = 0, *, day: tuple[int, int, int] = MONDAY) -> datetime:
    """A moment of the test Monday (or ``day``) in Asia/Shanghai."""
    return datetime(*day, hour, minute, second, tzinfo=SHANGHAI)


def window_clerk(username: str, region: Region, window: Window | None, role: Role = Role.CLERK) -> Staff:
    """A staff member posted at ``window`` (or in the region when None)."""
    user = get_user_model().objects.create_user(username=username, password="x-unused-Password1")
    staff = Staff.objects.create(user=user, name=username, employee_number=username, region=region)
    Posting.objects.create(staff=staff, role=role, region=region, window=window)
    return staff


def resident_id(n: int) -> str:
    """A valid resident ID number (born 1980-01-01), different for each ``n`` (0–999)."""
    from onewindow.core.identity import id_number_check_char

    first17 = f"11010119800101{n:03d}"
    return first17 + id_number_check_char(first17)
