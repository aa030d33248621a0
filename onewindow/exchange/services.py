"""Writes of the exchange: collect the records of new case facts, push them up, requeue.

- :func:`collect` reads the case events (and ratings) committed since its cursor and writes one
  record per fact the platform takes. It reads by id and moves its cursor only past rows older
  than :data:`SETTLE` by the wall clock: a transaction that took an id earlier but committed
  later is read on a later pass, and a fact read twice finds its record there already (the
  unique ``source_key``). The case services know nothing of it.
- :func:`push_due` claims due records (:mod:`onewindow.core.delivery`) and sends each as one
  JSON ``POST`` to ``ONEWINDOW["EXCHANGE_URL"]`` outside any transaction. Without an address
  nothing is pushed: the records wait, and the status page says why.
- :func:`record_retry` lets a center administrator requeue a record that was given up.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.core import delivery
from onewindow.core.delivery import Claim
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.jsonpost import PostFailed, post_json
from onewindow.core.timesource import now as current_time
from onewindow.documents.models import Certificate, Document
from onewindow.feedback.models import Rating
from onewindow.feedback.rules import LEVEL_LABELS, Level
from onewindow.notifications.rules import backoff
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action, can

from . import records
from .models import ExchangeCursor, ExchangeRecord, Kind, Status
from .selectors import visible_records

log = logging.getLogger("onewindow.exchange")

SETTLE = timedelta(seconds=90)
BATCH = 2000
MAX_PAGES = 10  # per source and run: a backlog is worked off over several runs, in bounded transactions
DEFAULT_MAX_ATTEMPTS = 12  # with the outbox's backoff (1, 2, 4 … 60 minutes): about eight hours of trying
LEASE = timedelta(minutes=5)
_INTERRUPTED = "上次推送中断（工作进程未报告结果）"
# Requeueing is the center administrator's, as for the notification outbox.
RETRY_ACTION = Action.ORGANIZATION_EDIT


class PushError(Exception):
    """The platform did not take the record; it is tried again later (or given up)."""


def endpoint() -> str:
    """The platform's address, read at every push (a changed configuration applies at once)."""
    return str(settings.ONEWINDOW.get("EXCHANGE_URL") or "")


