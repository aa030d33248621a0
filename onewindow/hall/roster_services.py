"""Writes of the window staff roster (值班表): set or clear one cell (a window on a day, its A and
B posts), and the rotation (轮岗) that writes the roster of a date range. Center administrators of
the center's region only; one transaction each.

The rules a cell keeps, whoever writes it: only staff posted to the window's region (in a window
role, for the whole region or one of the window's departments); nobody on an approved absence
that day; A and B two different people; nobody on the A post of two windows the same day.
Like the hours and the rota, the roster is master data kept by the center administrator: no
event chain (docs/hall.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from onewindow.core.errors import Conflict, DomainError, NotFound
from onewindow.organization.models import Region, Staff, Window
from onewindow.organization.permissions import Action, require

from . import roster_selectors as rs
from . import rotation
from .models import RosterEntry

ROTATION_MAX_DAYS = 366


def _staff(staff_id: int, field_name: str) -> Staff:
    staff = Staff.objects.filter(pk=staff_id).first()
    if staff is None:
        raise DomainError("hall.roster_staff", "请选择工作人员", field=field_name)
    return staff


def check_person(staff: Staff, window: Window, day: date, post: str, field_name: str) -> None:
    """The rules of one person on one post (see the module's docstring); raises the refusal."""
    if not rs.may_be_rostered(staff, window):
        raise DomainError(
            "hall.roster_not_posted",
            f"{staff.name} 未派驻到 {window.number} 号窗口所属区划或部门：只能安排派驻到该窗口部门（或全区划）的窗口工作人员",
            field=field_name)
    absence = rs.absence_on(staff, day)
    if absence is not None:
        raise Conflict(
            "hall.roster_on_leave",
            f"{staff.name} 在 {day.isoformat()} 已批准请假（{absence.first_day.isoformat()} 至 "
            f"{absence.last_day.isoformat()}，{absence.reason}）：已批准请假的人员当天不能排班", field=field_name)
    if post == RosterEntry.Post.A:
        other = rs.a_post_elsewhere(staff, day, window)
        if other is not None:
            raise Conflict(
                "hall.roster_double_a",
                f"{staff.name} 在 {day.isoformat()} 已任 {other.window.number} 号窗口A岗：同一人同一天只能在一个窗口任A岗",
                field=field_name)


def roster_cell_set(*, window: Window, day: date, a_staff_id: int | None, b_staff_id: int | None,
                    actor: Staff) -> dict[str, RosterEntry]:
    """Set one cell of the roster: ``window`` on ``day`` gets ``a_staff_id`` on its A post and
    ``b_staff_id`` on its B post; None clears the post (both None clear the cell). Replaces what
    the cell held. Returns the cell's entries by post."""
    require(actor, Action.ORGANIZATION_EDIT, region=window.region)
    if not window.is_active:
        raise DomainError("hall.roster_window", f"{window.number} 号窗口已停用", field="window")
    if a_staff_id is None and b_staff_id is not None:
        raise DomainError("hall.roster_b_without_a", "请先安排A岗：B岗是A岗的后备", field="a_staff")
    if a_staff_id is not None and a_staff_id == b_staff_id:
        raise DomainError("hall.roster_same_person", "A岗与B岗不能是同一人", field="b_staff")
    people = {}
    for post, staff_id, name in (("A", a_staff_id, "a_staff"), ("B", b_staff_id, "b_staff")):
        if staff_id is not None:
            people[post] = _staff(staff_id, name)
    with transaction.atomic():
        # The window's row serialises two administrators writing the same cell.
        Window.objects.select_for_update().filter(pk=window.pk).first()
        for post, staff in people.items():
            check_person(staff, window, day, post, f"{post.lower()}_staff")
        RosterEntry.objects.filter(window=window, day=day).delete()
        return {post: RosterEntry.objects.create(window=window, staff=staff, day=day, post=post)
                for post, staff in people.items()}


@dataclass(frozen=True)
class Written:
    day: date
    window: str  # its number
    a: str
    b: str  # "" when nobody could be B
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Skipped:
    day: date
    window: str
    reason: str


@dataclass
class RotationResult:
    first: date
    last: date
    working_days: int
    replaced: int = 0  # entries removed because "replace" was ticked
    written: list[Written] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _windows(region: Region, window_ids: Sequence[int]) -> list[Window]:
    ids = list(dict.fromkeys(window_ids))
    found = {w.pk: w for w in Window.objects.filter(pk__in=ids, region=region, is_active=True)
             .prefetch_related("departments")}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise NotFound("所选窗口不是本中心的启用窗口", code="hall.roster_window", field="windows")
    return [found[pk] for pk in ids]


def _notes(cell: rotation.Assignment, people: dict[int, Staff]) -> tuple[str, ...]:
    """What the day's absences changed in a cell, in words naming the people."""
    a, base_a, base_b = people[cell.a].name, people[cell.base_a].name, people[cell.base_b].name
    b = people[cell.b].name if cell.b is not None else ""
    text = {"a_absent": f"A岗 {base_a} 当天已批准请假", "a_busy": f"A岗 {base_a} 当天已在其他窗口任A岗",
            "b_promoted": f"B岗 {base_b} 顶为A岗", "a_replaced": f"由 {a} 任A岗",
            "b_absent": f"B岗 {base_b} 已批准请假，由 {b} 替补", "b_replaced": f"B岗由 {b} 担任",
            "no_b": "无人可任B岗"}
    return tuple(text[n] for n in cell.notes)


def roster_rotate(*, region: Region, window_ids: Sequence[int], staff_ids: Sequence[int], first: date, last: date,
                  shift_days: int, replace: bool = False, actor: Staff) -> RotationResult:
    """轮岗: write the roster of ``window_ids`` for every working day from ``first`` through
    ``last`` (the workdays calendar: holidays skipped), the staff in the given order, the A post
    moving on one window every ``shift_days`` working days and the B post taken by the next in
    turn (hall/rotation.py). Cells already set are kept unless ``replace``; an approved absence
    is skipped with the B post promoted. One transaction: a refusal writes nothing. Returns what
    was written and what was skipped, and why."""
    require(actor, Action.ORGANIZATION_EDIT, region=region)
    if not region.has_center:
        raise DomainError("hall.not_a_center", f"{region.name}未设政务服务中心", field="region")
    if last < first:
        raise DomainError("hall.rotation_dates", "结束日期不能早于开始日期", field="last")
    if (last - first).days >= ROTATION_MAX_DAYS:
        raise DomainError("hall.rotation_dates", f"一次最多安排{ROTATION_MAX_DAYS}天", field="last")
    windows = _windows(region, window_ids)
    staff_ids = list(staff_ids)
    people = {s.pk: s for s in Staff.objects.filter(pk__in=staff_ids)}
    if any(pk not in people for pk in staff_ids):
        raise DomainError("hall.rotation_staff", "所选人员不存在", field="staff")
    try:
        rotation.check_inputs(staff_ids, [w.pk for w in windows], shift_days)
    except rotation.RotationError as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from None
    eligible = rs.eligible_staff(windows)
    for window in windows:
        allowed = {s.pk for s in eligible[window.pk]}
        for pk in staff_ids:
            if pk not in allowed:
                raise DomainError(
                    "hall.roster_not_posted",
                    f"{people[pk].name} 未派驻到 {window.number} 号窗口所属区划或部门，不能参加该窗口轮岗",
                    field="staff")
    days = rs.working_days(region, first, last)
    result = RotationResult(first=first, last=last, working_days=len(days))
    if not days:
        return result
    numbers = {w.pk: w.number for w in windows}
    absent = {(pk, d) for pk, rows in rs.approved_absences(staff_ids, first, last).items()
              for a in rows for d in days if a.first_day <= d <= a.last_day}
    with transaction.atomic():
        # The center's windows serialise two rotations (and cell edits) of the same windows.
        list(Window.objects.select_for_update().filter(pk__in=list(numbers)).values_list("pk", flat=True))
        existing = RosterEntry.objects.filter(window__in=windows, day__in=days)
        if replace:
            result.replaced = existing.delete()[0]
            kept, kept_a = set(), set()
        else:
            kept = set(existing.values_list("day", "window_id"))
            kept_a = set(existing.filter(post=RosterEntry.Post.A).values_list("staff_id", "day"))
        busy = rs.a_posts_elsewhere(staff_ids, days, exclude_windows=list(numbers))
        plan = rotation.plan(staff=staff_ids, windows=[w.pk for w in windows], days=days, shift_days=shift_days,
                             absent=absent, busy=busy, kept=kept, kept_a=kept_a)
        rows = []
        for cell in plan.assignments:
            rows.append(RosterEntry(window_id=cell.window, staff_id=cell.a, day=cell.day, post=RosterEntry.Post.A))
            if cell.b is not None:
                rows.append(RosterEntry(window_id=cell.window, staff_id=cell.b, day=cell.day, post=RosterEntry.Post.B))
            result.written.append(Written(cell.day, numbers[cell.window], people[cell.a].name,
                                          people[cell.b].name if cell.b is not None else "",
                                          _notes(cell, people)))
        RosterEntry.objects.bulk_create(rows)
        result.skipped = [Skipped(s.day, numbers[s.window], rotation.SKIP_TEXT[s.reason]) for s in plan.skips]
    result.written.sort(key=lambda w: (w.day, w.window))
    result.skipped.sort(key=lambda s: (s.day, s.window))
    return result
