"""The hall's pure rules: ticket states and priorities, the wait estimate, the appointment rules
(local: book ≥ 1 day ahead within the next 5 working days, real name, one booking per person per
day, cancel ≥ 2 h before, no-shows lose booking rights) and the half-hour slots of a day."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time, timedelta

from django.db import models


class TicketState(models.TextChoices):
    WAITING = "waiting", "等候中"
    CALLED = "called", "已叫号"
    SERVING = "serving", "办理中"
    DONE = "done", "已办结"
    SKIPPED = "skipped", "已过号"
    ABANDONED = "abandoned", "未办理离开"


OPEN_STATES = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)


class Priority(models.IntegerChoices):
    """GB/T 36112 queue order: first come first served, with the priorities the center grants.
    A larger number is called first; within a priority, arrival order."""

    NORMAL = 0, "普通"
    RETURNING = 1, "补正回访"
    SPECIAL = 2, "老年人/残疾人/绿色通道"
    APPOINTMENT = 3, "预约"


PRIORITY_REASONS = {"returning": Priority.RETURNING, "elderly": Priority.SPECIAL,
                    "disabled": Priority.SPECIAL, "green": Priority.SPECIAL}

# Appointments (LEGAL-RULES §4, local rules).
BOOK_MIN_DAYS_AHEAD = 1
BOOK_WITHIN_WORKDAYS = 5
CANCEL_HOURS_BEFORE = 2
NO_SHOWS_BEFORE_BAN = 3  # within the look-back below
NO_SHOW_LOOKBACK_DAYS = 90
BAN_DAYS = 90
CHECK_IN_EARLY_MINUTES = 60  # a check-in earlier than this before the slot is refused
CHECK_IN_LATE_MINUTES = 30  # later than this after the slot starts: the booking counts as missed

# The hall's opening hours (the slots of a day); the afternoon starts after the lunch break.
OPENING = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 0)))
SLOT = timedelta(minutes=30)

RECENT_SERVICES = 20  # the service times a wait estimate averages


Session = tuple[time, time]
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def sessions_of_day(week: dict[int, tuple[Session, ...]], *, weekday: int, kind: str) -> tuple[Session, ...]:
    """The sessions a center is open on a day, from its weekly hours and the calendar's ``kind``
    of the day (workdays.CalendarSnapshot.day_kind): a public holiday is closed whatever the
    weekday; a make-up working day (调休上班) keeps the hours of its weekday, or Monday's when the
    center does not open on that weekday; a weekend opens only if the center publishes weekend hours
    (周末延时服务)."""
    if kind == "holiday":
        return ()
    own = week.get(weekday, ())
    if kind == "makeup_workday" and not own:
        return week.get(0, ())
    return own


def opening_refusal(sessions: Sequence[Session], moment: time) -> str:
    """Why a ticket cannot be issued at ``moment`` on a day with these sessions: ``closed_day``,
    ``outside_hours`` or an empty string when the center is open."""
    if not sessions:
        return "closed_day"
    if any(start <= moment < end for start, end in sessions):
        return ""
    return "outside_hours"


def format_sessions(sessions: Sequence[Session]) -> str:
    """上午 9:00–12:00，下午 13:30–17:00 (a session starting at noon or later is the afternoon)."""
    parts = []
    for start, end in sessions:
        half = "下午" if start.hour >= 12 else "上午"
        parts.append(f"{half} {start.hour}:{start.minute:02d}–{end.hour}:{end.minute:02d}")
    return "，".join(parts) if parts else "休息"


def format_week(week: dict[int, tuple[Session, ...]]) -> list[str]:
    """The published week, consecutive weekdays with the same hours in one line
    (周一至周五 上午 9:00–12:00，下午 13:30–17:00); closed weekdays are left out."""
    lines: list[str] = []
    day = 0
    while day < 7:
        sessions = week.get(day, ())
        last = day
        while last + 1 < 7 and week.get(last + 1, ()) == sessions:
            last += 1
        if sessions:
            span = WEEKDAY_NAMES[day] if last == day else f"{WEEKDAY_NAMES[day]}至{WEEKDAY_NAMES[last]}"
            lines.append(f"{span} {format_sessions(sessions)}")
        day = last + 1
    return lines


def validate_sessions(sessions: Sequence[tuple[time | None, time | None]]) -> list[tuple[int, str]]:
    """The faults of one weekday's sessions (morning, afternoon), as (session index, message): a
    session needs both ends, must end after it starts, and the afternoon begins after the morning."""
    faults: list[tuple[int, str]] = []
    for i, (start, end) in enumerate(sessions):
        if (start is None) != (end is None):
            faults.append((i, "开始和结束时间须同时填写"))
        elif start is not None and end is not None and end <= start:
            faults.append((i, "结束时间须晚于开始时间"))
    if not faults and len(sessions) == 2:
        morning_end, afternoon_start = sessions[0][1], sessions[1][0]
        if morning_end is not None and afternoon_start is not None and afternoon_start < morning_end:
            faults.append((1, "下午开始时间不能早于上午结束时间"))
    return faults


def day_slots(opening: Sequence[tuple[time, time]] = OPENING) -> list[time]:
    """The starts of the half-hour slots in the opening hours."""
    slots: list[time] = []
    for start, end in opening:
        minutes = start.hour * 60 + start.minute
        last = end.hour * 60 + end.minute
        while minutes + SLOT.seconds // 60 <= last:
            slots.append(time(minutes // 60, minutes % 60))
            minutes += SLOT.seconds // 60
    return slots


def estimate_wait_minutes(*, ahead: int, service_minutes: float, windows: int) -> int:
    """Minutes until a ticket with ``ahead`` tickets before it is called, with ``windows`` serving
    its queue at ``service_minutes`` each (at least one window: a closed hall still gives a figure)."""
    if ahead <= 0:
        return 0
    return round(ahead * service_minutes / max(windows, 1))


def mean_service_minutes(durations_seconds: Sequence[float], default_minutes: float) -> float:
    """The mean of recent service times, or the queue's default when none is recorded."""
    if not durations_seconds:
        return float(default_minutes)
    return sum(durations_seconds) / len(durations_seconds) / 60


