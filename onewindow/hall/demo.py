"""The demo hall of 云溪县: three window groups and their queues, rosters for today and the next
five working days, today's queue with tickets in every state relative to now, appointments for
the next five working days, and 60 working days of past tickets for the capacity simulation
(written in bulk: a FIFO replay of seeded arrivals, so loading stays fast). The small hall of the
second demo county (青禾县): one window group and queue, its rosters and appointments. The staff on
today's rosters get their photo on the public identity board (a generated portrait)."""

from __future__ import annotations

import hashlib
import io
import random
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from onewindow.core.identity import id_number_check_char
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Posting, Region, Staff, Window
from onewindow.workdays.arithmetic import CalendarRangeError
from onewindow.workdays.selectors import snapshot_for

from . import rules
from .models import (
    Appointment,
    Attendance,
    CallRecord,
    LeaderDuty,
    OpeningHours,
    Queue,
    ReceptionDay,
    RosterEntry,
    Ticket,
    TicketCounter,
    WindowGroup,
    WindowQueue,
)
from .rules import TicketState

COUNTY = "990121000000"
# group code, name, its windows, its queue (letter, name, theme), mean service minutes
GROUPS = [
    ("ZH", "综合受理区", ["01", "08", "09", "10"], ("A", "综合业务", "民政、社保、医保、卫健"), 9),
    ("SC", "市场准入区", ["02", "03", "04"], ("B", "企业开办", "营业执照、食品经营许可"), 12),
    ("BDC", "不动产登记区", ["05", "06", "07"], ("C", "不动产登记", "转移登记、抵押登记"), 15),
]
PAST_WORKDAYS = 60
SECOND_COUNTY = "990123000000"  # 青禾县
SECOND_GROUPS = [("ZH", "综合受理区", ["01", "02"], ("A", "综合业务", "民政、市场准入、不动产登记"), 10)]


def _clerk_at(window: Window) -> Staff | None:
    posting = Posting.objects.filter(window=window, role="clerk").select_related("staff").order_by("staff_id").first()
    return posting.staff if posting else None


def _workdays_ahead(region: Region, today: date, n: int) -> list[date]:
    snapshot = snapshot_for(region.code)
    try:
        return snapshot.workdays_in(today, snapshot.add_workdays(today, n))
    except CalendarRangeError:
        return []


def _workdays_back(region: Region, today: date, n: int) -> list[date]:
    snapshot = snapshot_for(region.code)
    days: list[date] = []
    day = today
    while len(days) < n and (today - day).days < 200:
        day -= timedelta(days=1)
        try:
            if snapshot.is_workday(day):
                days.append(day)
        except CalendarRangeError:
            break
    return sorted(days)


def load_demo(*, today: date | None = None) -> str:
    """Create the demo hall once (idempotent: a second run changes nothing) and say what it holds."""
    region = Region.objects.filter(code=COUNTY).first()
    if region is None:
        return "大厅：未加载演示组织，跳过"
    centers = _centers(today or local_date())
    second = _second_county(today or local_date())
    if WindowGroup.objects.filter(region=region).exists():
        return "大厅：演示数据已存在"
    now = current_time()
    today = today or local_date(now)
    with transaction.atomic():
        queues, desks = _hall(region, GROUPS)
        ahead = _workdays_ahead(region, today, rules.BOOK_WITHIN_WORKDAYS)
        _rosters(desks, [today, *ahead])
        past = _past_tickets(region, queues, desks, today)
        live = _today(region, queues, desks, today, now)
        booked = _appointments(region, queues, ahead, now, letters=("B", "C"))
        photos = _board_photos(desks)
    return (f"大厅：窗口组{len(GROUPS)}个，今日排队号{live}张，未来5个工作日预约{booked}个，"
            f"近{PAST_WORKDAYS}个工作日历史取号{past}张，公示栏照片{photos}张；{centers}{second}")


def _second_county(today: date) -> str:
    """青禾县's small hall, once: its window group and queue, rosters, appointments and board photos."""
    region = Region.objects.filter(code=SECOND_COUNTY).first()
    if region is None or WindowGroup.objects.filter(region=region).exists():
        return ""
    now = current_time()
    with transaction.atomic():
        queues, desks = _hall(region, SECOND_GROUPS)
        ahead = _workdays_ahead(region, today, rules.BOOK_WITHIN_WORKDAYS)
        _rosters(desks, [today, *ahead])
        booked = _appointments(region, queues, ahead, now, letters=("A",), first=900)
        _board_photos(desks)
    return f"；青禾县窗口组{len(SECOND_GROUPS)}个、预约{booked}个"


# The demo centers' published hours: the county keeps rules.OPENING (the demo's appointments lie in
# it) and opens on Saturday mornings (周六延时服务); the other centers open 8:30–12:00, 14:00–17:30.
COUNTY_WEEK = {d: ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 0))) for d in range(5)} | {
    5: ((time(9, 0), time(12, 0)), (None, None))}
OTHER_WEEK = {d: ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30))) for d in range(5)}
ROTA_DAYS = 30


