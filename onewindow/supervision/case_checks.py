"""The case's own anomaly rules, run by every supervision sweep through the lifecycle kernel's
check registry: each case touched since the last sweep (a primary-key range scan on its events)
is checked in full — its events against the one-time notice, authorization, stage and visit
rules, its hash chain, a special procedure past its announced end — and its statistics row
(:class:`~.models.CaseFact`) is written; the rolling chain check walks the whole register.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from onewindow.cases.events import EventKind
from onewindow.cases.history import verify_case
from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.cases.states import STATUS_LABELS, TERMINAL, Status
from onewindow.cases.timing import calendar_of, clock_events, limits_for
from onewindow.catalog.models import Stage
from onewindow.core.identity import mask_id
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.registry import Check, register_check
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action, can
from onewindow.organization.rules import Role
from onewindow.workdays.arithmetic import CalendarRangeError
from onewindow.workdays.clock import PAUSE_LABELS, clock
from onewindow.workdays.selectors import snapshot_for

from . import bulk, rollup
from . import indicators as ind
from . import rules as r
from .models import (
    CaseFact,
    CaseRecheck,
    SweepCursor,
    Warning,
)
from .rules import Code, Finding
from .selectors import all_configs
from .sweep import MAX_EVENTS_PER_SWEEP, SETTLE, SweepRun, chunks, fire, notify_red, resolve_warnings

_ONE_DAY = timedelta(days=1)
_LIVE = [str(s) for s in r.LIVE_STATES]

# Rules the full check of one case decides, so a touched case's live warnings of these rules
# that are no longer found are resolved (its deadlines are the deadline rows' business).
CASE_CONDITION_RULES = frozenset({Code.SPECIAL_PROCEDURE_OVERRUN, Code.RECORD_MISMATCH})


def check_touched_cases(run: SweepRun) -> None:
    """The check the cases register: every case touched since the last sweep (and every one due
    for a look again today) checked in full; the cursor's event id moves only forward."""
    assert run.cursor is not None
    recheck = _rechecks_due(run, run.last_day)
    touched, last_event_id = _touched_cases(run.cursor.last_event_id)
    run.result.touched_cases = len(touched)
    _check_cases(run, sorted(recheck | touched))
    CaseRecheck.objects.filter(on_day__lte=run.today).delete()
    SweepCursor.objects.filter(pk=run.cursor.pk, last_event_id__lt=last_event_id).update(last_event_id=last_event_id)


def register() -> None:
    register_check(Check(name="cases", run=check_touched_cases))


def _rechecks_due(run: SweepRun, lo: date | None) -> set[int]:
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


def _check_cases(run: SweepRun, case_ids: Sequence[int]) -> None:
    """Check each case in full; resolve its condition warnings that no longer hold."""
    for chunk in chunks(case_ids):
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
                stale[_resolution_reason(rule, by_case.get(case_id))].append(wid)
        for reason, ids in stale.items():
            run.result.resolved += resolve_warnings(ids, reason=reason, at=run.now)

# -- the facts the indicators count ---------------------------------------------------------------------

_FACT_SOURCE = ("id", "region_id", "region__code", "department_id", "window_id", "accepted_on", "status",
                "concluded_at", "promised_due", "visits", "item_version__handling_type", "item_version__is_joint",
                "item_version__statutory_limit", "item_version__promised_limit")


