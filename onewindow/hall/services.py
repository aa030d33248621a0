"""Every write of the queue: issue a ticket, call the next one, recall, skip, transfer, serve,
finish, link the case the ticket became. One transaction each; a window calls only while its
staff member is signed in there.

Two windows calling at the same instant never get the same ticket: the call takes the first
waiting ticket with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (a ticket another window is
taking is skipped, not waited for); SQLite's ``BEGIN IMMEDIATE`` transactions run one at a time.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from onewindow.core import sequences
from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Region, Staff, Window
from onewindow.organization.permissions import Action, can

from . import rules, selectors
from .calling import next_waiting
from .models import Attendance, CallRecord, Queue, Ticket, TicketCounter, WindowQueue
from .rules import PRIORITY_REASONS, Priority, TicketState
from .selectors import queue_service_minutes, staffed_windows_for

NEAR_PLACES = 3  # the SMS "your turn is near" goes out when this many tickets are ahead


def _queue(queue_id: int) -> Queue:
    queue = Queue.objects.select_related("group", "group__region").filter(pk=queue_id).first()
    if queue is None:
        raise NotFound(f"队列 {queue_id} 不存在", code="hall.queue_not_found", field="queue")
    return queue


def ticket_issue(*, queue_id: int, actor: Staff | None = None, source: str = Ticket.Source.KIOSK,
                 priority_reason: str = "", phone: str = "", item_id: int | None = None,
                 at: datetime | None = None, priority: Priority | None = None,
                 priority_from: datetime | None = None) -> Ticket:
    """取号: the next number of the queue today, with its estimated wait.

    ``actor`` is None at a kiosk or on the phone (an anonymous device); a floor guide or the API
    caller must be staff of the queue's region. ``priority_reason`` (elderly, disabled, green,
    returning) raises the ticket's priority.
    """
    at = at or current_time()
    queue = _queue(queue_id)
    region = queue.group.region
    if actor is not None and not can(actor, Action.CASE_VIEW, region=region):
        raise PermissionDenied(f"您不是{region.name}的工作人员，不能为该队列取号", code="forbidden.hall.ticket")
    if not queue.is_open:
        raise Conflict("hall.queue_closed", f"队列“{queue.name}”现在不开放取号", field="queue")
    if source != Ticket.Source.APPOINTMENT:
        # An appointment's check-in may come up to an hour before its slot, which lies inside the hours.
        require_open(region, at)
    if priority is None:
        if priority_reason and priority_reason not in PRIORITY_REASONS:
            raise DomainError("hall.bad_priority_reason", f"优先原因 {priority_reason!r} 不可接受（可选：elderly、"
                              "disabled、green、returning）", field="priority_reason")
        priority = PRIORITY_REASONS.get(priority_reason, Priority.NORMAL)
    if phone and (not phone.isdigit() or len(phone) != 11):
        raise DomainError("hall.bad_phone", "手机号应为11位数字", field="phone")
    day = local_date(at)
    with transaction.atomic():
        number = sequences.next_value(TicketCounter, {"queue": queue.pk, "day": day})
        ticket = Ticket(region=region, queue=queue, numbered_in=queue, day=day, number=number,
                        label=rules.ticket_label(queue.letter, number), priority=priority,
                        priority_from=priority_from, source=source, phone=phone, item_id=item_id, issued_at=at)
        ticket.estimated_wait_minutes = _estimate(queue, day, ticket)
        ticket.save()
    return ticket


def require_open(region: Region, at: datetime) -> None:
    """The center's published opening hours (selectors.opening_of): a ticket on a closed day (a
    holiday, a weekday it does not open) or outside the sessions is refused (409)."""
    opening = selectors.opening_of(region, local_date(at))
    if not opening.published:
        return
    refusal = rules.opening_refusal(opening.sessions, at.astimezone(SHANGHAI).time())
    if refusal == "closed_day":
        why = opening.name or {"weekend": "周末", "holiday": "节假日"}.get(opening.kind, rules.WEEKDAY_NAMES[opening.day.weekday()])
        raise Conflict("hall.center_closed_day", f"{opening.day.isoformat()}（{why}）{region.name}政务服务中心不对外办公，"
                       "不能取号", field="queue")
    if refusal == "outside_hours":
        raise Conflict("hall.outside_opening_hours", f"现在不在开放时间内（今日开放时间：{opening.text}），不能取号",
                       field="queue")


def _estimate(queue: Queue, day, ticket: Ticket) -> int:
    ahead = Ticket.objects.filter(queue=queue, day=day, state=TicketState.WAITING, priority__gte=ticket.priority).count()
    return rules.estimate_wait_minutes(ahead=ahead, service_minutes=queue_service_minutes(queue),
                                       windows=len(staffed_windows_for(queue)))


def window_for(*, region: Region, number: str) -> Window:
    window = Window.objects.filter(region=region, number=number, is_active=True).first()
    if window is None:
        raise NotFound(f"{region.name}没有 {number} 号窗口", code="hall.window_not_found", field="window")
    return window


def _require_signed_in(window: Window, actor: Staff) -> Attendance:
    attendance = Attendance.objects.filter(window=window, staff=actor, signed_out_at__isnull=True).first()
    if attendance is None:
        raise Conflict("hall.window_unstaffed",
                       f"您未在 {window.number} 号窗口签到：窗口无人在岗时不能叫号", field="window")
    return attendance


def _record(ticket: Ticket, kind: str, *, window: Window | None, at: datetime, actor: Staff | None,
            note: str = "") -> None:
    CallRecord.objects.create(ticket=ticket, window=window, kind=kind, at=at, actor=actor, note=note)


def _close_current(window: Window, actor: Staff, at: datetime) -> None:
    """Before the next call: the ticket being served is finished; a called ticket that never came
    is skipped once it was called often enough, otherwise the clerk must recall or serve it."""
    for ticket in Ticket.objects.select_for_update(of=("self",)).select_related("queue").filter(
            window=window, state__in=[TicketState.CALLED, TicketState.SERVING]):
        if ticket.state == TicketState.SERVING:
            ticket.state, ticket.finished_at = TicketState.DONE, at
            ticket.save(update_fields=["state", "finished_at"])
            _record(ticket, CallRecord.Kind.FINISH, window=window, at=at, actor=actor)
        elif ticket.calls >= ticket.queue.skip_after_calls:
            ticket.state, ticket.finished_at = TicketState.SKIPPED, at
            ticket.save(update_fields=["state", "finished_at"])
            _record(ticket, CallRecord.Kind.SKIP, window=window, at=at, actor=actor)
        else:
            raise Conflict("hall.current_not_finished",
                           f"{ticket.label} 已叫号 {ticket.calls} 次尚未办理：请开始办理、重呼，"
                           f"或叫满 {ticket.queue.skip_after_calls} 次后过号", field="ticket")


def call_next(*, window: Window, actor: Staff, at: datetime | None = None) -> Ticket | None:
    """叫号: finish the window's current ticket and call the next one (None: nobody waits)."""
    at = at or current_time()
    with transaction.atomic():
        _require_signed_in(window, actor)
        _close_current(window, actor, at)
        ticket = next_waiting(window, local_date(at), at).first()
        if ticket is None:
            return None
        ticket.state, ticket.window, ticket.served_by = TicketState.CALLED, window, actor
        ticket.called_at = ticket.called_at or at
        ticket.last_called_at, ticket.calls, ticket.for_window = at, 1, None
        ticket.save(update_fields=["state", "window", "served_by", "called_at", "last_called_at", "calls",
                                   "for_window"])
        _record(ticket, CallRecord.Kind.CALL, window=window, at=at, actor=actor)
        _notify_near(window, ticket.day, at)
    return ticket


