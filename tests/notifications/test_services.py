"""notify, deliver_due and message_retry: the outbox's contract with the rest of the system."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.notifications import services
from onewindow.notifications.models import OutboxMessage, Status
from onewindow.notifications.senders import OUTBOX_ONLY, EmailSender, SendError
from onewindow.notifications.services import deliver_due, message_retry, notify
from onewindow.organization.rules import Role

from .sending import HERE, T0, FailingSender, RecordingSender

PHONE = "13800138000"


def _sms(region, **overrides):
    args = {"region": region, "channel": "sms", "recipient": PHONE, "subject": "受理通知",
            "body": "您的申请已受理，办件编号 9901212026000001。", "kind": "case.accepted",
            "topic": "9901212026000001", "at": T0}
    args.update(overrides)
    return notify(**args)


# --- enqueue ------------------------------------------------------------------------------------


def test_notify_queues_a_pending_row_and_sends_nothing_yet(two_counties, use_senders):
    use_senders(sms="RecordingSender")
    # when a service notifies inside its transaction (the test's)
    message = _sms(two_counties.a.region)
    # then the row is pending and due now, and no sender has been asked
    assert message.status == Status.PENDING
    assert message.attempts == 0
    assert message.created_at == T0
    assert message.next_attempt_at == T0
    assert (message.recipient, message.kind, message.topic) == (PHONE, "case.accepted", "9901212026000001")
    assert RecordingSender.sent == []


def test_a_queued_message_waits_for_the_delivery_job(two_counties, django_capture_on_commit_callbacks):
    from onewindow.tasks.registry import registered_jobs

    # when a service notifies (the default: queued), its commit does nothing more
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = _sms(two_counties.a.region)
    assert callbacks == []
    assert OutboxMessage.objects.get(pk=message.pk).status == Status.PENDING
    # the waiting message wakes the delivery job at the runner's next tick, however far off its interval
    spec = registered_jobs()["notifications.deliver"]
    assert spec.wake is not None
    assert spec.wake(T0, None)
    assert not spec.wake(T0 - timedelta(seconds=1), None)  # not due yet: no wake
    assert spec.func(T0) == 1
    assert not spec.wake(T0, T0)


def test_the_default_sender_marks_a_send_now_message_sent_after_the_commit(two_counties,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = _sms(two_counties.a.region, send_now=True)
        assert OutboxMessage.objects.get(pk=message.pk).status == Status.PENDING
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.sender == OUTBOX_ONLY
    assert message.provider_message_id == "delivered to outbox"
    assert message.next_attempt_at is None
    assert message.last_error == ""


def test_a_repeated_dedupe_key_returns_the_first_message_never_a_second(two_counties, use_senders,
                                                                         django_capture_on_commit_callbacks):
    use_senders(sms="RecordingSender")
    key = "9901212026000001:3:sms"
    with django_capture_on_commit_callbacks(execute=True):
        first = _sms(two_counties.a.region, dedupe_key=key, send_now=True)
        again = _sms(two_counties.a.region, dedupe_key=key, body="另一段内容", send_now=True)
    assert again.pk == first.pk
    assert again.body == first.body
    assert OutboxMessage.objects.filter(dedupe_key=key).count() == 1
    assert RecordingSender.sent == [first.pk]  # sent once, however often it was asked for
    # without a key (or with an empty one) every call is its own message
    _sms(two_counties.a.region, dedupe_key="")
    _sms(two_counties.a.region)
    assert OutboxMessage.objects.count() == 3


@pytest.mark.parametrize("recipient", ["", "   ", None])
def test_a_blank_recipient_is_skipped_not_an_error(two_counties, recipient):
    assert _sms(two_counties.a.region, recipient=recipient) is None
    assert notify(region=two_counties.a.region, channel="email", recipient=recipient, subject="s", body="b",
                  kind="case.accepted") is None
    assert not OutboxMessage.objects.exists()


def test_phone_numbers_are_stored_normalized(two_counties):
    assert _sms(two_counties.a.region, recipient="+86 138-0013-8000").recipient == PHONE


@pytest.mark.parametrize("overrides, field, code", [
    ({"recipient": "12345"}, "recipient", "notification.invalid_phone"),
    ({"recipient": "12800138000"}, "recipient", "notification.invalid_phone"),
    ({"channel": "email", "recipient": "not-an-email"}, "recipient", "notification.invalid_email"),
    ({"channel": "email", "recipient": PHONE}, "recipient", "notification.invalid_email"),
    ({"channel": "fax"}, "channel", "notification.invalid_channel"),
    ({"body": "  "}, "body", "notification.empty_body"),
    ({"kind": ""}, "kind", "notification.kind_required"),
    ({"topic": "号" * 101}, "topic", "notification.too_long"),
    ({"subject": "题" * 201}, "subject", "notification.too_long"),
])
def test_invalid_input_is_refused_naming_the_field(two_counties, overrides, field, code):
    with pytest.raises(DomainError) as caught:
        _sms(two_counties.a.region, **overrides)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)  # a Chinese message
    assert not OutboxMessage.objects.exists()


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(two_counties, use_senders,
                                                                  django_capture_on_commit_callbacks):
    use_senders(sms="RecordingSender")

    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom), transaction.atomic():
        _sms(two_counties.a.region, dedupe_key="k1")
        raise Boom
    assert callbacks == []
    assert RecordingSender.sent == []
    assert not OutboxMessage.objects.exists()
    # and the key was not used up: the retried action notifies normally
    assert _sms(two_counties.a.region, dedupe_key="k1") is not None


def test_the_send_happens_after_the_commit_never_inside_the_callers_transaction(two_counties, use_senders,
                                                                                  django_capture_on_commit_callbacks):
    use_senders(sms="RecordingSender")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            message = _sms(two_counties.a.region, send_now=True)
            assert RecordingSender.sent == []
        assert RecordingSender.sent == []  # still inside the test's outer transaction
    assert RecordingSender.sent == [message.pk]
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.sender == f"{HERE}.RecordingSender"
    assert message.provider_message_id == f"rec-{message.pk}"


def test_a_failing_first_attempt_does_not_break_the_committed_action(two_counties, use_senders,
                                                                      django_capture_on_commit_callbacks):
    use_senders(sms="CrashingSender")
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms(two_counties.a.region, send_now=True)
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.attempts == 1
    assert message.last_error == "RuntimeError: adapter bug"


# --- deliver ------------------------------------------------------------------------------------


def test_deliver_due_sends_what_is_due_once(two_counties, use_senders):
    use_senders(sms="RecordingSender")
    due = _sms(two_counties.a.region)
    later = _sms(two_counties.a.region, at=T0 + timedelta(minutes=5))
    assert deliver_due(now=T0) == 1
    assert RecordingSender.sent == [due.pk]
    assert deliver_due(now=T0) == 0  # a second run finds nothing more
    assert deliver_due(now=T0 + timedelta(minutes=5)) == 1
    assert RecordingSender.sent == [due.pk, later.pk]
    sent = OutboxMessage.objects.get(pk=due.pk)
    assert sent.status == Status.SENT
    assert sent.sent_at == T0
    assert sent.attempts == 1


def test_deliver_due_takes_at_most_limit_oldest_first(two_counties, use_senders):
    use_senders(sms="RecordingSender")
    ids = [_sms(two_counties.a.region, at=T0 - timedelta(minutes=i)).pk for i in range(5)]
    assert deliver_due(now=T0, limit=2) == 2
    assert RecordingSender.sent == [ids[4], ids[3]]


def test_a_failing_sender_retries_with_backoff_and_gives_up_after_the_max(two_counties, use_senders):
    use_senders(sms="FailingSender")
    message = _sms(two_counties.a.region)
    at = T0
    waits = []
    for attempt in range(1, 8):
        assert deliver_due(now=at) == 0
        message.refresh_from_db()
        assert (message.status, message.attempts) == (Status.PENDING, attempt)
        assert message.last_error == "SendError: 网关不可用 (HTTP 503)"
        waits.append((message.next_attempt_at - at) / timedelta(minutes=1))
        # not due a moment before the backoff runs out
        assert deliver_due(now=message.next_attempt_at - timedelta(seconds=1)) == 0
        at = message.next_attempt_at
    assert waits == [1, 2, 4, 8, 16, 32, 60]
    # the 8th attempt (the default maximum) fails too: given up
    deliver_due(now=at)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.FAILED, 8, None)
    assert FailingSender.calls == 8
    deliver_due(now=at + timedelta(days=1))
    assert FailingSender.calls == 8


def test_the_maximum_number_of_attempts_is_a_setting(two_counties, use_senders, max_attempts):
    use_senders(sms="FailingSender")
    max_attempts(2)
    message = _sms(two_counties.a.region)
    deliver_due(now=T0)
    deliver_due(now=T0 + timedelta(minutes=1))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 2)


def test_a_flaky_sender_succeeds_on_a_later_attempt(two_counties, use_senders):
    use_senders(sms="FlakySender")
    message = _sms(two_counties.a.region)
    deliver_due(now=T0)
    deliver_due(now=T0 + timedelta(minutes=1))
    assert deliver_due(now=T0 + timedelta(minutes=3)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 3, "")


def test_a_misconfigured_sender_fails_the_attempt_not_the_batch(two_counties, use_senders):
    use_senders(sms="onewindow.notifications.senders.NoSuchSender", email="RecordingSender")
    sms = _sms(two_counties.a.region)
    email = _sms(two_counties.a.region, channel="email", recipient="zhang@example.cn")
    assert deliver_due(now=T0) == 1
    sms.refresh_from_db()
    assert sms.status == Status.PENDING
    assert "ImportError" in sms.last_error
    assert RecordingSender.sent == [email.pk]


def test_the_sender_is_chosen_per_channel_at_call_time(two_counties, use_senders):
    message = _sms(two_counties.a.region)
    use_senders(sms="RecordingSender")  # changed after the row was queued
    deliver_due(now=T0)
    message.refresh_from_db()
    assert message.sender == f"{HERE}.RecordingSender"


def test_a_second_worker_running_during_a_send_never_sends_the_message_twice(two_counties, use_senders):
    # given three due messages, and a worker that starts while the first one is still sending
    use_senders(sms="RecordingSender")
    ids = [_sms(two_counties.a.region).pk for _ in range(3)]
    nested: list[int] = []

    def second_worker() -> None:
        RecordingSender.during_send = None  # once
        nested.append(deliver_due(now=T0))

    RecordingSender.during_send = second_worker
    # when the first worker delivers
    assert deliver_due(now=T0) == 3
    # then the second found every row claimed, and each message went out exactly once
    assert nested == [0]
    assert sorted(RecordingSender.sent) == sorted(ids)
    assert deliver_due(now=T0 + timedelta(hours=1)) == 0


def test_a_row_left_sending_by_a_crashed_worker_is_picked_up_after_ten_minutes(two_counties, use_senders):
    use_senders(sms="RecordingSender")
    message = _sms(two_counties.a.region)
    # given a worker that claimed the row and died before sending it
    services._claim(at=T0)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENDING, 1)
    # then it is not touched while the lease runs, and sent once it has run out
    assert deliver_due(now=T0 + timedelta(minutes=9)) == 0
    assert deliver_due(now=T0 + timedelta(minutes=10)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")


def test_a_message_that_keeps_killing_workers_runs_out_of_attempts(two_counties, max_attempts):
    max_attempts(2)
    message = _sms(two_counties.a.region)
    services._claim(at=T0)
    services._claim(at=T0 + timedelta(minutes=10))
    services._claim(at=T0 + timedelta(minutes=20))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 2)
    assert "发送中断" in message.last_error


def test_a_late_report_from_a_worker_whose_lease_ran_out_changes_nothing(two_counties, use_senders):
    use_senders(sms="RecordingSender")
    message = _sms(two_counties.a.region)
    [slow] = services._claim(at=T0)
    # the lease runs out and another worker sends the message
    assert deliver_due(now=T0 + timedelta(minutes=11)) == 1
    # then the first worker reports its failure: the sent row stays sent
    services._record_failure(slow, error="SendError: too late", at=T0 + timedelta(minutes=12))
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.last_error == ""


def test_email_goes_through_django_mail_with_its_settings(two_counties, use_senders):
    use_senders(email="onewindow.notifications.senders.EmailSender")
    message = notify(region=two_counties.a.region, channel="email", recipient="zhang@example.cn",
                     subject="受理通知\n第2行", body="您的申请已受理。", kind="case.accepted", at=T0)
    assert deliver_due(now=T0) == 1
    [sent] = mail.outbox
    assert sent.to == ["zhang@example.cn"]
    assert sent.subject == "受理通知 第2行"
    assert sent.body == "您的申请已受理。"
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.sender.endswith("EmailSender")


def test_an_unreachable_mail_server_is_a_failed_attempt(two_counties, use_senders, settings):
    use_senders(email="onewindow.notifications.senders.EmailSender")
    settings.EMAIL_BACKEND = f"{HERE}.RefusingEmailBackend"
    message = notify(region=two_counties.a.region, channel="email", recipient="zhang@example.cn",
                     subject="s", body="b", kind="case.accepted", at=T0)
    deliver_due(now=T0)
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert "Connection refused" in message.last_error


def test_the_email_sender_refuses_other_channels(two_counties):
    message = _sms(two_counties.a.region)
    with pytest.raises(SendError):
        EmailSender().send(message)


def test_the_periodic_job_delivers(two_counties, use_senders):
    from onewindow.tasks.registry import registered_jobs

    use_senders(sms="RecordingSender")
    spec = registered_jobs()["notifications.deliver"]
    assert spec.every == timedelta(seconds=30)
    message = _sms(two_counties.a.region)
    # only this job: the runner would also run other apps' jobs, which are not under test here
    assert spec.func(T0) == 1
    assert RecordingSender.sent == [message.pk]


# --- requeue ------------------------------------------------------------------------------------


@pytest.fixture
def failed(two_counties, use_senders, max_attempts):
    """A message of county a that was given up."""
    use_senders(sms="FailingSender")
    max_attempts(1)
    message = _sms(two_counties.a.region)
    deliver_due(now=T0)
    message.refresh_from_db()
    assert message.status == Status.FAILED
    return message


def test_a_center_admin_requeues_a_failed_message(two_counties, failed, use_senders,
                                                  django_capture_on_commit_callbacks):
    use_senders(sms="RecordingSender")  # the gateway is back
    with django_capture_on_commit_callbacks(execute=True):
        requeued = message_retry(message_id=failed.pk, actor=two_counties.a.staff[Role.CENTER_ADMIN])
        assert (requeued.status, requeued.attempts) == (Status.PENDING, 0)
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert RecordingSender.sent == [failed.pk]


def test_a_city_center_admin_may_requeue_a_county_message(two_counties, failed, staff_factory):
    city_admin = staff_factory(Role.CENTER_ADMIN, two_counties.city)
    assert message_retry(message_id=failed.pk, actor=city_admin).status == Status.PENDING


@pytest.mark.parametrize("who", ["b_admin", "a_clerk", "a_supervisor", "nobody"])
def test_others_may_not_requeue(two_counties, failed, who):
    actor = {"b_admin": two_counties.b.staff[Role.CENTER_ADMIN], "a_clerk": two_counties.a.staff[Role.CLERK],
             "a_supervisor": two_counties.a.staff[Role.SUPERVISOR], "nobody": None}[who]
    with pytest.raises(PermissionDenied) as caught:
        message_retry(message_id=failed.pk, actor=actor)
    assert caught.value.code == "forbidden.notification.retry"
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


def test_requeueing_a_message_that_is_not_failed_changes_nothing(two_counties):
    message = _sms(two_counties.a.region)
    again = message_retry(message_id=message.pk, actor=two_counties.a.staff[Role.CENTER_ADMIN])
    assert (again.status, again.next_attempt_at) == (Status.PENDING, T0)


def test_requeueing_a_missing_message_is_not_found(two_counties):
    with pytest.raises(NotFound):
        message_retry(message_id=999_999, actor=two_counties.a.staff[Role.CENTER_ADMIN])


def test_the_retry_action_is_the_center_administrators(two_counties):
    from onewindow.organization.permissions import ACTION_ROLES

    assert ACTION_ROLES[services.RETRY_ACTION] == frozenset({Role.CENTER_ADMIN})