def _centers(today: date) -> str:
    """Opening hours of every demo center, the county's leaders' rota for the coming month (in turn,
    holiday duty included) and two reception days (idempotent: only when none is published)."""
    if OpeningHours.objects.filter(region__is_demo=True).exists():
        return "开放时间、带班与接待日已存在"
    centers = list(Region.objects.filter(is_demo=True, has_center=True).order_by("code"))
    OpeningHours.objects.bulk_create(
        OpeningHours(region=c, weekday=d, morning_start=m[0], morning_end=m[1], afternoon_start=a[0], afternoon_end=a[1])
        for c in centers for d, (m, a) in (COUNTY_WEEK if c.code == COUNTY else OTHER_WEEK).items())
    county = next((c for c in centers if c.code == COUNTY), None)
    if county is None:
        return f"{len(centers)}个中心的开放时间"
    from .selectors import leader_candidates, opening_of

    leaders = leader_candidates(county)
    rota = receptions = 0
    if leaders:
        for n in range(ROTA_DAYS + 1):
            day = today + timedelta(days=n)
            kind = "lead" if opening_of(county, day).kind in ("workday", "makeup_workday") else "holiday"
            LeaderDuty.objects.create(region=county, day=day, leader=leaders[rota % len(leaders)], kind=kind)
            rota += 1
        for n, day in enumerate(_workdays_ahead(county, today, 8)[2::5][:2]):
            ReceptionDay.objects.create(region=county, day=day, start=time(9, 0), end=time(11, 30),
                                        leader=leaders[n % len(leaders)], place="中心一楼领导接待室",
                                        topic="群众来访、办事难题、投诉建议")
            receptions += 1
    return f"{len(centers)}个中心的开放时间，领导带班{rota}天，接待日{receptions}个"


Group = tuple[str, str, list[str], tuple[str, str, str], int]  # as GROUPS lists them


def _hall(region: Region, groups: list[Group]) -> tuple[dict[str, Queue], dict[str, list[tuple[Window, Staff]]]]:
    queues: dict[str, Queue] = {}
    desks: dict[str, list[tuple[Window, Staff]]] = {}
    for code, name, numbers, (letter, qname, theme), minutes in groups:
        group = WindowGroup.objects.create(region=region, code=code, name=name, wait_warn_minutes=30)
        windows = list(Window.objects.filter(region=region, number__in=numbers).order_by("number"))
        group.windows.set(windows)
        queue = Queue.objects.create(group=group, letter=letter, name=qname, theme=theme, order=len(queues),
                                     default_service_minutes=minutes)
        queues[letter] = queue
        for window in windows:
            WindowQueue.objects.create(window=window, queue=queue, rank=1)
            clerk = _clerk_at(window)
            if clerk is not None:
                desks.setdefault(letter, []).append((window, clerk))
    # The general window 01 backs up 企业开办 when its own line is empty (AB).
    general = Window.objects.filter(region=region, number="01").first()
    if general is not None and "B" in queues:
        WindowQueue.objects.create(window=general, queue=queues["B"], rank=5)
    return queues, desks


def _rosters(desks: dict[str, list[tuple[Window, Staff]]], days: list[date]) -> None:
    rows = []
    for pairs in desks.values():
        for n, (window, clerk) in enumerate(pairs):
            for day in days:
                rows.append(RosterEntry(window=window, staff=clerk, day=day, post="A"))
            backup = pairs[(n + 1) % len(pairs)][1]
            if backup.pk != clerk.pk:
                rows.extend(RosterEntry(window=window, staff=backup, day=day, post="B") for day in days)
    RosterEntry.objects.bulk_create(rows, ignore_conflicts=True)


def _moment(day: date, minutes: float) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=SHANGHAI) + timedelta(minutes=minutes)


def _past_tickets(region: Region, queues: dict[str, Queue], desks, today: date) -> int:
    """A FIFO replay per queue per day: seeded arrivals (a morning peak), service times around the
    queue's mean, the windows it had; a few leave before their call."""
    rng = random.Random(20260101)
    tickets: list[Ticket] = []
    for day in _workdays_back(region, today, PAST_WORKDAYS):
        monday = 1.3 if day.weekday() == 0 else 1.0
        for letter, queue in queues.items():
            windows = [w for w, _ in desks.get(letter, [])][: 2 if day.weekday() in (2, 4) else 3] or []
            if not windows:
                continue
            count = int(rng.uniform(25, 40) * monday)
            arrivals = sorted(rng.choice([rng.uniform(540, 690), rng.uniform(810, 990)]) if rng.random() > 0.4
                              else rng.uniform(540, 630) for _ in range(count))
            free = {w.pk: 540.0 for w in windows}
            for number, arrival in enumerate(arrivals, start=1):
                window = min(windows, key=lambda w: free[w.pk])
                start = max(arrival, free[window.pk])
                ticket = Ticket(region=region, queue=queue, numbered_in=queue, day=day, number=number,
                                label=rules.ticket_label(queue.letter, number), source=Ticket.Source.KIOSK,
                                issued_at=_moment(day, arrival))
                if start - arrival > 45 and rng.random() < 0.3:  # left before the call
                    ticket.state, ticket.finished_at = TicketState.ABANDONED, _moment(day, arrival + 45)
                else:
                    service = max(2.0, rng.gauss(queue.default_service_minutes, 3))
                    free[window.pk] = start + service
                    ticket.state, ticket.window = TicketState.DONE, window
                    ticket.called_at = ticket.last_called_at = _moment(day, start)
                    ticket.served_at, ticket.calls = _moment(day, start + 1), 1
                    ticket.finished_at = _moment(day, start + service)
                tickets.append(ticket)
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    return len(tickets)


