"""Why a due date is what it is, in words a clerk can read aloud. Pure: no Django, no I/O.

:func:`explain_deadline` explains a plain ``add_workdays(start, n)``; :func:`explain_clock` explains
every due date of a :class:`~onewindow.workdays.clock.ClockState`, with its special-procedure pauses
and the extension. An :class:`Explanation` lists the counted day ranges, the weekends and holidays
skipped (with the holidays' names when known), the make-up working days (调休) that were counted,
the pauses, and whether the result is provisional (DESIGN.md §4 rule 10). ``text("zh")`` and
``text("en")`` render it as short lines; ``as_dict()`` is for the API.

Explanations walk the days between the start and the due date, so they are for showing one case,
not for the sweep; the due dates themselves come from the bisection arithmetic and are only
re-derived here as a check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .arithmetic import CalendarSnapshot
from .clock import (
    PAUSE_LABELS,
    ClockState,
    DueDerivation,
    Pause,
    StartKind,
    deadline_moment,
    due_with_pauses,
)

_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Names of the national holidays, as the calendar tables and chinesecalendar spell them.
_HOLIDAY_EN = {
    "元旦": "New Year's Day", "春节": "Spring Festival", "清明": "Qingming Festival",
    "清明节": "Qingming Festival", "劳动节": "Labour Day", "端午": "Dragon Boat Festival",
    "端午节": "Dragon Boat Festival", "中秋": "Mid-Autumn Festival", "中秋节": "Mid-Autumn Festival",
    "国庆节": "National Day",
}
_PAUSE_EN = {
    "hearing": "hearing", "tendering": "tendering", "auction": "auction", "inspection": "inspection",
    "testing": "testing", "quarantine": "quarantine", "appraisal": "appraisal", "expert_review": "expert review",
    "third_party_consultation": "third-party consultation", "fee_payment": "payment of the processing fee",
}

_DUE_NAMES = {
    "acceptance_due": ("受理期限", "Acceptance due"),
    "supplement_request_due": ("补正告知期限", "Supplement request due"),
    "statutory_due": ("法定期限", "Statutory due"),
    "promised_due": ("承诺期限", "Promised due"),
    "certificate_due": ("制证送达期限", "Certificate due"),
    "deadline": ("期限", "Deadline"),
}
_START_NAMES = {
    StartKind.RECEIPT: ("收件之日", "the day of receipt"),
    StartKind.SUPPLEMENT: ("收到补正材料之日", "the day the supplement was received"),
    StartKind.ACCEPTANCE: ("受理之日", "the acceptance date"),
    StartKind.DEEMED_ACCEPTANCE: ("视为受理之日（即收到申请材料之日）", "the deemed acceptance date (the day of receipt)"),
    StartKind.DECISION: ("作出准予许可决定之日", "the day of the grant decision"),
}


@dataclass(frozen=True)
class DayRange:
    """Consecutive calendar days ``first``..``last`` that were all counted."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class PauseSpan:
    """A pause as it bears on one due date: the working days in ``(start, end]`` not counted."""

    procedure: str
    start: date
    end: date
    excluded_workdays: int


