"""Appointments (预约): half-hour slots per window group from the windows on duty and the
working-day calendar, real-name booking under the local rules, cancelling, reminders, check-in
(which turns the booking into a priority ticket), no-shows and the booking ban."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count

from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.core.identity import is_valid_id_number
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action, can
from onewindow.workdays.arithmetic import CalendarRangeError
from onewindow.workdays.selectors import snapshot_for

from . import rules, selectors
from .models import Appointment, BookingBan, Queue, RosterEntry, Ticket, WindowGroup
from .rules import Priority


@dataclass(frozen=True)
class Slot:
    day: date
    start: time
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


def slot_moment(day: date, start: time) -> datetime:
    return datetime.combine(day, start, tzinfo=SHANGHAI)


def bookable_days(group: WindowGroup, *, at: datetime | None = None) -> list[date]:
    """The working days one may book: from tomorrow through the 5th working day after today."""
    today = local_date(at or current_time())
    snapshot = snapshot_for(group.region.code)
    try:
        last = snapshot.add_workdays(today, rules.BOOK_WITHIN_WORKDAYS)
    except CalendarRangeError:
        return []
    first = today + timedelta(days=rules.BOOK_MIN_DAYS_AHEAD)
    week = selectors.opening_week(group.region)
    # A working day on which the center publishes no session (say, closed on Wednesday) offers nothing.
    return [d for d in snapshot.workdays_in(today, last)
            if d >= first and selectors.opening_of(group.region, d, week=week).is_open]


def day_slot_starts(group: WindowGroup, day: date) -> list[time]:
    """The half-hour slot starts of ``day``: inside the center's opening hours only."""
    return rules.day_slots(selectors.opening_of(group.region, day).sessions)


def slots(group: WindowGroup, day: date) -> list[Slot]:
    """The day's half-hour slots: each offers ``appointments_per_window_slot`` places per window
    of the group rostered that day."""
    windows = (RosterEntry.objects.filter(day=day, window__in=group.windows.all(), window__is_active=True)
               .values("window_id").distinct().count())
    capacity = windows * group.appointments_per_window_slot
    booked = dict(Appointment.objects.filter(group=group, day=day, state__in=[Appointment.State.BOOKED,
                                                                              Appointment.State.CHECKED_IN])
                  .values("slot").annotate(n=Count("id")).values_list("slot", "n"))
    return [Slot(day, start, capacity, booked.get(start, 0)) for start in day_slot_starts(group, day)]


def _queue(queue_id: int) -> Queue:
    queue = Queue.objects.select_related("group__region").filter(pk=queue_id).first()
    if queue is None:
        raise NotFound(f"队列 {queue_id} 不存在", code="hall.queue_not_found", field="queue")
    return queue


def ban_of(id_number: str, day: date) -> BookingBan | None:
    return BookingBan.objects.filter(id_number=id_number.upper(), until__gte=day).order_by("-until").first()


