"""The kernel's periodic job: the daily anchors of every history table."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .anchors import anchors_take


@periodic("lifecycle.anchor_history", every=timedelta(days=1), timeout=timedelta(hours=1))
def anchor_history(now: datetime) -> int:
    """Anchor every event table per region (a deleted record or a rewritten chain is then caught)."""
    return len(anchors_take(reason="daily", at=now))
