"""The supervision sweep (every minute): deadline rows crossed or changed since the last sweep,
the anomaly checks the record types registered, the calendar, the safety net; firing is idempotent
by the database, and every new red warning is sent by SMS to whoever must act.

**What a sweep looks at** is only what can have changed since the last one, as recorded in the
:class:`~.models.SweepCursor`:

1. *deadline crossings* — index range scans on the lifecycle kernel's deadline rows, whatever
   record they belong to: yellow lines and due dates (+1) that fell in (last sweep's day, today];
2. *changed deadlines* — the rows their owners wrote since the last sweep (a date moved into the
   past fires now; a closed deadline resolves its warnings);
3. the *checks* the record types registered (:func:`onewindow.lifecycle.registry.register_check`):
   the cases' own rules on the cases touched since the last sweep;
4. the *safety net* — live warnings whose case left the state the condition needs are resolved;
   once a day (the day's first pass), so are live warnings whose deadline row ended: item 2
   resolves those as their rows end, and the net only catches a row written around the kernel
   (every pass it would join every live warning with the deadline rows, a province's hundred
   thousand warnings each minute: bench/scale.py);
5. the national calendar of next year, from 1 December.

So a sweep's cost grows with the crossings and the activity since the last one, not with the
number of open records. Firing is idempotent by the database: ``INSERT … ON CONFLICT DO NOTHING``
against the unique ``(rule, target_key, subject)``, so two sweeps at the same moment, or two
workers at once, never create a warning twice. Every new red warning is sent by SMS to the
record's handlers and the department's chief representatives whose login carries a mobile number
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
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from onewindow.cases.models import Case, CaseTask
from onewindow.cases.states import STATUS_LABELS, TERMINAL, Status
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle import registry
from onewindow.lifecycle.deadlines import Kind as DeadlineKind
from onewindow.lifecycle.deadlines import State as DeadlineState
from onewindow.lifecycle.models import Deadline
from onewindow.lifecycle.registry import DeadlineRules
from onewindow.notifications.rules import is_mainland_mobile, normalize_phone
from onewindow.notifications.services import notify
from onewindow.organization.models import Department, Posting, Region, Staff
from onewindow.organization.rules import Role
from onewindow.workdays.models import PublishedYear

from . import bulk
from . import rules as r
from .models import (
    SweepCursor,
    Warning,
    WarningEvent,
)
from .rules import Code, Finding, Level, State
from .selectors import all_configs

log = logging.getLogger("onewindow.supervision")

CURSOR = "sweep"
# Rows younger than this (by the wall clock) are read again by the next sweep: a transaction that
# wrote them earlier may commit later, and must not be skipped.
SETTLE = timedelta(seconds=90)
# At most this many new events or changed deadlines per sweep; the rest wait for the next one (a
# first sweep over an old database catches up gradually instead of holding one huge transaction).
MAX_EVENTS_PER_SWEEP = 20_000
_CHUNK = 500
_LIVE = [str(s) for s in r.LIVE_STATES]

T = TypeVar("T")


def chunks(values: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
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
class SweepRun:
    """The state of one sweep: its moment, the centers' settings, and what it found."""

    now: datetime
    today: date
    configs: dict[str, r.SupervisionConfig]
    batch: uuid.UUID = field(default_factory=uuid.uuid4)
    findings: dict[tuple[str, str, str], Finding] = field(default_factory=dict)
    holding: set[tuple[str, str, str]] = field(default_factory=set)  # condition identities found to hold
    result: SweepResult = field(default_factory=SweepResult)
    by_region: dict[str, r.SupervisionConfig] = field(default_factory=dict)  # config_for, once per region
    cursor: SweepCursor | None = None  # the sweep's cursor row, locked for the run (checks keep their place in it)
    last_day: date | None = None  # the legal day the last sweep swept through

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
    run = SweepRun(now=now, today=local_date(now), configs=all_configs())
    with transaction.atomic():
        if bulk.is_postgresql():
            # The sweep is idempotent: if the server crashed right after this commit was reported,
            # the next sweep would simply do the same work again (at worst an SMS that went out
            # in that instant goes out once more). Not waiting for the WAL flush saves a large
            # share of a sweep that fires thousands of warnings.
            with connection.cursor() as c:
                c.execute("SET LOCAL synchronous_commit TO OFF")
        cursor, _ = SweepCursor.objects.get_or_create(name=CURSOR)
        run.cursor, run.last_day = cursor, cursor.last_day
        lo = cursor.last_day
        new_day = lo is None or lo < run.today
        _deadline_crossings(run, lo)
        deadlines_read = _touched_deadlines(run, cursor.last_deadline_change)
        for check in registry.checks():  # each record type's own rules (the cases': case_checks.py)
            check.run(run)
        if new_day:
            _calendar_findings(run)
        # Before firing: the net looks only at warnings of earlier sweeps.
        run.result.resolved += _resolve_safety_net(run, ended_deadlines=new_day)
        created = fire(run)
        run.result.fired = len(created)
        run.result.notified = notify_red(run, created)
        run.result.resolved += _resolve_calendar(run)
        run.result.duration_ms = int((time.monotonic() - started) * 1000)
        # Only forward: a late sweep (a worker that was stuck) never moves the cursor back.
        SweepCursor.objects.filter(pk=cursor.pk).filter(Q(last_day__isnull=True) | Q(last_day__lte=run.today)).update(
            last_day=run.today, last_at=now)
        if deadlines_read is not None:
            SweepCursor.objects.filter(pk=cursor.pk).filter(
                Q(last_deadline_change__isnull=True) | Q(last_deadline_change__lt=deadlines_read)).update(
                last_deadline_change=deadlines_read)
        SweepCursor.objects.filter(pk=cursor.pk).update(
            runs=F("runs") + 1, last_fired=run.result.fired, last_resolved=run.result.resolved,
            last_duration_ms=run.result.duration_ms)
    return run.result

