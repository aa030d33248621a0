"""Every write of electronic supervision: the sweep, warnings, supervision orders, efficiency warnings.

**The sweep** (:func:`sweep`, every minute) looks only at what can have changed since the last
one, as recorded in the :class:`~.models.SweepCursor`:

1. *deadline crossings* — index range scans on the due dates stored on the case rows: cases
   whose ``yellow_from``, ``promised_due + 1``, ``statutory_due + 1`` or ``issuance_due + 1``
   fell in (last sweep's day, today]; review stages whose ``due_on + 1`` did; supervision
   orders whose ``reply_due + 1`` did; cases with a :class:`~.models.CaseRecheck` for a day in
   that range (the announced end of a special procedure);
2. *touched cases* — the case events appended since the last event the cursor read (a primary
   key range scan): each such case is checked in full (its events against the one-time notice,
   authorization, stage and visit rules, its hash chain, its deadlines), and its warnings whose
   condition no longer holds are resolved;
3. the *safety net* — live warnings whose case is no longer in the state the condition needs
   (concluded, decided, certificate issued) are resolved;
4. the national calendar of next year, from 1 December.

The full check of a case also writes its statistics row (:class:`~.models.CaseFact`): the
indicators of a county-year then read narrow indexed rows instead of every case's history.

So a sweep's cost grows with the crossings and the activity since the last one, not with the
number of open cases. Firing is idempotent by the database: ``INSERT … ON CONFLICT DO NOTHING``
against the unique ``(rule, target_key, subject)``, so two sweeps at the same moment, or two
workers at once, never create a warning twice. Every new red warning is sent by SMS to the
case's handlers and the department's chief representatives whose login carries a mobile number
(``accounts.User.phone``; ``Staff`` has no phone of its own), and the warning's history records
who was told and why anyone was not.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from onewindow.cases.history import verify_case
from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.cases.states import STATUS_LABELS, TERMINAL, Status
from onewindow.cases.timing import calendar_of, clock_events, forget_yellow_shares, limits_for
from onewindow.catalog.models import Stage
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.identity import mask_id
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.notifications.rules import is_mainland_mobile, normalize_phone
from onewindow.notifications.services import notify
from onewindow.organization.models import Department, Posting, Region, Staff
from onewindow.organization.permissions import Action, can, require
from onewindow.organization.rules import Role
from onewindow.tasks.services import job_run_soon
from onewindow.workdays.arithmetic import CalendarRangeError
from onewindow.workdays.clock import PAUSE_LABELS, clock
from onewindow.workdays.models import PublishedYear
from onewindow.workdays.selectors import snapshot_for

from . import bulk
from . import indicators as ind
from . import rules as r
from .models import (
    CaseFact,
    CaseRecheck,
    EfficiencyWarning,
    NumberSequence,
    SupervisionOrder,
    SupervisionOrderEvent,
    SupervisionSettings,
    SweepCursor,
    Warning,
    WarningEvent,
)
from .rules import Code, Finding, Level, OrderAction, OrderState, State
from .selectors import all_configs, config_for_region, is_responsible

log = logging.getLogger("onewindow.supervision")
REFRESH_YELLOW_JOB = "cases.refresh_yellow_lines"

CURSOR = "sweep"
# Case events younger than this (by the wall clock) are read again by the next sweep: a
# transaction that took an event id earlier may commit later, and must not be skipped.
SETTLE = timedelta(seconds=90)
# At most this many new case events per sweep; the rest wait for the next one (a first sweep
# over an old database catches up gradually instead of holding one huge transaction).
MAX_EVENTS_PER_SWEEP = 20_000
_CHUNK = 500
_ONE_DAY = timedelta(days=1)
_HANDLING = sorted(r.HANDLING_STATUSES)
_LIVE = [str(s) for s in r.LIVE_STATES]

# Rules the full check of one case decides, so a touched case's live warnings of these rules
# that are no longer found are resolved. The order and calendar rules are not about a case.
CASE_CONDITION_RULES = frozenset({Code.PROMISED_NEAR, Code.PROMISED_OVERDUE, Code.STATUTORY_OVERDUE,
                                  Code.ISSUANCE_OVERDUE, Code.STAGE_OVERDUE, Code.SPECIAL_PROCEDURE_OVERRUN,
                                  Code.RECORD_MISMATCH})

T = TypeVar("T")


def _chunks(values: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


# -- the sweep -----------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    """What one sweep did, for the job log and the benchmark."""

    fired: int = 0
    resolved: int = 0
    crossings: int = 0  # case rows, tasks and orders found by the range scans
    checked_cases: int = 0  # cases checked in full (touched or due for a recheck)
    notified: int = 0  # SMS messages queued
    touched_cases: int = 0  # cases with events since the last sweep
    duration_ms: int = 0


@dataclass
class _Run:
    """The state of one sweep: its moment, the centers' settings, and what it found."""

    now: datetime
    today: date
    configs: dict[str, r.SupervisionConfig]
    batch: uuid.UUID = field(default_factory=uuid.uuid4)
    findings: dict[tuple[str, str, str], Finding] = field(default_factory=dict)
    holding: set[tuple[str, str, str]] = field(default_factory=set)  # condition identities found to hold
    result: SweepResult = field(default_factory=SweepResult)
    by_region: dict[str, r.SupervisionConfig] = field(default_factory=dict)  # config_for, once per region

    def enabled(self, code: str, region_code: str) -> bool:
        config = self.by_region.get(region_code)
        if config is None:
            config = self.by_region[region_code] = r.config_for(region_code, self.configs)
        return config.is_enabled(code)

    def found(self, finding: Finding, region_code: str) -> None:
        """A rule holds. Fired if the center has it on; remembered as holding either way, so a
        switched-off rule does not resolve its earlier warnings by omission."""
        if r.RULES[finding.rule].nature == r.Nature.CONDITION:
            self.holding.add(finding.identity)
        if self.enabled(finding.rule, region_code):
            self.findings.setdefault(finding.identity, finding)


def sweep(*, now: datetime | None = None) -> SweepResult:
    """One pass of electronic supervision as of ``now`` (see the module docstring). Idempotent."""
    started = time.monotonic()
    now = now or current_time()
    run = _Run(now=now, today=local_date(now), configs=all_configs())
    with transaction.atomic():
        if bulk.is_postgresql():
            # The sweep is idempotent: if the server crashed right after this commit was reported,
            # the next sweep would simply do the same work again (at worst an SMS that went out
            # in that instant goes out once more). Not waiting for the WAL flush saves a large
            # share of a sweep that fires thousands of warnings.
            with connection.cursor() as c:
                c.execute("SET LOCAL synchronous_commit TO OFF")
        cursor, _ = SweepCursor.objects.get_or_create(name=CURSOR)
        lo = cursor.last_day
        new_day = lo is None or lo < run.today
        _deadline_crossings(run, lo)
        _stage_crossings(run, lo)
        _order_crossings(run, lo)
        recheck = _rechecks_due(run, lo)
        touched, last_event_id = _touched_cases(cursor.last_event_id)
        run.result.touched_cases = len(touched)
        recheck |= touched
        _check_cases(run, sorted(recheck))
        if new_day:
            _calendar_findings(run)
        # Before firing: the net looks only at warnings of earlier sweeps.
        run.result.resolved += _resolve_safety_net(run)
        created = _fire(run)
        run.result.fired = len(created)
        run.result.notified = _notify_red(run, created)
        run.result.resolved += _resolve_calendar(run)
        CaseRecheck.objects.filter(on_day__lte=run.today).delete()
        run.result.duration_ms = int((time.monotonic() - started) * 1000)
        # Only forward: a late sweep (a worker that was stuck) never moves the cursor back.
        SweepCursor.objects.filter(pk=cursor.pk).filter(Q(last_day__isnull=True) | Q(last_day__lte=run.today)).update(
            last_day=run.today, last_at=now)
        SweepCursor.objects.filter(pk=cursor.pk, last_event_id__lt=last_event_id).update(last_event_id=last_event_id)
        SweepCursor.objects.filter(pk=cursor.pk).update(
            runs=F("runs") + 1, last_fired=run.result.fired, last_resolved=run.result.resolved,
            last_duration_ms=run.result.duration_ms)
    return run.result