def _record_facts(case_ids: Sequence[int], *, keep_rollup: bool = True) -> int:
    """Write (or complete) the statistics rows of these cases: every accepted one, with what the
    indicators count once it is concluded. Two queries and one upsert per call, and the roll-up
    kept in step (:func:`write_facts`) unless ``keep_rollup`` is false (a bulk load that rebuilds
    it at the end)."""
    rows = list(Case.objects.filter(id__in=list(case_ids), accepted_on__isnull=False).order_by()
                .values_list(*_FACT_SOURCE))
    if not rows:
        return 0
    decided: dict[int, datetime] = {}
    concluded = [row[0] for row in rows if row[6] == Status.CONCLUDED]
    for case_id, at in (CaseEvent.objects.filter(case_id__in=concluded, kind=EventKind.DECIDED).order_by("case_id", "seq")
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
    if keep_rollup:
        write_facts(columns)
    else:
        bulk.insert_columns(CaseFact, columns, rows=len(rows), update_on="case")
    return len(rows)


_FACT_ROW = ("region_id", "accepted_on", "concluded_on", *rollup.BUCKET)


def write_facts(columns: dict[str, list[Any]]) -> None:
    """Upsert statistics rows (``columns``: each :class:`CaseFact` attname → one value per row)
    and move the monthly roll-up's counts from what the replaced rows counted to what the new
    ones count, in one transaction under the roll-up's lock."""
    rows = len(columns["case_id"])
    with transaction.atomic():
        rollup.lock()
        before = rollup.contributions(CaseFact.objects.filter(case_id__in=columns["case_id"]).order_by()
                                      .values_list(*_FACT_ROW))
        bulk.insert_columns(CaseFact, columns, rows=rows, update_on="case")
        delta = rollup.contributions(zip(*(columns[c] for c in _FACT_ROW), strict=True))
        delta.subtract(before)
        rollup.apply(delta)


def facts_backfill(*, after_id: int = 0, batch: int = 5000, limit: int | None = None,
                   keep_rollup: bool = True) -> int:
    """Write the statistics rows of every accepted case with an id above ``after_id`` (cases from
    before supervision ran, or after a restore). Idempotent; returns how many were written.
    ``keep_rollup=False`` leaves the monthly roll-up alone, for a caller that rebuilds it after
    (:func:`.rollup.rebuild`, one statement in the database: a bulk load)."""
    written = 0
    cursor = after_id
    while limit is None or written < limit:
        ids = list(Case.objects.filter(id__gt=cursor, accepted_on__isnull=False).order_by("id")
                   .values_list("id", flat=True)[:batch])
        if not ids:
            break
        with transaction.atomic():
            written += _record_facts(ids, keep_rollup=keep_rollup)
        cursor = ids[-1]
    return written


def _resolution_reason(rule: str, case: Case | None) -> str:
    """Why a case condition of this check (:data:`CASE_CONDITION_RULES`) no longer holds, in words
    for the warning's history (a deadline's warnings resolve with their deadline row's reason)."""
    if case is None:
        return "预警条件已不存在"
    status = Status(case.status)
    if status in TERMINAL:
        return f"办件{STATUS_LABELS[status]}"
    if rule == Code.SPECIAL_PROCEDURE_OVERRUN:
        return "特别程序已结束"
    if rule == Code.RECORD_MISMATCH:
        return "办件记录与事件链已一致"
    return "预警条件已不存在"


def _intakes_of(cases: Sequence[Case]) -> dict[tuple[str, str], list[r.Intake]]:
    """Every accepted case of the same applicants and items (by the item's basic code, which is
    the same in every region), for the double-intake rule: one query per chunk."""
    # ID numbers are encrypted: the same applicant is found by the blind index of the number.
    ids = {c.applicant_id_number_bidx for c in cases if c.accepted_on is not None and c.applicant_id_number_bidx}
    found: dict[tuple[str, str], list[r.Intake]] = defaultdict(list)
    if not ids:
        return found
    rows = (Case.objects.filter(applicant_id_number_bidx__in=sorted(ids), accepted_on__isnull=False)
            .exclude(status__in=[Status.REFUSED, Status.WITHDRAWN])
            .values_list("id", "applicant_id_number_bidx", "item__basic_code", "region_id", "window_id", "accepted_on",
                         "concluded_at"))
    for case_id, id_number, basic_code, region_id, window_id, accepted_on, concluded_at in rows:
        found[(id_number, basic_code)].append(r.Intake(case_id, region_id, window_id, accepted_on,
                                                       local_date(concluded_at) if concluded_at else None))
    return found


def _check_case(run: SweepRun, case: Case, events: list[CaseEvent], tasks: list[CaseTask], review_stages: list[int],
                actors: dict[int, Staff], intakes: dict[tuple[str, str], list[r.Intake]],
                rechecks: list[CaseRecheck]) -> None:
    code = case.region.code
    base = {"region_id": case.region_id, "case_id": case.id, "department_id": case.department_id,
            "window_id": case.window_id}

    facts = [r.EventFact(e.seq, e.kind, local_date(e.at), e.actor_id, e.payload or {}) for e in events]

    # A special procedure past its announced end (Art. 45); otherwise look again the day after it.
    if case.status == Status.SPECIAL_PROCEDURE:
        _check_special_procedure(run, case, events, base, rechecks)

    # 视为受理 (Art. 32): red against the window that let the acceptance window pass.
    for ev in facts:
        if ev.kind == EventKind.DEEMED_ACCEPTED:
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
            what = "作出审批决定" if ev.kind == EventKind.DECIDED else "制发证照"
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
        for other in r.double_intakes(mine, intakes.get((case.applicant_id_number_bidx, case.item.basic_code), [])):
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


def _check_special_procedure(run: SweepRun, case: Case, events: list[CaseEvent], base: dict[str, Any],
                             rechecks: list[CaseRecheck]) -> None:
    try:
        state = clock(clock_events(events), limits_for(case.item_version, case.region.code, urgent=case.is_urgent),
                      calendar_of(case), run.now)
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

# -- the rolling chain check -----------------------------------------------------------------------------

CHAIN_CURSOR = "chains"
CHAIN_BATCH = 500


def verify_chains(*, now: datetime | None = None, batch: int = CHAIN_BATCH) -> int:
    """Verify the hash chain and projection of the next ``batch`` cases (by id, wrapping round).

    A row edited in place without an event leaves no event for the sweep to read; this rolling
    check finds it within one pass over the register (办记不符). Returns the warnings fired.
    """
    now = now or current_time()
    run = SweepRun(now=now, today=local_date(now), configs=all_configs())
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
        resolve_warnings(live, reason="办件记录与事件链已一致", at=now)
        created = fire(run)
        notify_red(run, created)
        next_id = cases[-1].id if len(cases) == batch else 0  # wrap round at the end of the register
        SweepCursor.objects.filter(pk=cursor.pk).update(last_event_id=next_id, last_at=now, runs=F("runs") + 1,
                                                        last_fired=len(created))
    return len(created)
