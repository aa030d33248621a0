"""The one table of case transitions, on the lifecycle kernel's :class:`TransitionTable`. Pure: no Django.

Every service looks its action up here instead of testing ``status`` in place; a transition that
is not in the table is refused with the same error everywhere.
"""

from __future__ import annotations

from enum import StrEnum

from onewindow.lifecycle.transitions import Move, Refused, TransitionTable


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
    CHASE_STAGE = "chase_stage"  # 催办: the lead department chases a co-handler's open stage (联办件)
    START_SPECIAL_PROCEDURE = "start_special_procedure"
    END_SPECIAL_PROCEDURE = "end_special_procedure"
    REQUEST_EXTENSION = "request_extension"
    GRANT_EXTENSION = "grant_extension"
    DECLINE_EXTENSION = "decline_extension"
    # 联办件 (行政许可法 第四十二条第二款): asked by the lead department, decided by the government head.
    REQUEST_JOINT_EXTENSION = "request_joint_extension"
    APPROVE_JOINT_EXTENSION = "approve_joint_extension"
    DECLINE_JOINT_EXTENSION = "decline_joint_extension"
    CLAIM_TASK = "claim_task"
    RELEASE_TASK = "release_task"
    REASSIGN_TASK = "reassign_task"
    # 容缺受理: accepted while deferrable materials are owed, with the date they are due by.
    ACCEPT_WITH_DEFERRED_MATERIALS = "accept_with_deferred_materials"
    RECEIVE_DEFERRED_MATERIALS = "receive_deferred_materials"
    # 告知承诺制: accepted on the applicant's written commitment, verified later.
    ACCEPT_ON_COMMITMENT = "accept_on_commitment"
    RECORD_VERIFICATION = "record_verification"
    RECORD_OBJECTION = "record_objection"  # 异议登记
    ANSWER_OBJECTION = "answer_objection"  # 异议答复
    MARK_URGENT = "mark_urgent"  # 绿色通道：标记急办件
    REVOKE = "revoke"  # 撤销准予决定 (a false commitment)
    # 上报件 / 下放: the receiving point refers, the deciding department picks up or returns.
    REFER = "refer"
    ACCEPT_REFERRAL = "accept_referral"
    RETURN_REFERRAL = "return_referral"
    RECEIVE_PAPER = "receive_paper"  # 村代办: the agent's paper materials at the township center
    ASSIGN_HANDLER = "assign_handler"  # 全程承办人: the chief representative names or changes them
    # 联审会: the lead department convenes the co-handlers and records the result.
    SCHEDULE_REVIEW_MEETING = "schedule_review_meeting"
    RECORD_REVIEW_MEETING = "record_review_meeting"
    REVOKE_CERTIFICATE = "revoke_certificate"  # 撤销证照 with a reason and a notice
    DECIDE_GRANT = "decide_grant"
    DECIDE_DENY = "decide_deny"
    ISSUE_CERTIFICATE = "issue_certificate"
    DELIVER = "deliver"
    WITHDRAW = "withdraw"


_HANDLING = frozenset({Status.IN_REVIEW, Status.SPECIAL_PROCEDURE})


def _move(sources: frozenset[Status | None] | set[Status | None], target: Status | None, permission: str | None,
          label: str) -> Move[Status]:
    return Move(frozenset(sources), target, permission, label)