_ROW_FIELDS = ("id", "number", "status", "yellow_from", "promised_due", "statutory_due", "issuance_due",
               "region_id", "region__code", "department_id", "window_id")


def _deadline_crossings(run: _Run, lo: date | None) -> None:
    """Cases whose stored due dates crossed a line in (lo, today]: four index range scans.

    The line of yellow is the start of ``yellow_from``; the line of a due date is the start of the
    day after it (a due date ends at 23:59:59 of its own day). On the first sweep ``lo`` is None
    and everything already crossed is caught up once.
    """
    today = run.today

    def since(name: str, *, day_after: bool) -> Q:
        # crossing day = value (+1 for due dates) in (lo, today]
        upper = Q(**{f"{name}__lt": today}) if day_after else Q(**{f"{name}__lte": today})
        if lo is None:
            return upper
        lower = Q(**{f"{name}__gte": lo}) if day_after else Q(**{f"{name}__gt": lo})
        return upper & lower

    scans = [
        Case.objects.filter(since("yellow_from", day_after=False), status__in=_HANDLING),
        Case.objects.filter(since("promised_due", day_after=True), status__in=_HANDLING),
        Case.objects.filter(since("statutory_due", day_after=True), status__in=_HANDLING),
        Case.objects.filter(since("issuance_due", day_after=True), status__in=sorted(r.ISSUANCE_STATUSES)),
    ]
    rows: dict[int, dict[str, Any]] = {}
    past_due: set[int] = set()  # found by a due-date scan: may have a yellow (or an older due) to resolve
    for i, qs in enumerate(scans):
        for row in qs.order_by().values(*_ROW_FIELDS):
            rows[row["id"]] = row
            if i:
                past_due.add(row["id"])
    run.result.crossings += len(rows)
    for row in rows.values():
        holding = r.deadline_subjects(r.CaseDates(row["status"], row["yellow_from"], row["promised_due"],
                                                  row["statutory_due"], row["issuance_due"]), today)
        for code, due in holding.items():
            run.found(_deadline_finding(code, due, row), row["region__code"])
    # A case that turned red is no longer "near" its due date: resolve its yellow now.
    _resolve_deadlines_of(run, {i: rows[i] for i in past_due})


def _deadline_finding(code: str, due: date, row: dict[str, Any]) -> Finding:
    return Finding(rule=code, subject=due.isoformat(), region_id=row["region_id"], case_id=row["id"],
                   department_id=row["department_id"], window_id=row["window_id"], due_on=due,
                   message=r.deadline_message(code, row["number"], due))


def _resolve_deadlines_of(run: _Run, rows: dict[int, dict[str, Any]]) -> None:
    """Resolve the live deadline warnings of these cases that the range scan no longer found."""
    ids = sorted(rows)
    for chunk in _chunks(ids, 2000):
        live = (Warning.objects.filter(case_id__in=chunk, rule__in=sorted(r.DEADLINE_RULES), state__in=_LIVE)
                .order_by().values_list("id", "rule", "target_key", "subject", "case_id"))
        stale: dict[str, list[int]] = defaultdict(list)
        for wid, rule, key, subject, case_id in live:
            if (rule, key, subject) in run.holding:
                continue
            due = rows[case_id]["promised_due"]
            turned_red = rule == Code.PROMISED_NEAR and due is not None and run.today > due
            stale["已转为红牌预警" if turned_red else "期限已变化，预警条件已不存在"].append(wid)
        for reason, wids in stale.items():
            run.result.resolved += _resolve(wids, reason=reason, at=run.now)


def _stage_crossings(run: _Run, lo: date | None) -> None:
    """Review stages whose budget ran out in (lo, today] (``due_on + 1`` in the range)."""
    day_range = Q(due_on__lt=run.today) & (Q(due_on__gte=lo) if lo is not None else Q())
    tasks = (CaseTask.objects.filter(day_range, state=CaseTask.State.OPEN, case__status__in=_HANDLING).order_by()
             .values("id", "case_id", "due_on", "department_id", "assignee_id", "stage_name", "case__number",
                     "case__status", "case__promised_due", "case__region_id", "case__region__code", "case__window_id"))
    for t in tasks:
        run.result.crossings += 1
        if r.stage_overdue(task_open=True, due_on=t["due_on"], today=run.today, case_status=t["case__status"],
                           promised_due=t["case__promised_due"]):
            run.found(_stage_finding(t["id"], t["due_on"], t["stage_name"], t["case_id"], t["case__number"],
                                     t["case__region_id"], t["department_id"], t["assignee_id"], t["case__window_id"]),
                      t["case__region__code"])


def _stage_finding(task_id: int, due_on: date, stage_name: str, case_id: int, number: str, region_id: int,
                   department_id: int, assignee_id: int | None, window_id: int | None) -> Finding:
    return Finding(rule=Code.STAGE_OVERDUE, subject=f"task:{task_id}:{due_on.isoformat()}", region_id=region_id,
                   case_id=case_id, department_id=department_id, staff_id=assignee_id, window_id=window_id,
                   due_on=due_on,
                   message=f"办件 {number} 的“{stage_name}”环节超过环节时限（{r.fmt(due_on)}）仍未办结")


def _order_crossings(run: _Run, lo: date | None) -> None:
    """Supervision orders whose reply date passed in (lo, today] without a reply."""
    day_range = Q(reply_due__lt=run.today) & (Q(reply_due__gte=lo) if lo is not None else Q())
    orders = (SupervisionOrder.objects.filter(day_range, state__in=[OrderState.ISSUED, OrderState.RETURNED])
              .select_related("region", "department"))
    for order in orders:
        run.result.crossings += 1
        run.found(_order_finding(order), order.region.code)


def _order_finding(order: SupervisionOrder) -> Finding:
    return Finding(rule=Code.ORDER_REPLY_OVERDUE, subject=f"order:{order.id}:{order.reply_due.isoformat()}",
                   region_id=order.region_id, department_id=order.department_id, case_id=None,
                   due_on=order.reply_due, details={"order_id": order.id},
                   message=f"督办单 {order.number}（{order.subject}）的回复期限 {r.fmt(order.reply_due)} 已过，"
                           f"{order.department.name}尚未回复")


def _rechecks_due(run: _Run, lo: date | None) -> set[int]:
    qs = CaseRecheck.objects.filter(on_day__lte=run.today)
    if lo is not None:
        qs = qs.filter(on_day__gt=lo)
    return set(qs.values_list("case_id", flat=True))


def _touched_cases(after_id: int) -> tuple[set[int], int]:
    """The cases with events after ``after_id``, and how far the cursor may safely move."""
    settled_before = timezone.now() - SETTLE
    rows = list(CaseEvent.objects.filter(id__gt=after_id).order_by("id")
                .values_list("id", "case_id", "recorded_at")[:MAX_EVENTS_PER_SWEEP])
    cursor = after_id
    unsettled = False
    for event_id, _, recorded_at in rows:
        if recorded_at is not None and recorded_at > settled_before:
            unsettled = True
        if not unsettled:
            cursor = event_id
    return {case_id for _, case_id, _ in rows}, cursor


