"""Writes of notifications: enqueue, deliver, requeue.

The contract other apps rely on:

- :func:`notify` only writes an outbox row, in the caller's transaction. It never talks to a
  sender there: a rolled-back action leaves no message, and a slow mail server never holds the
  caller's locks. The waiting row wakes the delivery job at the scheduler's next tick; with
  ``send_now`` one attempt is made right after the commit (``transaction.on_commit``) instead, and
  whatever that attempt meets, the caller's action has already succeeded.
- :func:`deliver_due` is the delivery job (``jobs.py``): it claims due rows under
  ``SELECT … FOR UPDATE SKIP LOCKED``, marks them sending and commits, then sends outside any
  lock and records each outcome. Two workers never claim the same row; a worker that died
  mid-send lets its lease run out and the row is claimed again (delivery is at least once).
- :func:`message_retry` lets a center administrator requeue a message that was given up.

A one-time login code never reaches the outbox table (``notify(secret=…)``): the row keeps the
body with the code replaced by asterisks, and the full text lives only in the memory of the
process that made it, for the one attempt right after the commit. Whoever reads the outbox (its
page, the admin, a copy of the database) cannot log in as the applicant with it. A failed attempt
cannot be retried — the applicant asks for a new code. Development and the demo, which have no
SMS gateway, may keep codes readable in the outbox with ``ONEWINDOW["DEMO_SHOW_CODES"]``
(``ONEWINDOW_DEMO_SHOW_CODES=1``, off by default, and ``check --deploy`` warns when it is on).
"""

from __future__ import annotations

import copy
import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from onewindow.core import delivery, store
from onewindow.core.delivery import Claim
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import Action, can

from .models import Channel, OutboxMessage, Status
from .rules import DEFAULT_MAX_ATTEMPTS, SENDING_LEASE, backoff, is_mainland_mobile, normalize_phone
from .senders import Sender, load_sender, sender_path

log = logging.getLogger("onewindow.notifications")

# Requeueing is an operation of the center, like the rest of its master data: the center
# administrators of the message's region (and above) may do it. permissions.py has no
# notification action yet; this is the closest existing one and says "center administrator".
RETRY_ACTION = Action.ORGANIZATION_EDIT

# A withheld message is left to the attempt after its commit for this long; a worker that finds
# it later (the process died in between) can only record it failed: it has no code to send.
SECRET_GRACE = timedelta(minutes=5)
_SECRET_GONE = "一次性验证码未保存在发件箱中，只能在申请时发送一次；请申请人重新获取验证码"
_DIGIT_RUN = re.compile(r"(?<!\d)\d{4,8}(?!\d)")
_INTERRUPTED = "上次发送中断（工作进程未报告结果）"
_FIELD_LIMITS = {"subject": 200, "topic": 100, "kind": 64, "dedupe_key": 200, "recipient": 254}
_FIELD_LABELS = {"subject": "标题", "topic": "关联事项", "kind": "通知类型", "dedupe_key": "去重键",
                 "recipient": "接收人"}


def show_codes() -> bool:
    """``ONEWINDOW["DEMO_SHOW_CODES"]``: keep one-time codes readable in the outbox (demo only)."""
    return bool(settings.ONEWINDOW.get("DEMO_SHOW_CODES", False))


def sending_lease() -> timedelta:
    """``ONEWINDOW["OUTBOX_LEASE_SECONDS"]`` (default 10 minutes): how long a claimed row waits for
    its worker's report before another worker claims it again (the first one died mid-send)."""
    seconds = settings.ONEWINDOW.get("OUTBOX_LEASE_SECONDS")
    return timedelta(seconds=float(seconds)) if seconds else SENDING_LEASE


