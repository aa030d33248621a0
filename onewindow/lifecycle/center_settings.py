"""A center's settings that the clock of every record type reads: the yellow share (DESIGN.md §4
rule 9), below the apps that time records.

Electronic supervision keeps the settings (its settings page and table) and provides them here
in its ``ready()``; a record type asks this module, so no record type imports supervision and the
arrows point down. Without a provider (or a center's own value) the project default applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from time import monotonic

from django.conf import settings

from onewindow.core import caches
from onewindow.workdays.clock import DEFAULT_YELLOW_SHARE, check_yellow_share


@dataclass(frozen=True)
class Source:
    """Where the centers' settings come from: ``yellow_share(region_code)`` the share set by the
    nearest center on the region's chain (None: none set), ``changed_since(moment)`` whether any
    center changed its settings after ``moment`` (None: ever)."""

    yellow_share: Callable[[str], Fraction | None]
    changed_since: Callable[[datetime | None], bool]


_source: Source | None = None

# A center changes its yellow share rarely; every transition asks for it. Kept per process for a
# minute, so a change reaches every worker within that time without a query per transition.
_SHARE_TTL_SECONDS = 60.0
_shares: dict[str, tuple[float, Fraction | None]] = {}


def provide(source: Source) -> None:
    """Install the settings' source (electronic supervision's, in its ``ready()``)."""
    global _source
    _source = source
    _shares.clear()


def project_yellow_share() -> Fraction:
    """The project default: ``ONEWINDOW["YELLOW_SHARE"]`` (environment ``ONEWINDOW_YELLOW_SHARE``),
    checked like a center's own, else the clock's 90 %."""
    configured = settings.ONEWINDOW.get("YELLOW_SHARE")
    return check_yellow_share(configured) if configured not in (None, "") else DEFAULT_YELLOW_SHARE


def yellow_share(region_code: str | None) -> Fraction:
    """The share of the promised period after which a record turns yellow in ``region_code``: the
    nearest center's own setting, else the project default."""
    if region_code and _source is not None:
        cached = _shares.get(region_code)
        if cached is None or monotonic() - cached[0] > _SHARE_TTL_SECONDS:
            cached = _shares[region_code] = (monotonic(), _source.yellow_share(region_code))
        if cached[1] is not None:
            return cached[1]
    return project_yellow_share()


@caches.register
def forget_yellow_shares() -> None:
    """Drop the per-process shares (after a center's settings change in this process; tests)."""
    _shares.clear()


def settings_changed_since(moment: datetime | None) -> bool:
    """Whether any center changed its settings after ``moment`` (wakes the re-timing of yellow lines)."""
    return _source is not None and _source.changed_since(moment)
