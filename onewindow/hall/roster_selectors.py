"""Reads of the window staff roster (值班表): who may be rostered at a window, the working days of
a week, the grid of windows × days with their A and B posts, and its summary (windows without
an A post, rostered staff on approved leave)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from onewindow.organization.models import Posting, Region, Staff, Window
from onewindow.organization.rules import Role

from .models import Absence, RosterEntry, WindowGroup

# Who works at a window: the front desk and the departments' staff stationed in the hall; the
# center's leaders, supervisors and village proxy agents are not rostered at windows.
ROSTER_ROLES = (Role.CLERK.value, Role.REVIEWER.value, Role.CHIEF_REPRESENTATIVE.value)
WORKING_KINDS = ("workday", "makeup_workday")


def roster_windows(region: Region, group: WindowGroup | None = None) -> list[Window]:
    """The center's active windows (those of ``group`` when given), by number."""
    windows = Window.objects.filter(region=region, is_active=True).prefetch_related("departments")
    if group is not None:
        windows = windows.filter(hall_groups=group)
    return list(windows.order_by("number"))


def group_by_code(region: Region, code: str) -> WindowGroup | None:
    return WindowGroup.objects.filter(region=region, code=code).first()


def _covers(posting: Posting, window: Window, window_departments: set[int]) -> bool:
    """A posting reaches a window: posted at it, in the whole region (no department), or in one of
    the window's departments (a window without departments takes anyone of the region)."""
    if posting.region_id != window.region_id or posting.role not in ROSTER_ROLES:
        return False
    return (posting.window_id == window.pk or posting.department_id is None or not window_departments
            or posting.department_id in window_departments)


def eligible_staff(windows: Sequence[Window]) -> dict[int, list[Staff]]:
    """For each window (by pk), the staff who may be rostered there (by name): posted to the
    window's region in a window role, for the whole region or one of the window's departments."""
    if not windows:
        return {}
    region_ids = {w.region_id for w in windows}
    postings = list(Posting.objects.filter(region_id__in=region_ids, role__in=ROSTER_ROLES).select_related("staff"))
    result: dict[int, list[Staff]] = {}
    for window in windows:
        departments = {d.pk for d in window.departments.all()}
        people = {p.staff_id: p.staff for p in postings if _covers(p, window, departments)}
        result[window.pk] = sorted(people.values(), key=lambda s: (s.name, s.employee_number))
    return result


def may_be_rostered(staff: Staff, window: Window) -> bool:
    """Whether ``staff`` may be rostered at ``window`` (see :func:`eligible_staff`)."""
    departments = {d.pk for d in window.departments.all()}
    return any(_covers(p, window, departments) for p in Posting.objects.filter(staff=staff))


def rotation_candidates(region: Region) -> list[Staff]:
    """Everyone who may be rostered at some window of the center (the rotation form's list)."""
    return list(Staff.objects.filter(postings__region=region, postings__role__in=ROSTER_ROLES).distinct()
                .order_by("name", "employee_number"))


def approved_absences(staff_ids: Iterable[int], first: date, last: date) -> dict[int, list[Absence]]:
    """The approved absences of ``staff_ids`` overlapping [first, last], per staff member."""
    result: dict[int, list[Absence]] = {}
    for absence in Absence.objects.filter(staff_id__in=list(staff_ids), state=Absence.State.APPROVED,
                                          first_day__lte=last, last_day__gte=first).order_by("first_day"):
        result.setdefault(absence.staff_id, []).append(absence)
    return result


def absence_on(staff: Staff, day: date) -> Absence | None:
    """The approved absence covering ``day``, if any."""
    return (Absence.objects.filter(staff=staff, state=Absence.State.APPROVED, first_day__lte=day, last_day__gte=day)
            .order_by("first_day").first())


def working_days(region: Region, first: date, last: date) -> list[date]:
    """The working days of the center's calendar in [first, last] (holidays and weekends out,
    make-up working days in). Beyond the calendar's range: Monday to Friday."""
    from onewindow.workdays.arithmetic import CalendarRangeError
    from onewindow.workdays.selectors import snapshot_for

    snapshot = snapshot_for(region.code)
    days = []
    day = first
    while day <= last:
        try:
            working = snapshot.is_workday(day)
        except CalendarRangeError:
            working = day.weekday() < 5
        if working:
            days.append(day)
        day += timedelta(days=1)
    return days


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of ``day``'s week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


