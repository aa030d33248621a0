"""联审会: the lead department of a joint case convenes the co-handling departments' review meeting
and records its result, which the applicant receives as one written one-time notice (numbered,
:data:`.outputs.NOTICE_KIND`). Each is one transition of the case engine."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from onewindow.core.errors import DomainError
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action as Perm

from . import guards, states
from .events import EventKind
from .history import events_of
from .meeting_rules import MEETING_KINDS, OUTCOMES, open_meeting
from .models import Case
from .services import _act

_TEXT_MAX = 500


def _text(value: str, field: str, label: str, *, required: bool = True, limit: int = _TEXT_MAX) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"meeting.{field}_required", f"请填写{label}", field=field)
    if len(text) > limit:
        raise DomainError(f"meeting.{field}_too_long", f"{label}不能超过{limit}字", field=field)
    return text


def case_schedule_review_meeting(*, case_id: int, actor: Staff, kind: str, on: str, place: str, note: str = "",
                                 at: datetime | None = None, expected_version: int | None = None) -> Case:
    """召开联审会: the lead department names the kind of meeting, its day and place; every
    co-handling department of the case (its stages' departments) is convened."""
    at = at or current_time()
    if kind not in MEETING_KINDS:
        raise DomainError("meeting.kind_invalid", f"会议类型须为{'、'.join(MEETING_KINDS.values())}之一", field="kind")
    try:
        day = date.fromisoformat(str(on))
    except ValueError:
        raise DomainError("meeting.date_invalid", "会议日期格式应为 YYYY-MM-DD", field="on") from None
    if day < local_date(at):
        raise DomainError("meeting.date_past", "会议日期不能早于今天", field="on")
    place = _text(place, "place", "会议地点", limit=100)
    note = _text(note, "note", "说明", required=False)

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        guards.refuse_unless(guards.meeting_guard(c, events_of(c), scheduling=True, today=local_date(at)))
        departments = sorted({t.department.name for t in c.tasks.select_related("department")} | {c.department.name})
        return [(EventKind.REVIEW_MEETING_SCHEDULED, {"kind": kind, "kind_label": MEETING_KINDS[kind],
                                                      "on": day.isoformat(), "place": place, "note": note,
                                                      "departments": departments})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_REVIEW, action=states.Action.SCHEDULE_REVIEW_MEETING,
                at=at, expected_version=expected_version, events=plan)


def case_record_review_meeting(*, case_id: int, actor: Staff, outcome: str, opinion: str,
                               materials: list[str] | None = None, at: datetime | None = None,
                               expected_version: int | None = None) -> Case:
    """登记联审会结论: passed; or every material to supplement, listed at once (一次性告知); or not
    passed, with the reasons. The applicant gets the one written notice of it."""
    at = at or current_time()
    if outcome not in OUTCOMES:
        raise DomainError("meeting.outcome_invalid", f"结论须为{'、'.join(OUTCOMES.values())}之一", field="outcome")
    opinion = _text(opinion, "opinion", "联审意见")
    names = [line.strip() for m in materials or [] for line in m.splitlines() if line.strip()]  # a form: one a line
    if outcome == "supplement" and not names:
        raise DomainError("meeting.materials_required", "需补充完善的，须一次性列明全部材料", field="materials")
    if outcome != "supplement" and names:
        raise DomainError("meeting.materials_unexpected", "只有“需补充完善材料”的结论列明材料", field="materials")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        history = events_of(c)
        guards.refuse_unless(guards.meeting_guard(c, history, scheduling=False, today=local_date(at)))
        meeting = open_meeting(history)
        return [(EventKind.REVIEW_MEETING_HELD, {
            "kind_label": meeting.payload.get("kind_label", "联审会"), "on": meeting.payload.get("on"),
            "departments": meeting.payload.get("departments", []), "outcome": outcome,
            "outcome_label": OUTCOMES[outcome], "opinion": opinion, "materials": names})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_REVIEW, action=states.Action.RECORD_REVIEW_MEETING,
                at=at, expected_version=expected_version, events=plan)