# -- deadline rows (the lifecycle kernel's table; any record type) --------------------------------------------

_DEADLINE_FIELDS = ("id", "subject_type", "subject_id", "kind", "key", "state", "due_on", "yellow_from",
                    "lapses_after", "title", "closed_reason", "region_id", "region__code", "department_id",
                    "department__name", "responsible_id")


def _deadline_crossings(run: SweepRun, lo: date | None) -> None:
    """Running deadlines that crossed a line in (lo, today]: two index range scans on the
    deadline rows, whatever record they belong to.

    The line of yellow is the start of ``yellow_from``; the line of a due date is the start of the
    day after it (a due date ends at 23:59:59 of its own day). On the first sweep ``lo`` is None
    and everything already crossed is caught up once.
    """
    today = run.today
    yellow = Q(yellow_from__lte=today) & (Q(yellow_from__gt=lo) if lo is not None else Q())
    due = Q(due_on__lt=today) & (Q(due_on__gte=lo) if lo is not None else Q())
    rows: dict[int, dict[str, Any]] = {}
    for condition in (yellow, due):
        for row in Deadline.objects.filter(condition, state=DeadlineState.OPEN).order_by().values(*_DEADLINE_FIELDS):
            rows[row["id"]] = row
    run.result.crossings += len(rows)
    _evaluate_deadlines(run, rows)


def _touched_deadlines(run: SweepRun, since: datetime | None) -> datetime | None:
    """Deadline rows their owners wrote since the last sweep (moved, closed, reopened): each is
    evaluated in full, so a date moved into the past fires and a closed one resolves now. Returns
    how far the cursor may move (rows younger than :data:`SETTLE` are read again next time)."""
    qs = Deadline.objects.order_by("changed_at", "id")
    if since is not None:
        qs = qs.filter(changed_at__gt=since - SETTLE)
    found = list(qs.values(*_DEADLINE_FIELDS, "changed_at")[:MAX_EVENTS_PER_SWEEP])
    _evaluate_deadlines(run, {row["id"]: row for row in found})
    settled_before = timezone.now() - SETTLE
    settled = [row["changed_at"] for row in found if row["changed_at"] <= settled_before]
    return max([since, *settled], key=lambda v: v or datetime.min.replace(tzinfo=UTC))


def _row_of(row: dict[str, Any]) -> r.DeadlineRow:
    return r.DeadlineRow(row["id"], row["subject_type"], row["subject_id"], row["kind"], row["key"], row["state"],
                         row["due_on"], row["yellow_from"], row["lapses_after"])


def _rules_for(subject_type: str, kind: str) -> DeadlineRules:
    try:
        own = registry.subject(subject_type).deadline_rules
    except LookupError:
        own = {}
    return own.get(DeadlineKind(kind)) or r.DEFAULT_DEADLINE_RULES.get(DeadlineKind(kind), DeadlineRules())