@dataclass(frozen=True)
class RosterPerson:
    staff_id: int
    name: str
    on_leave: bool  # rostered while on an approved absence that day


@dataclass(frozen=True)
class RosterCell:
    day: date
    a: tuple[RosterPerson, ...]
    b: tuple[RosterPerson, ...]


@dataclass(frozen=True)
class RosterRow:
    window: Window
    cells: tuple[RosterCell, ...]


@dataclass(frozen=True)
class RosterGap:
    day: date
    window: Window


@dataclass(frozen=True)
class RosterLeave:
    day: date
    window: Window
    post: str
    name: str
    absence: Absence


@dataclass(frozen=True)
class RosterGrid:
    days: tuple[date, ...]
    rows: tuple[RosterRow, ...]
    without_a: tuple[RosterGap, ...]  # a working day a window has no A post
    on_leave: tuple[RosterLeave, ...]  # rostered staff on an approved absence that day

    @property
    def without_a_by_window(self) -> list[tuple[Window, list[date]]]:
        """The windows without an A post, each with its days (the summary's lines)."""
        lines: dict[int, tuple[Window, list[date]]] = {}
        for gap in self.without_a:
            lines.setdefault(gap.window.pk, (gap.window, []))[1].append(gap.day)
        return list(lines.values())


def roster_grid(windows: Sequence[Window], days: Sequence[date]) -> RosterGrid:
    """The roster of ``windows`` on ``days`` (the working days shown) with its summary."""
    if not windows or not days:
        return RosterGrid(tuple(days), tuple(RosterRow(w, ()) for w in windows), (), ())
    entries = list(RosterEntry.objects.filter(window__in=windows, day__in=list(days)).select_related("staff")
                   .order_by("staff__name"))
    absences = approved_absences({e.staff_id for e in entries}, min(days), max(days))

    def leave_of(staff_id: int, day: date) -> Absence | None:
        return next((a for a in absences.get(staff_id, []) if a.first_day <= day <= a.last_day), None)

    by_cell: dict[tuple[int, date], list[RosterEntry]] = {}
    for e in entries:
        by_cell.setdefault((e.window_id, e.day), []).append(e)
    rows, gaps, leaves = [], [], []
    for window in windows:
        cells = []
        for day in days:
            posts: dict[str, list[RosterPerson]] = {"A": [], "B": []}
            for e in by_cell.get((window.pk, day), []):
                absence = leave_of(e.staff_id, day)
                posts[e.post].append(RosterPerson(e.staff_id, e.staff.name, absence is not None))
                if absence is not None:
                    leaves.append(RosterLeave(day, window, e.get_post_display(), e.staff.name, absence))
            if not posts["A"]:
                gaps.append(RosterGap(day, window))
            cells.append(RosterCell(day, tuple(posts["A"]), tuple(posts["B"])))
        rows.append(RosterRow(window, tuple(cells)))
    leaves.sort(key=lambda x: (x.day, x.window.number, x.post))
    return RosterGrid(tuple(days), tuple(rows), tuple(gaps), tuple(leaves))


def cell_entries(window: Window, day: date) -> dict[str, RosterEntry]:
    """The cell's entries by post (the first A and the first B)."""
    result: dict[str, RosterEntry] = {}
    for e in RosterEntry.objects.filter(window=window, day=day).select_related("staff").order_by("post", "id"):
        result.setdefault(e.post, e)
    return result


def a_posts_elsewhere(staff_ids: Iterable[int], days: Iterable[date], *,
                      exclude_windows: Iterable[int] = ()) -> set[tuple[int, date]]:
    """(staff, day) pairs of A posts at windows other than ``exclude_windows``."""
    rows = (RosterEntry.objects.filter(staff_id__in=list(staff_ids), day__in=list(days), post=RosterEntry.Post.A)
            .exclude(window_id__in=list(exclude_windows)).values_list("staff_id", "day"))
    return set(rows)


def a_post_elsewhere(staff: Staff, day: date, window: Window) -> RosterEntry | None:
    """The A post ``staff`` holds on ``day`` at another window, if any."""
    return (RosterEntry.objects.filter(~Q(window=window), staff=staff, day=day, post=RosterEntry.Post.A)
            .select_related("window").first())