# The permission names are ``organization.permissions.Action`` values (kept as strings: this module is pure).
TRANSITIONS: dict[Action, Move[Status]] = {
    Action.SUBMIT: _move({None}, Status.SUBMITTED, "case.submit", "收件"),
    # 行政许可法 第三十二条: one notice listing everything missing, before acceptance.
    Action.REQUEST_SUPPLEMENT: _move({Status.SUBMITTED}, Status.AWAITING_SUPPLEMENT, "case.request_supplement",
                                     "一次性告知补正"),
    Action.SUPPLEMENT: _move({Status.AWAITING_SUPPLEMENT}, Status.SUBMITTED, "case.submit", "登记补正材料"),
    Action.ACCEPT: _move({Status.SUBMITTED}, Status.IN_REVIEW, "case.accept", "受理"),
    Action.DEEMED_ACCEPT: _move({Status.SUBMITTED}, Status.IN_REVIEW, None, "视为受理"),
    Action.REFUSE: _move({Status.SUBMITTED, Status.AWAITING_SUPPLEMENT}, Status.REFUSED, "case.refuse", "不予受理"),
    # 即办件: accepted and concluded on the spot.
    Action.CONCLUDE_INSTANT: _move({Status.SUBMITTED}, Status.CONCLUDED, "case.accept", "当场办结"),
    Action.COMPLETE_STAGE: _move({Status.IN_REVIEW}, None, "case.review", "办结审核环节"),
    Action.CHASE_STAGE: _move({Status.IN_REVIEW}, None, "case.decide", "催办会办环节"),
    Action.START_SPECIAL_PROCEDURE: _move({Status.IN_REVIEW}, Status.SPECIAL_PROCEDURE, "case.special_procedure",
                                          "启动特别程序"),
    Action.END_SPECIAL_PROCEDURE: _move({Status.SPECIAL_PROCEDURE}, Status.IN_REVIEW, "case.special_procedure",
                                        "结束特别程序"),
    Action.REQUEST_EXTENSION: _move(_HANDLING, None, "case.request_extension", "申请延期"),
    Action.GRANT_EXTENSION: _move(_HANDLING, None, "case.grant_extension", "批准延期"),
    Action.DECLINE_EXTENSION: _move(_HANDLING, None, "case.grant_extension", "不同意延期"),
    Action.REQUEST_JOINT_EXTENSION: _move(_HANDLING, None, "case.request_extension", "报请本级人民政府负责人批准延期"),
    Action.APPROVE_JOINT_EXTENSION: _move(_HANDLING, None, "case.approve_joint_extension", "批准联办件延期"),
    Action.DECLINE_JOINT_EXTENSION: _move(_HANDLING, None, "case.approve_joint_extension", "不同意联办件延期"),
    # Inbox moves: who works on a stage; the status stays.
    Action.CLAIM_TASK: _move(_HANDLING, None, "case.review", "认领"),
    Action.RELEASE_TASK: _move(_HANDLING, None, "case.review", "退回待认领"),
    Action.REASSIGN_TASK: _move(_HANDLING, None, "case.reassign", "改派"),
    Action.ACCEPT_WITH_DEFERRED_MATERIALS: _move({Status.SUBMITTED}, Status.IN_REVIEW, "case.accept", "容缺受理"),
    Action.RECEIVE_DEFERRED_MATERIALS: _move(_HANDLING | {Status.GRANTED}, None, "case.submit", "登记补交容缺材料"),
    Action.ACCEPT_ON_COMMITMENT: _move({Status.SUBMITTED}, Status.IN_REVIEW, "case.accept", "告知承诺受理"),
    # Verification may come after the case is concluded (the certificate is out by then).
    Action.RECORD_VERIFICATION: _move(_HANDLING | {Status.GRANTED, Status.CERTIFICATE_ISSUED, Status.CONCLUDED},
                                      None, "case.decide", "登记承诺核查结果"),
    # An objection may come at any time after the act it objects to, also once the case is closed.
    Action.RECORD_OBJECTION: _move(set(Status), None, "case.submit", "登记异议"),
    Action.ANSWER_OBJECTION: _move(set(Status), None, "case.decide", "答复异议"),
    Action.MARK_URGENT: _move({Status.SUBMITTED, Status.AWAITING_SUPPLEMENT} | _HANDLING, None,
                              "case.grant_extension", "标记急办件"),
    Action.REVOKE: _move({Status.GRANTED, Status.CERTIFICATE_ISSUED, Status.CONCLUDED}, Status.CONCLUDED,
                         "case.decide", "撤销准予决定"),
    # Checked against the receiving point's or the deciding department's postings by the services.
    Action.REFER: _move({Status.SUBMITTED}, None, "case.submit", "上报"),
    Action.ACCEPT_REFERRAL: _move({Status.SUBMITTED}, None, "case.accept", "接收上报件"),
    Action.RETURN_REFERRAL: _move({Status.SUBMITTED}, None, "case.accept", "退回上报件"),
    Action.RECEIVE_PAPER: _move(set(OPEN), None, "case.submit", "登记纸质材料送达"),
    Action.ASSIGN_HANDLER: _move(OPEN - {Status.SUBMITTED, Status.AWAITING_SUPPLEMENT}, None, "case.reassign",
                                 "确定全程承办人"),
    Action.SCHEDULE_REVIEW_MEETING: _move(_HANDLING, None, "case.review", "召开联审会"),
    Action.RECORD_REVIEW_MEETING: _move(_HANDLING, None, "case.review", "登记联审会结论"),
    Action.REVOKE_CERTIFICATE: _move({Status.CERTIFICATE_ISSUED, Status.CONCLUDED}, None, "case.decide", "撤销证照"),
    Action.DECIDE_GRANT: _move({Status.IN_REVIEW}, Status.GRANTED, "case.decide", "作出准予决定"),
    Action.DECIDE_DENY: _move({Status.IN_REVIEW}, Status.CONCLUDED, "case.decide", "作出不予决定"),
    Action.ISSUE_CERTIFICATE: _move({Status.GRANTED}, Status.CERTIFICATE_ISSUED, "case.issue_certificate", "制证"),
    Action.DELIVER: _move({Status.CERTIFICATE_ISSUED}, Status.CONCLUDED, "case.deliver", "送达"),
    Action.WITHDRAW: _move({Status.SUBMITTED, Status.AWAITING_SUPPLEMENT, Status.IN_REVIEW,
                            Status.SPECIAL_PROCEDURE}, Status.WITHDRAWN, "case.submit", "撤回"),
}


def _refusal(action: Action, status: Status | None) -> str:
    label = STATUS_LABELS[status] if status else "未创建"
    return f"办件当前状态为“{label}”，不能执行此操作"


TABLE: TransitionTable[Status, Action] = TransitionTable(
    name="case", noun="办件", moves=TRANSITIONS, state_labels=STATUS_LABELS, terminal=TERMINAL,
    refusal_message=_refusal)


class TransitionRefused(Refused):
    """The case table refuses the move (kept under its old name for the case services)."""

    def __init__(self, refused: Refused) -> None:
        super().__init__(refused.code, refused.message, refused.action, refused.state)
        self.status = refused.state


def next_status(action: Action, current: Status | None) -> Status:
    """The status after ``action``, or :class:`TransitionRefused` if the table has no such move."""
    try:
        return TABLE.next_state(action, current)
    except Refused as exc:
        raise TransitionRefused(exc) from None