def _evaluate_deadlines(run: SweepRun, rows: dict[int, dict[str, Any]]) -> None:
    """Fire what these deadline rows call for today, and resolve their live warnings that no longer hold."""
    if not rows:
        return
    described: dict[tuple[str, int], registry.Described] = {}
    by_type: dict[str, set[int]] = defaultdict(set)
    for row in rows.values():
        by_type[row["subject_type"]].add(row["subject_id"])
    for subject_type, ids in by_type.items():
        for chunk in chunks(sorted(ids), 10_000):
            for subject_id, d in registry.describe(subject_type, chunk).items():
                described[(subject_type, subject_id)] = d
    for row in rows.values():
        deadline = _row_of(row)
        code = r.deadline_holds(deadline, _rules_for(row["subject_type"], row["kind"]), run.today)
        about = described.get((row["subject_type"], row["subject_id"]))
        if code is None or about is None:
            continue
        run.found(_deadline_finding(code, row, deadline, about), row["region__code"])
    for chunk in chunks(sorted(rows), 10_000):
        live = (Warning.objects.filter(deadline_id__any=chunk, state__in=_LIVE).order_by()
                .values_list("id", "rule", "target_key", "subject", "deadline_id"))
        stale: dict[str, list[int]] = defaultdict(list)
        for wid, rule, key, subject, deadline_id in live:
            if (rule, key, subject) in run.holding:
                continue
            row = rows[deadline_id]
            stale[r.resolution_of(rule, _row_of(row), row["closed_reason"], run.today)].append(wid)
        for reason, wids in stale.items():
            run.result.resolved += resolve_warnings(wids, reason=reason, at=run.now)


def _deadline_finding(code: str, row: dict[str, Any], deadline: r.DeadlineRow,
                      about: registry.Described) -> Finding:
    fields = dict(about.warning_fields)
    case_id = fields.pop("case_id", None)
    window_id = fields.pop("window_id", None)
    assert deadline.due_on is not None
    message = r.deadline_row_message(code, about.named, row["title"], row["kind"], deadline.due_on,
                                     row["department__name"] or "")
    return Finding(rule=code, subject=r.deadline_subject(deadline), region_id=row["region_id"], case_id=case_id,
                   department_id=row["department_id"], window_id=window_id, staff_id=row["responsible_id"],
                   due_on=deadline.due_on, message=message, details=fields, subject_type=row["subject_type"],
                   subject_id=row["subject_id"], deadline_id=row["id"])


# -- the calendar --------------------------------------------------------------------------------------


def _calendar_findings(run: SweepRun) -> None:
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


def _resolve_calendar(run: SweepRun) -> int:
    live = list(Warning.objects.filter(rule=Code.CALENDAR_UNPUBLISHED, state__in=_LIVE)
                .values_list("id", "subject"))
    if not live:
        return 0
    years = {int(s) for _, s in live}
    published = set(PublishedYear.objects.filter(calendar__region__isnull=True, year__in=years)
                    .values_list("year", flat=True))
    return resolve_warnings([wid for wid, s in live if int(s) in published], reason="节假日安排已发布", at=run.now)

# -- the safety net --------------------------------------------------------------------------------------


# The case statuses in which a case condition that is not a deadline can still hold.
_HOLDS_IN: dict[str, frozenset[str]] = {Code.SPECIAL_PROCEDURE_OVERRUN: r.HANDLING_STATUSES}


def _resolve_safety_net(run: SweepRun, *, ended_deadlines: bool) -> int:
    """Live condition warnings whose cause is gone: a case that left the state the condition
    needs, and with ``ended_deadlines`` a deadline row its owner closed or paused (whatever the
    record): one pass over the live warnings of those rules, and over every live warning."""
    stale: dict[str, list[int]] = defaultdict(list)
    if ended_deadlines:
        # One join; the partial index of ended deadlines (``lifecycle_deadline_ended``) keeps the
        # planner from scanning every running deadline for the few that ended.
        ended = [DeadlineState.PAUSED, DeadlineState.CLOSED]
        for wid, reason in (Warning.objects.filter(state__in=_LIVE, deadline__state__in=ended).order_by()
                            .values_list("id", "deadline__closed_reason")):
            stale[reason or "期限已结束"].append(wid)
    live = (Warning.objects.filter(state__in=_LIVE, rule__in=sorted(_HOLDS_IN)).order_by()
            .values_list("id", "rule", "case__status"))
    for wid, rule, status in live:
        if status is None or status in _HOLDS_IN[rule]:
            continue
        status = Status(status)
        stale[f"办件{STATUS_LABELS[status]}" if status in TERMINAL else "已作出决定"].append(wid)
    return sum(resolve_warnings(ids, reason=reason, at=run.now) for reason, ids in stale.items() if ids)

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