def max_attempts() -> int:
    """``ONEWINDOW["NOTIFY_MAX_ATTEMPTS"]`` (default 8), read now so tests and operators can change it."""
    return max(1, int(settings.ONEWINDOW.get("NOTIFY_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)))


# --- enqueue ------------------------------------------------------------------------------------


def _clean_recipient(channel: str, recipient: str) -> str:
    if channel == Channel.SMS:
        phone = normalize_phone(recipient)
        if not is_mainland_mobile(phone):
            raise DomainError("notification.invalid_phone",
                              f"手机号码须为11位中国大陆手机号：{recipient!r}（接收人）", field="recipient")
        return phone
    email = recipient.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("notification.invalid_email",
                          f"电子邮箱格式不正确：{recipient!r}（接收人）", field="recipient") from None
    return email


def _check_lengths(values: dict[str, str | None]) -> None:
    """Refuse over-long values with a message, before PostgreSQL refuses them with a 500."""
    for field, limit in _FIELD_LIMITS.items():
        value = values.get(field)
        if value is not None and len(value) > limit:
            raise DomainError("notification.too_long",
                              f"{_FIELD_LABELS[field]}不能超过{limit}个字符（{_FIELD_LABELS[field]}）", field=field)


def notify(*, region: Region, channel: str, recipient: str | None, subject: str, body: str, kind: str,
           topic: str = "", dedupe_key: str | None = None, at: datetime | None = None,
           send_now: bool = False, secret: str | None = None) -> OutboxMessage | None:
    """Queue one message in the current transaction; the delivery job sends it at its next tick.

    ``send_now`` makes the first attempt right after the commit instead, for a message someone
    is waiting for on the spot (a login code). Returns the new pending row; the existing row when
    ``dedupe_key`` was used before (never a second message: callers pass e.g.
    ``f"{case_number}:{event_seq}:sms"``); None when ``recipient`` is blank — many applicants
    give no phone or email, and that is not an error. Raises :class:`DomainError` naming the
    field for a bad channel, recipient, kind or body. Inside an action's transaction
    (:func:`onewindow.core.store.atomic`) the insert may wait for the action's next statement: the
    row returned is then not stored yet, and with a key used before never will be.

    ``secret``: a one-time code that ``body`` contains. The stored body has it replaced by
    asterisks (``secret_withheld``) and the full body goes to the sender only in the attempt made
    right after the commit (so ``send_now`` is implied); unless ``DEMO_SHOW_CODES`` is on.
    """
    if channel not in Channel.values:
        raise DomainError("notification.invalid_channel", f"不支持的通知渠道：{channel!r}（渠道）", field="channel")
    if recipient is None or not recipient.strip():
        return None
    if region is None:
        raise DomainError("notification.region_required", "通知须指明所属区划（区划）", field="region")
    if not kind or not kind.strip():
        raise DomainError("notification.kind_required", "请指明通知类型（通知类型）", field="kind")
    if not body or not body.strip():
        raise DomainError("notification.empty_body", "通知内容不能为空（内容）", field="body")
    cleaned = _clean_recipient(channel, recipient)
    full_body = body
    withheld = bool(secret) and not show_codes()
    if withheld:
        assert secret, "a withheld secret is not empty"
        assert secret in body, "the secret must appear in the body it is withheld from"
        body, send_now = body.replace(secret, "*" * len(secret)), True
    dedupe_key = dedupe_key or None  # an empty key means "no key", not a key shared by all
    _check_lengths({"recipient": cleaned, "subject": subject, "topic": topic, "kind": kind,
                    "dedupe_key": dedupe_key})
    at = at or current_time()
    message = OutboxMessage(region=region, channel=channel, recipient=cleaned, subject=subject, body=body,
                            topic=topic, kind=kind.strip(), status=Status.PENDING,
                            next_attempt_at=at + SECRET_GRACE if withheld else at,
                            created_at=at, dedupe_key=dedupe_key, secret_withheld=withheld)
    # No savepoint: one statement either inserts or, for a key used before, does nothing.
    with transaction.atomic(savepoint=False):
        need_id = send_now  # a first attempt after the commit needs the id
        inserted = True
        if dedupe_key is None:
            store.add(message, need_id=need_id)
        elif not store.add(message, unless_taken="dedupe_key", need_id=need_id):
            message = OutboxMessage.objects.get(dedupe_key=dedupe_key)  # the one that came first
            inserted = False
        # A row that was already there and is still waiting may take this attempt too: the
        # claim lets only one attempt send it. Only this call's own row gets this call's secret.
        if send_now and message.status == Status.PENDING:
            message_id = message.pk
            held = full_body if withheld and inserted else None
            transaction.on_commit(lambda: _attempt_after_commit(message_id, held), robust=True)
    return message


def pending_delivery(now: datetime, last_started_at: datetime | None = None) -> bool:
    """True when a message is due for sending — pending, or left sending by a worker whose lease
    ran out (it died mid-send) — the delivery job's wake check: one index probe."""
    return OutboxMessage.objects.filter(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now).exists()


def _attempt_after_commit(message_id: int, full_body: str | None = None) -> None:
    """The first attempt of a ``send_now`` message, once its action has committed (with the full
    body of a withheld message, held in memory). Never raises."""
    try:
        _deliver(_claim(ids=[message_id], at=current_time()), now=None,
                 bodies={message_id: full_body} if full_body is not None else None)
    except Exception:  # the action is committed; the worker will retry the row later
        log.exception("immediate delivery of notification %s failed", message_id)


# --- deliver ------------------------------------------------------------------------------------


def _claim(*, at: datetime, limit: int = 100, ids: list[int] | None = None) -> list[Claim]:
    """Take up to ``limit`` due messages (or the pending ones ``ids``), mark them sending and
    commit (:func:`onewindow.core.delivery.claim_due`)."""
    return delivery.claim_due(OutboxMessage, at=at, limit=limit, lease=sending_lease(), max_attempts=max_attempts(),
                              interrupted=_INTERRUPTED, ids=ids)


def _deliver(claims: list[Claim], *, now: datetime | None, bodies: dict[int, str] | None = None) -> int:
    """Send each claimed row outside any transaction and record the outcome; return how many went out.

    ``bodies``: the full text of withheld messages (by id), known only to the process that queued
    them; a withheld message without it fails for good.
    """
    senders: dict[str, tuple[str, Sender | Exception]] = {}
    messages = OutboxMessage.objects.select_related("region").in_bulk([c.id for c in claims])
    sent = 0
    for claim in claims:
        message = messages[claim.id]
        if message.channel not in senders:
            path = sender_path(message.channel)
            try:
                senders[message.channel] = (path, load_sender(path))
            except Exception as exc:  # a misconfigured path fails the attempt, not the whole batch
                senders[message.channel] = (path, exc)
        path, sender = senders[message.channel]
        if message.secret_withheld:
            full_body = (bodies or {}).get(claim.id)
            if full_body is None:
                _record_failure(claim, error=_SECRET_GONE, at=now or current_time(), final=True)
                continue
            # The sender gets a copy holding the code; the row itself never does.
            message = copy.copy(message)
            message.body = full_body
        try:
            if isinstance(sender, Exception):
                raise sender
            provider_id = sender.send(message)
        except Exception as exc:  # SendError, and anything else a sender lets escape
            error = f"{exc.__class__.__name__}: {exc}"
            if message.secret_withheld:  # an error text may quote the message: no code in the outbox
                error = _DIGIT_RUN.sub(lambda m: "*" * len(m.group(0)), error)
            _record_failure(claim, error=error, at=now or current_time(), final=message.secret_withheld)
        else:
            sent += _record_success(claim, sender=path, provider_id=provider_id, at=now or current_time())
    return sent


def _record_success(claim: Claim, *, sender: str, provider_id: str | None, at: datetime) -> int:
    return delivery.record_success(OutboxMessage, claim, sent_at=at, sender=sender,
                                   provider_message_id=(provider_id or "")[:200])


def _record_failure(claim: Claim, *, error: str, at: datetime, final: bool = False) -> None:
    """Record a failed attempt: pending again after a backoff, or failed for good (``final``, or
    the last attempt)."""
    if delivery.record_failure(OutboxMessage, claim, error=error, at=at, max_attempts=max_attempts(),
                               backoff=backoff, final=final):
        log.warning("notification %s given up after %s attempts: %s", claim.id, claim.attempt,
                    error[:delivery.MAX_ERROR_CHARS])


def deliver_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Deliver up to ``limit`` due messages; return how many were sent.

    Safe to run in any number of workers at once: on PostgreSQL the claim skips rows another
    worker holds; on SQLite the claim's IMMEDIATE transaction serializes the workers. Call it
    outside a transaction (the sends then happen outside any lock).
    """
    at = now or current_time()
    return _deliver(_claim(at=at, limit=limit), now=now)


# --- requeue ------------------------------------------------------------------------------------


def message_retry(*, message_id: int, actor: Staff | None) -> OutboxMessage:
    """Requeue a message that was given up, with a fresh budget of attempts, and try it after commit.

    Only a center administrator of the message's region may. A message that is not failed
    (pending, sending, already sent) is returned unchanged, so a repeated click is harmless.
    """
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().select_related("region").filter(pk=message_id).first()
        if message is None:
            raise NotFound("未找到该通知", code="notification.not_found", field="message_id")
        if actor is None or not can(actor, RETRY_ACTION, region=message.region):
            raise PermissionDenied(f"您没有重发{message.region.name}通知的权限", code="forbidden.notification.retry")
        if message.status != Status.FAILED:
            return message
        if message.secret_withheld:
            raise DomainError("notification.secret_not_resendable",
                              "含一次性验证码的短信不能重发（验证码未保存），请申请人重新获取验证码", field="message_id")
        message.status = Status.PENDING
        message.attempts = 0
        message.next_attempt_at = current_time()
        # last_error stays: it tells staff why the message had failed until the next attempt.
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        log.info("notification %s requeued by staff %s", message.pk, actor.pk)
        transaction.on_commit(lambda: _attempt_after_commit(message.pk), robust=True)
    return message
