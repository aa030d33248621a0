"""Reads of the outbox."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from onewindow.core.crypto import blind_index
from onewindow.organization.models import Staff
from onewindow.organization.permissions import region_q
from onewindow.organization.rules import Role

from .models import OutboxMessage, Status

# Who reads the outbox: the center's administrators (they run it) and supervisors (they check that
# applicants were told in time). Both roles reach their region and every region below it.
OUTBOX_ROLES = frozenset({Role.CENTER_ADMIN, Role.SUPERVISOR})


def outbox_for(staff: Staff | None, *, status: str | None = None, q: str | None = None) -> QuerySet[OutboxMessage]:
    """The messages of the regions the staff member reaches as center administrator or supervisor.

    Newest first. ``status`` keeps one status (an unknown one matches nothing); ``q`` searches the
    recipient (the whole number or address: recipients are encrypted, matched by their blind index)
    and the topic (e.g. a case number). Anyone else sees nothing.
    """
    messages = OutboxMessage.objects.filter(region_q(staff, roles=OUTBOX_ROLES))
    if status:
        messages = messages.filter(status=status) if status in Status.values else messages.none()
    if q and (q := q.strip()):
        messages = messages.filter(Q(recipient_bidx=blind_index("phone", q)) | Q(topic__icontains=q))
    return messages.select_related("region").order_by("-created_at", "-id")