# -- the full check of one case --------------------------------------------------------------------------


def _review_stage_orders(version_ids: Iterable[int]) -> dict[int, list[int]]:
    """The stages of each item version that need a review of their own.

    Acceptance and decision stages are completed by those actions (the same reading as
    ``onewindow.cases.services._handled_by_events``).
    """
    result: dict[int, list[int]] = defaultdict(list)
    for version_id, order, role in (Stage.objects.filter(version_id__in=list(version_ids))
                                    .values_list("version_id", "order", "role")):
        if role not in (Role.CLERK, Role.CHIEF_REPRESENTATIVE):
            result[version_id].append(order)
    return result


def _check_cases(run: _Run, case_ids: Sequence[int]) -> None:
    """Check each case in full; resolve its condition warnings that no longer hold."""
    for chunk in _chunks(case_ids):
        cases = list(Case.objects.filter(id__in=chunk)
                     .select_related("region", "department", "item", "item_version", "window"))
        events: dict[int, list[CaseEvent]] = defaultdict(list)
        for ev in CaseEvent.objects.filter(case_id__in=chunk).order_by("case_id", "seq"):
            events[ev.case_id].append(ev)
        tasks: dict[int, list[CaseTask]] = defaultdict(list)
        for task in CaseTask.objects.filter(case_id__in=chunk):
            tasks[task.case_id].append(task)
        stages = _review_stage_orders({c.item_version_id for c in cases})
        actors = {s.id: s for s in Staff.objects.filter(
            id__in={e.actor_id for evs in events.values() for e in evs
                    if e.actor_id and e.kind in r.AUTHORIZED_EVENTS})}
        intakes = _intakes_of(cases)
        rechecks: list[CaseRecheck] = []
        for case in cases:
            _check_case(run, case, events[case.id], tasks[case.id], stages.get(case.item_version_id, []), actors,
                        intakes, rechecks)
        run.result.checked_cases += len(cases)
        _record_facts([c.id for c in cases])
        if rechecks:
            CaseRecheck.objects.bulk_create(rechecks, ignore_conflicts=True)
        live = (Warning.objects.filter(case_id__in=chunk, rule__in=sorted(CASE_CONDITION_RULES), state__in=_LIVE)
                .order_by().values_list("id", "rule", "target_key", "subject", "case_id"))
        by_case = {c.id: c for c in cases}
        stale: dict[str, list[int]] = defaultdict(list)
        for wid, rule, key, subject, case_id in live:
            if (rule, key, subject) not in run.holding:
                stale[_resolution_reason(rule, by_case.get(case_id), run.today)].append(wid)
        for reason, ids in stale.items():
            run.result.resolved += _resolve(ids, reason=reason, at=run.now)


# -- the facts the indicators count ---------------------------------------------------------------------

_FACT_SOURCE = ("id", "region_id", "region__code", "department_id", "window_id", "accepted_on", "status",
                "concluded_at", "promised_due", "visits", "item_version__handling_type", "item_version__is_joint",
                "item_version__statutory_limit", "item_version__promised_limit")


def _record_facts(case_ids: Sequence[int]) -> int:
    """Write (or complete) the statistics rows of these cases: every accepted one, with what the
    indicators count once it is concluded. Two queries and one upsert per call."""
    rows = list(Case.objects.filter(id__in=list(case_ids), accepted_on__isnull=False).order_by()
                .values_list(*_FACT_SOURCE))
    if not rows:
        return 0
    decided: dict[int, datetime] = {}
    concluded = [row[0] for row in rows if row[6] == Status.CONCLUDED]
    for case_id, at in (CaseEvent.objects.filter(case_id__in=concluded, kind="decided").order_by("case_id", "seq")
                        .values_list("case_id", "at")):
        decided.setdefault(case_id, at)
    calendars: dict[str, Any] = {}  # one snapshot lookup per region, not per case
    names = ("case_id", "region_id", "department_id", "window_id", "accepted_on", "concluded_on", "finished_on",
             "on_time", "early", "is_instant", "visits", "workdays", "compression")
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for (case_id, region_id, code, department_id, window_id, accepted_on, status, concluded_at, promised_due, visits,
         handling, joint, statutory, promised) in rows:
        instant = handling == "instant"
        fact = None
        concluded_on = finished = None
        if status == Status.CONCLUDED and concluded_at is not None:
            # The clock's reading: the handling clock is answered by the decision (Art. 42), or by
            # the conclusion of a case that has none (an instant case).
            concluded_on = local_date(concluded_at)
            finished = local_date(decided.get(case_id, concluded_at))
            if code not in calendars:
                calendars[code] = snapshot_for(code)
            fact = ind.fact_of(ind.CaseRow(
                region_code=code, accepted_on=accepted_on, finished_on=finished, promised_due=promised_due,
                statutory_limit=45 if joint else statutory, promised_limit=0 if instant else promised,
                is_instant=instant, visits=visits), calendars[code])
        values = (case_id, region_id, department_id, window_id, accepted_on, concluded_on, finished,
                  fact.on_time if fact else None, fact.early if fact else None, instant, visits,
                  fact.workdays if fact else None, fact.compression if fact else None)
        for name, value in zip(names, values, strict=True):
            columns[name].append(value)
    bulk.insert_columns(CaseFact, columns, rows=len(rows), update_on="case")
    return len(rows)


def facts_backfill(*, after_id: int = 0, batch: int = 5000, limit: int | None = None) -> int:
    """Write the statistics rows of every accepted case with an id above ``after_id`` (cases from
    before supervision ran, or after a restore). Idempotent; returns how many were written."""
    written = 0
    cursor = after_id
    while limit is None or written < limit:
        ids = list(Case.objects.filter(id__gt=cursor, accepted_on__isnull=False).order_by("id")
                   .values_list("id", flat=True)[:batch])
        if not ids:
            break
        with transaction.atomic():
            written += _record_facts(ids)
        cursor = ids[-1]
    return written


def _resolution_reason(rule: str, case: Case | None, today: date) -> str:
    """Why a condition no longer holds, in words for the warning's history."""
    if case is None:
        return "预警条件已不存在"
    status = Status(case.status)
    if status in TERMINAL:
        return f"办件{STATUS_LABELS[status]}"
    if rule == Code.ISSUANCE_OVERDUE and status != Status.GRANTED:
        return "证件已颁发"
    if rule in (Code.PROMISED_NEAR, Code.PROMISED_OVERDUE, Code.STATUTORY_OVERDUE) and status not in (
            Status.IN_REVIEW, Status.SPECIAL_PROCEDURE):
        return "已作出决定"
    if rule == Code.PROMISED_NEAR and case.promised_due is not None and today > case.promised_due:
        return "已转为红牌预警"
    if rule == Code.STAGE_OVERDUE:
        return "环节已办结或办件已超过承诺期限"
    if rule == Code.SPECIAL_PROCEDURE_OVERRUN:
        return "特别程序已结束"
    if rule == Code.RECORD_MISMATCH:
        return "办件记录与事件链已一致"
    return "期限已变化，预警条件已不存在"


def _intakes_of(cases: Sequence[Case]) -> dict[tuple[str, str], list[r.Intake]]:
    """Every accepted case of the same applicants and items (by the item's basic code, which is
    the same in every region), for the double-intake rule: one query per chunk."""
    ids = {c.applicant_id_number for c in cases if c.accepted_on is not None and c.applicant_id_number}
    found: dict[tuple[str, str], list[r.Intake]] = defaultdict(list)
    if not ids:
        return found
    rows = (Case.objects.filter(applicant_id_number__in=sorted(ids), accepted_on__isnull=False)
            .exclude(status__in=[Status.REFUSED, Status.WITHDRAWN])
            .values_list("id", "applicant_id_number", "item__basic_code", "region_id", "window_id", "accepted_on",
                         "concluded_at"))
    for case_id, id_number, basic_code, region_id, window_id, accepted_on, concluded_at in rows:
        found[(id_number, basic_code)].append(r.Intake(case_id, region_id, window_id, accepted_on,
                                                       local_date(concluded_at) if concluded_at else None))
    return found


