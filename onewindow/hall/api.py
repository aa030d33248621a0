"""Queue API: ``POST /api/v1/queue/tickets`` (a floor guide or a kiosk integration issues a
ticket), ``POST /api/v1/queue/windows/{code}/call-next`` (a window calls), ``GET
/api/v1/queue/board?region=…`` (what the calling screen shows; public, as the hall's TV is)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.idempotency import run_idempotent
from onewindow.api.schemas import ErrorOut, RegionCode
from onewindow.core.errors import NotFound
from onewindow.organization.models import Region

from . import selectors, services
from .models import Ticket

router = Router(tags=["大厅排队"])


class TicketIn(Schema):
    queue: int = Field(description="队列编号")
    priority_reason: str = Field("", max_length=16, description="优先原因：elderly、disabled、green、returning；空为普通")
    phone: str = Field("", max_length=20, description="手机号（临近叫号时短信提醒）")


class TicketOut(Schema):
    id: int
    label: str = Field(description="号码，如 A001")
    queue: int
    queue_name: str
    state: str = Field(description="waiting、called、serving、done、skipped、abandoned")
    priority: int = Field(description="0 普通；1 补正回访；2 老年人/残疾人/绿色通道；3 预约")
    issued_at: str
    estimated_wait_minutes: int
    position: int = Field(description="前面等候的人数")
    window: str | None = Field(description="叫号窗口号")


class CallNextOut(Schema):
    ticket: TicketOut | None = Field(description="叫到的号；无人等候时为 null")


class CallOut(Schema):
    label: str
    window: str
    at: str
    kind: str = Field(description="call 叫号；recall 重呼")


class QueueLineOut(Schema):
    queue: int
    letter: str
    name: str
    waiting: int
    longest_wait_minutes: int
    estimated_wait_minutes: int


class BoardOut(Schema):
    calls: list[CallOut]
    lines: list[QueueLineOut]


def ticket_out(ticket: Ticket) -> dict[str, Any]:
    return {"id": ticket.pk, "label": ticket.label, "queue": ticket.queue_id, "queue_name": ticket.queue.name,
            "state": ticket.state, "priority": ticket.priority, "issued_at": ticket.issued_at.isoformat(),
            "estimated_wait_minutes": ticket.estimated_wait_minutes, "position": selectors.ticket_position(ticket),
            "window": ticket.window.number if ticket.window_id else None}


@router.post("/tickets", auth=staff_auth, response={201: TicketOut, 404: ErrorOut, 409: ErrorOut},
             summary="Issue a queue ticket (取号)")
def issue(request: HttpRequest, body: TicketIn) -> Any:
    """A ticket of the queue for today, with its estimated wait. 409 ``hall.queue_closed`` when the
    queue gives no tickets now. Send an ``Idempotency-Key`` header to make a retry safe."""
    staff = request_staff(request)

    def work() -> tuple[int, Any]:
        ticket = services.ticket_issue(queue_id=body.queue, actor=staff, source=Ticket.Source.API,
                                       priority_reason=body.priority_reason, phone=body.phone)
        return 201, ticket_out(ticket)

    return run_idempotent(request, work)


@router.post("/windows/{code}/call-next", auth=staff_auth, response={200: CallNextOut, 404: ErrorOut, 409: ErrorOut},
             summary="Call the next ticket at a window (叫号)")
def call_next(request: HttpRequest, code: str, region: RegionCode | None = None) -> Any:
    """Finish the window's current ticket and call the next one by the window's rules. The caller
    must be signed in at the window (409 ``hall.window_unstaffed``); window ``code`` is the window
    number in ``region`` (default: the caller's own center — a village agent's is the township's)."""
    staff = request_staff(request)
    place = staff.region if region is None else Region.objects.filter(code=region).first()
    while region is None and place is not None and not place.has_center:
        place = place.parent
    if place is None:
        raise NotFound(f"区划 {region} 不存在", code="hall.region_not_found", field="region")
    window = services.window_for(region=place, number=code)
    ticket = services.call_next(window=window, actor=staff)
    return Status(200, {"ticket": ticket_out(ticket) if ticket is not None else None})


@router.get("/board", response={200: BoardOut, 404: ErrorOut}, summary="The calling screen's board")
def board(request: HttpRequest, region: RegionCode) -> Any:
    """The latest calls of today and each queue's line, for a center's hall (public: a TV shows it)."""
    place = selectors.region_by_code(region)
    if place is None:
        raise NotFound(f"区划 {region} 没有政务服务中心", code="hall.region_not_found", field="region")
    found = selectors.board(place)
    return Status(200, {
        "calls": [{"label": c.label, "window": c.window, "at": c.at.isoformat(), "kind": c.kind} for c in found.calls],
        "lines": [{"queue": line.queue.pk, "letter": line.queue.letter, "name": line.queue.name,
                   "waiting": line.waiting, "longest_wait_minutes": line.longest_wait_minutes,
                   "estimated_wait_minutes": line.estimate_minutes} for line in found.lines],
    })
