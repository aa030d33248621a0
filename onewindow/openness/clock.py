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
from onewindow.workdays.clock import (
    FEE_PAYMENT,
    THIRD_PARTY_CONSULTATION,
    ClockEvent,
    ClockState,
    EventKind,
    Pause,
    local_date,
)
from onewindow.workdays.disclosure import (
    FEE_PAYMENT_WORKDAYS,
    THIRD_PARTY_WORKDAYS,
    disclosure_clock,
    disclosure_limits,
)

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
FEE_KEY = "fee"

# The pauses of a request: what each is called in the history, the time the other side is given.
PROCEDURE_LABELS = {THIRD_PARTY_CONSULTATION: ("征求第三方意见", "第三方意见征询结束"),
                    FEE_PAYMENT: ("发出收费通知", "缴费或减免，恢复计时")}
ANNOUNCED = {THIRD_PARTY_CONSULTATION: THIRD_PARTY_WORKDAYS, FEE_PAYMENT: FEE_PAYMENT_WORKDAYS}


@dataclass(frozen=True)
class StoredEvent:
    """A stored event as the clock needs it: its kind, moment, payload and place in the history."""

    kind: str
    at: datetime
    payload: dict[str, Any]
    seq: int


def procedure_of(event: StoredEvent) -> str:
    """The pause an event starts or ends: stored in its payload (the consultation before fees existed)."""
    return str(event.payload.get("procedure") or THIRD_PARTY_CONSULTATION)


def label_of(event: StoredEvent) -> str:
    """The event's words in the deadline history."""
    if event.kind == EventKind.SPECIAL_PROCEDURE_STARTED:
        return PROCEDURE_LABELS[procedure_of(event)][0]
    if event.kind == EventKind.SPECIAL_PROCEDURE_ENDED:
        return PROCEDURE_LABELS[procedure_of(event)][1]
    return KIND_LABELS[event.kind]


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
        procedure = procedure_of(event)
        announced = ANNOUNCED.get(procedure) if kind == EventKind.SPECIAL_PROCEDURE_STARTED else None
        return ClockEvent(kind=kind, at=day, seq=event.seq, procedure=procedure, announced_workdays=announced)
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
        lines.append(HistoryLine(event.seq, label_of(event), day,
                                 state.statutory_due if running else None, running, _note(event, state)))
    return lines


def _note(event: StoredEvent, state: ClockState) -> str:
    kind = event.kind
    if kind in (EventKind.SUBMITTED, EventKind.SUPPLEMENTED):
        return "答复期限自此日起计算 20 个工作日（政府信息公开条例 第三十条、第三十三条）"
    if kind == EventKind.SUPPLEMENT_REQUESTED:
        return "等待申请人补正，答复期限自收到补正后的申请之日起重新计算（第三十条）"
    if kind == EventKind.SPECIAL_PROCEDURE_STARTED and procedure_of(event) == FEE_PAYMENT:
        return ("自发出收费通知至申请人缴费的期间不计算在答复期限内，申请人应在 20 个工作日内缴费"
                "（第四十二条，国办函〔2020〕109号）")
    if kind == EventKind.SPECIAL_PROCEDURE_STARTED:
        return "征求第三方意见所需时间不计算在答复期限内，第三方有 15 个工作日提出意见（第三十二条）"
    if kind == EventKind.SPECIAL_PROCEDURE_ENDED and procedure_of(event) == FEE_PAYMENT:
        return "恢复计时，待缴费期间不计入答复期限"
    if kind == EventKind.SPECIAL_PROCEDURE_ENDED:
        return "恢复计时，征求意见期间不计入答复期限"
    if kind == EventKind.EXTENSION_GRANTED:
        return f"经负责人同意延长 {state.extension_workdays} 个工作日（第三十三条第二款）"
    if kind == EventKind.DECIDED:
        return "已作出答复，期限结束"
    return "申请已撤回，期限结束"


def last_pause(clock: ClockState, procedure: str) -> Pause | None:
    """The latest pause of this kind (running or ended), if any."""
    return next((p for p in reversed(clock.pauses) if p.procedure == procedure), None)


def pause_due(clock: ClockState, procedure: str) -> date | None:
    """The end the other side was given for the latest pause of this kind (the third party's 15
    working days, the applicant's 20 to pay)."""
    pause = last_pause(clock, procedure)
    return pause.expected_end if pause is not None else None


def deadline_specs(state_value: str, clock: ClockState, *, department_id: int | None,
                   consultation_due: date | None, fee_due: date | None = None) -> list[DeadlineSpec]:
    """The request's deadline rows as they stand: the reply due date (paused while the third party
    is consulted, the clarified request or the fee awaited; closed once answered or withdrawn),
    during a consultation the third party's 15 working days, and while a fee is unpaid the
    applicant's 20 working days to pay (after which the request may be closed as abandoned)."""
    reply = DeadlineSpec(kind=Kind.REPLY, due_on=clock.statutory_due, statutory=True, department_id=department_id,
                         yellow_from=clock.yellow_from, provisional=clock.provisional, title="答复期限",
                         explanation="政府信息公开条例 第三十三条：收到申请之日起 20 个工作日内答复，经同意可延长不超过 20 个工作日")
    st = State(state_value)
    if st == State.REPLIED:
        reply = reply.closed("已作出答复")
    elif st == State.WITHDRAWN:
        reply = reply.closed("申请已撤回")
    elif st in (State.CONSULTING, State.AWAITING_CLARIFICATION, State.AWAITING_FEE) or clock.statutory_due is None:
        reply = DeadlineSpec(kind=Kind.REPLY, due_on=None, statutory=True, department_id=department_id,
                             state=DeadlineState.PAUSED, title="答复期限",
                             explanation="征求第三方意见、等待补正或等待缴费期间，答复期限暂停计算")
    specs = [reply]
    third = DeadlineSpec(kind=Kind.REPLY, key=CONSULTATION_KEY, due_on=consultation_due,
                         department_id=department_id, title="第三方意见期限",
                         explanation="政府信息公开条例 第三十二条：第三方自收到征求意见书之日起 15 个工作日内提出意见")
    if consultation_due is not None:
        specs.append(third if st == State.CONSULTING else third.closed("第三方意见征询已结束"))
    fee = DeadlineSpec(kind=Kind.REPLY, key=FEE_KEY, due_on=fee_due, department_id=department_id,
                       title="缴费期限",
                       explanation="国办函〔2020〕109号：申请人自收到收费通知次日起 20 个工作日内缴费，逾期未缴视为放弃申请")
    if fee_due is not None:
        specs.append(fee if st == State.AWAITING_FEE else fee.closed("已缴费、减免或申请已结束"))
    return specs