def _check_case(run: _Run, case: Case, events: list[CaseEvent], tasks: list[CaseTask], review_stages: list[int],
                actors: dict[int, Staff], intakes: dict[tuple[str, str], list[r.Intake]],
                rechecks: list[CaseRecheck]) -> None:
    today, code = run.today, case.region.code
    base = {"region_id": case.region_id, "case_id": case.id, "department_id": case.department_id,
            "window_id": case.window_id}
    row = {"id": case.id, "number": case.number, "region_id": case.region_id, "department_id": case.department_id,
           "window_id": case.window_id}

    # Deadlines, from the row (the same reading as the range scans).
    dates = r.CaseDates(case.status, case.yellow_from, case.promised_due, case.statutory_due, case.issuance_due)
    for rule_code, due in r.deadline_subjects(dates, today).items():
        run.found(_deadline_finding(rule_code, due, row), code)

    # Review stages over budget.
    for task in tasks:
        if r.stage_overdue(task_open=task.state == CaseTask.State.OPEN, due_on=task.due_on, today=today,
                           case_status=case.status, promised_due=case.promised_due):
            assert task.due_on is not None
            run.found(_stage_finding(task.id, task.due_on, task.stage_name, case.id, case.number, case.region_id,
                                     task.department_id, task.assignee_id, case.window_id), code)

    facts = [r.EventFact(e.seq, e.kind, local_date(e.at), e.actor_id, e.payload or {}) for e in events]

    # A special procedure past its announced end (Art. 45); otherwise look again the day after it.
    if case.status == Status.SPECIAL_PROCEDURE:
        _check_special_procedure(run, case, events, base, rechecks)

    # 视为受理 (Art. 32): red against the window that let the acceptance window pass.
    for ev in facts:
        if ev.kind == "deemed_accepted":
            where = str(case.window) if case.window else case.department.name
            run.found(Finding(rule=Code.DEEMED_ACCEPTANCE, subject=f"event:{ev.seq}", due_on=case.acceptance_due,
                              message=f"办件 {case.number} 收件后 5 个工作日内未作出受理决定，于 {r.fmt(ev.day)} "
                                      f"依法视为受理（{where}）", **base), code)

    # 一次告知: a later notice that adds materials.
    for ev, added in r.repeated_supplement_notices(facts):
        run.found(Finding(rule=Code.SUPPLEMENT_REPEATED, subject=f"event:{ev.seq}",
                          message=f"办件 {case.number} 于 {r.fmt(ev.day)} 再次告知补正并增加了材料：{'、'.join(added)}"
                                  "（违反一次性告知）", **base), code)

    # Decisions with review stages left out.
    names = {t.stage_order: t.stage_name for t in tasks}
    for ev, missing in r.skipped_stages(facts, review_stages):
        listed = "、".join(names.get(s, f"第{s}环节") for s in missing)
        run.found(Finding(rule=Code.STAGES_SKIPPED, subject=f"event:{ev.seq}",
                          message=f"办件 {case.number} 于 {r.fmt(ev.day)} 作出决定时，审核环节 {listed} 尚未办结",
                          staff_id=ev.actor_id, **base), code)

    # Decisions and certificates by someone without the role or the authorization that day.
    for ev in facts:
        perm = r.required_permission(ev.kind, ev.payload)
        if perm is None or ev.actor_id is None:
            continue
        actor = actors.get(ev.actor_id)
        if actor is None:
            continue
        if not can(actor, Action(perm), region=case.region, department=case.department, item=case.item, on=ev.day):
            what = "作出审批决定" if ev.kind == "decided" else "制发证照"
            run.found(Finding(rule=Code.DECISION_UNAUTHORIZED, subject=f"event:{ev.seq}", staff_id=actor.id,
                              message=f"{actor.name}于 {r.fmt(ev.day)} 对办件 {case.number} {what}，"
                                      "但当日不具有相应岗位或授权", **base), code)

    # More visits than the guide promises (最多跑一次).
    max_visits = case.item_version.max_visits
    if r.visits_exceeded(case.visits, max_visits):
        run.found(Finding(rule=Code.VISITS_EXCEEDED, subject=f"max:{max_visits}",
                          message=f"办件 {case.number} 申请人到现场 {case.visits} 次，超过办事指南公布的 {max_visits} 次",
                          **base), code)

    # 两头受理: the same applicant and item accepted twice, overlapping, elsewhere.
    if case.accepted_on is not None:
        mine = r.Intake(case.id, case.region_id, case.window_id, case.accepted_on,
                        local_date(case.concluded_at) if case.concluded_at else None)
        for other in r.double_intakes(mine, intakes.get((case.applicant_id_number, case.item.basic_code), [])):
            # Held against the later of the two, once.
            if (other.accepted_on, other.case_id) > (mine.accepted_on, mine.case_id):
                continue
            run.found(Finding(rule=Code.DOUBLE_INTAKE, subject=f"case:{other.case_id}",
                              message=f"申请人 {mask_id(case.applicant_id_number)} 的“{case.item_version.name}”"
                                      f"已于 {r.fmt(other.accepted_on)} 由另一办件受理且仍在办理期间，"
                                      f"办件 {case.number} 于 {r.fmt(mine.accepted_on)} 又在另一窗口或区划受理",
                              details={"other_case_id": other.case_id}, **base), code)

    # 办记不符: the row differs from its history, or the hash chain is broken.
    verification = verify_case(case)
    if not verification.ok:
        first = verification.breaks[0]
        run.found(Finding(rule=Code.RECORD_MISMATCH, subject="chain",
                          message=f"办件 {case.number} 办记不符：{first.message}"
                                  + (f"（共 {len(verification.breaks)} 处）" if len(verification.breaks) > 1 else ""),
                          details={"breaks": [{"seq": b.seq, "code": b.code, "message": b.message}
                                              for b in verification.breaks]}, **base), code)


def _check_special_procedure(run: _Run, case: Case, events: list[CaseEvent], base: dict[str, Any],
                             rechecks: list[CaseRecheck]) -> None:
    try:
        state = clock(clock_events(events), limits_for(case.item_version, case.region.code), calendar_of(case), run.now)
    except CalendarRangeError:
        return
    if not state.paused or not state.pauses:
        return
    pause = state.pauses[-1]
    if r.special_procedure_overrun(running=True, expected_end=pause.expected_end, today=run.today):
        assert pause.expected_end is not None
        run.found(Finding(rule=Code.SPECIAL_PROCEDURE_OVERRUN, subject=f"pause:{pause.start.isoformat()}",
                          due_on=pause.expected_end,
                          message=f"办件 {case.number} 的特别程序（{PAUSE_LABELS.get(pause.procedure, pause.procedure)}）"
                                  f"已超过书面告知的 {pause.announced_workdays} 个工作日"
                                  f"（应于 {r.fmt(pause.expected_end)} 结束）仍未结束", **base), case.region.code)
    elif pause.expected_end is not None:
        rechecks.append(CaseRecheck(case=case, on_day=pause.expected_end + _ONE_DAY, reason="special_procedure"))


# -- the calendar --------------------------------------------------------------------------------------