@dataclass(frozen=True)
class Explanation:
    """The derivation of one due date."""

    name: str
    start: date
    start_kind: str | None
    workdays: int  # total counted, extension included
    base_workdays: int
    extension_workdays: int
    due: date
    counted: tuple[DayRange, ...]
    skipped_weekends: tuple[date, ...]
    skipped_holidays: tuple[tuple[date, str], ...]  # (day, name or "")
    makeup_workdays: tuple[tuple[date, str], ...]  # make-up working days counted (调休上班)
    pauses: tuple[PauseSpan, ...] = ()
    provisional: bool = False
    unpublished_years: tuple[int, ...] = ()
    start_is_workday: bool = True
    _lines: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)

    def text(self, lang: str = "zh") -> list[str]:
        """Short lines a clerk can read aloud, in ``zh`` (Chinese) or ``en`` (English)."""
        if lang not in ("zh", "en"):
            raise ValueError(f"unsupported language: {lang!r}")
        if lang not in self._lines:
            self._lines[lang] = _render_zh(self) if lang == "zh" else _render_en(self)
        return list(self._lines[lang])

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the text in both languages."""
        return {
            "name": self.name,
            "start": self.start.isoformat(),
            "start_kind": None if self.start_kind is None else str(self.start_kind),
            "workdays": self.workdays,
            "base_workdays": self.base_workdays,
            "extension_workdays": self.extension_workdays,
            "due": self.due.isoformat(),
            "deadline": deadline_moment(self.due).isoformat(),
            "counted": [{"first": r.first.isoformat(), "last": r.last.isoformat(), "days": r.days}
                        for r in self.counted],
            "skipped_weekends": [d.isoformat() for d in self.skipped_weekends],
            "skipped_holidays": [{"date": d.isoformat(), "name": n} for d, n in self.skipped_holidays],
            "makeup_workdays": [{"date": d.isoformat(), "name": n} for d, n in self.makeup_workdays],
            "pauses": [{"procedure": p.procedure, "label": PAUSE_LABELS.get(p.procedure, p.procedure),
                        "start": p.start.isoformat(), "end": p.end.isoformat(),
                        "excluded_workdays": p.excluded_workdays} for p in self.pauses],
            "provisional": self.provisional,
            "unpublished_years": list(self.unpublished_years),
            "text": {"zh": self.text("zh"), "en": self.text("en")},
        }


# -- building ------------------------------------------------------------------------------------------


def explain_deadline(snapshot: CalendarSnapshot, start: date, n: int, *,
                     names: Mapping[date, str] | None = None) -> Explanation:
    """Explain ``snapshot.add_workdays(start, n)``: the n-th working day strictly after ``start``."""
    due = snapshot.add_workdays(start, n)
    return _explain(snapshot, "deadline", start, None, n, 0, due, (), names)


def explain_derivation(snapshot: CalendarSnapshot, derivation: DueDerivation, *,
                       names: Mapping[date, str] | None = None) -> Explanation:
    """Explain one due date of a clock from its derivation (pauses and extension included)."""
    return _explain(snapshot, derivation.name, derivation.start, derivation.start_kind,
                    derivation.base_workdays, derivation.extension_workdays, derivation.due,
                    derivation.pauses, names)


def explain_clock(state: ClockState, snapshot: CalendarSnapshot, *,
                  names: Mapping[date, str] | None = None) -> dict[str, Explanation]:
    """Every due date the clock knows, by name: acceptance_due (or supplement_request_due),
    statutory_due, promised_due, certificate_due."""
    return {d.name: explain_derivation(snapshot, d, names=names) for d in state.derivations}


def _explain(snapshot: CalendarSnapshot, name: str, start: date, start_kind: str | None, base: int,
             extension: int, due: date, pauses: Sequence[Pause], names: Mapping[date, str] | None) -> Explanation:
    if names is None:
        names = getattr(snapshot, "names", None) or {}
    spans = [(p.start, p.end) for p in pauses]
    n = base + extension
    expected, _ = due_with_pauses(snapshot, start, n, spans)
    if expected != due:
        raise ValueError(f"due date {due} does not follow from the derivation (expected {expected})")

    def paused_by(d: date) -> int | None:
        for i, (s, e) in enumerate(spans):
            if s < d and (e is None or d <= e):
                return i
        return None

    counted: list[DayRange] = []
    weekends: list[date] = []
    holidays: list[tuple[date, str]] = []
    makeups: list[tuple[date, str]] = []
    excluded = [0] * len(spans)
    one = timedelta(days=1)
    d = start + one
    while d <= due:
        in_pause = paused_by(d)
        working = snapshot.is_workday(d)
        if in_pause is not None:
            if working:
                excluded[in_pause] += 1
        elif working:
            if counted and counted[-1].last == d - one:
                counted[-1] = DayRange(counted[-1].first, d)
            else:
                counted.append(DayRange(d, d))
            if snapshot.day_kind(d) == "makeup_workday":
                makeups.append((d, names.get(d, "")))
        elif snapshot.day_kind(d) == "holiday":
            holidays.append((d, names.get(d, "")))
        else:
            weekends.append(d)
        d += one

    pause_spans = tuple(PauseSpan(p.procedure, p.start, p.end or due, excluded[i]) for i, p in enumerate(pauses))
    unpublished = tuple(y for y in range(start.year, due.year + 1) if y not in snapshot.published_years)
    return Explanation(
        name=name, start=start, start_kind=start_kind, workdays=n, base_workdays=base,
        extension_workdays=extension, due=due, counted=tuple(counted), skipped_weekends=tuple(weekends),
        skipped_holidays=tuple(holidays), makeup_workdays=tuple(makeups), pauses=pause_spans,
        provisional=bool(unpublished), unpublished_years=unpublished, start_is_workday=snapshot.is_workday(start),
    )


# -- rendering -------------------------------------------------------------------------------------------


def _zh(d: date, *, year: bool | int = False, weekday: bool = False) -> str:
    """``year``: True to always show the year, or the year of reference (shown when ``d`` differs)."""
    if year is not True:
        year = bool(year) and d.year != year
    text = f"{d.year}年{d.month}月{d.day}日" if year else f"{d.month}月{d.day}日"
    return f"{text}（{_WEEKDAYS_ZH[d.weekday()]}）" if weekday else text


def _en(d: date, *, year: bool | int = False, weekday: bool = False) -> str:
    if year is not True:
        year = bool(year) and d.year != year
    text = f"{d.day} {_MONTHS_EN[d.month - 1]}" + (f" {d.year}" if year else "")
    return f"{_WEEKDAYS_EN[d.weekday()]} {text}" if weekday else text


def _runs(days: Sequence[tuple[date, str]]) -> list[tuple[date, date, str]]:
    """Group consecutive days that share a name: (first, last, name)."""
    runs: list[tuple[date, date, str]] = []
    for d, name in days:
        if runs and runs[-1][2] == name and runs[-1][1] == d - timedelta(days=1):
            runs[-1] = (runs[-1][0], d, name)
        else:
            runs.append((d, d, name))
    return runs


def _span_zh(a: date, b: date, year: bool | int) -> str:
    return _zh(a, year=year) if a == b else f"{_zh(a, year=year)}至{_zh(b, year=year)}"


def _span_en(a: date, b: date, year: bool | int) -> str:
    return _en(a, year=year) if a == b else f"{_en(a, year=year)}–{_en(b, year=year)}"


def _holiday_en(name: str) -> str:
    for zh, en in _HOLIDAY_EN.items():
        if name == zh or name.startswith(zh):
            return en + name[len(zh):].replace("调休", " make-up day")
    return name


def _render_zh(x: Explanation) -> list[str]:
    year = x.start.year  # show the year only on days of another year
    what, _ = _DUE_NAMES.get(x.name, (x.name, x.name))
    lines: list[str] = []
    if x.start_kind is not None:
        origin = (f"自{_START_NAMES[StartKind(x.start_kind)][0]}"
                  f"（{_zh(x.start, year=True)}，{_WEEKDAYS_ZH[x.start.weekday()]}）")
    else:
        origin = f"自{_zh(x.start, year=True, weekday=True)}"
    if x.workdays == 0:
        lines.append(f"{what}：{origin}当日办结（即办件）。")
    else:
        detail = ""
        if x.extension_workdays:
            detail = f"（时限 {x.base_workdays} 个工作日，延期 {x.extension_workdays} 个工作日）"
        lines.append(f"{what}：{origin}次日起计算 {x.workdays} 个工作日{detail}，起算日当天不计入。")
        ranges = "、".join(_span_zh(r.first, r.last, year) for r in x.counted)
        lines.append(f"计入的工作日：{ranges}，共 {sum(r.days for r in x.counted)} 天。")
        skipped = []
        if x.skipped_weekends:
            skipped.append(f"周末 {len(x.skipped_weekends)} 天")
        if x.skipped_holidays:
            named = "、".join(f"{name or '节假日'} {_span_zh(a, b, year)}" for a, b, name in _runs(x.skipped_holidays))
            skipped.append(f"节假日 {len(x.skipped_holidays)} 天（{named}）")
        if skipped:
            lines.append(f"跳过{'、'.join(skipped)}。")
        if x.makeup_workdays:
            days = "、".join(_zh(d, year=year, weekday=True) for d, _ in x.makeup_workdays)
            lines.append(f"{days}为调休上班日，计入期限。")
        for p in x.pauses:
            label = PAUSE_LABELS.get(p.procedure, p.procedure)
            if p.end <= p.start:
                lines.append(f"特别程序（{label}）于 {_zh(p.start, year=year)} 开始并于当日结束，不影响期限。")
                continue
            lines.append(f"特别程序（{label}）于 {_zh(p.start, year=year)} 开始，当日计入；"
                         f"{_zh(p.start + timedelta(days=1), year=year)}至{_zh(p.end, year=year)}（结束日）"
                         f"期间的 {p.excluded_workdays} 个工作日不计入期限。")
    lines.append(f"到期日：{_zh(x.due, year=True, weekday=True)}23:59:59 止。")
    if x.provisional:
        years = "、".join(str(y) for y in x.unpublished_years)
        lines.append(f"注意：{years} 年的节假日安排尚未公布，暂按周末推算，本结果为暂定。")
    return lines


def _render_en(x: Explanation) -> list[str]:
    year = x.start.year
    _, what = _DUE_NAMES.get(x.name, (x.name, x.name))
    lines: list[str] = []
    when = _en(x.start, year=True, weekday=True)
    origin = f"{when}, {_START_NAMES[StartKind(x.start_kind)][1]}" if x.start_kind is not None else when
    if x.workdays == 0:
        lines.append(f"{what}: by the end of {origin} (an instant item, done the same day).")
    else:
        detail = ""
        if x.extension_workdays:
            detail = f" ({x.base_workdays} plus an extension of {x.extension_workdays})"
        lines.append(f"{what}: {x.workdays} working days{detail} counted from the day after {origin}; "
                     f"the start day itself is not counted.")
        ranges = ", ".join(_span_en(r.first, r.last, year) for r in x.counted)
        lines.append(f"Counted: {ranges} ({sum(r.days for r in x.counted)} days).")
        skipped = []
        if x.skipped_weekends:
            n = len(x.skipped_weekends)
            skipped.append(f"{n} weekend day{'s' if n != 1 else ''}")
        if x.skipped_holidays:
            n = len(x.skipped_holidays)
            named = ", ".join(f"{_holiday_en(name) or 'holiday'} {_span_en(a, b, year)}"
                              for a, b, name in _runs(x.skipped_holidays))
            skipped.append(f"{n} public holiday{'s' if n != 1 else ''} ({named})")
        if skipped:
            lines.append(f"Skipped {' and '.join(skipped)}.")
        if x.makeup_workdays:
            days = ", ".join(_en(d, year=year, weekday=True) for d, _ in x.makeup_workdays)
            lines.append(f"Make-up working day{'s' if len(x.makeup_workdays) != 1 else ''} counted: {days}.")
        for p in x.pauses:
            label = _PAUSE_EN.get(p.procedure, p.procedure)
            if p.end <= p.start:
                lines.append(f"Special procedure ({label}) started and ended on {_en(p.start, year=year)}: "
                             f"no effect on the due date.")
                continue
            lines.append(f"Special procedure ({label}) started {_en(p.start, year=year)}, which counts; "
                         f"{p.excluded_workdays} working days from {_en(p.start + timedelta(days=1), year=year)} "
                         f"to {_en(p.end, year=year)} (its end day) are not counted.")
    lines.append(f"Due: {_en(x.due, year=True, weekday=True)}, until 23:59:59 (Beijing time).")
    if x.provisional:
        years = ", ".join(str(y) for y in x.unpublished_years)
        lines.append(f"Provisional: the holiday arrangement for {years} is not published yet; "
                     f"weekends only were used.")
    return lines