def appointment_book(*, queue_id: int, day: date, slot: time, name: str, id_number: str, phone: str,
                     at: datetime | None = None) -> Appointment:
    """预约: real name (a valid resident ID), a working day from tomorrow within 5 working days,
    a slot with a free place, one booking per person per day, not while banned."""
    at = at or current_time()
    queue = _queue(queue_id)
    group = queue.group
    name, id_number, phone = name.strip(), id_number.strip().upper(), phone.strip()
    if not name:
        raise DomainError("hall.appointment_name", "请填写真实姓名", field="name")
    if not is_valid_id_number(id_number, today=local_date(at)):
        raise DomainError("hall.appointment_id_number", "身份证号码无效：预约须实名", field="id_number")
    if not (phone.isdigit() and len(phone) == 11):
        raise DomainError("hall.bad_phone", "手机号应为11位数字", field="phone")
    if not queue.is_open:
        raise Conflict("hall.queue_closed", f"队列“{queue.name}”不开放预约", field="queue")
    opening = selectors.opening_of(group.region, day)
    if opening.published and not opening.is_open:
        raise DomainError("hall.center_closed_day", f"{day.isoformat()} 政务服务中心不对外办公，不能预约", field="day")
    if day not in bookable_days(group, at=at):
        raise DomainError("hall.appointment_day", f"{day.isoformat()} 不可预约：须提前1天以上、在5个工作日内的工作日预约",
                          field="day")
    if slot not in day_slot_starts(group, day):
        raise DomainError("hall.appointment_slot", f"{slot.strftime('%H:%M')} 不是预约时段：预约时段均在开放时间内"
                          f"（当日开放时间：{opening.text}）", field="slot")
    ban = ban_of(id_number, day)
    if ban is not None:
        raise PermissionDenied(f"因多次预约未到，{ban.until.isoformat()} 前不能预约（{ban.reason}）",
                               code="hall.booking_banned")
    with transaction.atomic():
        # One booking at a time per window group: the slot count below cannot be overtaken.
        WindowGroup.objects.select_for_update().filter(pk=group.pk).first()
        if Appointment.objects.filter(id_number=id_number, day=day,
                                      state__in=[Appointment.State.BOOKED, Appointment.State.CHECKED_IN]).exists():
            raise Conflict("hall.one_booking_a_day", f"您在 {day.isoformat()} 已有预约：每人每天限约一次", field="day")
        found = next((s for s in slots(group, day) if s.start == slot), None)
        if found is None or found.free <= 0:
            raise Conflict("hall.slot_full", f"{day.isoformat()} {slot.strftime('%H:%M')} 时段已约满，请选择其他时段",
                           field="slot")
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    region=group.region, group=group, queue=queue, day=day, slot=slot, name=name[:64],
                    id_number=id_number, phone=phone, code=_new_code(), booked_at=at)
        except IntegrityError:
            raise Conflict("hall.one_booking_a_day", f"您在 {day.isoformat()} 已有预约：每人每天限约一次",
                           field="day") from None
        _sms(appointment, "hall.appointment_booked", f"您已预约{group.name}{day.isoformat()} "
             f"{slot.strftime('%H:%M')}，预约码 {appointment.code}。请于时段开始前到大厅签到。", at)
    return appointment


def _new_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


def _sms(appointment: Appointment, kind: str, body: str, at: datetime) -> None:
    from onewindow.notifications.services import notify

    notify(region=appointment.region, channel="sms", recipient=appointment.phone, kind=kind, subject="大厅预约",
           body=body, dedupe_key=f"{kind}:{appointment.pk}", at=at)


def _locked(appointment_id: int) -> Appointment:
    appointment = (Appointment.objects.select_for_update(of=("self",)).select_related("queue", "group__region")
                   .filter(pk=appointment_id).first())
    if appointment is None:
        raise NotFound("预约不存在", code="hall.appointment_not_found", field="appointment")
    return appointment


def appointment_cancel(*, appointment_id: int, id_number: str, at: datetime | None = None) -> Appointment:
    """取消: by the person who booked, at least 2 hours before the slot. An on-time cancel is no
    no-show: it frees the place and the day and never counts towards the booking ban."""
    at = at or current_time()
    with transaction.atomic():
        appointment = _locked(appointment_id)
        if appointment.id_number != id_number.strip().upper():
            raise PermissionDenied("身份证号码与预约人不符", code="hall.appointment_not_yours")
        if appointment.state == Appointment.State.CANCELLED:
            return appointment  # a repeated cancel (a retry) changes nothing
        if appointment.state != Appointment.State.BOOKED:
            raise Conflict("hall.appointment_state", f"该预约{appointment.get_state_display()}，不能取消")
        if slot_moment(appointment.day, appointment.slot) - at < timedelta(hours=rules.CANCEL_HOURS_BEFORE):
            raise Conflict("hall.cancel_too_late", f"须在预约时段开始{rules.CANCEL_HOURS_BEFORE}小时前取消")
        appointment.state = Appointment.State.CANCELLED
        appointment.save(update_fields=["state"])
    return appointment