def _calendar_findings(run: _Run) -> None:
    """From 1 December, next year's national holiday arrangement must be in the calendar (§4 rule 10)."""
    next_year = run.today.year + 1
    published = PublishedYear.objects.filter(calendar__region__isnull=True, year=next_year).exists()
    year = r.calendar_due(run.today, [next_year] if published else [])
    if year is None:
        return
    for region_id, code in Region.objects.filter(has_center=True).values_list("id", "code"):
        run.found(Finding(rule=Code.CALENDAR_UNPUBLISHED, subject=str(year), region_id=region_id,
                          due_on=date(year, 1, 1),
                          message=f"{year} 年的节假日安排尚未录入工作日历，{year} 年的期限暂按周末计算，"
                                  "请中心管理员及时发布"), code)


def _resolve_calendar(run: _Run) -> int:
    live = list(Warning.objects.filter(rule=Code.CALENDAR_UNPUBLISHED, state__in=_LIVE)
                .values_list("id", "subject"))
    if not live:
        return 0
    years = {int(s) for _, s in live}
    published = set(PublishedYear.objects.filter(calendar__region__isnull=True, year__in=years)
                    .values_list("year", flat=True))
    return _resolve([wid for wid, s in live if int(s) in published], reason="节假日安排已发布", at=run.now)


# -- the safety net --------------------------------------------------------------------------------------


# The case statuses in which each case condition can still hold (the safety net's reading).
_HOLDS_IN: dict[str, frozenset[str]] = {
    **{code: r.HANDLING_STATUSES for code in (Code.PROMISED_NEAR, Code.PROMISED_OVERDUE, Code.STATUTORY_OVERDUE,
                                              Code.STAGE_OVERDUE, Code.SPECIAL_PROCEDURE_OVERRUN)},
    Code.ISSUANCE_OVERDUE: r.ISSUANCE_STATUSES,
}


def _resolve_safety_net(run: _Run) -> int:
    """Live condition warnings whose case or order has left the state the condition needs: one
    pass over the live warnings (however many open cases there are)."""
    stale: dict[str, list[int]] = defaultdict(list)
    live = (Warning.objects.filter(state__in=_LIVE, rule__in=sorted(_HOLDS_IN)).order_by()
            .values_list("id", "rule", "case__status"))
    for wid, rule, status in live:
        if status is None or status in _HOLDS_IN[rule]:
            continue
        status = Status(status)
        if status in TERMINAL:
            reason = f"办件{STATUS_LABELS[status]}"
        elif rule == Code.ISSUANCE_OVERDUE:
            reason = "证件已颁发"
        else:
            reason = "已作出决定"
        stale[reason].append(wid)
    stale["督办单已回复"] = list(Warning.objects.filter(state__in=_LIVE, rule=Code.ORDER_REPLY_OVERDUE)
                             .exclude(order__state__in=[OrderState.ISSUED, OrderState.RETURNED]).order_by()
                             .values_list("id", flat=True))
    return sum(_resolve(ids, reason=reason, at=run.now) for reason, ids in stale.items() if ids)


# -- firing, notifying, resolving --------------------------------------------------------------------------


@dataclass(frozen=True)
class Fired:
    """A warning this sweep created (what notifying it needs)."""

    id: int
    rule: str
    level: str
    case_id: int | None
    department_id: int | None
    staff_id: int | None
    region_id: int
    target_key: str
    message: str


_FIRED = ("id", "rule", "level", "case_id", "department_id", "staff_id", "region_id", "target_key", "message")


def _fire(run: _Run) -> list[Fired]:
    """Insert the findings; return the warnings this run created (the others existed already).

    ``INSERT … ON CONFLICT DO NOTHING`` on the unique (rule, target_key, subject): a warning
    fired by an earlier sweep, or by another worker right now, is skipped by the database.
    """
    if not run.findings:
        return []
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in run.findings.values():
        by_rule[f.rule].append(f)
    created: list[Fired] = []
    for code, group in by_rule.items():
        spec = r.RULES[code]
        returned = bulk.insert_columns(Warning, {
            # the same for the whole group
            "rule": bulk.Same(code), "level": bulk.Same(spec.level), "severe": bulk.Same(spec.severe),
            "target_kind": bulk.Same(spec.target), "basis": bulk.Same(spec.basis), "fired_at": bulk.Same(run.now),
            "state": bulk.Same(State.OPEN), "batch": bulk.Same(run.batch),
            # one per warning
            "target_key": [f.target_key for f in group], "subject": [f.subject for f in group],
            "region_id": [f.region_id for f in group], "case_id": [f.case_id for f in group],
            "department_id": [f.department_id for f in group], "window_id": [f.window_id for f in group],
            "staff_id": [f.staff_id for f in group], "order_id": [f.details.get("order_id") for f in group],
            "due_on": [f.due_on for f in group], "message": [f.message for f in group],
            "details": (bulk.Same({}) if not any(len(f.details) > ("order_id" in f.details) for f in group)
                        else [{k: v for k, v in f.details.items() if k != "order_id"} for f in group]),
        }, rows=len(group), ignore_conflicts=True, returning=_FIRED)
        created.extend(Fired(*row) for row in returned)
    if not bulk.is_postgresql():
        created = [Fired(*row) for row in Warning.objects.filter(batch=run.batch).order_by("id").values_list(*_FIRED)]
    # Firing is the row itself (its fired_at, message and basis); the history records what
    # happens to it next: notified or why not, explained, resolved, closed out.
    return created


def _resolve(ids: Sequence[int], *, reason: str, at: datetime, actor: Staff | None = None,
             kind: str = WarningEvent.Kind.RESOLVED) -> int:
    """Resolve the live warnings among ``ids``, with one history entry each; returns how many.

    The rows are locked first and re-read, so two sweeps resolving at once log it once.
    """
    total = 0
    for chunk in _chunks(sorted(ids), 1000):
        # Locked in id order, so two sweeps resolving overlapping sets never deadlock on each other.
        live = list(Warning.objects.select_for_update().filter(id__in=chunk, state__in=_LIVE).order_by("id")
                    .values_list("id", flat=True))
        if not live:
            continue
        Warning.objects.filter(id__in=live).update(state=State.RESOLVED, resolved_at=at, resolution=reason[:200],
                                                   resolved_by=actor)
        bulk.insert_columns(WarningEvent, {"warning_id": live, "kind": bulk.Same(kind), "at": bulk.Same(at),
                                           "actor_id": bulk.Same(actor.id if actor else None),
                                           "note": bulk.Same(reason)}, rows=len(live))
        total += len(live)
    return total


def _chiefs_of(department_ids: Iterable[int]) -> dict[int, set[int]]:
    """Chief representatives per department: posted to it, or to its whole region."""
    departments = dict(Department.objects.filter(id__in=list(department_ids)).values_list("id", "region_id"))
    if not departments:
        return {}
    postings = Posting.objects.filter(role=Role.CHIEF_REPRESENTATIVE).filter(
        Q(department_id__in=list(departments)) | Q(department__isnull=True, window__isnull=True,
                                                   region_id__in=set(departments.values())))
    result: dict[int, set[int]] = defaultdict(set)
    for staff_id, department_id, region_id in postings.values_list("staff_id", "department_id", "region_id"):
        for dept_id, dept_region in departments.items():
            if department_id == dept_id or (department_id is None and region_id == dept_region):
                result[dept_id].add(staff_id)
    return result


