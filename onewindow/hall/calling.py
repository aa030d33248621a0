"""The order in which a window calls: the one query both the call (locking) and the window's
page (counting) use."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, Q, QuerySet, Value, When

from onewindow.organization.models import Window

from .models import Ticket, WindowQueue
from .rules import TicketState


def next_waiting(window: Window, day: date, at: datetime, *, lock: bool = True) -> QuerySet[Ticket]:
    """The waiting tickets this window calls, best first: those transferred to it, then its
    queues by rank, then priority (an appointment only from its slot), then arrival."""
    ranks = dict(WindowQueue.objects.filter(window=window).values_list("queue_id", "rank"))
    if not ranks:
        return Ticket.objects.none()
    qs = Ticket.objects.filter(day=day, state=TicketState.WAITING, queue_id__in=sorted(ranks)).filter(
        Q(for_window__isnull=True) | Q(for_window=window))
    if lock:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs.annotate(
        mine=SqlCase(When(for_window=window, then=Value(0)), default=Value(1), output_field=IntegerField()),
        rank=SqlCase(*[When(queue_id=q, then=Value(r)) for q, r in sorted(ranks.items())],
                     default=Value(999), output_field=IntegerField()),
        due_priority=SqlCase(When(priority_from__gt=at, then=Value(0)), default=F("priority"),
                             output_field=IntegerField()),
    ).order_by("mine", "rank", "-due_priority", "issued_at", "id")
