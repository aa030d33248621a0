"""Appointment API: ``GET /api/v1/appointments/slots``, ``POST /api/v1/appointments`` (public,
real name), ``POST /api/v1/appointments/{id}/cancel`` (public: the booker's ID number), ``POST /api/v1/appointments/{id}/check-in`` (staff: the floor guide or the kiosk's
integration)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.idempotency import run_idempotent
from onewindow.api.schemas import ErrorOut
from onewindow.core.errors import NotFound

from . import appointment_services as appts
from .api import TicketOut, ticket_out
from .models import Queue

router = Router(tags=["大厅预约"])


class SlotOut(Schema):
    start: str = Field(description="时段开始 HH:MM（半小时）")
    capacity: int
    booked: int
    free: int


class SlotsOut(Schema):
    bookable_days: list[date] = Field(description="可预约的日期：明天起5个工作日内")
    day: date | None
    slots: list[SlotOut]


class BookIn(Schema):
    queue: int = Field(description="队列编号")
    day: date = Field(description="预约日期 YYYY-MM-DD")
    slot: time = Field(description="时段开始 HH:MM")
    name: str = Field(max_length=64, description="实名")
    id_number: str = Field(max_length=18, description="身份证号码")
    phone: str = Field(max_length=20, description="手机号")


class AppointmentOut(Schema):
    id: int
    code: str = Field(description="预约码（签到用）")
    day: date
    slot: str
    queue: int
    state: str = Field(description="booked、cancelled、checked_in、no_show")


@router.get("/slots", response={200: SlotsOut, 404: ErrorOut}, summary="Free appointment slots")
def slots(request: HttpRequest, queue: int, day: date | None = None) -> Any:
    """The bookable days of the queue's window group, and with ``day`` its half-hour slots."""
    found = Queue.objects.select_related("group__region").filter(pk=queue).first()
    if found is None:
        raise NotFound(f"队列 {queue} 不存在", code="hall.queue_not_found", field="queue")
    days = appts.bookable_days(found.group)
    rows = appts.slots(found.group, day) if day is not None else []
    return Status(200, {"bookable_days": days, "day": day,
                 "slots": [{"start": s.start.strftime("%H:%M"), "capacity": s.capacity, "booked": s.booked,
                            "free": s.free} for s in rows]})


@router.post("", response={201: AppointmentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Book an appointment (预约)")
def book(request: HttpRequest, body: BookIn) -> Any:
    """Real-name booking: a working day from tomorrow within 5 working days (400
    ``hall.appointment_day``), a slot with a free place (409 ``hall.slot_full``), one per person
    per day (409 ``hall.one_booking_a_day``), not while banned for no-shows (403
    ``hall.booking_banned``). The code comes back here and by SMS."""

    def work() -> tuple[int, Any]:
        a = appts.appointment_book(queue_id=body.queue, day=body.day, slot=body.slot, name=body.name,
                                   id_number=body.id_number, phone=body.phone)
        return 201, {"id": a.pk, "code": a.code, "day": a.day.isoformat(), "slot": a.slot.strftime("%H:%M"),
                     "queue": a.queue_id, "state": a.state}

    return run_idempotent(request, work)


class HallCancelIn(Schema):
    id_number: str = Field(max_length=18, description="预约人身份证号码（须与预约时一致）")


@router.post("/{appointment_id}/cancel", response={200: AppointmentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Cancel an appointment (取消预约)")
def cancel(request: HttpRequest, appointment_id: int, body: HallCancelIn) -> Any:
    """By the person who booked (403 ``hall.appointment_not_yours`` for another ID number), at
    least 2 hours before the slot (409 ``hall.cancel_too_late``); only a booking still open (409
    ``hall.appointment_state``). An on-time cancel frees the place and the day and never counts as
    a no-show. Repeating it answers the same cancelled booking."""
    a = appts.appointment_cancel(appointment_id=appointment_id, id_number=body.id_number)
    return Status(200, {"id": a.pk, "code": a.code, "day": a.day.isoformat(), "slot": a.slot.strftime("%H:%M"),
                        "queue": a.queue_id, "state": a.state})


@router.post("/{appointment_id}/check-in", auth=staff_auth, response={201: TicketOut, 404: ErrorOut, 409: ErrorOut},
             summary="Check in an appointment: a priority ticket")
def check_in(request: HttpRequest, appointment_id: int) -> Any:
    """On the day, from an hour before the slot until 30 minutes into it (409 otherwise): a ticket
    that is called first from the slot's start."""
    staff = request_staff(request)

    def work() -> tuple[int, Any]:
        return 201, ticket_out(appts.appointment_check_in(appointment_id=appointment_id, actor=staff))

    return run_idempotent(request, work)