def _handlers_of(case_ids: Sequence[int]) -> dict[int, set[int]]:
    """Who handles each case now: the holders of its open review stages, else the holder of the
    stage completed last (one query on the stage table; a case without stages has only its chief)."""
    open_holders: dict[int, set[int]] = defaultdict(set)
    last_done: dict[int, tuple[datetime, int]] = {}
    # .order_by(): the default ordering (by case, ordered by submission time) would join the cases.
    for case_id, assignee, state, done_at in (CaseTask.objects.filter(case_id__in=case_ids, assignee_id__isnull=False)
                                              .order_by().values_list("case_id", "assignee_id", "state", "done_at")):
        if state == CaseTask.State.OPEN:
            open_holders[case_id].add(assignee)
        elif done_at is not None and (case_id not in last_done or done_at > last_done[case_id][0]):
            last_done[case_id] = (done_at, assignee)
    result: dict[int, set[int]] = dict(open_holders)
    for case_id, (_, assignee) in last_done.items():
        result.setdefault(case_id, {assignee})
    return result


def _notify_red(run: _Run, created: Sequence[Fired]) -> int:
    """SMS every new red warning to its handlers and the department's chief representatives.

    Staff have no phone field of their own; the login's ``phone`` is used when it is a mainland
    mobile number. The warning's history says who was told, and why anyone was not.
    """
    red = [w for w in created if w.level == Level.RED]
    if not red:
        return 0
    case_ids = sorted({w.case_id for w in red if w.case_id})
    handlers = _handlers_of(case_ids) if case_ids else {}
    chiefs = _chiefs_of({w.department_id for w in red if w.department_id})
    wanted: dict[int, set[int]] = {}
    for w in red:
        people = set(handlers.get(w.case_id, set())) if w.case_id else set()
        if w.staff_id:
            people.add(w.staff_id)
        if w.department_id:
            people |= chiefs.get(w.department_id, set())
        wanted[w.id] = people
    everyone = {s for people in wanted.values() for s in people}
    staff: dict[int, tuple[str, str, str]] = {}  # id → (name, phone as given, mobile or "")
    for sid, name, phone in Staff.objects.filter(id__in=everyone).values_list("id", "name", "user__phone"):
        mobile = normalize_phone(phone or "")
        staff[sid] = (name, phone or "", mobile if is_mainland_mobile(mobile) else "")
    texted = [w for w in red if any(staff.get(sid, ("", "", ""))[2] for sid in wanted[w.id])]
    regions = {reg.id: reg for reg in Region.objects.filter(id__in={w.region_id for w in texted})} if texted else {}
    numbers = dict(Case.objects.filter(id__in={w.case_id for w in texted if w.case_id}).values_list("id", "number")) \
        if texted else {}
    queued = 0
    history: list[WarningEvent] = []
    for w in red:
        sent: list[str] = []
        skipped: list[dict[str, str]] = []
        for sid in sorted(wanted[w.id]):
            name, phone, mobile = staff.get(sid, ("", "", ""))
            if not mobile:
                skipped.append({"staff": name, "reason": "未登记手机号码" if not phone else "登记的号码不是手机号码"})
                continue
            notify(region=regions[w.region_id], channel="sms", recipient=mobile,
                   subject=f"电子监察{r.LEVEL_LABELS[Level.RED]}预警", body=f"【电子监察】{w.message}。",
                   kind=f"supervision.{w.rule}", topic=numbers.get(w.case_id, "") if w.case_id else w.target_key,
                   dedupe_key=f"supervision:{w.id}:{sid}:sms", at=run.now)
            sent.append(name)
            queued += 1
        if sent:
            history.append(WarningEvent(warning_id=w.id, kind=WarningEvent.Kind.NOTIFIED, at=run.now,
                                        note=f"已短信通知：{'、'.join(sent)}",
                                        payload={"sent": sent, "skipped": skipped}))
        else:
            reason = "没有可通知的承办人或首席代表" if not skipped else "承办人和首席代表均未登记手机号码"
            history.append(WarningEvent(warning_id=w.id, kind=WarningEvent.Kind.NOT_NOTIFIED, at=run.now, note=reason,
                                        payload={"skipped": skipped}))
    bulk.insert_columns(WarningEvent, {"warning_id": [e.warning_id for e in history], "kind": [e.kind for e in history],
                                       "at": bulk.Same(run.now), "note": [e.note for e in history],
                                       "payload": [e.payload for e in history]}, rows=len(history))
    return queued


# -- warnings: acknowledge, close out -----------------------------------------------------------------------


def _load_warning(warning_id: int) -> Warning:
    warning = (Warning.objects.select_for_update(of=("self",)).select_related("region", "department")
               .filter(pk=warning_id).first())
    if warning is None:
        raise NotFound("预警不存在", code="warning.not_found", field="warning")
    return warning


def warning_acknowledge(*, warning_id: int, note: str, actor: Staff, at: datetime | None = None) -> Warning:
    """情况说明: the responsible staff member explains the warning. It stays live: a condition
    resolves when its cause goes away, a fact when a supervisor closes it out."""
    at = at or current_time()
    note = note.strip()
    if not note:
        raise DomainError("warning.note_required", "请填写情况说明", field="note")
    with transaction.atomic():
        warning = _load_warning(warning_id)
        if not is_responsible(actor, warning, on=local_date(at)):
            raise PermissionDenied("只有预警的责任人员可以作出情况说明", code="forbidden.warning.acknowledge")
        if warning.state == State.RESOLVED:
            raise DomainError("warning.resolved", "预警已解除，无需说明", field="warning")
        if warning.state == State.ACKNOWLEDGED and warning.acknowledgement == note \
                and warning.acknowledged_by_id == actor.id:
            return warning  # the same explanation again: nothing changes
        warning.state = State.ACKNOWLEDGED
        warning.acknowledged_by = actor
        warning.acknowledged_at = at
        warning.acknowledgement = note
        warning.save(update_fields=["state", "acknowledged_by", "acknowledged_at", "acknowledgement"])
        WarningEvent.objects.create(warning=warning, kind=WarningEvent.Kind.ACKNOWLEDGED, at=at, actor=actor,
                                    note=note)
        return warning


def warning_close_out(*, warning_id: int, note: str, actor: Staff, at: datetime | None = None) -> Warning:
    """销号: a supervisor closes a warning, typically a fact that was explained and dealt with."""
    at = at or current_time()
    note = note.strip()
    if not note:
        raise DomainError("warning.note_required", "请填写销号意见", field="note")
    with transaction.atomic():
        warning = _load_warning(warning_id)
        require(actor, Action.SUPERVISION_ORDER, region=warning.region, on=local_date(at))
        if warning.state == State.RESOLVED:
            return warning
        _resolve([warning.id], reason=f"销号：{note}", at=at, actor=actor, kind=WarningEvent.Kind.CLOSED_OUT)
        warning.refresh_from_db()
        return warning


# -- numbering -------------------------------------------------------------------------------------------


def _next_number(region: Region, year: int, kind: str) -> str:
    """``<region prefix>-<kind><year>-<seq>``, e.g. 990121-DB2026-0001 (督办) or 990121-GJ2026-0001 (告诫)."""
    seq, _ = NumberSequence.objects.select_for_update().get_or_create(region=region, year=year, kind=kind)
    NumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db(fields=["last"])
    return f"{region.prefix}-{kind}{year}-{seq.last:04d}"


# -- supervision orders (督办单) ----------------------------------------------------------------------------