def _notify_near(window: Window, day, at: datetime) -> None:
    """SMS to the ticket that is now :data:`NEAR_PLACES` places from this window's next call."""
    from onewindow.notifications.services import notify

    near = list(next_waiting(window, day, at, lock=False)[NEAR_PLACES - 1:NEAR_PLACES])
    for t in near:
        if t.phone:
            notify(region=window.region, channel="sms", recipient=t.phone, kind="hall.near",
                   subject="即将叫号", body=f"您的排队号 {t.label} 前面还有{NEAR_PLACES - 1}位，请到大厅等候叫号。",
                   dedupe_key=f"hall-near:{t.pk}", at=at)


def _locked_at_window(ticket_id: int, window: Window, states: tuple[str, ...]) -> Ticket:
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("queue").filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("排队号不存在", code="hall.ticket_not_found", field="ticket")
    if ticket.window_id != window.pk or ticket.state not in states:
        raise Conflict("hall.ticket_moved", f"{ticket.label} 当前不在本窗口的此状态（{ticket.get_state_display()}），"
                       "请刷新页面", field="ticket")
    return ticket


def ticket_recall(*, ticket_id: int, window: Window, actor: Staff, at: datetime | None = None) -> Ticket:
    """重呼: call the same ticket once more."""
    at = at or current_time()
    with transaction.atomic():
        _require_signed_in(window, actor)
        ticket = _locked_at_window(ticket_id, window, (TicketState.CALLED,))
        ticket.calls += 1
        ticket.last_called_at = at
        ticket.save(update_fields=["calls", "last_called_at"])
        _record(ticket, CallRecord.Kind.RECALL, window=window, at=at, actor=actor)
    return ticket


