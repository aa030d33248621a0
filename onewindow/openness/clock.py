"""A disclosure request's clock, read from its stored events through the working-day engine. Pure.

The engine (:mod:`onewindow.workdays.disclosure`) does every count: the 20 working days from
receipt (Art. 33), the restart on the clarified request (Art. 30), the third party's time not
counted (Art. 32), the one extension (Art. 33). This module only turns the request's events into
the engine's :class:`~onewindow.workdays.clock.ClockEvent` values — each on its legal day, which
for a receipt is the day Art. 31 names, not the day it was typed in — and the engine's answers
into deadline rows and a deadline history the applicant can read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.deadlines import State as DeadlineState
from onewindow.workdays.arithmetic import CalendarSnapshot
from onewindow.workdays.clock import THIRD_PARTY_CONSULTATION, ClockEvent, ClockState, EventKind, local_date
from onewindow.workdays.disclosure import THIRD_PARTY_WORKDAYS, disclosure_clock, disclosure_limits

from .rules import State

APPROVER_ROLE = "chief_representative"
LIMITS = disclosure_limits(approver_roles=(APPROVER_ROLE,))

# The request's event kinds are the engine's, so the history reads the same way everywhere.
KIND_LABELS: dict[str, str] = {
    EventKind.SUBMITTED: "收到申请",
    EventKind.SUPPLEMENT_REQUESTED: "告知补正",
    EventKind.SUPPLEMENTED: "收到补正后的申请",
    EventKind.SPECIAL_PROCEDURE_STARTED: "征求第三方意见",
    EventKind.SPECIAL_PROCEDURE_ENDED: "第三方意见征询结束",
    EventKind.EXTENSION_GRANTED: "延长答复期限",
    EventKind.DECIDED: "作出答复",
    EventKind.WITHDRAWN: "撤回申请",
}

SUBJECT = "disclosure"  # the lifecycle subject type
CONSULTATION_KEY = "third_party"


@dataclass(frozen=True)
class StoredEvent:
    """A stored event as the clock needs it: its kind, moment, payload and place in the history."""

    kind: str
    at: datetime
    payload: dict[str, Any]
    seq: int


def legal_day(event: StoredEvent) -> date:
    """The day the event counts on: ``payload["on"]`` (a receipt's Art. 31 date, a clarification
    signed for by post, the third party's answer) or the local day of the moment it was recorded."""
    on = event.payload.get("on")
    return date.fromisoformat(on) if on else local_date(event.at)


def clock_event(event: StoredEvent) -> ClockEvent:
    """The engine's view of one stored event."""
    p = event.payload
    day = legal_day(event)
    kind = event.kind
    if kind == EventKind.SUPPLEMENT_REQUESTED:
        return ClockEvent(kind=kind, at=day, seq=event.seq, materials=tuple(p.get("points") or ("补正申请内容",)))
    if kind in (EventKind.SPECIAL_PROCEDURE_STARTED, EventKind.SPECIAL_PROCEDURE_ENDED):
        announced = THIRD_PARTY_WORKDAYS if kind == EventKind.SPECIAL_PROCEDURE_STARTED else None
        return ClockEvent(kind=kind, at=day, seq=event.seq, procedure=THIRD_PARTY_CONSULTATION,
                          announced_workdays=announced)
    if kind == EventKind.EXTENSION_GRANTED:
        return ClockEvent(kind=kind, at=day, seq=event.seq, workdays=p.get("workdays"),
                          approver_role=p.get("approver_role"))
    if kind == EventKind.DECIDED:
        return ClockEvent(kind=kind, at=day, seq=event.seq, outcome=p.get("answer"))
    return ClockEvent(kind=kind, at=day, seq=event.seq)


def clock_events(events: Iterable[StoredEvent]) -> list[ClockEvent]:
    return [clock_event(e) for e in events if e.kind in KIND_LABELS]


def state_of(events: Iterable[StoredEvent], calendar: CalendarSnapshot, as_of: date | datetime) -> ClockState:
    """The request's clock on ``as_of`` (the engine's :func:`disclosure_clock`)."""
    return disclosure_clock(clock_events(events), calendar, as_of, LIMITS)


@dataclass(frozen=True)
class HistoryLine:
    """One line of the deadline history: what happened on which day, and the reply due date after it."""

    seq: int
    label: str
    day: date
    due: date | None  # None while the clock is stopped or paused
    running: bool
    note: str


def deadline_history(events: Sequence[StoredEvent], calendar: CalendarSnapshot) -> list[HistoryLine]:
    """After each event, the reply due date the engine gives for the history up to it."""
    lines: list[HistoryLine] = []
    seen: list[StoredEvent] = []
    for event in events:
        seen.append(event)
        if event.kind not in KIND_LABELS:
            continue
        day = legal_day(event)
        state = state_of(seen, calendar, day)
        running = state.statutory_due is not None and not state.stopped and state.decided_on is None
        lines.append(HistoryLine(event.seq, KIND_LABELS[event.kind], day,
                                 state.statutory_due if running else None, running, _note(event, state)))
    return lines


def _note(event: StoredEvent, state: ClockState) -> str:
    kind = event.kind
    if kind in (EventKind.SUBMITTED, EventKind.SUPPLEMENTED):
        return "答复期限自此日起计算 20 个工作日（政府信息公开条例 第三十条、第三十三条）"
    if kind == EventKind.SUPPLEMENT_REQUESTED:
        return "等待申请人补正，答复期限自收到补正后的申请之日起重新计算（第三十条）"
    if kind == EventKind.SPECIAL_PROCEDURE_STARTED:
        return "征求第三方意见所需时间不计算在答复期限内，第三方有 15 个工作日提出意见（第三十二条）"
    if kind == EventKind.SPECIAL_PROCEDURE_ENDED:
        return "恢复计时，征求意见期间不计入答复期限"
    if kind == EventKind.EXTENSION_GRANTED:
        return f"经负责人同意延长 {state.extension_workdays} 个工作日（第三十三条第二款）"
    if kind == EventKind.DECIDED:
        return "已作出答复，期限结束"
    return "申请已撤回，期限结束"


def deadline_specs(state_value: str, clock: ClockState, *, department_id: int | None,
                   consultation_due: date | None) -> list[DeadlineSpec]:
    """The request's deadline rows as they stand: the reply due date (paused while the third party
    is consulted or the clarified request awaited; closed once answered or withdrawn) and, during a
    consultation, the third party's 15 working days."""
    reply = DeadlineSpec(kind=Kind.REPLY, due_on=clock.statutory_due, statutory=True, department_id=department_id,
                         yellow_from=clock.yellow_from, provisional=clock.provisional, title="答复期限",
                         explanation="政府信息公开条例 第三十三条：收到申请之日起 20 个工作日内答复，经同意可延长不超过 20 个工作日")
    st = State(state_value)
    if st == State.REPLIED:
        reply = reply.closed("已作出答复")
    elif st == State.WITHDRAWN:
        reply = reply.closed("申请已撤回")
    elif st in (State.CONSULTING, State.AWAITING_CLARIFICATION) or clock.statutory_due is None:
        reply = DeadlineSpec(kind=Kind.REPLY, due_on=None, statutory=True, department_id=department_id,
                             state=DeadlineState.PAUSED, title="答复期限",
                             explanation="征求第三方意见或等待补正期间，答复期限暂停计算")
    specs = [reply]
    third = DeadlineSpec(kind=Kind.REPLY, key=CONSULTATION_KEY, due_on=consultation_due,
                         department_id=department_id, title="第三方意见期限",
                         explanation="政府信息公开条例 第三十二条：第三方自收到征求意见书之日起 15 个工作日内提出意见")
    if consultation_due is not None:
        specs.append(third if st == State.CONSULTING else third.closed("第三方意见征询已结束"))
    return specs