def _today(region: Region, queues: dict[str, Queue], desks, today: date, now: datetime) -> int:
    """Today's queue relative to now: done and skipped tickets an hour ago, one in service, one
    just called, and a line waiting (one elderly, one returning for a supplement)."""
    made = 0
    for letter, queue in queues.items():
        pairs = desks.get(letter, [])[:2]
        for window, clerk in pairs:
            Attendance.objects.get_or_create(staff=clerk, signed_out_at__isnull=True,
                                             defaults={"window": window, "day": today,
                                                       "signed_in_at": now - timedelta(hours=2)})
        plan = [(-90, TicketState.DONE, 0), (-80, TicketState.DONE, 0), (-70, TicketState.SKIPPED, 0),
                (-40, TicketState.SERVING, 0), (-25, TicketState.CALLED, 0), (-20, TicketState.WAITING, 0),
                (-15, TicketState.WAITING, 2), (-10, TicketState.WAITING, 1), (-5, TicketState.WAITING, 0)]
        serving_windows = list(pairs)
        for number, (minutes, state, priority) in enumerate(plan, start=1):
            issued = now + timedelta(minutes=minutes)
            ticket = Ticket.objects.create(
                region=region, queue=queue, numbered_in=queue, day=today, number=number,
                label=rules.ticket_label(queue.letter, number), state=state, priority=priority,
                source=Ticket.Source.KIOSK, issued_at=issued, estimated_wait_minutes=number * 5)
            made += 1
            if state == TicketState.WAITING:
                continue
            if state in (TicketState.SERVING, TicketState.CALLED):
                if not serving_windows:
                    ticket.state = TicketState.WAITING
                    ticket.save(update_fields=["state"])
                    continue
                window, clerk = serving_windows.pop(0)
            else:
                window, clerk = pairs[0] if pairs else (None, None)
            called = issued + timedelta(minutes=8)
            ticket.window, ticket.served_by = window, clerk
            ticket.called_at = ticket.last_called_at = called
            ticket.calls = 3 if state == TicketState.SKIPPED else 1
            if state in (TicketState.DONE, TicketState.SERVING):
                ticket.served_at = called + timedelta(minutes=1)
            if state in (TicketState.DONE, TicketState.SKIPPED):
                ticket.finished_at = called + timedelta(minutes=9)
            ticket.save()
            CallRecord.objects.create(ticket=ticket, window=window, kind=CallRecord.Kind.CALL, at=called, actor=clerk)
        TicketCounter.objects.update_or_create(queue=queue, day=today, defaults={"last": len(plan)})
    return made


def _demo_id(n: int, region: Region) -> str:
    first17 = f"{region.code[:6]}19{80 + n % 20:02d}0101{n % 1000:03d}"
    return first17 + id_number_check_char(first17)


def _appointments(region: Region, queues: dict[str, Queue], days: list[date], now: datetime, *,
                  letters: tuple[str, ...], first: int = 0) -> int:
    rows = []
    n = first
    rng = random.Random(7)
    for day in days:
        for letter in letters:
            queue = queues.get(letter)
            if queue is None:
                continue
            for start in rng.sample(rules.day_slots(), 3):
                n += 1
                rows.append(Appointment(region=region, group=queue.group, queue=queue, day=day, slot=start,
                                        name=f"预约演示{n}", id_number=_demo_id(n, region), phone=f"1390000{n:04d}",
                                        code=f"{day:%m%d}{n:04d}", booked_at=now - timedelta(days=1)))
    Appointment.objects.bulk_create(rows)
    return len(rows)


def _portrait(staff: Staff) -> bytes:
    """A plain generated portrait (a coloured card): the demo has no real faces to show."""
    shade = int(hashlib.sha256(staff.employee_number.encode()).hexdigest()[:6], 16)
    out = io.BytesIO()
    Image.new("RGB", (90, 120), (shade >> 16 & 0xFF, shade >> 8 & 0xFF, shade & 0xFF)).save(out, "PNG")
    return out.getvalue()


def _board_photos(desks: dict[str, list[tuple[Window, Staff]]]) -> int:
    """The identity board's photo of every clerk on the rosters who has none (public by design:
    岗位效能监督公示栏; stored through the organization's service, checked like any upload)."""
    from onewindow.organization.services import staff_photo_set

    made = 0
    for staff in {clerk.pk: clerk for pairs in desks.values() for _window, clerk in pairs}.values():
        if staff.photo:
            continue
        staff_photo_set(staff=staff, photo=SimpleUploadedFile(f"{staff.employee_number}.png", _portrait(staff),
                                                              content_type="image/png"))
        made += 1
    return made