def max_attempts() -> int:
    return int(settings.ONEWINDOW.get("EXCHANGE_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS)


# --- collect -----------------------------------------------------------------------------------------


def _cursor(source: str) -> ExchangeCursor:
    cursor, _ = ExchangeCursor.objects.select_for_update().get_or_create(source=source)
    return cursor


class _Reader:
    """Pages through a source past its cursor, and knows how far the cursor may then move: past
    every row read up to the first one that has not settled (it, and what follows, are read again
    next time). An unsettled row never stops the reading of the rows after it."""

    def __init__(self, cursor: ExchangeCursor, now: datetime) -> None:
        self.cursor, self.now = cursor, now
        self.position = self.settled = cursor.last_id
        self.settling = False

    def read(self, page: list[tuple[int, datetime]]) -> None:
        settled_before = self.now - SETTLE
        for row_id, written_at in page:
            if written_at > settled_before:
                self.settling = True
            elif not self.settling:
                self.settled = row_id
        if page:
            self.position = page[-1][0]

    def save(self) -> None:
        if self.settled != self.cursor.last_id:
            self.cursor.last_id, self.cursor.updated_at = self.settled, self.now
            self.cursor.save(update_fields=["last_id", "updated_at"])


def _facts(case_ids: set[int]) -> dict[int, records.CaseFacts]:
    cases = Case.objects.filter(id__in=case_ids).select_related("region", "item", "item_version", "department")
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for e in CaseEvent.objects.filter(case_id__in=case_ids).select_related("actor").order_by("case_id", "seq"):
        events[e.case_id].append(e)
    documents: dict[int, dict[int, list[Document]]] = defaultdict(lambda: defaultdict(list))
    for d in Document.objects.filter(case_id__in=case_ids).order_by("id"):
        documents[d.case_id][d.event_seq].append(d)
    certificates: dict[int, list[Certificate]] = defaultdict(list)
    for c in Certificate.objects.filter(case_id__in=case_ids).order_by("id"):
        certificates[c.case_id].append(c)
    tasks: dict[int, dict[int, CaseTask]] = defaultdict(dict)
    for t in CaseTask.objects.filter(case_id__in=case_ids):
        tasks[t.case_id][t.stage_order] = t
    ratings = dict(Rating.objects.filter(case_id__in=case_ids).values_list("case_id", "level"))
    return {c.id: records.CaseFacts(case=c, events=events[c.id], documents=documents[c.id],
                                    certificates=certificates[c.id], tasks=tasks[c.id], satisfaction=ratings.get(c.id))
            for c in cases}


def _insert(rows: list[ExchangeRecord]) -> int:
    # The cursor row is locked for the collection: no other collector writes these keys now, and
    # the ones already written were left out, so every row is new (the conflict clause is a net).
    ExchangeRecord.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def _event_records(page: list[tuple[int, int, int, str, datetime]], now: datetime) -> list[ExchangeRecord]:
    wanted = [(case_id, seq, kind) for _, case_id, seq, kind, _ in page if records.kind_of(kind) is not None]
    if not wanted:
        return []
    known = set(ExchangeRecord.objects.filter(source_key__in=[f"event:{c}:{q}" for c, q, _ in wanted])
                .values_list("source_key", flat=True))
    todo = [w for w in wanted if f"event:{w[0]}:{w[1]}" not in known]
    facts = _facts({case_id for case_id, _, _ in todo})
    rows = []
    for case_id, seq, kind in todo:
        f = facts[case_id]
        event = next(e for e in f.events if e.seq == seq)
        record_kind = records.kind_of(kind)
        assert record_kind is not None
        rows.append(ExchangeRecord(
            region_id=f.case.region_id, case_id=case_id, kind=record_kind, source_key=f"event:{case_id}:{seq}",
            payload=records.BUILDERS[record_kind](f, event), occurred_at=event.at, created_at=now,
            status=Status.PENDING, next_attempt_at=now))
    return rows


def _rating_records(page: list[Rating], now: datetime) -> list[ExchangeRecord]:
    known = set(ExchangeRecord.objects.filter(source_key__in=[f"rating:{r.id}" for r in page])
                .values_list("source_key", flat=True))
    return [ExchangeRecord(
        region_id=r.case.region_id, case_id=r.case_id, kind=Kind.SATISFACTION, source_key=f"rating:{r.id}",
        payload=records.satisfaction(r.case, level=r.level, level_label=LEVEL_LABELS[Level(r.level)],
                                     rated_at=r.rated_at, channel=r.get_channel_display()),
        occurred_at=r.rated_at, created_at=now, status=Status.PENDING, next_attempt_at=now)
        for r in page if r.case is not None and f"rating:{r.id}" not in known]


def _collect_events(now: datetime) -> int:
    reader, created = _Reader(_cursor("case_events"), now), 0
    for _ in range(MAX_PAGES):
        page = list(CaseEvent.objects.filter(id__gt=reader.position).order_by("id")
                    .values_list("id", "case_id", "seq", "kind", "recorded_at")[:BATCH])
        created += _insert(_event_records(page, now))
        reader.read([(row[0], row[4]) for row in page])
        if len(page) < BATCH:
            break
    reader.save()
    return created


def _collect_ratings(now: datetime) -> int:
    # A rating settles by the time it was given, as an event by the time it was recorded.
    reader, created = _Reader(_cursor("ratings"), now), 0
    for _ in range(MAX_PAGES):
        page = list(Rating.objects.filter(id__gt=reader.position, case__isnull=False).order_by("id")
                    .select_related("case__region", "case__item", "case__item_version")[:BATCH])
        created += _insert(_rating_records(page, now))
        reader.read([(r.id, r.rated_at) for r in page])
        if len(page) < BATCH:
            break
    reader.save()
    return created


def collect(*, now: datetime | None = None) -> int:
    """Write the records of the case facts committed since the last collection; returns how many
    are new. Idempotent, and safe in two workers at once (the cursor rows are locked)."""
    now = now or current_time()
    with transaction.atomic():
        return _collect_events(now) + _collect_ratings(now)


def collecting_due(now: datetime, last_started_at: datetime | None = None) -> bool:
    """The job's wake check: a case event past the cursor (one index probe)."""
    last = ExchangeCursor.objects.filter(source="case_events").values_list("last_id", flat=True).first() or 0
    return CaseEvent.objects.filter(id__gt=last, kind__in=sorted(records.EXCHANGED_EVENTS)).exists()


# --- push --------------------------------------------------------------------------------------------


def _post(record: ExchangeRecord, url: str) -> str:
    """One record to the platform; its receipt id. 2xx, or 409 for "already have it", is taken."""
    try:
        receipt = post_json(url, {"record_id": record.source_key, "record_type": record.kind,
                                  "payload": record.payload},
                            token=settings.ONEWINDOW.get("EXCHANGE_TOKEN") or "",
                            timeout=float(settings.ONEWINDOW.get("EXCHANGE_TIMEOUT") or 10), key=record.source_key)
    except PostFailed as exc:
        raise PushError(f"平台返回 {exc.status}" if exc.status else str(exc)) from exc
    return receipt[:100]


def push_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Push up to ``limit`` due records; returns how many the platform took. Call it outside a
    transaction: the requests are made outside any lock."""
    url = endpoint()
    if not url:
        return 0
    at = now or current_time()
    claims = delivery.claim_due(ExchangeRecord, at=at, limit=limit, lease=LEASE, max_attempts=max_attempts(),
                                interrupted=_INTERRUPTED)
    found = ExchangeRecord.objects.in_bulk([c.id for c in claims])
    sent = 0
    for claim in claims:
        sent += _push_one(claim, found[claim.id], url, now)
    return sent


def _push_one(claim: Claim, record: ExchangeRecord, url: str, now: datetime | None) -> int:
    try:
        receipt = _post(record, url)
    except PushError as exc:
        if delivery.record_failure(ExchangeRecord, claim, error=str(exc), at=now or current_time(),
                                   max_attempts=max_attempts(), backoff=backoff):
            log.warning("exchange record %s given up after %s attempts: %s", record.source_key, claim.attempt, exc)
        return 0
    return delivery.record_success(ExchangeRecord, claim, sent_at=now or current_time(), remote_id=receipt)


def pushing_due(now: datetime, last_started_at: datetime | None = None) -> bool:
    """The job's wake check: a record due and somewhere to push it."""
    return bool(endpoint()) and ExchangeRecord.objects.filter(
        status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now).exists()


# --- requeue -----------------------------------------------------------------------------------------


def record_retry(*, record_id: int, actor: Staff | None) -> ExchangeRecord:
    """Requeue a record that was given up, with a fresh budget of attempts. Only a center
    administrator of the record's region; a record that is not failed is returned unchanged."""
    with transaction.atomic():
        record = visible_records(actor).select_for_update().select_related("region").filter(pk=record_id).first()
        if record is None:
            raise NotFound("未找到该交换记录", code="exchange.not_found", field="record_id")
        if not can(actor, RETRY_ACTION, region=record.region):
            raise PermissionDenied(f"您没有重新推送{record.region.name}交换记录的权限", code="forbidden.exchange.retry")
        if record.status != Status.FAILED:
            return record
        if not endpoint():
            raise DomainError("exchange.not_configured", "尚未配置上级平台地址，不能推送", field="record_id")
        record.status, record.attempts, record.next_attempt_at = Status.PENDING, 0, current_time()
        record.save(update_fields=["status", "attempts", "next_attempt_at"])
        log.info("exchange record %s requeued by staff %s", record.source_key, actor.pk)
        return record

