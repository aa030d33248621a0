"""Reads of the hall: the calling board, a window's screen, wait estimates, the dashboard's
counts, and the attendance facts the assessment reads (unauthorised absence)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Q

from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Authorization, Region, Staff, Window
from onewindow.organization.rules import Role

from . import rules
from .models import (
    Absence,
    Attendance,
    CallRecord,
    LeaderDuty,
    Meeting,
    OpeningHours,
    Queue,
    ReceptionDay,
    RosterEntry,
    Ticket,
    WindowGroup,
    WindowQueue,
)
from .rules import TicketState


def queue_service_minutes(queue: Queue) -> float:
    """The mean of the queue's recent service times (its default when none is recorded)."""
    rows = (Ticket.objects.filter(queue=queue, state=TicketState.DONE, served_at__isnull=False,
                                  finished_at__isnull=False)
            .order_by("-finished_at").values_list("served_at", "finished_at")[:rules.RECENT_SERVICES])
    return rules.mean_service_minutes([(b - a).total_seconds() for a, b in rows], queue.default_service_minutes)


def staffed_windows_for(queue: Queue) -> list[int]:
    """Ids of the windows that call ``queue`` and have someone signed in."""
    windows = WindowQueue.objects.filter(queue=queue).values_list("window_id", flat=True)
    return sorted(set(Attendance.objects.filter(window_id__in=windows, signed_out_at__isnull=True)
                      .values_list("window_id", flat=True)))


def open_queues(region: Region) -> list[Queue]:
    """The queues a kiosk offers, with their group."""
    return list(Queue.objects.filter(group__region=region, is_open=True).select_related("group")
                .prefetch_related("items").order_by("group__code", "order", "letter"))


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code, has_center=True).first()


@dataclass(frozen=True)
class BoardCall:
    call_id: int
    label: str
    window: str
    at: datetime
    kind: str


@dataclass(frozen=True)
class QueueLine:
    queue: Queue
    waiting: int
    longest_wait_minutes: int
    estimate_minutes: int


@dataclass(frozen=True)
class Board:
    calls: list[BoardCall]
    lines: list[QueueLine]
    latest_call_id: int


def board(region: Region, *, at: datetime | None = None, limit: int = 8) -> Board:
    """The calling screen: the latest calls (and recalls) of today, and each queue's line."""
    at = at or current_time()
    day = local_date(at)
    start = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI)
    records = (CallRecord.objects.filter(ticket__region=region, at__gte=start, at__lte=at,
                                         kind__in=[CallRecord.Kind.CALL, CallRecord.Kind.RECALL])
               .select_related("ticket", "window").order_by("-at", "-id")[:limit])
    calls = [BoardCall(r.pk, r.ticket.label, r.window.number if r.window else "", r.at, r.kind) for r in records]
    return Board(calls=calls, lines=queue_lines(region, at=at), latest_call_id=calls[0].call_id if calls else 0)