def ticket_skip(*, ticket_id: int, window: Window, actor: Staff, at: datetime | None = None) -> Ticket:
    """过号: only after the queue's number of calls without the applicant coming."""
    at = at or current_time()
    with transaction.atomic():
        _require_signed_in(window, actor)
        ticket = _locked_at_window(ticket_id, window, (TicketState.CALLED,))
        if ticket.calls < ticket.queue.skip_after_calls:
            raise Conflict("hall.skip_too_early", f"{ticket.label} 仅叫号 {ticket.calls} 次，叫满 "
                           f"{ticket.queue.skip_after_calls} 次后方可过号", field="ticket")
        ticket.state, ticket.finished_at = TicketState.SKIPPED, at
        ticket.save(update_fields=["state", "finished_at"])
        _record(ticket, CallRecord.Kind.SKIP, window=window, at=at, actor=actor)
    return ticket


def ticket_serve(*, ticket_id: int, window: Window, actor: Staff, at: datetime | None = None) -> Ticket:
    """The applicant came: service starts."""
    at = at or current_time()
    with transaction.atomic():
        _require_signed_in(window, actor)
        ticket = _locked_at_window(ticket_id, window, (TicketState.CALLED,))
        ticket.state, ticket.served_at, ticket.served_by = TicketState.SERVING, at, actor
        ticket.save(update_fields=["state", "served_at", "served_by"])
        _record(ticket, CallRecord.Kind.SERVE, window=window, at=at, actor=actor)
    return ticket


def ticket_finish(*, ticket_id: int, window: Window, actor: Staff, at: datetime | None = None) -> Ticket:
    """Service ends (办结 at the window; the case, if any, goes on)."""
    at = at or current_time()
    with transaction.atomic():
        _require_signed_in(window, actor)
        ticket = _locked_at_window(ticket_id, window, (TicketState.SERVING,))
        ticket.state, ticket.finished_at = TicketState.DONE, at
        ticket.save(update_fields=["state", "finished_at"])
        _record(ticket, CallRecord.Kind.FINISH, window=window, at=at, actor=actor)
    return ticket


def ticket_transfer(*, ticket_id: int, window: Window, actor: Staff, to_window: Window | None = None,
                    to_queue_id: int | None = None, at: datetime | None = None) -> Ticket:
    """转移: back into the line, first for another window (that must be staffed) or in another
    queue of the same hall; the ticket keeps its number and its place by arrival."""
    at = at or current_time()
    if (to_window is None) == (to_queue_id is None):
        raise DomainError("hall.transfer_target", "请指定转往的窗口或队列（二选一）", field="to_window")
    with transaction.atomic():
        _require_signed_in(window, actor)
        ticket = _locked_at_window(ticket_id, window, (TicketState.CALLED, TicketState.SERVING))
        if to_window is not None:
            if to_window.pk == window.pk or to_window.region_id != window.region_id:
                raise DomainError("hall.transfer_target", "请选择本大厅的另一个窗口", field="to_window")
            if not Attendance.objects.filter(window=to_window, signed_out_at__isnull=True).exists():
                raise Conflict("hall.window_unstaffed", f"{to_window.number} 号窗口无人在岗，不能转往该窗口",
                               field="to_window")
            if not WindowQueue.objects.filter(window=to_window).exists():
                raise Conflict("hall.window_calls_nothing", f"{to_window.number} 号窗口不叫任何队列",
                               field="to_window")
            ticket.for_window = to_window
            # The receiving window must call the ticket's queue: move it to a queue that window serves.
            served = set(WindowQueue.objects.filter(window=to_window).values_list("queue_id", flat=True))
            if ticket.queue_id not in served:
                ticket.queue_id = min(served)
            note = f"转往 {to_window.number} 号窗口"
        else:
            target = _queue(int(to_queue_id or 0))
            if target.group.region_id != window.region_id:
                raise DomainError("hall.transfer_target", "请选择本大厅的队列", field="to_queue")
            ticket.queue, ticket.for_window = target, None
            note = f"转往 {target.name}"
        ticket.state, ticket.window = TicketState.WAITING, None
        ticket.save(update_fields=["state", "window", "for_window", "queue"])
        _record(ticket, CallRecord.Kind.TRANSFER, window=window, at=at, actor=actor, note=note)
    return ticket


def ticket_link_case(*, ticket_id: int, window: Window, actor: Staff, case_number: str,
                     at: datetime | None = None) -> Ticket:
    """The ticket became this case (the clerk took it in): the case's visits count their tickets."""
    from onewindow.cases.models import Case

    at = at or current_time()
    with transaction.atomic():
        _require_signed_in(window, actor)
        ticket = _locked_at_window(ticket_id, window, (TicketState.CALLED, TicketState.SERVING, TicketState.DONE))
        case = Case.objects.filter(number=case_number.strip(), region_id=window.region_id).first()
        if case is None:
            raise NotFound(f"本中心没有办件 {case_number}", code="hall.case_not_found", field="case_number")
        ticket.case = case
        ticket.save(update_fields=["case"])
        _record(ticket, CallRecord.Kind.LINK, window=window, at=at, actor=actor, note=case.number)
    return ticket
