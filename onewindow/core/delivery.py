"""At-least-once delivery out of an outbox table: claim due rows under a lease, record each attempt.

Shared by the notification outbox (SMS, e-mail) and the case exchange with the upper-level
platform. A table using it has ``status`` (``pending`` / ``sending`` / ``sent`` / ``failed``),
``attempts``, ``next_attempt_at`` and ``last_error``. ``next_attempt_at`` is when a worker should
next look at the row: the time of the next try while it is pending, the end of the claiming
worker's lease while it is sending (a worker that died mid-send lets the lease run out and the
row is claimed again), and empty once the row is sent or given up, so the due scan reads only
live rows.

A claim carries the attempt number it made: a worker whose lease ran out while it was still
talking to the far side finds, when it reports, that the row was claimed again (its attempt
number moved on) and its report changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import F, Q

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class Claim:
    """A row this worker owns until its lease runs out; ``attempt`` fences out a later claimant."""

    id: int
    attempt: int


def claim_due(model: type[models.Model], *, at: datetime, limit: int, lease: timedelta, max_attempts: int,
              interrupted: str, ids: Sequence[int] | None = None, extra: Q | None = None) -> list[Claim]:
    """Take up to ``limit`` due rows of ``model`` (or the pending rows ``ids``), mark them sending
    and commit.

    Due: pending with ``next_attempt_at`` reached, or sending with an expired lease (the worker
    that held it is gone: ``interrupted`` says so on the row). The attempt is counted when
    claimed, so a row that crashes every worker that sends it still runs out of attempts instead
    of looping for ever. ``SKIP LOCKED`` on PostgreSQL: two workers never claim the same row.
    """
    with transaction.atomic():
        rows = model._default_manager.select_for_update(skip_locked=True)
        if ids is not None:
            rows = rows.filter(pk__in=list(ids), status=PENDING)
        else:
            rows = rows.filter(status__in=[PENDING, SENDING], next_attempt_at__lte=at).order_by("next_attempt_at", "id")
        if extra is not None:
            rows = rows.filter(extra)
        found = list(rows.only("id", "status", "attempts")[:limit])
        stale = [r for r in found if r.status == SENDING]
        exhausted = {r.pk for r in stale if r.attempts >= max_attempts}
        if exhausted:
            model._default_manager.filter(pk__in=exhausted).update(
                status=FAILED, next_attempt_at=None, last_error=f"{interrupted}，已达最大尝试次数")
        if retaken := [r.pk for r in stale if r.pk not in exhausted]:
            model._default_manager.filter(pk__in=retaken).update(last_error=interrupted)
        claims = [Claim(r.pk, r.attempts + 1) for r in found if r.pk not in exhausted]
        if claims:
            model._default_manager.filter(pk__in=[c.id for c in claims]).update(
                status=SENDING, attempts=F("attempts") + 1, next_attempt_at=at + lease)
    return claims


def _mine(claim: Claim) -> Q:
    return Q(pk=claim.id, status=SENDING, attempts=claim.attempt)


def record_success(model: type[models.Model], claim: Claim, **fields: Any) -> int:
    """The claimed row went out: sent, with ``fields`` (when, through what, the far side's id)."""
    with transaction.atomic():
        return model._default_manager.filter(_mine(claim)).update(status=SENT, next_attempt_at=None, last_error="",
                                                                  **fields)


def record_failure(model: type[models.Model], claim: Claim, *, error: str, at: datetime, max_attempts: int,
                   backoff: Callable[[int], timedelta], final: bool = False) -> bool:
    """A failed attempt: pending again after ``backoff(attempt)``, or failed for good (``final``,
    or the last attempt). Returns True when the row was given up."""
    given_up = final or claim.attempt >= max_attempts
    with transaction.atomic():
        if given_up:
            model._default_manager.filter(_mine(claim)).update(status=FAILED, last_error=error[:MAX_ERROR_CHARS],
                                                               next_attempt_at=None)
        else:
            model._default_manager.filter(_mine(claim)).update(status=PENDING, last_error=error[:MAX_ERROR_CHARS],
                                                               next_attempt_at=at + backoff(claim.attempt))
    return given_up