def fire(run: SweepRun) -> list[Fired]:
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
            "subject_type": [f.subject_type for f in group], "subject_id": [f.subject_id for f in group],
            "deadline_id": [f.deadline_id for f in group],
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


def resolve_warnings(ids: Sequence[int], *, reason: str, at: datetime, actor: Staff | None = None,
             kind: str = WarningEvent.Kind.RESOLVED) -> int:
    """Resolve the live warnings among ``ids``, with one history entry each; returns how many.

    The rows are locked first and re-read, so two sweeps resolving at once log it once.
    """
    total = 0
    for chunk in chunks(sorted(ids), 1000):
        # Locked in id order, so two sweeps resolving overlapping sets never deadlock on each other.
        live = list(Warning.objects.select_for_update().filter(id__any=chunk, state__in=_LIVE).order_by("id")
                    .values_list("id", flat=True))
        if not live:
            continue
        Warning.objects.filter(id__any=live).update(state=State.RESOLVED, resolved_at=at, resolution=reason[:200],
                                                   resolved_by=actor)
        bulk.insert_columns(WarningEvent, {"warning_id": live, "kind": bulk.Same(kind), "at": bulk.Same(at),
                                           "actor_id": bulk.Same(actor.id if actor else None),
                                           "note": bulk.Same(reason)}, rows=len(live))
        total += len(live)
    return total


def chiefs_of(department_ids: Iterable[int]) -> dict[int, set[int]]:
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


def handlers_of(case_ids: Sequence[int]) -> dict[int, set[int]]:
    """Who handles each case now: the holders of its open review stages, else the holder of the
    stage completed last (one query on the stage table; a case without stages has only its chief)."""
    open_holders: dict[int, set[int]] = defaultdict(set)
    last_done: dict[int, tuple[datetime, int]] = {}
    # .order_by(): the default ordering (by case, ordered by submission time) would join the cases.
    for case_id, assignee, state, done_at in (CaseTask.objects.filter(case_id__any=case_ids, assignee_id__isnull=False)
                                              .order_by().values_list("case_id", "assignee_id", "state", "done_at")):
        if state == CaseTask.State.OPEN:
            open_holders[case_id].add(assignee)
        elif done_at is not None and (case_id not in last_done or done_at > last_done[case_id][0]):
            last_done[case_id] = (done_at, assignee)
    result: dict[int, set[int]] = dict(open_holders)
    for case_id, (_, assignee) in last_done.items():
        result.setdefault(case_id, {assignee})
    return result


def notify_red(run: SweepRun, created: Sequence[Fired]) -> int:
    """SMS every new red warning to its handlers and the department's chief representatives.

    Staff have no phone field of their own; the login's ``phone`` is used when it is a mainland
    mobile number. The warning's history says who was told, and why anyone was not.
    """
    red = [w for w in created if w.level == Level.RED]
    if not red:
        return 0
    case_ids = sorted({w.case_id for w in red if w.case_id})
    handlers = handlers_of(case_ids) if case_ids else {}
    chiefs = chiefs_of({w.department_id for w in red if w.department_id})
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
    for sid, name, phone in Staff.objects.filter(id__any=everyone).values_list("id", "name", "user__phone"):
        mobile = normalize_phone(phone or "")
        staff[sid] = (name, phone or "", mobile if is_mainland_mobile(mobile) else "")
    texted = [w for w in red if any(staff.get(sid, ("", "", ""))[2] for sid in wanted[w.id])]
    regions = {reg.id: reg for reg in Region.objects.filter(id__in={w.region_id for w in texted})} if texted else {}
    numbers = dict(Case.objects.filter(id__any={w.case_id for w in texted if w.case_id}).values_list("id", "number")) \
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
