"""The hall's e-supervision check, run by every sweep through the kernel's check registry: a queue
whose longest current wait passes its window group's threshold (the dashboard's alert,
:func:`onewindow.hall.selectors.queue_alerts`) is a yellow "排队等候超时" warning against the
center; it is resolved by the first sweep that finds the wait back under the threshold.

One live warning per queue: while the wait stays over the threshold the sweep keeps finding the
same warning (even if the oldest ticket is called and the next one has waited too long); a new
episode after a resolution is a new warning, named by the ticket that waited longest. This module
reads the supervision app's rules and resolves its own warnings; supervision never imports hall.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Min

from onewindow.lifecycle.registry import Check, register_check
from onewindow.supervision.models import Warning
from onewindow.supervision.rules import LIVE_STATES, Code, Finding
from onewindow.supervision.sweep import resolve_warnings

from .models import Queue, Ticket
from .rules import TicketState

SUBJECT_PREFIX = "hall-queue:"


def _queue_of(subject: str) -> int | None:
    """The queue id of a warning subject ``hall-queue:<queue>:<ticket>``."""
    try:
        return int(subject.removeprefix(SUBJECT_PREFIX).split(":", 1)[0])
    except ValueError:
        return None


def wait_minutes(run_now: Any, issued_at: Any) -> int:
    """Whole minutes waited, as the dashboard counts them."""
    return max(int((run_now - issued_at).total_seconds() // 60), 0)


def queue_waits(run: Any) -> None:
    """Find every queue over its threshold today; resolve this rule's live warnings that no longer hold."""
    lines = (Ticket.objects.filter(day=run.today, state=TicketState.WAITING).order_by()
             .values("queue_id").annotate(oldest=Min("issued_at"), waiting=Count("id")))
    over = {row["queue_id"]: row for row in lines}
    queues = {q.pk: q for q in Queue.objects.filter(pk__in=over).select_related("group__region")}
    live: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for wid, key, subject in (Warning.objects.filter(rule=Code.QUEUE_WAIT_EXCEEDED, state__in=[str(s) for s in LIVE_STATES])
                              .order_by("id").values_list("id", "target_key", "subject")):
        qid = _queue_of(subject)
        if qid is not None:
            live[qid].append((wid, key, subject))
    for qid, row in over.items():
        queue = queues.get(qid)
        if queue is None:
            continue
        waited, threshold = wait_minutes(run.now, row["oldest"]), queue.group.wait_warn_minutes
        if waited <= threshold:
            continue
        if live.get(qid):
            subject = live[qid][0][2]
        else:
            first = (Ticket.objects.filter(queue_id=qid, day=run.today, state=TicketState.WAITING)
                     .order_by("issued_at", "id").values_list("id", flat=True).first())
            subject = f"{SUBJECT_PREFIX}{qid}:{first}"
        region = queue.group.region
        run.found(Finding(
            rule=Code.QUEUE_WAIT_EXCEEDED, subject=subject, region_id=region.pk,
            message=f"{queue.group.name}“{queue.name}”队列（{queue.letter}）已有群众等候 {waited} 分钟，"
                    f"超过预警时长 {threshold} 分钟，当前等候 {row['waiting']} 人",
            details={"queue": qid, "waited_minutes": waited, "threshold_minutes": threshold,
                     "waiting": row["waiting"]}), region.code)
    stale = [wid for rows in live.values() for wid, key, subject in rows
             if (Code.QUEUE_WAIT_EXCEEDED, key, subject) not in run.holding]
    if stale:
        run.result.resolved += resolve_warnings(stale, reason="排队等候已回落到预警时长以内", at=run.now)


def register() -> None:
    register_check(Check(name="hall.queue_wait", run=queue_waits))
