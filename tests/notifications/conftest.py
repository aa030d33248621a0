"""Fixtures of the notification tests: switching the configured senders and the retry budget."""

from __future__ import annotations

import pytest

from .sending import HERE, FailingSender, FlakySender, MeetingSender, RecordingSender


@pytest.fixture(autouse=True)
def _fresh_test_senders():
    RecordingSender.sent = []
    RecordingSender.during_send = None
    FailingSender.calls = 0
    FlakySender.calls = 0
    FlakySender.failures = 2
    MeetingSender.meeting = None
    yield
    RecordingSender.during_send = None
    MeetingSender.meeting = None


@pytest.fixture
def use_senders(settings):
    """``use_senders(sms="RecordingSender", email=…)``: a class of tests/notifications/sending.py, or a dotted path."""

    def configure(**by_channel: str) -> None:
        paths = {ch: name if "." in name else f"{HERE}.{name}" for ch, name in by_channel.items()}
        settings.ONEWINDOW = {**settings.ONEWINDOW, "SENDERS": paths}

    return configure


@pytest.fixture
def max_attempts(settings):
    def configure(n: int) -> None:
        settings.ONEWINDOW = {**settings.ONEWINDOW, "NOTIFY_MAX_ATTEMPTS": n}

    return configure

