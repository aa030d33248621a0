"""The outbox page (通知发件箱) of the workbench, under /staff/outbox/.

Thin: read the filters, call the selector or the service, render. What a row shows depends on
who looks: a center administrator of the message's region may requeue a failed message. Everyone
sees the recipient masked (personal data is masked by default: docs/security.md; a whole number
typed into the search finds its messages). Nobody sees a one-time code (see :mod:`.services`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.organization.models import Staff
from onewindow.organization.permissions import can, roles_of, staff_of

from . import selectors, services
from .models import Channel, OutboxMessage, Status
from .rules import is_secret_kind, kind_label, mask_recipient
from .senders import OutboxOnlySender

PAGE_SIZE = 50

STATUS_LABELS = {
    Status.PENDING: gettext_lazy("Pending"),
    Status.SENDING: gettext_lazy("Sending"),
    Status.SENT: gettext_lazy("Sent"),
    Status.FAILED: gettext_lazy("Failed"),
}
CHANNEL_LABELS = {Channel.SMS: gettext_lazy("SMS"), Channel.EMAIL: gettext_lazy("Email")}
# The senders' class names and receipts are code: the page says what happened in words.
SENDER_LABELS = {"OutboxOnlySender": gettext_lazy("仅记入发件箱"), "EmailSender": gettext_lazy("电子邮件")}


@dataclass(frozen=True)
class OutboxRow:
    """One message as this viewer may see it."""

    message: OutboxMessage
    recipient: str
    body: str | None  # None: hidden from this viewer (a one-time code)
    status_label: str
    channel_label: str
    kind_label: str
    sender_name: str
    provider_id: str  # the provider's message id; empty when the outbox itself was the delivery
    can_retry: bool


def _row(staff: Staff, message: OutboxMessage) -> OutboxRow:
    manages = can(staff, services.RETRY_ACTION, region=message.region)
    sender = message.sender.rsplit(".", 1)[-1]
    # A withheld body has its code replaced by asterisks and may be shown; any other body of a
    # secret kind is hidden from everyone, its managers included — except in the demo, whose
    # "SMS gateway" is this page (DEMO_SHOW_CODES).
    secret = is_secret_kind(message.kind) and not message.secret_withheld
    return OutboxRow(
        message=message,
        recipient=mask_recipient(message.channel, message.recipient),
        body=message.body if not secret or (manages and services.show_codes()) else None,
        status_label=str(STATUS_LABELS.get(message.status, message.status)),
        channel_label=str(CHANNEL_LABELS.get(message.channel, message.channel)),
        kind_label=_(kind_label(message.kind)),
        sender_name=str(SENDER_LABELS.get(sender, sender)),
        provider_id="" if message.provider_message_id == OutboxOnlySender.receipt else message.provider_message_id,
        can_retry=manages and message.status == Status.FAILED and not message.secret_withheld,
    )


def _forbidden(request: HttpRequest, reason: str = "", status: int = 403) -> HttpResponse:
    return render(request, "notifications/forbidden.html", {"reason": reason}, status=status)


def _may_read(staff: Staff | None) -> bool:
    return staff is not None and bool(roles_of(staff) & selectors.OUTBOX_ROLES)


@require_GET
@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    """Messages of the viewer's regions, newest first, filtered by status and searched by recipient/topic."""
    staff = staff_of(request.user)
    if not _may_read(staff):
        return _forbidden(request)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    q = request.GET.get("q", "").strip()[:100]
    found = selectors.outbox_for(staff, status=status or None, q=q or None)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notifications/outbox.html", {
        "rows": [_row(staff, m) for m in page],
        "page": page,
        "status": status,
        "q": q,
        "statuses": [(s.value, str(STATUS_LABELS[s])) for s in Status],
        "filter_query": query.urlencode(),
    })


@require_POST
@login_required
def outbox_retry(request: HttpRequest, message_id: int) -> HttpResponse:
    """Requeue a failed message (center administrators of its region), then back to the list.

    Whoever may not read the outbox at all is refused (403); a message outside the reader's
    regions answers 404, as any record of another county does, so an id reveals nothing."""
    staff = staff_of(request.user)
    if not _may_read(staff):
        return _forbidden(request)
    if not selectors.outbox_for(staff).filter(pk=message_id).exists():
        return _forbidden(request, "未找到该通知", status=404)
    try:
        message = services.message_retry(message_id=message_id, actor=staff)
    except (PermissionDenied, NotFound) as exc:
        return _forbidden(request, exc.message, status=exc.status)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        # The first new attempt ran right after the commit: report where the message is now.
        message.refresh_from_db(fields=["status"])
        messages.success(request, _("Retry requested for message %(id)s. Status now: %(status)s.")
                         % {"id": message.pk, "status": STATUS_LABELS[Status(message.status)]})
    back = reverse("workbench:outbox")
    wanted = request.POST.get("next", "")
    if wanted.startswith(back) and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        back = wanted
    return redirect(back)
