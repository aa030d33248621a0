"""The vocabulary of a case's history: every kind of case event, once, with its Chinese name.
Pure: no Django.

The clock reads a subset of them (``workdays.clock.EventKind``, the same values); the services
append them, the pages and notices name them, supervision's rules look for them — all through
this enum, never a bare string.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    SUBMITTED = "submitted"  # 收件
    SUPPLEMENT_REQUESTED = "supplement_requested"  # 一次性告知补正
    SUPPLEMENTED = "supplemented"  # 补正
    ACCEPTED = "accepted"  # 受理
    DEEMED_ACCEPTED = "deemed_accepted"  # 视为受理 (行政许可法 第三十二条)
    REFUSED = "refused"  # 不予受理
    STAGE_SIGNED = "stage_signed"  # 实质审查的第一个签字 (第三十四条)
    STAGE_COMPLETED = "stage_completed"  # 审核环节办结
    STAGE_CHASED = "stage_chased"  # 催办: the lead of a joint case chases a late co-handler
    SPECIAL_PROCEDURE_STARTED = "special_procedure_started"  # 特别程序 (第四十五条)
    SPECIAL_PROCEDURE_ENDED = "special_procedure_ended"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_GRANTED = "extension_granted"  # 延期 (第四十二条)
    EXTENSION_DECLINED = "extension_declined"
    DECIDED = "decided"  # 准予 / 不予
    CERTIFICATE_ISSUED = "certificate_issued"  # 制证 (第四十四条)
    DELIVERED = "delivered"  # 送达
    CONCLUDED = "concluded"  # 办结
    WITHDRAWN = "withdrawn"  # 撤回
    TASK_CLAIMED = "task_claimed"
    TASK_RELEASED = "task_released"
    TASK_REASSIGNED = "task_reassigned"
    CALENDAR_RETIMED = "calendar_retimed"  # 日历调整后重算期限
    DEFERRED_MATERIALS_RECEIVED = "deferred_materials_received"  # 补交容缺材料
    COMMITMENT_VERIFIED = "commitment_verified"  # 承诺核查
    DECISION_REVOKED = "decision_revoked"  # 撤销准予决定
    MARKED_URGENT = "marked_urgent"  # 绿色通道
    OBJECTION_RECORDED = "objection_recorded"  # 异议登记
    OBJECTION_ANSWERED = "objection_answered"  # 异议答复
    REFERRED = "referred"  # 上报 / 下放: the receiving point sends it to the deciding department
    REFERRAL_ACCEPTED = "referral_accepted"  # the deciding department picks it up
    REFERRAL_RETURNED = "referral_returned"  # … or returns it to the receiving point with reasons
    PAPER_RECEIVED = "paper_received"  # 村代办: the agent's paper materials reached the township center
    HANDLER_ASSIGNED = "handler_assigned"  # 全程承办人 named or changed
    REVIEW_MEETING_SCHEDULED = "review_meeting_scheduled"  # 联审会: convened with the co-handlers
    REVIEW_MEETING_HELD = "review_meeting_held"  # … its result, told in one written notice
    CERTIFICATE_REVOKED = "certificate_revoked"  # 撤销证照 (the decision stands; the certificate does not)


EVENT_LABELS: dict[EventKind, str] = {
    EventKind.SUBMITTED: "收件", EventKind.ACCEPTED: "受理", EventKind.DEEMED_ACCEPTED: "视为受理",
    EventKind.SUPPLEMENT_REQUESTED: "补正告知", EventKind.SUPPLEMENTED: "补正", EventKind.REFUSED: "不予受理",
    EventKind.STAGE_SIGNED: "核查签字", EventKind.STAGE_COMPLETED: "审核", EventKind.STAGE_CHASED: "催办",
    EventKind.SPECIAL_PROCEDURE_STARTED: "特别程序开始", EventKind.SPECIAL_PROCEDURE_ENDED: "特别程序结束",
    EventKind.EXTENSION_REQUESTED: "申请延期", EventKind.EXTENSION_GRANTED: "批准延期",
    EventKind.EXTENSION_DECLINED: "不同意延期", EventKind.DECIDED: "决定", EventKind.CERTIFICATE_ISSUED: "制证",
    EventKind.DELIVERED: "送达", EventKind.CONCLUDED: "办结", EventKind.WITHDRAWN: "撤回",
    EventKind.TASK_CLAIMED: "认领", EventKind.TASK_RELEASED: "退回待办", EventKind.TASK_REASSIGNED: "改派",
    EventKind.CALENDAR_RETIMED: "期限重算",
    EventKind.DEFERRED_MATERIALS_RECEIVED: "补交容缺材料",
    EventKind.COMMITMENT_VERIFIED: "承诺核查",
    EventKind.DECISION_REVOKED: "撤销决定",
    EventKind.MARKED_URGENT: "标记急办",
    EventKind.OBJECTION_RECORDED: "登记异议", EventKind.OBJECTION_ANSWERED: "答复异议",
    EventKind.REFERRED: "上报", EventKind.REFERRAL_ACCEPTED: "接收上报件", EventKind.REFERRAL_RETURNED: "退回上报件",
    EventKind.PAPER_RECEIVED: "纸质材料送达", EventKind.HANDLER_ASSIGNED: "确定全程承办人",
    EventKind.REVIEW_MEETING_SCHEDULED: "召开联审会", EventKind.REVIEW_MEETING_HELD: "联审会结论",
    EventKind.CERTIFICATE_REVOKED: "撤销证照",
}


def event_label(kind: str) -> str:
    """The Chinese name of an event kind for timelines and ledgers."""
    try:
        return EVENT_LABELS[EventKind(kind)]
    except ValueError:
        return kind
