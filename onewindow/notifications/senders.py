"""Senders: the pluggable last step that hands an outbox row to the world.

A sender is any object with ``send(message) -> str | None``: it returns the provider's message id
(or None) and raises :class:`SendError` when the message did not go out. Which sender serves a
channel is configured, not coded::

    ONEWINDOW = {
        "SENDERS": {
            "sms": "onewindow.notifications.senders.OutboxOnlySender",
            "email": "onewindow.notifications.senders.EmailSender",
        },
    }

The setting is read at every delivery, so a changed configuration (or a test's override) takes
effect without a restart. An SMS gateway is a class in the deployment's own package with the same
``send``, or :class:`HttpGatewaySender` for a gateway that speaks its small JSON protocol;
nothing here knows any particular provider.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from onewindow.core.jsonpost import PostFailed, post_json

if TYPE_CHECKING:
    from .models import OutboxMessage

log = logging.getLogger("onewindow.notifications")

OUTBOX_ONLY = "onewindow.notifications.senders.OutboxOnlySender"
DEFAULT_SENDERS: dict[str, str] = {"sms": OUTBOX_ONLY, "email": OUTBOX_ONLY}


class SendError(Exception):
    """The message did not go out; the outbox will try again later (or give up)."""


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> str | None:
        """Deliver ``message``; return the provider's message id, or raise :class:`SendError`."""
        ...


class OutboxOnlySender:
    """The default: the outbox row itself is the delivered message.

    In a closed network with no SMS gateway or mail relay, staff read the message on the outbox
    page and pass it on (a phone call, a printed notice). Nothing can fail, so the row is marked
    sent at once and the delivery record says where it went.
    """

    receipt = "delivered to outbox"

    def send(self, message: OutboxMessage) -> str | None:
        log.info("notification %s (%s) delivered to outbox", message.pk, message.kind)
        return self.receipt


class EmailSender:
    """Email through Django's ``send_mail``: the project's EMAIL_* (SMTP) settings apply."""

    def send(self, message: OutboxMessage) -> str | None:
        if message.channel != "email":
            raise SendError(f"EmailSender cannot send over the {message.channel!r} channel")
        # A header may not contain a line break (Django raises BadHeaderError): fold it.
        subject = " ".join((message.subject or settings.ONEWINDOW.get("CENTER_NAME", "")).split())
        try:
            count = send_mail(subject, message.body, None, [message.recipient], fail_silently=False)
        except Exception as exc:  # smtplib, socket and header errors all mean "not sent"
            raise SendError(f"{exc.__class__.__name__}: {exc}") from exc
        if count != 1:
            raise SendError("the mail backend accepted no message")
        return None


class HttpGatewaySender:
    """SMS through an HTTP gateway: one JSON ``POST`` per message to ``ONEWINDOW["SMS_GATEWAY_URL"]``.

    The body is ``{"out_id": …, "phone": …, "text": …}`` with ``Authorization: Bearer
    <ONEWINDOW["SMS_GATEWAY_TOKEN"]>``. ``out_id`` is the message's :attr:`delivery_key`, the same
    on every attempt: the gateway must accept a repeated ``out_id`` without sending again (answer
    2xx, or 409 for "already have it") — that is what turns the outbox's at-least-once delivery
    into exactly once when a worker dies between the gateway's answer and the outbox's record.
    A 2xx answer's JSON ``id`` (if any) is kept as the provider's message id. Anything else, or no
    answer within ``SMS_GATEWAY_TIMEOUT`` seconds (default 10), is a failed attempt, retried.
    """

    def send(self, message: OutboxMessage) -> str | None:
        url = settings.ONEWINDOW.get("SMS_GATEWAY_URL")
        if not url:
            raise SendError('ONEWINDOW["SMS_GATEWAY_URL"] is not set')
        if message.channel != "sms":
            raise SendError(f"HttpGatewaySender cannot send over the {message.channel!r} channel")
        try:
            return post_json(url, {"out_id": message.delivery_key, "phone": message.recipient, "text": message.body},
                             token=settings.ONEWINDOW.get("SMS_GATEWAY_TOKEN") or "",
                             timeout=float(settings.ONEWINDOW.get("SMS_GATEWAY_TIMEOUT") or 10),
                             key=message.delivery_key)
        except PostFailed as exc:
            raise SendError(f"gateway answered {exc.status}" if exc.status else str(exc)) from exc


def sender_path(channel: str) -> str:
    """The dotted path of the sender configured for ``channel``, read from the settings now."""
    configured = settings.ONEWINDOW.get("SENDERS", {}) or {}
    return configured.get(channel) or DEFAULT_SENDERS.get(channel, OUTBOX_ONLY)


def load_sender(path: str) -> Sender:
    """Import ``path``: a class is instantiated without arguments, an object with ``send`` is used as is."""
    target = import_string(path)
    sender = target() if isinstance(target, type) else target
    if not callable(getattr(sender, "send", None)):
        raise TypeError(f"{path} has no send(message) method")
    return sender
