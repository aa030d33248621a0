"""A case's deadlines as the lifecycle kernel's rows (DESIGN.md §2a): the acceptance decision, the
promised and statutory dates, the certificate, and each open review stage.

The case row keeps its materialized dates for the inboxes; the rows are what the supervision sweep
scans. Both are written by the same transition, from the same clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from onewindow.lifecycle.deadlines import DeadlineSpec, Kind

from .referral_rules import AT_RECEIVING_POINT, ReferralState
from .states import STATUS_LABELS, TERMINAL, Status

if TYPE_CHECKING:
    from .models import Case, CaseTask

SUBJECT = "case"

_HANDLING = frozenset({Status.IN_REVIEW, Status.SPECIAL_PROCEDURE})


def _why_closed(status: Status, kind: Kind) -> str:
    """The words a warning about a closed deadline resolves with."""
    if status in TERMINAL:
        return f"办件{STATUS_LABELS[status]}"
    if kind == Kind.ACCEPTANCE:
        return "已作出受理决定"
    if kind == Kind.ISSUANCE:
        return "证件已颁发"
    if kind == Kind.STAGE:
        return "环节已办结"
    return "已作出决定"


def specs_of(case: Case, tasks: Iterable[CaseTask] | None) -> list[DeadlineSpec]:
    """Every deadline of ``case`` now: running ones open, answered ones closed with the reason."""
    status = Status(case.status)
    handling = status in _HANDLING
    dept = case.department_id
    specs: list[DeadlineSpec] = []

    def add(kind: Kind, due, running: bool, **extra) -> None:
        if due is None:
            return
        spec = DeadlineSpec(kind=kind, due_on=due, department_id=dept, provisional=case.clock_provisional, **extra)
        specs.append(spec if running else spec.closed(_why_closed(status, kind)))

    add(Kind.ACCEPTANCE, case.acceptance_due, status == Status.SUBMITTED)
    add(Kind.PROMISED, case.promised_due, handling, yellow_from=case.yellow_from)
    add(Kind.STATUTORY, case.statutory_due, handling, statutory=True)
    add(Kind.ISSUANCE, case.issuance_due, status == Status.GRANTED, statutory=True)
    if case.deferred_due is not None:
        # 容缺受理: the owed materials' date; it closes when they arrived (or the case ended).
        spec = DeadlineSpec(kind=Kind.SUPPLEMENT, key="deferred", due_on=case.deferred_due, department_id=dept,
                            provisional=case.clock_provisional, title="容缺材料补交期限")
        running = bool(case.deferred_owed) and status not in TERMINAL
        specs.append(spec if running else spec.closed(_why_closed(status, Kind.SUPPLEMENT) if status in TERMINAL
                                                      else "容缺材料已补齐"))
    if case.verification_due is not None:
        # 告知承诺制: the department's verification of the commitment; it runs past the conclusion
        # of the case (the decision was made on the commitment) until a result is recorded.
        spec = DeadlineSpec(kind=Kind.REPLY, key="verification", due_on=case.verification_due, department_id=dept,
                            provisional=case.clock_provisional, title="告知承诺核查期限")
        running = case.verification_result == "pending" and status not in (Status.REFUSED, Status.WITHDRAWN)
        specs.append(spec if running else spec.closed("已登记核查结果" if case.verification_result != "pending"
                                                      else _why_closed(status, Kind.REPLY)))
    specs += _referral_specs(case, status)
    for objection in case.objections or ():
        # 异议: answered in writing with reasons by its date (whatever the case's state).
        spec = DeadlineSpec(kind=Kind.REPLY, key=f"objection-{objection['no']}",
                            due_on=date.fromisoformat(objection["due"]), department_id=dept,
                            provisional=case.clock_provisional, title=f"异议答复期限（第{objection['no']}件）")
        specs.append(spec.closed("已书面答复") if objection.get("answered") else spec)
    for task in tasks or ():
        if task.due_on is None:
            continue
        spec = DeadlineSpec(kind=Kind.STAGE, key=str(task.stage_order), due_on=task.due_on,
                            department_id=task.department_id, responsible_id=task.assignee_id,
                            lapses_after=case.promised_due, provisional=case.clock_provisional,
                            title=f"“{task.stage_name}”环节"[:100])
        running = handling and task.state == "open"
        specs.append(spec if running else spec.closed(_why_closed(status, Kind.STAGE)))
    return specs


def _referral_specs(case: Case, status: Status) -> list[DeadlineSpec]:
    """上报件: the receiving point's forwarding limit and the deciding department's pickup limit;
    村代办: the agent's paper materials at the township center. Each closes with what answered it."""
    specs: list[DeadlineSpec] = []
    state = ReferralState(case.referral_state or "")
    ended = status in TERMINAL

    def add(spec: DeadlineSpec, running: bool, answered: str) -> None:
        specs.append(spec if running and not ended else spec.closed(_why_closed(status, spec.kind) if ended
                                                                    else answered))

    if case.forward_due is not None:
        # The receiving point answers for it: no department of the deciding region.
        add(DeadlineSpec(kind=Kind.REPLY, key="forward", due_on=case.forward_due, provisional=case.clock_provisional,
                         title="收件点初审上报期限"), state in AT_RECEIVING_POINT, "已上报")
    if case.pickup_due is not None:
        add(DeadlineSpec(kind=Kind.REPLY, key="referral", due_on=case.pickup_due, department_id=case.department_id,
                         provisional=case.clock_provisional, title="上报件接收期限"),
            state == ReferralState.IN_TRANSIT, "已接收或退回")
    if case.paper_due is not None:
        add(DeadlineSpec(kind=Kind.SUPPLEMENT, key="paper", due_on=case.paper_due, responsible_id=case.filed_by_id,
                         provisional=case.clock_provisional, title="代办员纸质材料送达期限"),
            case.paper_received_on is None, "纸质材料已送达")
    return specs
