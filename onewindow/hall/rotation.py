"""轮岗: the pure arithmetic of rotating window staff through the windows.

The staff in their given order, the windows in theirs, the working days of the range (the
calendar has already dropped holidays and weekends). Day ``i`` belongs to shift ``i // shift_days``;
on shift ``s`` window ``j`` has on its A post the person at ``(j + s) mod n`` and on its B post the
next in turn, ``(j + s + 1) mod n``: each shift every A moves on by one window, and a shift keeps
the same assignment for its length.

What the calendar of people changes, day by day:

- a person on an approved absence (``absent``) or on the A post of a window outside the plan
  (``busy``) is never an A that day; the window's B post is promoted, else the next in turn who
  is free — nobody is A at two windows the same day;
- the B post is the first in turn after the window's base A position who is present and is not
  the day's A of that window (B may be A elsewhere: the mutual AB backup of the hall);
- a cell in ``kept`` (already set, not to be replaced) is left as it is and its A counts as taken.

No database here: the ids are whatever hashable keys the caller uses (staff and window pks).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence, Set
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

S = TypeVar("S", bound=Hashable)  # a staff key
W = TypeVar("W", bound=Hashable)  # a window key

MAX_SHIFT_DAYS = 60


class RotationError(ValueError):
    """The inputs cannot make a rotation; ``field`` names the form field at fault."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


@dataclass(frozen=True)
class Assignment(Generic[S, W]):
    """One window on one day: its A and (when anyone is left) B post."""

    day: date
    window: W
    a: S
    b: S | None
    base_a: S  # who the plain rotation put on the A post (differs when A was absent or busy)
    base_b: S
    notes: tuple[str, ...] = ()  # codes: a_absent, a_busy, b_promoted, b_absent, b_replaced, no_b


@dataclass(frozen=True)
class Skip(Generic[W]):
    """A window and day the plan writes nothing for, and why (code)."""

    day: date
    window: W
    reason: str  # kept: already set and kept; no_a: nobody free for the A post


@dataclass(frozen=True)
class Plan(Generic[S, W]):
    assignments: list[Assignment[S, W]] = field(default_factory=list)
    skips: list[Skip[W]] = field(default_factory=list)


def check_inputs(staff: Sequence[S], windows: Sequence[W], shift_days: int) -> None:
    """The plain conditions of a rotation: enough people for an A per window and a B, no repeats,
    a shift of at least one working day."""
    if len(set(windows)) != len(windows):
        raise RotationError("hall.rotation_windows", "窗口不能重复", "windows")
    if not windows:
        raise RotationError("hall.rotation_windows", "请至少选择一个窗口", "windows")
    if len(set(staff)) != len(staff):
        raise RotationError("hall.rotation_staff", "轮岗人员不能重复", "staff")
    if len(staff) < max(2, len(windows)):
        raise RotationError(
            "hall.rotation_staff",
            f"轮岗人员（{len(staff)}人）须不少于窗口数（{len(windows)}个）且至少2人：每个窗口每天一名A岗，A岗与B岗不能是同一人",
            "staff")
    if isinstance(shift_days, bool) or not isinstance(shift_days, int) or not 1 <= shift_days <= MAX_SHIFT_DAYS:
        raise RotationError("hall.rotation_shift", f"轮换周期应为1至{MAX_SHIFT_DAYS}个工作日", "shift_days")


def base_pair(staff: Sequence[S], window_index: int, day_index: int, shift_days: int) -> tuple[S, S]:
    """The plain rotation's (A, B) of window ``window_index`` on working day ``day_index``."""
    n = len(staff)
    shift = day_index // shift_days
    return staff[(window_index + shift) % n], staff[(window_index + shift + 1) % n]


def plan(*, staff: Sequence[S], windows: Sequence[W], days: Sequence[date], shift_days: int,
         absent: Set[tuple[S, date]] = frozenset(), busy: Set[tuple[S, date]] = frozenset(),
         kept: Set[tuple[date, W]] = frozenset(), kept_a: Set[tuple[S, date]] = frozenset()) -> Plan[S, W]:
    """The roster of ``windows`` over the working ``days`` (in order), see the module's docstring.

    ``kept_a`` are the A posts of the kept cells (they count as taken that day, like ``busy``).
    """
    check_inputs(staff, windows, shift_days)
    n = len(staff)
    result: Plan[S, W] = Plan()
    for i, day in enumerate(days):
        taken: set[S] = {s for s in staff if (s, day) in busy or (s, day) in kept_a}
        picks: dict[int, tuple[S, list[str]]] = {}
        open_windows = [j for j, w in enumerate(windows) if (day, w) not in kept]
        # First the plain A posts of the day, so a promotion never takes someone else's own window.
        for j in open_windows:
            a, _ = base_pair(staff, j, i, shift_days)
            if (a, day) not in absent and a not in taken:
                picks[j] = (a, [])
                taken.add(a)
        for j in open_windows:
            if j in picks:
                continue
            a, b = base_pair(staff, j, i, shift_days)
            notes = ["a_absent" if (a, day) in absent else "a_busy"]
            start = (j + i // shift_days + 1) % n
            chosen = next((staff[(start + t) % n] for t in range(n)
                           if (staff[(start + t) % n], day) not in absent and staff[(start + t) % n] not in taken),
                          None)
            if chosen is None:
                continue
            notes.append("b_promoted" if chosen == b else "a_replaced")
            picks[j] = (chosen, notes)
            taken.add(chosen)
        for j, w in enumerate(windows):
            if (day, w) in kept:
                result.skips.append(Skip(day, w, "kept"))
                continue
            if j not in picks:
                result.skips.append(Skip(day, w, "no_a"))
                continue
            a, notes = picks[j]
            base_a, base_b = base_pair(staff, j, i, shift_days)
            start = (j + i // shift_days + 1) % n
            b = next((staff[(start + t) % n] for t in range(n)
                      if staff[(start + t) % n] != a and (staff[(start + t) % n], day) not in absent), None)
            if b is None:
                notes.append("no_b")
            elif b != base_b and "b_promoted" not in notes:
                notes.append("b_absent" if (base_b, day) in absent else "b_replaced")
            result.assignments.append(Assignment(day, w, a, b, base_a, base_b, tuple(notes)))
    return result


SKIP_TEXT = {
    "kept": "已有排班，保留（未勾选“覆盖已有排班”）",
    "no_a": "当天无可任A岗的人员（均请假或已在其他窗口任A岗）",
}
