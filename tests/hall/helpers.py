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


def record_a_day(lobby, *, tickets: int = 60, seed: int = 7) -> None:
    """Run a morning through the real services: ``tickets`` arrivals of queue A between 9:00 and
    11:00, windows 01 and 03 (both call A first) serving 6–14 minutes each, every call, start and
    end recorded as the hall records them."""
    import random
    from datetime import timedelta

    from onewindow.hall import duty_services, services

    rng = random.Random(seed)
    start = at(9, 0)
    arrivals = sorted(start + timedelta(minutes=rng.uniform(0, 120)) for _ in range(tickets))
    desks = [(lobby.w1, lobby.clerk1), (lobby.w3, lobby.clerk3)]
    for window, clerk in desks:
        duty_services.sign_in(window=window, actor=clerk, at=at(8, 50))
    free_at = {window.pk: start for window, _ in desks}
    serving: dict[int, object] = {}
    pending = list(arrivals)
    issued = 0
    while True:
        window, clerk = min(desks, key=lambda d: free_at[d[0].pk])
        moment = free_at[window.pk]
        # every arrival up to this moment takes its ticket first
        while pending and pending[0] <= moment:
            services.ticket_issue(queue_id=lobby.queue_a.pk, at=pending.pop(0))
            issued += 1
        if window.pk in serving:
            services.ticket_finish(ticket_id=serving.pop(window.pk).pk, window=window, actor=clerk, at=moment)
        ticket = services.call_next(window=window, actor=clerk, at=moment)
        if ticket is None:
            if not pending:
                if not serving:
                    break
                free_at[window.pk] = max(free_at.values()) + timedelta(days=1)  # idle for good
                continue
            free_at[window.pk] = pending[0]
            continue
        services.ticket_serve(ticket_id=ticket.pk, window=window, actor=clerk, at=moment)
        serving[window.pk] = ticket
        free_at[window.pk] = moment + timedelta(minutes=rng.uniform(6, 14))


def bearer(staff) -> dict[str, str]:
    """The API's bearer header of a new token for ``staff``."""
    from onewindow.accounts.services import api_token_issue

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=staff.user.username).token}"}