def order_issue(*, department_id: int, subject: str, requirement: str, actor: Staff, basis: str = "",
                reply_workdays: int | None = None, warning_id: int | None = None, case_id: int | None = None,
                at: datetime | None = None) -> SupervisionOrder:
    """下达督办: a supervisor asks a department to explain and fix something within N working days
    on its region's calendar (the center's default when ``reply_workdays`` is not given)."""
    at = at or current_time()
    subject, requirement = subject.strip(), requirement.strip()
    if not subject:
        raise DomainError("order.subject_required", "请填写督办事项", field="subject")
    if not requirement:
        raise DomainError("order.requirement_required", "请填写督办要求", field="requirement")
    department = Department.objects.select_related("region").filter(pk=department_id).first()
    if department is None:
        raise NotFound("部门不存在", code="department.not_found", field="department")
    today = local_date(at)
    require(actor, Action.SUPERVISION_ORDER, region=department.region, department=department, on=today)
    if reply_workdays is None:
        reply_workdays = config_for_region(department.region).order_reply_workdays
    if not isinstance(reply_workdays, int) or isinstance(reply_workdays, bool) \
            or not 1 <= reply_workdays <= r.MAX_ORDER_REPLY_WORKDAYS:
        raise DomainError("order.reply_workdays_invalid",
                          f"回复期限须为 1 至 {r.MAX_ORDER_REPLY_WORKDAYS} 个工作日", field="reply_workdays")
    with transaction.atomic():
        warning = None
        if warning_id is not None:
            warning = Warning.objects.select_related("region").filter(pk=warning_id).first()
            if warning is None:
                raise NotFound("预警不存在", code="warning.not_found", field="warning")
            require(actor, Action.SUPERVISION_ORDER, region=warning.region, on=today)
            case_id = case_id or warning.case_id
        case = None
        if case_id is not None:
            case = Case.objects.select_related("region").filter(pk=case_id).first()
            if case is None:
                raise NotFound("办件不存在", code="case.not_found", field="case")
            require(actor, Action.SUPERVISION_ORDER, region=case.region, on=today)
        due = snapshot_for(department.region.code).add_workdays(today, reply_workdays)
        order = SupervisionOrder.objects.create(
            number=_next_number(department.region, today.year, "DB"), region=department.region,
            department=department, warning=warning, case=case, subject=subject[:200], requirement=requirement,
            basis=basis.strip(), reply_workdays=reply_workdays, reply_due=due, issued_by=actor, issued_at=at)
        SupervisionOrderEvent.objects.create(order=order, kind="issued", at=at, actor=actor, note=requirement,
                                             payload={"reply_due": due.isoformat(), "reply_workdays": reply_workdays})
        if warning is not None:
            WarningEvent.objects.create(warning=warning, kind=WarningEvent.Kind.ORDER_ISSUED, at=at, actor=actor,
                                        note=f"下达督办单 {order.number}", payload={"order_id": order.id})
        _notify_chiefs_of_order(order, at)
        return order


def _notify_chiefs_of_order(order: SupervisionOrder, at: datetime) -> None:
    chiefs = _chiefs_of([order.department_id]).get(order.department_id, set())
    for sid, phone in Staff.objects.filter(id__in=chiefs).values_list("id", "user__phone"):
        mobile = normalize_phone(phone or "")
        if is_mainland_mobile(mobile):
            notify(region=order.region, channel="sms", recipient=mobile, subject="督办通知",
                   body=f"【电子监察】督办单 {order.number}：{order.subject}，请于 {r.fmt(order.reply_due)} 前回复。",
                   kind="supervision.order", topic=order.number, dedupe_key=f"supervision-order:{order.id}:{sid}:sms",
                   at=at)


def _load_order(order_id: int) -> SupervisionOrder:
    order = (SupervisionOrder.objects.select_for_update(of=("self",)).select_related("region", "department")
             .filter(pk=order_id).first())
    if order is None:
        raise NotFound("督办单不存在", code="order.not_found", field="order")
    return order


def _order_move(order: SupervisionOrder, action: OrderAction) -> OrderState:
    target = r.next_order_state(action, order.state)
    if target is None:
        raise DomainError(f"order.transition_refused.{action.value}", r.order_refusal(action, order.state),
                          field="action")
    return target


def order_reply(*, order_id: int, explanation: str, measures: str, actor: Staff,
                at: datetime | None = None) -> SupervisionOrder:
    """回复督办: the department's chief representative explains and lists the measures taken.

    Whether the order was replied on time is decided by the first reply against the reply date
    then in force (a return sets a new one).
    """
    at = at or current_time()
    explanation, measures = explanation.strip(), measures.strip()
    if not explanation:
        raise DomainError("order.explanation_required", "请填写情况说明", field="explanation")
    if not measures:
        raise DomainError("order.measures_required", "请填写整改措施", field="measures")
    with transaction.atomic():
        order = _load_order(order_id)
        require(actor, Action.SUPERVISION_REPLY, region=order.region, department=order.department, on=local_date(at))
        order.state = _order_move(order, OrderAction.REPLY)
        order.explanation, order.measures = explanation, measures
        order.replied_by, order.replied_at = actor, at
        fields = ["state", "explanation", "measures", "replied_by", "replied_at"]
        if order.first_replied_at is None:
            order.first_replied_at = at
            order.replied_on_time = local_date(at) <= order.reply_due
            fields += ["first_replied_at", "replied_on_time"]
        order.save(update_fields=fields)
        SupervisionOrderEvent.objects.create(order=order, kind="replied", at=at, actor=actor, note=explanation,
                                             payload={"measures": measures,
                                                      "on_time": local_date(at) <= order.reply_due})
        overdue = list(Warning.objects.filter(order=order, state__in=_LIVE).values_list("id", flat=True))
        _resolve(overdue, reason="督办单已回复", at=at)
        return order


def order_return(*, order_id: int, note: str, actor: Staff, at: datetime | None = None) -> SupervisionOrder:
    """退回: the supervisor sends the reply back; a new reply date of the same N working days runs."""
    at = at or current_time()
    note = note.strip()
    if not note:
        raise DomainError("order.note_required", "请填写退回理由", field="note")
    with transaction.atomic():
        order = _load_order(order_id)
        today = local_date(at)
        require(actor, Action.SUPERVISION_ORDER, region=order.region, department=order.department, on=today)
        order.state = _order_move(order, OrderAction.RETURN)
        order.returned_times += 1
        order.reply_due = snapshot_for(order.region.code).add_workdays(today, order.reply_workdays)
        order.save(update_fields=["state", "returned_times", "reply_due"])
        SupervisionOrderEvent.objects.create(order=order, kind="returned", at=at, actor=actor, note=note,
                                             payload={"reply_due": order.reply_due.isoformat()})
        return order


def order_close(*, order_id: int, note: str, actor: Staff, at: datetime | None = None) -> SupervisionOrder:
    """销号: the supervisor accepts the reply. A fact warning the order was about is closed out too."""
    at = at or current_time()
    note = note.strip()
    if not note:
        raise DomainError("order.note_required", "请填写销号意见", field="note")
    with transaction.atomic():
        order = _load_order(order_id)
        require(actor, Action.SUPERVISION_ORDER, region=order.region, department=order.department, on=local_date(at))
        order.state = _order_move(order, OrderAction.CLOSE)
        order.closed_by, order.closed_at, order.close_note = actor, at, note
        order.save(update_fields=["state", "closed_by", "closed_at", "close_note"])
        SupervisionOrderEvent.objects.create(order=order, kind="closed", at=at, actor=actor, note=note)
        if order.warning_id is not None:
            warning = Warning.objects.get(pk=order.warning_id)
            if warning.is_live and r.RULES[warning.rule].nature == r.Nature.FACT:
                _resolve([warning.id], reason=f"督办单 {order.number} 已销号：{note}", at=at, actor=actor,
                         kind=WarningEvent.Kind.CLOSED_OUT)
        return order


# -- efficiency warnings (效能告诫) ---------------------------------------------------------------------------


