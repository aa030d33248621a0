"""Publicity with a schedule (公示) as rules: kinds, comment periods, the lifecycle. Pure: no Django.

A publication is scheduled (due to be published on a date: a deadline row, so a late publication
is a supervision warning), drafted, reviewed by the reviewer the author names (review before
publishing), published with a comment period counted in working or calendar days as configured
(e.g. 低保 lists: 7 days), open to objections during the period, and finalized only once the period
is over and every objection is answered.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from onewindow.lifecycle.transitions import Move, TransitionTable
from onewindow.workdays.arithmetic import CalendarSnapshot


class Kind(StrEnum):
    PERMANENT = "permanent"
    QUARTERLY = "quarterly"
    AD_HOC = "ad_hoc"


KIND_LABELS = {Kind.PERMANENT: "常态公示", Kind.QUARTERLY: "季度公示", Kind.AD_HOC: "临时公示"}


class Unit(StrEnum):
    WORKDAYS = "workdays"
    CALENDAR = "calendar"


UNIT_LABELS = {Unit.WORKDAYS: "个工作日", Unit.CALENDAR: "日"}


class State(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    FINALIZED = "finalized"
    WITHDRAWN = "withdrawn"


STATE_LABELS = {State.DRAFT: "待发布", State.IN_REVIEW: "待审核", State.PUBLISHED: "公示中",
                State.FINALIZED: "公示结束", State.WITHDRAWN: "已撤回"}


class Action(StrEnum):
    SCHEDULE = "schedule"
    SUBMIT = "submit"
    RETURN = "return"
    PUBLISH = "publish"
    FINALIZE = "finalize"
    WITHDRAW = "withdraw"


TABLE: TransitionTable[State, Action] = TransitionTable(
    name="publication",
    noun="公示",
    moves={
        Action.SCHEDULE: Move(frozenset({None}), State.DRAFT, "case.review", "编排公示"),
        Action.SUBMIT: Move(frozenset({State.DRAFT}), State.IN_REVIEW, "case.review", "提交审核"),
        Action.RETURN: Move(frozenset({State.IN_REVIEW}), State.DRAFT, "case.review", "退回修改"),
        Action.PUBLISH: Move(frozenset({State.IN_REVIEW}), State.PUBLISHED, "case.review", "审核通过并发布"),
        Action.FINALIZE: Move(frozenset({State.PUBLISHED}), State.FINALIZED, "case.review", "结束公示"),
        Action.WITHDRAW: Move(frozenset({State.DRAFT, State.IN_REVIEW, State.PUBLISHED}), State.WITHDRAWN,
                              "case.review", "撤回"),
    },
    state_labels=STATE_LABELS,
    terminal=frozenset({State.FINALIZED, State.WITHDRAWN}),
)

MAX_COMMENT_DAYS = 60


def comment_ends(calendar: CalendarSnapshot, published_on: date, days: int, unit: Unit) -> date:
    """The last day of the comment period: N working days (the engine) or N calendar days after
    the day of publication (the day itself not counted)."""
    if unit == Unit.WORKDAYS:
        return calendar.add_workdays(published_on, days)
    return published_on + timedelta(days=days)


# -- quarterly publications schedule themselves (季度公示) ------------------------------------------------

_QUARTER_NUMERALS = "一二三四"


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def next_quarter_due(due_on: date) -> date:
    """The next quarter's due date: the same day of the same month of its quarter (2 March, the
    third month's 2nd → 2 June), the month's last day where it has fewer (31 March → 30 June)."""
    month = due_on.month + 3
    year = due_on.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(due_on.day, last))


def next_quarter_title(title: str, due_on: date) -> str:
    """The title for the next quarter: "2026年第三季度…" becomes "2026年第四季度…" (and the fourth
    quarter's becomes the next year's first); a title naming no quarter is kept."""
    year, quarter = _quarter_of(due_on)
    n_year, n_quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    for digits in (False, True):
        name = str(quarter) if digits else _QUARTER_NUMERALS[quarter - 1]
        new = str(n_quarter) if digits else _QUARTER_NUMERALS[n_quarter - 1]
        for with_year in (f"{year}年第{name}季度", f"第{name}季度"):
            if with_year in title:
                replacement = (f"{n_year}年第{new}季度" if with_year.startswith(str(year)) else f"第{new}季度")
                return title.replace(with_year, replacement, 1)
    return title
