"""The pure rules of major projects (重点项目): levels, states, the project's lifecycle, the months
and quarters of self-checks and progress views, and what counts as a plan line done on time. No Django."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from onewindow.lifecycle.transitions import Move, TransitionTable


class Level(StrEnum):
    PROVINCE = "province"  # 省重点
    CITY = "city"  # 市重点
    COUNTY = "county"  # 县重点


LEVEL_LABELS = {Level.PROVINCE: "省重点", Level.CITY: "市重点", Level.COUNTY: "县重点"}


class ProjectState(StrEnum):
    PLANNING = "planning"  # 谋划中：审批计划已定，尚未有审批办件
    APPROVING = "approving"  # 审批中：至少一项审批已作为办件在办
    DONE = "done"  # 已完成：计划内审批全部办结


STATE_LABELS = {ProjectState.PLANNING: "谋划中", ProjectState.APPROVING: "审批中", ProjectState.DONE: "已完成"}


class ProjectAction(StrEnum):
    CREATE = "create"
    LINK_CASE = "link_case"  # 计划事项关联办件（走绿色通道）
    MARK_URGENT = "mark_urgent"  # 首席代表按代办员的申请标记急办
    LINE_DONE = "line_done"  # 计划事项的审批已办结
    SELF_CHECK = "self_check"  # 月度自查
    COMPLETE = "complete"  # 全部审批办结，项目完成


_OPEN = frozenset({ProjectState.PLANNING, ProjectState.APPROVING})

PROJECT_TABLE: TransitionTable[ProjectState, ProjectAction] = TransitionTable(
    name="project", noun="重点项目",
    moves={
        ProjectAction.CREATE: Move(frozenset({None}), ProjectState.PLANNING, label="创建"),
        ProjectAction.LINK_CASE: Move(frozenset(_OPEN), ProjectState.APPROVING, label="关联审批办件"),
        ProjectAction.MARK_URGENT: Move(frozenset({ProjectState.APPROVING}), None, label="标记急办"),
        ProjectAction.LINE_DONE: Move(frozenset({ProjectState.APPROVING}), None, label="登记审批办结"),
        ProjectAction.SELF_CHECK: Move(frozenset(_OPEN), None, label="填报月度自查"),
        ProjectAction.COMPLETE: Move(frozenset({ProjectState.APPROVING}), ProjectState.DONE, label="办结项目"),
    },
    state_labels=STATE_LABELS, terminal=frozenset({ProjectState.DONE}))

# The reason a linked case is marked urgent with (绿色通道).
URGENT_REASON = "重点项目绿色通道"

# The self-check of a month is due by this working day of the next month (月度自查：次月第5个工作日前).
SELF_CHECK_DUE_WORKDAY = 5


class UrgentState(StrEnum):
    NONE = ""  # no case linked yet
    REQUESTED = "requested"  # the proxy linked it and asked; the chief representative marks it
    MARKED = "marked"  # the case is on the green channel


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    """The last day of ``month``'s month."""
    return next_month(month) - timedelta(days=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_key(month: date) -> str:
    """The deadline key of a month's self-check (``check-2026-11``)."""
    return f"check-{month:%Y-%m}"


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1 … 4

    @property
    def first(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last(self) -> date:
        return month_end(date(self.year, 3 * self.number, 1))

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}季度"

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(text: str) -> Quarter | None:
    """``2026Q4`` → the quarter; anything else → None."""
    text = (text or "").strip().upper()
    if len(text) != 6 or text[4] != "Q" or not text[:4].isdigit() or text[5] not in "1234":
        return None
    year = int(text[:4])
    return Quarter(year, int(text[5])) if 2000 <= year <= 2100 else None


class LineStatus(StrEnum):
    DONE_ON_TIME = "on_time"  # 按期办结
    DONE_LATE = "late_done"  # 逾期办结
    LATE = "late"  # 逾期未办结
    RUNNING = "running"  # 推进中（未到计划日期）


LINE_STATUS_LABELS = {LineStatus.DONE_ON_TIME: "按期办结", LineStatus.DONE_LATE: "逾期办结",
                      LineStatus.LATE: "逾期未办结", LineStatus.RUNNING: "推进中"}


def line_status(planned_on: date, done_on: date | None, today: date) -> LineStatus:
    """A plan line against its planned date, as of ``today``."""
    if done_on is not None:
        return LineStatus.DONE_ON_TIME if done_on <= planned_on else LineStatus.DONE_LATE
    return LineStatus.LATE if today > planned_on else LineStatus.RUNNING
