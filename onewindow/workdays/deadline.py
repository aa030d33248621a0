"""One deadline question — N working days after a start date — answered with its reasoning. Pure.

The API, the ``deadline`` command and the calculator page all call :func:`answer`. The
explanation is :func:`onewindow.workdays.explain.explain_deadline` (the clock's explainer), turned
into date-ordered parts — counted runs, skipped weekends and holidays, make-up working days (调休)
— plus its Chinese and English lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .arithmetic import CalendarRangeError, CalendarSnapshot
from .explain import explain_deadline

MAX_WORKDAYS = 5000  # about twenty years: no legal limit comes near it


class DeadlineInputError(ValueError):
    """Bad input to a deadline question, with the field at fault and an English code."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


@dataclass(frozen=True)
class DeadlineAnswer:
    start: date
    workdays: int
    due: date
    provisional: bool
    calendar_version: int
    explanation: list[dict[str, Any]] = field(default_factory=list)
    text_zh: list[str] = field(default_factory=list)
    text_en: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The API shape (DESIGN.md §5), plus the explanation's lines in Chinese and English."""
        return {"due": self.due.isoformat(), "provisional": self.provisional,
                "calendar_version": self.calendar_version, "explanation": self.explanation,
                "text": {"zh": self.text_zh, "en": self.text_en}}


def parse_start(text: str | None) -> date:
    """A start date from ``YYYY-MM-DD``, or a :class:`DeadlineInputError` on field ``start``."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise DeadlineInputError("invalid_date", f"起算日期“{text or ''}”无法识别，应为 YYYY-MM-DD", "start") from None


def parse_workdays(text: str | int | None) -> int:
    """A positive number of working days, or a :class:`DeadlineInputError` on field ``workdays``."""
    try:
        n = int(str(text).strip()) if text is not None and str(text).strip() else None
    except ValueError:
        n = None
    if n is None:
        raise DeadlineInputError("invalid_workdays", f"工作日数“{text if text is not None else ''}”应为正整数",
                                 "workdays")
    if n <= 0:
        raise DeadlineInputError("invalid_workdays", f"工作日数须为正整数（至少 1），收到 {n}", "workdays")
    if n > MAX_WORKDAYS:
        raise DeadlineInputError("invalid_workdays", f"工作日数不能超过 {MAX_WORKDAYS}", "workdays")
    return n


def answer(snapshot: CalendarSnapshot, start: date, n: int) -> DeadlineAnswer:
    """The n-th working day strictly after ``start`` (§4 rule 2), explained.

    Raises :class:`DeadlineInputError` for n ≤ 0 or a start or result outside the calendar.
    """
    if not isinstance(n, int) or n <= 0:
        raise DeadlineInputError("invalid_workdays", f"工作日数须为正整数（至少 1），收到 {n}", "workdays")
    if not snapshot.first <= start <= snapshot.last:
        raise DeadlineInputError(
            "date_out_of_range",
            f"起算日期 {start.isoformat()} 超出日历范围（{snapshot.first.isoformat()} 至 {snapshot.last.isoformat()}）",
            "start")
    try:
        due = snapshot.add_workdays(start, n)
    except CalendarRangeError:
        raise DeadlineInputError(
            "result_out_of_range",
            f"从 {start.isoformat()} 起 {n} 个工作日超出日历范围（最晚 {snapshot.last.isoformat()}）",
            "workdays") from None
    parts, zh, en = explanation(snapshot, start, n)
    return DeadlineAnswer(start=start, workdays=n, due=due, provisional=snapshot.is_provisional(start, due),
                          calendar_version=snapshot.version, explanation=parts, text_zh=zh, text_en=en)


def explanation(snapshot: CalendarSnapshot, start: date, n: int) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """(structured parts in date order, Chinese lines, English lines) from the clock's explainer."""
    x = explain_deadline(snapshot, start, n)
    parts: list[dict[str, Any]] = [{"kind": "start", "date": x.start.isoformat(), "counted": False}]
    parts += [{"kind": "counted", "from": r.first.isoformat(), "to": r.last.isoformat(), "days": r.days}
              for r in x.counted]
    parts += [_span("weekend", a, b) for a, b, _ in _runs([(d, "") for d in x.skipped_weekends])]
    parts += [_span("holiday", a, b) | {"name": name} for a, b, name in _runs(list(x.skipped_holidays))]
    parts += [{"kind": "makeup_workday", "date": d.isoformat(), "name": name} for d, name in x.makeup_workdays]
    parts.sort(key=lambda p: (p.get("date") or p["from"], p["kind"] != "start"))
    parts.append({"kind": "due", "date": x.due.isoformat()})
    if x.provisional:
        parts.append({"kind": "provisional", "unpublished_years": list(x.unpublished_years)})
    return parts, x.text("zh"), x.text("en")


def _span(kind: str, a: date, b: date) -> dict[str, Any]:
    return {"kind": kind, "from": a.isoformat(), "to": b.isoformat(), "days": (b - a).days + 1}


def _runs(days: list[tuple[date, str]]) -> list[tuple[date, date, str]]:
    """Consecutive days with the same name, as (first, last, name)."""
    runs: list[tuple[date, date, str]] = []
    for d, name in sorted(days):
        if runs and runs[-1][2] == name and runs[-1][1] + timedelta(days=1) == d:
            runs[-1] = (runs[-1][0], d, name)
        else:
            runs.append((d, d, name))
    return runs
