"""决定前公示: the extension point through which the openness app publishes a case's publicity.

An item can ask for a publication period before its decision (``ServiceItem.publicity_days``,
e.g. 最低生活保障: 7 days). The case waits for it as a typed pause of its clock (procedure
:data:`~onewindow.workdays.clock.PUBLICITY`). The publication itself — with its comment period and
objections — is an openness publication: the cases app sits below openness and cannot import it,
so openness registers its publisher here when it starts (``OpennessConfig.ready``), as the fees
app registers its guards. Without a publisher the action is refused, never half done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from onewindow.core.errors import DomainError

if TYPE_CHECKING:
    from onewindow.organization.models import Staff

    from .models import Case


@dataclass(frozen=True)
class PublicityNotice:
    """What the publisher made: the publication's number and the last day of its comment period."""

    number: str
    comment_ends: date


Publisher = Callable[["Case", "Staff", datetime], PublicityNotice]

_publishers: list[Publisher] = []


def register_publisher(publisher: Publisher) -> None:
    """The app above that publishes a case's publicity (once; registering again replaces it)."""
    _publishers[:] = [publisher]


def publish(case: Case, actor: Staff, at: datetime) -> PublicityNotice:
    """Publish ``case``'s publicity through the registered publisher, inside the caller's transaction."""
    if not _publishers:
        raise DomainError("publicity.unavailable", "政务公开模块未启用，无法发布决定前公示", field="action")
    return _publishers[0](case, actor, at)


def publicity_days(case: Case) -> int | None:
    """The item's publicity period, or None when it decides without one."""
    return case.item.publicity_days or None