def queue_lines(region: Region, *, at: datetime | None = None) -> list[QueueLine]:
    at = at or current_time()
    day = local_date(at)
    waiting = dict(Ticket.objects.filter(region=region, day=day, state=TicketState.WAITING)
                   .values("queue_id").annotate(n=Count("id")).values_list("queue_id", "n"))
    oldest: dict[int, datetime] = {}
    for queue_id, issued in (Ticket.objects.filter(region=region, day=day, state=TicketState.WAITING)
                             .order_by("queue_id", "issued_at").values_list("queue_id", "issued_at")):
        oldest.setdefault(queue_id, issued)
    lines = []
    for queue in Queue.objects.filter(group__region=region).select_related("group").order_by("group__code", "order"):
        n = waiting.get(queue.pk, 0)
        longest = int((at - oldest[queue.pk]).total_seconds() // 60) if queue.pk in oldest else 0
        estimate = rules.estimate_wait_minutes(ahead=n, service_minutes=queue_service_minutes(queue),
                                               windows=len(staffed_windows_for(queue)))
        lines.append(QueueLine(queue, n, max(longest, 0), estimate))
    return lines


def ticket_position(ticket: Ticket) -> int:
    """How many waiting tickets of its queue are ahead of it (priority, then arrival)."""
    if ticket.state != TicketState.WAITING:
        return 0
    return Ticket.objects.filter(queue_id=ticket.queue_id, day=ticket.day, state=TicketState.WAITING).filter(
        Q(priority__gt=ticket.priority) | Q(priority=ticket.priority, issued_at__lt=ticket.issued_at)).count()


# -- the window's screen ---------------------------------------------------------------------------------------


def windows_of(staff: Staff, day: date) -> list[Window]:
    """The windows ``staff`` may sit at on ``day``: rostered there, or posted there."""
    ids = set(RosterEntry.objects.filter(staff=staff, day=day).values_list("window_id", flat=True))
    ids |= set(staff.postings.filter(window__isnull=False).values_list("window_id", flat=True))
    return list(Window.objects.filter(pk__in=ids, is_active=True).order_by("number"))


def signed_in_at(staff: Staff) -> Attendance | None:
    return Attendance.objects.filter(staff=staff, signed_out_at__isnull=True).select_related("window").first()


def current_ticket(window: Window) -> Ticket | None:
    return (Ticket.objects.filter(window=window, state__in=[TicketState.CALLED, TicketState.SERVING])
            .select_related("queue", "item", "case").first())


def window_waiting(window: Window, *, at: datetime | None = None) -> int:
    from .calling import next_waiting

    at = at or current_time()
    return next_waiting(window, local_date(at), at, lock=False).count()


def window_served_today(window: Window, *, at: datetime | None = None) -> list[Ticket]:
    day = local_date(at or current_time())
    return list(Ticket.objects.filter(window=window, day=day, state__in=[TicketState.DONE, TicketState.SKIPPED])
                .select_related("case").order_by("-finished_at")[:20])


def is_staffed(window: Window) -> bool:
    return Attendance.objects.filter(window=window, signed_out_at__isnull=True).exists()


# -- the dashboard --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HallCounts:
    waiting: int
    served_today: int
    average_wait_minutes: float
    longest_wait_minutes: int
    windows_open: int
    windows_total: int


def hall_counts(region: Region, *, at: datetime | None = None) -> HallCounts:
    """Live counts: waiting, served today, average wait of today's calls, longest current wait,
    windows with someone signed in."""
    at = at or current_time()
    day = local_date(at)
    today = Ticket.objects.filter(region=region, day=day)
    waiting = list(today.filter(state=TicketState.WAITING).values_list("issued_at", flat=True))
    waits = [(c - i).total_seconds() / 60 for i, c in today.filter(called_at__isnull=False)
             .values_list("issued_at", "called_at")]
    longest = max([int((at - i).total_seconds() // 60) for i in waiting], default=0)
    windows = Window.objects.filter(region=region, is_active=True, hall_queues__isnull=False).distinct()
    open_count = Attendance.objects.filter(window__in=windows, signed_out_at__isnull=True).values(
        "window_id").distinct().count()
    return HallCounts(waiting=len(waiting), served_today=today.filter(state=TicketState.DONE).count(),
                      average_wait_minutes=round(sum(waits) / len(waits), 1) if waits else 0.0,
                      longest_wait_minutes=max(longest, 0), windows_open=open_count, windows_total=windows.count())


def waits_by_hour(region: Region, day: date) -> list[tuple[int, float, int]]:
    """(hour, mean wait in minutes, tickets) of the tickets called on ``day``, by hour of issue."""
    buckets: dict[int, list[float]] = {}
    for issued, called in Ticket.objects.filter(region=region, day=day, called_at__isnull=False).values_list(
            "issued_at", "called_at"):
        buckets.setdefault(issued.astimezone(SHANGHAI).hour, []).append((called - issued).total_seconds() / 60)
    return [(h, round(sum(v) / len(v), 1), len(v)) for h, v in sorted(buckets.items())]


@dataclass(frozen=True)
class QueueAlert:
    queue: Queue
    longest_wait_minutes: int
    threshold: int


def queue_alerts(region: Region, *, at: datetime | None = None) -> list[QueueAlert]:
    """Queues whose longest current wait passes their group's threshold."""
    return [QueueAlert(line.queue, line.longest_wait_minutes, line.queue.group.wait_warn_minutes)
            for line in queue_lines(region, at=at)
            if line.waiting and line.longest_wait_minutes > line.queue.group.wait_warn_minutes]


def groups_of(region: Region) -> list[WindowGroup]:
    return list(WindowGroup.objects.filter(region=region).prefetch_related("windows", "queues"))


# -- attendance facts (for the assessment) -----------------------------------------------------------------------


@dataclass(frozen=True)
class AbsenceFact:
    """A rostered day with no sign-in and no approved absence: 擅自离岗/缺勤 (unauthorised absence)."""

    staff_id: int
    staff_name: str
    window_number: str
    day: date
    half_days: int  # the local scoring counts per half day; a whole missed day is two


def unauthorised_absences(region: Region, first_day: date, last_day: date, *,
                          staff_ids: Iterable[int] | None = None) -> list[AbsenceFact]:
    """Every rostered (staff, day) in [first_day, last_day] of ``region``'s windows without any
    sign-in that day and not covered by an approved absence."""
    roster = RosterEntry.objects.filter(window__region=region, day__gte=first_day, day__lte=last_day)
    if staff_ids is not None:
        roster = roster.filter(staff_id__in=list(staff_ids))
    present = set(Attendance.objects.filter(day__gte=first_day, day__lte=last_day).values_list("staff_id", "day"))
    excused: dict[int, list[tuple[date, date]]] = {}
    for staff_id, a, b in Absence.objects.filter(state=Absence.State.APPROVED, first_day__lte=last_day,
                                                 last_day__gte=first_day).values_list("staff_id", "first_day",
                                                                                      "last_day"):
        excused.setdefault(staff_id, []).append((a, b))
    facts = []
    for entry in roster.select_related("staff", "window").order_by("day", "staff_id"):
        if (entry.staff_id, entry.day) in present:
            continue
        if any(a <= entry.day <= b for a, b in excused.get(entry.staff_id, [])):
            continue
        facts.append(AbsenceFact(entry.staff_id, entry.staff.name, entry.window.number, entry.day, 2))
    return facts


def attendance_of(staff: Staff, first_day: date, last_day: date) -> list[Attendance]:
    return list(Attendance.objects.filter(staff=staff, day__gte=first_day, day__lte=last_day)
                .select_related("window").order_by("signed_in_at"))


def visits_of_case(case_id: int) -> int:
    """How many tickets were linked to a case: the visits it took."""
    return Ticket.objects.filter(case_id=case_id).count()


def recorded_days(region: Region, first_day: date, last_day: date) -> list:
    """The recorded tickets of [first_day, last_day] as the simulation's days: one per queue and
    day (each line is served by its own windows), with the number of windows that called it."""
    from .simulation import Day, visits_from_rows

    rows: dict[tuple[date, int], list[tuple]] = {}
    windows: dict[tuple[date, int], set[int]] = {}
    for row in (Ticket.objects.filter(region=region, day__gte=first_day, day__lte=last_day).order_by("issued_at")
                .values_list("issued_at", "called_at", "served_at", "finished_at", "state", "day", "window_id",
                             "queue_id")):
        key = (row[5], row[7])
        rows.setdefault(key, []).append(row)
        if row[6] is not None:
            windows.setdefault(key, set()).add(row[6])
    return [Day(key[0], visits_from_rows(line, SHANGHAI), len(windows.get(key, ())))
            for key, line in sorted(rows.items())]


# -- opening hours ----------------------------------------------------------------------------------------------


def opening_week(region: Region) -> dict[int, tuple[rules.Session, ...]] | None:
    """The center's published weekly hours by weekday (0 Monday), or None when it has published
    none (then nothing is restricted and the slots use rules.OPENING)."""
    rows = list(OpeningHours.objects.filter(region=region))
    if not rows:
        return None
    return {row.weekday: row.sessions for row in rows}


def opening_row(region: Region, weekday: int) -> OpeningHours | None:
    """The published hours of one weekday (None: closed that weekday, or nothing published)."""
    return OpeningHours.objects.filter(region=region, weekday=weekday).first()


@dataclass(frozen=True)
class OpeningDay:
    day: date
    published: bool  # False: the center publishes no hours; sessions are then rules.OPENING
    kind: str  # the calendar's day kind: workday, weekend, holiday, makeup_workday
    name: str  # the holiday's name (国庆节 …) or ""
    sessions: tuple[rules.Session, ...]

    @property
    def is_open(self) -> bool:
        return bool(self.sessions)

    @property
    def text(self) -> str:
        return rules.format_sessions(self.sessions)


def _day_kind(region: Region, day: date) -> tuple[str, str]:
    from onewindow.workdays.arithmetic import CalendarRangeError
    from onewindow.workdays.selectors import snapshot_for

    snapshot = snapshot_for(region.code)
    try:
        return snapshot.day_kind(day), snapshot.name_of(day)
    except CalendarRangeError:
        # Beyond the calendar's range: weekdays only, as the clock does for unpublished years.
        return ("workday" if day.weekday() < 5 else "weekend"), ""


def opening_of(region: Region, day: date, *, week: dict[int, tuple[rules.Session, ...]] | None = None) -> OpeningDay:
    """Whether and when the center is open on ``day``: its weekly hours on the calendar's days."""
    week = opening_week(region) if week is None else week
    kind, name = _day_kind(region, day)
    if week is None:
        # Nothing published: the fixed schedule on working days (the slots' old behaviour).
        sessions = tuple(rules.OPENING) if kind in ("workday", "makeup_workday") else ()
        return OpeningDay(day, False, kind, name, sessions)
    return OpeningDay(day, True, kind, name, rules.sessions_of_day(week, weekday=day.weekday(), kind=kind))


def opening_summary(region: Region) -> list[str]:
    """The published week in lines for a notice (周一至周五 上午 9:00–12:00，下午 13:30–17:00)."""
    week = opening_week(region)
    return rules.format_week(week) if week is not None else []


# -- leaders on duty, reception days --------------------------------------------------------------------------------


def leaders_on(region: Region, day: date) -> list:
    """The leaders leading the hall (or on holiday duty) on ``day``."""
    return list(LeaderDuty.objects.filter(region=region, day=day).select_related("leader").order_by("leader__name"))


def leader_rota(region: Region, first: date, last: date) -> list:
    """The rota from ``first`` through ``last``."""
    return list(LeaderDuty.objects.filter(region=region, day__range=(first, last)).select_related("leader")
                .order_by("day", "leader__name"))


def reception_days(region: Region, first: date, *, last: date | None = None) -> list:
    """The reception days from ``first`` (through ``last`` when given)."""
    rows = ReceptionDay.objects.filter(region=region, day__gte=first).select_related("leader")
    if last is not None:
        rows = rows.filter(day__lte=last)
    return list(rows.order_by("day", "start"))


def leader_candidates(region: Region) -> list[Staff]:
    """Who may lead the hall on the rota: staff posted in the center as its administrators, the
    government's head or supervisors (the center's leadership; clerks are rostered, not 带班)."""
    return list(Staff.objects.filter(postings__region=region, postings__role__in=LEADER_ROLES).distinct()
                .order_by("name"))


LEADER_ROLES = (Role.CENTER_ADMIN.value, Role.GOVERNMENT_HEAD.value, Role.SUPERVISOR.value)


# -- the staff identity board (岗位效能监督公示栏) -------------------------------------------------------------------


@dataclass(frozen=True)
class BoardPerson:
    name: str
    initial: str
    employee_number: str
    post: str  # A岗 / B岗 / 在岗 (signed in without a roster entry)
    signed_in: bool
    may_handle: tuple[str, ...]  # the items (or the department's whole list) the person may handle
    has_photo: bool = False  # the board shows it (``hall:staff_photo``), else the name's first character


@dataclass(frozen=True)
class BoardWindow:
    window: Window
    departments: tuple[str, ...]
    people: tuple[BoardPerson, ...]


def _may_handle(staff: Staff, day: date, fallback: tuple[str, ...]) -> tuple[str, ...]:
    """What ``staff`` may handle: their authorizations valid on ``day`` (an authorization without an
    item covers the department's list), else the items of the queues their window calls."""
    names: list[str] = []
    for auth in (Authorization.objects.filter(staff=staff, valid_from__lte=day)
                 .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
                 .select_related("department", "item")
                 # a department-wide authorization first, on every database (NULL sorts differently)
                 .order_by("department__order", F("item_id").asc(nulls_first=True))):
        label = f"{auth.department.name}全部事项" if auth.item_id is None else str(auth.item)
        if label not in names:
            names.append(label)
    return tuple(names) or fallback


def _window_items(window: Window) -> tuple[str, ...]:
    names: list[str] = []
    for rule in WindowQueue.objects.filter(window=window).select_related("queue").order_by("rank", "queue__order"):
        for item in rule.queue.items.all():
            label = str(item)
            if label not in names:
                names.append(label)
        if not rule.queue.items.exists() and rule.queue.theme and rule.queue.theme not in names:
            names.append(rule.queue.theme)
    return tuple(names)


def identity_board(region: Region, *, day: date | None = None, window: Window | None = None) -> list[BoardWindow]:
    """Every active window of the center with the staff on duty ``day`` (the roster's A and B posts,
    and anyone signed in there without a roster entry): name, post, employee number and what they
    may handle. Nothing else about a person is shown."""
    day = day or local_date()
    windows = Window.objects.filter(region=region, is_active=True).prefetch_related("departments").order_by("number")
    if window is not None:
        windows = windows.filter(pk=window.pk)
    signed = set(Attendance.objects.filter(window__region=region, signed_out_at__isnull=True, day=day)
                 .values_list("window_id", "staff_id"))
    result = []
    for w in windows:
        fallback = _window_items(w)
        people: list[BoardPerson] = []
        seen: set[int] = set()
        for entry in RosterEntry.objects.filter(window=w, day=day).select_related("staff").order_by("post", "staff__name"):
            seen.add(entry.staff_id)
            people.append(_person(entry.staff, entry.get_post_display(), (w.pk, entry.staff_id) in signed, day, fallback))
        for attendance in Attendance.objects.filter(window=w, day=day, signed_out_at__isnull=True).select_related("staff"):
            if attendance.staff_id not in seen:
                people.append(_person(attendance.staff, "在岗", True, day, fallback))
        result.append(BoardWindow(w, tuple(d.name for d in w.departments.all()), tuple(people)))
    return result


def _person(staff: Staff, post: str, signed_in: bool, day: date, fallback: tuple[str, ...]) -> BoardPerson:
    return BoardPerson(name=staff.name, initial=staff.name[:1], employee_number=staff.employee_number, post=post,
                       signed_in=signed_in, may_handle=_may_handle(staff, day, fallback),
                       has_photo=bool(staff.photo))


def board_photo_staff(region: Region, employee_number: str, *, day: date | None = None) -> Staff | None:
    """The staff member with this number if the center's board shows them ``day`` with a photo:
    only the people on duty are on public view, not every staff member with a photo."""
    day = day or local_date()
    on_duty = (Q(hall_roster__day=day, hall_roster__window__region=region)
               | Q(hall_attendance__day=day, hall_attendance__window__region=region,
                   hall_attendance__signed_out_at__isnull=True))
    return (Staff.objects.filter(on_duty, employee_number=employee_number).exclude(photo="").distinct().first())


# -- 四到位 --------------------------------------------------------------------------------------------------------


def four_in_place(region: Region, *, day: date | None = None) -> list[rules.InPlace]:
    """四到位 of every department stationed in the center (Department.is_stationed), on ``day``."""
    from onewindow.catalog.models import ServiceItem
    from onewindow.organization.models import Department, Posting
    from onewindow.organization.rules import Power

    day = day or local_date()
    valid = (Authorization.objects.filter(valid_from__lte=day)
             .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day)))
    queued = set(WindowQueue.objects.filter(window__region=region, window__is_active=True)
                 .values_list("queue__items", flat=True))
    result = []
    for dept in Department.objects.filter(region=region, is_stationed=True).order_by("order", "code"):
        windows = list(Window.objects.filter(region=region, is_active=True, departments=dept)
                       .order_by("number").values_list("number", flat=True))
        staffed = set(Posting.objects.filter(window__number__in=windows, window__region=region)
                      .values_list("window__number", flat=True))
        staffed |= set(RosterEntry.objects.filter(window__number__in=windows, window__region=region, day=day)
                       .values_list("window__number", flat=True))
        grants = set(valid.filter(department=dept).values_list("power", "item_id"))
        # An authorization without an item covers the department's whole list.
        facts = [rules.ItemFacts(
            name=str(item), has_window=any(w.is_active for w in item.windows.all()) or item.pk in queued,
            may_accept=bool(grants & {(Power.ACCEPT.value, None), (Power.ACCEPT.value, item.pk)}),
            may_decide=bool(grants & {(Power.DECIDE.value, None), (Power.DECIDE.value, item.pk)}))
            for item in (ServiceItem.objects.filter(department=dept, is_active=True).select_related("current_version")
                         .prefetch_related("windows").order_by("implementation_code"))]
        result.append(rules.four_in_place(department=dept.name, windows=windows, staffed_windows=sorted(staffed),
                                          items=facts))
    return result


def meetings_of(region: Region, *, limit: int = 24) -> list:
    """The center's recent meetings with their decisions and tasks."""
    return list(Meeting.objects.filter(region=region).select_related("recorded_by")
                .prefetch_related("decisions__task__lead")[:limit])


def departments_of(region: Region) -> list:
    """The center's departments, in their order (a decision's lead unit is chosen among them)."""
    from onewindow.organization.models import Department

    return list(Department.objects.filter(region=region).order_by("order", "code"))
