"""Senders for the tests (never part of the package): configured by dotted path like real ones."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar

from onewindow.notifications.senders import SendError

HERE = "tests.notifications.sending"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai: the moment of the tests


class RecordingSender:
    """Succeeds and remembers what it sent (ids in order); ``during_send`` runs inside each send."""

    sent: ClassVar[list[int]] = []
    during_send: ClassVar[Callable[[], None] | None] = None

    def send(self, message) -> str | None:
        if RecordingSender.during_send is not None:
            RecordingSender.during_send()
        RecordingSender.sent.append(message.pk)
        return f"rec-{message.pk}"


class FailingSender:
    """Always fails, as an SMS gateway that is down."""

    calls: ClassVar[int] = 0

    def send(self, message) -> str | None:
        FailingSender.calls += 1
        raise SendError("网关不可用 (HTTP 503)")


class FlakySender:
    """Fails the first ``failures`` sends, then succeeds."""

    failures: ClassVar[int] = 2
    calls: ClassVar[int] = 0

    def send(self, message) -> str | None:
        FlakySender.calls += 1
        if FlakySender.calls <= FlakySender.failures:
            raise SendError(f"timeout #{FlakySender.calls}")
        return "ok"


class CrashingSender:
    """Lets an unexpected exception escape (a bug in a gateway adapter)."""

    def send(self, message) -> str | None:
        raise RuntimeError("adapter bug")


class RefusingEmailBackend:
    """An EMAIL_BACKEND whose SMTP server refuses the connection."""

    def __init__(self, fail_silently: bool = False, **kwargs: object) -> None:
        self.fail_silently = fail_silently

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError(111, "Connection refused")


class MeetingSender(RecordingSender):
    """Like :class:`RecordingSender`, but each worker's first send waits at ``meeting`` (a barrier
    of the workers) until every worker is sending: all of them hold a claim at the same time."""

    meeting: ClassVar[threading.Barrier | None] = None
    _met = threading.local()

    def send(self, message) -> str | None:
        if MeetingSender.meeting is not None and not getattr(MeetingSender._met, "done", False):
            MeetingSender._met.done = True
            MeetingSender.meeting.wait()
        return super().send(message)


class PhoneSender:
    """The applicants' phones: succeeds and keeps ``(recipient, body)`` of every message, as received."""

    inbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, message) -> str | None:
        PhoneSender.inbox.append((message.recipient, message.body))
        return f"phone-{message.pk}"