def ticket_label(letter: str, number: int) -> str:
    """A001: the queue's letter and the day's number, at least three digits."""
    return f"{letter}{number:03d}"


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` percentile (0–1) by the nearest-rank method; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return float(ordered[rank - 1])


# -- 四到位: a stationed department's windows, items, authorizations and staff in place --------------------------


@dataclass(frozen=True)
class ItemFacts:
    name: str
    has_window: bool  # some active window of the center handles it (the item's windows, or a queue's items)
    may_accept: bool  # some staff member holds a valid accept authorization covering it
    may_decide: bool  # … and a decide authorization (首席代表 授权审批)


@dataclass(frozen=True)
class InPlace:
    department: str
    windows: tuple[str, ...]
    gaps: dict[str, tuple[str, ...]]  # 窗口 / 事项 / 授权 / 人员 → what is missing

    @property
    def complete(self) -> bool:
        return not any(self.gaps.values())


FOUR_PARTS = ("窗口", "事项", "授权", "人员")


def four_in_place(*, department: str, windows: Sequence[str], staffed_windows: Sequence[str],
                  items: Sequence[ItemFacts]) -> InPlace:
    """四到位 for one stationed department: windows in place (at least one), items in place (each
    handled at a window of the center), authorizations in place (each item may be accepted and
    decided at the center), staff in place (each of its windows has someone posted or rostered)."""
    gaps: dict[str, tuple[str, ...]] = {
        "窗口": () if windows else ("未设进驻窗口",),
        "事项": tuple(f"{i.name}：未进驻窗口办理" for i in items if not i.has_window),
        "授权": tuple(f"{i.name}：{'、'.join(w for w, ok in (('未授权受理', i.may_accept), ('未授权审批', i.may_decide)) if not ok)}"
                    for i in items if not (i.may_accept and i.may_decide)),
        "人员": tuple(f"{w} 号窗口：无工作人员" for w in windows if w not in set(staffed_windows)),
    }
    return InPlace(department=department, windows=tuple(windows), gaps=gaps)
