"""Accountability (问责) as rules: the measures, the lifecycle table, and what a proposal must hold.
Pure: no database (LEGAL-RULES §4; seed 002: 效能告诫, 问责)."""

from __future__ import annotations

from enum import StrEnum

from onewindow.lifecycle.transitions import Move, TransitionTable


class Measure(StrEnum):
    TALK = "talk"
    NOTICE = "notice"
    EFFICIENCY = "efficiency"
    TRANSFER = "transfer"
    INSPECTION = "inspection"


MEASURE_LABELS = {Measure.TALK: "谈话提醒", Measure.NOTICE: "通报批评", Measure.EFFICIENCY: "效能告诫",
                  Measure.TRANSFER: "调离窗口", Measure.INSPECTION: "书面检查"}


class AccState(StrEnum):
    PROPOSED = "proposed"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


class AccAction(StrEnum):
    PROPOSE = "propose"
    STATE = "state"
    DECIDE = "decide"
    WITHDRAW = "withdraw"


STATE_LABELS = {AccState.PROPOSED: "待决定", AccState.DECIDED: "已决定", AccState.WITHDRAWN: "已撤回"}

# 陈述期: the person concerned may state their side within this many working days of the proposal;
# the approver decides once they have, or once the period is over.
STATEMENT_WORKDAYS = 3
TEXT_MAX = 2000

TABLE: TransitionTable[AccState, AccAction] = TransitionTable(
    name="accountability", noun="问责记录", state_labels=STATE_LABELS,
    terminal=frozenset({AccState.DECIDED, AccState.WITHDRAWN}), moves={
        # A supervisor proposes the measure, with the facts and the basis.
        AccAction.PROPOSE: Move(frozenset({None}), AccState.PROPOSED, "supervision.order", "提出"),
        # The person concerned states their side (once).
        AccAction.STATE: Move(frozenset({AccState.PROPOSED}), None, None, "陈述"),
        # A center administrator, neither the proposer nor the person, decides.
        AccAction.DECIDE: Move(frozenset({AccState.PROPOSED}), AccState.DECIDED, "assessment.run", "决定"),
        # The proposer (or an administrator) withdraws it before the decision.
        AccAction.WITHDRAW: Move(frozenset({AccState.PROPOSED}), AccState.WITHDRAWN, "supervision.order", "撤回"),
    })


def text_problem(value: str, label: str) -> str | None:
    """Why a required text is refused (Chinese), or None."""
    if not value.strip():
        return f"请填写{label}"
    if len(value.strip()) > TEXT_MAX:
        return f"{label}不能超过 {TEXT_MAX} 个字符"
    return None
