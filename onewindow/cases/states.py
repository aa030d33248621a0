"""The one table of case transitions. Pure: no Django.

Every service looks its action up here instead of testing ``status`` in place; a transition that
is not in the table is refused with the same error everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    SUBMITTED = "submitted"  # 已收件，待受理
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # 补正中
    IN_REVIEW = "in_review"  # 已受理，审查中
    SPECIAL_PROCEDURE = "special_procedure"  # 特别程序中（不计时）
    GRANTED = "granted"  # 准予许可，待制证
    CERTIFICATE_ISSUED = "certificate_issued"  # 已制证，待送达
    CONCLUDED = "concluded"  # 办结
    REFUSED = "refused"  # 不予受理（退回件）
    WITHDRAWN = "withdrawn"  # 撤回


STATUS_LABELS = {
    Status.SUBMITTED: "已收件",
    Status.AWAITING_SUPPLEMENT: "待补正",
    Status.IN_REVIEW: "审查中",
    Status.SPECIAL_PROCEDURE: "特别程序中",
    Status.GRANTED: "准予许可待制证",
    Status.CERTIFICATE_ISSUED: "待送达",
    Status.CONCLUDED: "已办结",
    Status.REFUSED: "不予受理",
    Status.WITHDRAWN: "已撤回",
}

TERMINAL = frozenset({Status.CONCLUDED, Status.REFUSED, Status.WITHDRAWN})
OPEN = frozenset(Status) - TERMINAL


class Action(StrEnum):
    SUBMIT = "submit"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT = "supplement"
    ACCEPT = "accept"
    DEEMED_ACCEPT = "deemed_accept"
    REFUSE = "refuse"
    CONCLUDE_INSTANT = "conclude_instant"
    COMPLETE_STAGE = "complete_stage"
    START_SPECIAL_PROCEDURE = "start_special_procedure"
    END_SPECIAL_PROCEDURE = "end_special_procedure"
    REQUEST_EXTENSION = "request_extension"
    GRANT_EXTENSION = "grant_extension"
    DECLINE_EXTENSION = "decline_extension"
    CLAIM_TASK = "claim_task"
    RELEASE_TASK = "release_task"
    REASSIGN_TASK = "reassign_task"
    DECIDE_GRANT = "decide_grant"
    DECIDE_DENY = "decide_deny"
    ISSUE_CERTIFICATE = "issue_certificate"
    DELIVER = "deliver"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status | None]
    target: Status | None  # None: the status does not change

    def target_from(self, source: Status) -> Status:
        return self.target if self.target is not None else source


_HANDLING = frozenset({Status.IN_REVIEW, Status.SPECIAL_PROCEDURE})

TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(frozenset({None}), Status.SUBMITTED),
    # 行政许可法 第三十二条: one notice listing everything missing, before acceptance.
    Action.REQUEST_SUPPLEMENT: Transition(frozenset({Status.SUBMITTED}), Status.AWAITING_SUPPLEMENT),
    Action.SUPPLEMENT: Transition(frozenset({Status.AWAITING_SUPPLEMENT}), Status.SUBMITTED),
    Action.ACCEPT: Transition(frozenset({Status.SUBMITTED}), Status.IN_REVIEW),
    Action.DEEMED_ACCEPT: Transition(frozenset({Status.SUBMITTED}), Status.IN_REVIEW),
    Action.REFUSE: Transition(frozenset({Status.SUBMITTED, Status.AWAITING_SUPPLEMENT}), Status.REFUSED),
    # 即办件: accepted and concluded on the spot.
    Action.CONCLUDE_INSTANT: Transition(frozenset({Status.SUBMITTED}), Status.CONCLUDED),
    Action.COMPLETE_STAGE: Transition(frozenset({Status.IN_REVIEW}), None),
    Action.START_SPECIAL_PROCEDURE: Transition(frozenset({Status.IN_REVIEW}), Status.SPECIAL_PROCEDURE),
    Action.END_SPECIAL_PROCEDURE: Transition(frozenset({Status.SPECIAL_PROCEDURE}), Status.IN_REVIEW),
    Action.REQUEST_EXTENSION: Transition(_HANDLING, None),
    Action.GRANT_EXTENSION: Transition(_HANDLING, None),
    Action.DECLINE_EXTENSION: Transition(_HANDLING, None),
    # Inbox moves: who works on a stage; the status stays.
    Action.CLAIM_TASK: Transition(_HANDLING, None),
    Action.RELEASE_TASK: Transition(_HANDLING, None),
    Action.REASSIGN_TASK: Transition(_HANDLING, None),
    Action.DECIDE_GRANT: Transition(frozenset({Status.IN_REVIEW}), Status.GRANTED),
    Action.DECIDE_DENY: Transition(frozenset({Status.IN_REVIEW}), Status.CONCLUDED),
    Action.ISSUE_CERTIFICATE: Transition(frozenset({Status.GRANTED}), Status.CERTIFICATE_ISSUED),
    Action.DELIVER: Transition(frozenset({Status.CERTIFICATE_ISSUED}), Status.CONCLUDED),
    Action.WITHDRAW: Transition(
        frozenset({Status.SUBMITTED, Status.AWAITING_SUPPLEMENT, Status.IN_REVIEW, Status.SPECIAL_PROCEDURE}),
        Status.WITHDRAWN,
    ),
}


class TransitionRefused(Exception):
    def __init__(self, action: Action, status: Status | None) -> None:
        label = STATUS_LABELS[status] if status else "未创建"
        super().__init__(f"办件当前状态为“{label}”，不能执行此操作")
        self.action = action
        self.status = status


def next_status(action: Action, current: Status | None) -> Status:
    """The status after ``action``, or :class:`TransitionRefused` if the table has no such move."""
    transition = TRANSITIONS[action]
    if current not in transition.sources:
        raise TransitionRefused(action, current)
    if current is None:
        assert transition.target is not None
        return transition.target
    return transition.target_from(current)