def efficiency_warning_issue(*, reason: str, basis: str, actor: Staff, staff_id: int | None = None,
                             department_id: int | None = None, warning_id: int | None = None,
                             case_id: int | None = None, at: datetime | None = None) -> EfficiencyWarning:
    """效能告诫 to a staff member (counted for their department too) or to a department, with its
    reason and basis. It stays on their record and counts in the indicators and assessments
    (LEGAL-RULES.md §4: each one −0.5 in the annual assessment, a local rule)."""
    at = at or current_time()
    reason, basis = reason.strip(), basis.strip()
    if not reason:
        raise DomainError("efficiency_warning.reason_required", "请填写告诫事由", field="reason")
    if not basis:
        raise DomainError("efficiency_warning.basis_required", "请填写告诫依据", field="basis")
    if staff_id is None and department_id is None:
        raise DomainError("efficiency_warning.target_required", "请选择被告诫的工作人员或部门", field="staff")
    today = local_date(at)
    staff = department = None
    if staff_id is not None:
        staff = Staff.objects.select_related("region", "department").filter(pk=staff_id).first()
        if staff is None:
            raise NotFound("工作人员不存在", code="staff.not_found", field="staff")
        department = staff.department
    if department_id is not None:
        department = Department.objects.select_related("region").filter(pk=department_id).first()
        if department is None:
            raise NotFound("部门不存在", code="department.not_found", field="department")
    region = department.region if department is not None else staff.region
    require(actor, Action.SUPERVISION_ORDER, region=region, department=department, on=today)
    if staff is not None and staff.region_id != region.id:
        require(actor, Action.SUPERVISION_ORDER, region=staff.region, on=today)
    with transaction.atomic():
        warning = Warning.objects.filter(pk=warning_id).first() if warning_id is not None else None
        if warning_id is not None and warning is None:
            raise NotFound("预警不存在", code="warning.not_found", field="warning")
        if case_id is None and warning is not None:
            case_id = warning.case_id
        item = EfficiencyWarning.objects.create(
            number=_next_number(region, today.year, "GJ"), region=region, staff=staff, department=department,
            warning=warning, case_id=case_id, reason=reason, basis=basis, issued_by=actor, issued_at=at)
        if warning is not None:
            WarningEvent.objects.create(warning=warning, kind=WarningEvent.Kind.EFFICIENCY_WARNING, at=at,
                                        actor=actor, note=f"效能告诫 {item.number}：{reason}",
                                        payload={"efficiency_warning_id": item.id})
        return item


# -- the rolling chain check -----------------------------------------------------------------------------

CHAIN_CURSOR = "chains"
CHAIN_BATCH = 500


def verify_chains(*, now: datetime | None = None, batch: int = CHAIN_BATCH) -> int:
    """Verify the hash chain and projection of the next ``batch`` cases (by id, wrapping round).

    A row edited in place without an event leaves no event for the sweep to read; this rolling
    check finds it within one pass over the register (办记不符). Returns the warnings fired.
    """
    now = now or current_time()
    run = _Run(now=now, today=local_date(now), configs=all_configs())
    with transaction.atomic():
        cursor, _ = SweepCursor.objects.get_or_create(name=CHAIN_CURSOR)
        cases = list(Case.objects.filter(id__gt=cursor.last_event_id).select_related("region").order_by("id")[:batch])
        broken: set[int] = set()
        for case in cases:
            verification = verify_case(case)
            if verification.ok:
                continue
            broken.add(case.id)
            first = verification.breaks[0]
            run.found(Finding(rule=Code.RECORD_MISMATCH, subject="chain", region_id=case.region_id, case_id=case.id,
                              department_id=case.department_id, window_id=case.window_id,
                              message=f"办件 {case.number} 办记不符：{first.message}",
                              details={"breaks": [{"seq": b.seq, "code": b.code, "message": b.message}
                                                  for b in verification.breaks]}), case.region.code)
        ok = [c.id for c in cases if c.id not in broken]
        live = list(Warning.objects.filter(case_id__in=ok, rule=Code.RECORD_MISMATCH, state__in=_LIVE)
                    .values_list("id", flat=True))
        _resolve(live, reason="办件记录与事件链已一致", at=now)
        created = _fire(run)
        _notify_red(run, created)
        next_id = cases[-1].id if len(cases) == batch else 0  # wrap round at the end of the register
        SweepCursor.objects.filter(pk=cursor.pk).update(last_event_id=next_id, last_at=now, runs=F("runs") + 1,
                                                        last_fired=len(created))
    return len(created)


# -- a center's settings -------------------------------------------------------------------------------

_MAX_RANKING_CASES = 10_000
_MAX_REPLY_WORKDAYS = 30


def _center(region_code: str, actor: Staff) -> Region:
    region = Region.objects.filter(code=region_code, has_center=True).first()
    if region is None:
        raise NotFound(f"区划 {region_code} 没有政务服务中心", code="region.not_found", field="region")
    require(actor, Action.SUPERVISION_SETTINGS, region=region)
    return region


def _share(value: object) -> Decimal:
    try:
        share = Decimal(str(value).strip())
    except InvalidOperation:
        share = Decimal("NaN")
    if not share.is_finite() or not Decimal("0.01") <= share <= Decimal("0.99") or share != share.quantize(Decimal("0.01")):
        raise DomainError("supervision.settings.yellow_share_invalid",
                          f"黄牌比例须为 0.01 至 0.99 之间、最多两位小数的数：{value!r}（黄牌比例）", field="yellow_share")
    return share


def _whole(value: object, *, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise DomainError(f"supervision.settings.{field}_invalid", f"{label}须为 {low} 至 {high} 之间的整数：{value!r}",
                          field=field)
    return number


def settings_save(*, actor: Staff, region_code: str, enabled_rules: Iterable[str], yellow_share: object,
                  min_cases_for_ranking: object, order_reply_workdays: object) -> SupervisionSettings:
    """A center administrator sets the center's own supervision settings (the center's townships
    follow them unless they set their own). A new yellow share reaches the open cases at the
    scheduler's next tick (``cases.refresh_yellow_lines``). Every value is checked, naming its field."""
    region = _center(region_code, actor)
    rules = list(dict.fromkeys(str(c) for c in enabled_rules))
    if unknown := [c for c in rules if c not in r.RULES]:
        raise DomainError("supervision.settings.rule_unknown", f"未知的监察规则：{'、'.join(unknown)}（启用的规则）",
                          field="enabled_rules")
    values = {
        "enabled_rules": [c for c in r.RULES if c in rules],  # in the rules' own order
        "yellow_share": _share(yellow_share),
        "min_cases_for_ranking": _whole(min_cases_for_ranking, field="min_cases_for_ranking",
                                        label="参与排名的最少办件数", low=1, high=_MAX_RANKING_CASES),
        "order_reply_workdays": _whole(order_reply_workdays, field="order_reply_workdays",
                                       label="督办回复期限（工作日）", low=1, high=_MAX_REPLY_WORKDAYS),
        "updated_by": actor,
    }
    with transaction.atomic():
        row, _ = SupervisionSettings.objects.select_for_update().update_or_create(region=region, defaults=values)
        # This process times its next transition with the new share at once; others within a minute.
        transaction.on_commit(forget_yellow_shares)
    log.info("supervision settings of %s saved by staff %s", region.code, actor.pk)
    return row


def settings_reset(*, actor: Staff, region_code: str) -> None:
    """Drop a center's own settings: it follows its parent center's (or the defaults) again."""
    region = _center(region_code, actor)
    with transaction.atomic():
        SupervisionSettings.objects.filter(region=region).delete()
        transaction.on_commit(forget_yellow_shares)
        # A removed row wakes no job: ask for the re-timing of the open cases outright.
        transaction.on_commit(lambda: job_run_soon(REFRESH_YELLOW_JOB))
    log.info("supervision settings of %s reset by staff %s", region.code, actor.pk)