def appointment_check_in(*, appointment_id: int | None = None, code: str = "", actor: Staff | None = None,
                         at: datetime | None = None) -> Ticket:
    """签到: on the day, from an hour before the slot until half an hour into it; gives a ticket
    that is called first from the slot's start."""
    from .services import ticket_issue

    at = at or current_time()
    if appointment_id is None:
        found = Appointment.objects.filter(code=code.strip()).values_list("pk", flat=True).first()
        if found is None:
            raise NotFound("预约码不存在", code="hall.appointment_not_found", field="code")
        appointment_id = found
    with transaction.atomic():
        appointment = _locked(appointment_id)
        # Staff check in their own region's appointments; another region's is "not found", like
        # one that does not exist, before its state or day can tell them anything about it.
        if actor is not None and not can(actor, Action.CASE_VIEW, region=appointment.group.region):
            raise NotFound("预约不存在", code="hall.appointment_not_found", field="appointment")
        if appointment.state != Appointment.State.BOOKED:
            raise Conflict("hall.appointment_state", f"该预约{appointment.get_state_display()}，不能签到")
        start = slot_moment(appointment.day, appointment.slot)
        if local_date(at) != appointment.day:
            raise Conflict("hall.check_in_day", f"该预约在 {appointment.day.isoformat()}，请当天签到")
        if at < start - timedelta(minutes=rules.CHECK_IN_EARLY_MINUTES):
            raise Conflict("hall.check_in_early", f"请在预约时段开始前{rules.CHECK_IN_EARLY_MINUTES}分钟内签到")
        if at > start + timedelta(minutes=rules.CHECK_IN_LATE_MINUTES):
            raise Conflict("hall.check_in_late", f"已超过预约时段{rules.CHECK_IN_LATE_MINUTES}分钟，预约失效，请现场取号")
        ticket = ticket_issue(queue_id=appointment.queue_id, actor=actor, source=Ticket.Source.APPOINTMENT,
                              phone=appointment.phone, at=at, priority=Priority.APPOINTMENT, priority_from=start)
        appointment.state, appointment.ticket = Appointment.State.CHECKED_IN, ticket
        appointment.save(update_fields=["state", "ticket"])
    return ticket


def appointments_remind(*, at: datetime | None = None) -> int:
    """The day-before reminder of tomorrow's bookings (once each: the outbox's dedupe key)."""
    at = at or current_time()
    tomorrow = local_date(at) + timedelta(days=1)
    sent = 0
    with transaction.atomic():
        for appointment in Appointment.objects.filter(day=tomorrow, state=Appointment.State.BOOKED).select_related(
                "group", "region"):
            _sms(appointment, "hall.appointment_reminder", f"提醒：您预约了明天 {appointment.slot.strftime('%H:%M')} "
                 f"{appointment.group.name}，预约码 {appointment.code}，如不能前来请提前2小时取消。", at)
            sent += 1
    return sent


def appointments_mark_no_shows(*, at: datetime | None = None) -> int:
    """Bookings whose check-in time has passed become no-shows; the third within 90 days bans the
    person from booking for 90 days."""
    at = at or current_time()
    marked = 0
    with transaction.atomic():
        missed = [a for a in Appointment.objects.select_for_update().filter(state=Appointment.State.BOOKED,
                                                                             day__lte=local_date(at))
                  if slot_moment(a.day, a.slot) + timedelta(minutes=rules.CHECK_IN_LATE_MINUTES) < at]
        for appointment in missed:
            appointment.state = Appointment.State.NO_SHOW
            appointment.save(update_fields=["state"])
            marked += 1
        for id_number in sorted({a.id_number for a in missed}):
            since = local_date(at) - timedelta(days=rules.NO_SHOW_LOOKBACK_DAYS)
            count = Appointment.objects.filter(id_number=id_number, state=Appointment.State.NO_SHOW,
                                               day__gte=since).count()
            if count >= rules.NO_SHOWS_BEFORE_BAN and ban_of(id_number, local_date(at)) is None:
                BookingBan.objects.create(id_number=id_number, until=local_date(at) + timedelta(days=rules.BAN_DAYS),
                                          reason=f"{rules.NO_SHOW_LOOKBACK_DAYS}天内预约未到{count}次", created_at=at)
    return marked


def day_load(group: WindowGroup, day: date) -> list[Slot]:
    """The center's view of a day's bookings, slot by slot."""
    return slots(group, day)
