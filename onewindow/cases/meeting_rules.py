"""联审会 (joint review meetings) of a joint case, read from its history. Pure: no Django.

A joint item's review meeting (联审会、审查会、评估论证会) is convened by the lead department with
every co-handling department; its result reaches the applicant as one written one-time notice
(联审意见告知书): passed, or what to supplement (all of it, once), or not passed with reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

MEETING_KINDS = {"joint_review": "联审会", "examination": "审查会", "evaluation": "评估论证会"}
OUTCOMES = {"passed": "通过", "supplement": "需补充完善材料", "not_passed": "不予通过"}

SCHEDULED = "review_meeting_scheduled"
HELD = "review_meeting_held"


def open_meeting(events: Iterable[Any]) -> Any | None:
    """The scheduled meeting whose result is not recorded yet (its ``review_meeting_scheduled``
    event), or None."""
    pending = None
    for e in events:
        if e.kind == SCHEDULED:
            pending = e
        elif e.kind == HELD:
            pending = None
    return pending


def meeting_refusal(*, joint: bool, events: Iterable[Any], scheduling: bool, today: date) -> tuple[str, str] | None:
    """Why a meeting cannot be scheduled (``scheduling``) or its result recorded now: (code, reason)."""
    if not joint:
        return ("meeting.not_joint", "只有联办件召开联审会")
    pending = open_meeting(events)
    if scheduling and pending is not None:
        return ("meeting.already_scheduled", f"已有一次{pending.payload.get('kind_label', '联审会')}待登记结论")
    if not scheduling:
        if pending is None:
            return ("meeting.not_scheduled", "尚未召开联审会，无结论可登记")
        if date.fromisoformat(pending.payload["on"]) > today:
            return ("meeting.not_yet", f"联审会定于{pending.payload['on']}召开，召开后方可登记结论")
    return None
