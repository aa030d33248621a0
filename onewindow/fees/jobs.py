"""The local payment provider's callback retries (a bank gateway retries its notices the same way)."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .callbacks import local_resend_due
from .models import LocalCharge


def _waiting(_now: datetime, _last: datetime | None = None) -> bool:
    return LocalCharge.objects.filter(delivered_at__isnull=True, attempts__lt=50).exists()


@periodic("fees.local_provider_callbacks", every=timedelta(minutes=1), wake=_waiting)
def resend(now: datetime) -> int:
    """Send again every callback the center has not answered. Idempotent: the center applies a
    payment once, and a delivered callback is not sent again."""
    return local_resend_due()
