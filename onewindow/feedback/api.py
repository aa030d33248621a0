"""Work-order API under /api/v1/feedback: intake (complaint, inquiry, suggestion, praise, letter
or visit), one order with its history and deadline, its actions, and the 12345 import.

Staff only (a bearer token or the workbench session); writes accept an ``Idempotency-Key``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.idempotency import run_idempotent
from onewindow.api.schemas import ErrorOut, RegionCode
from onewindow.core.bounds import DbInt
from onewindow.core.errors import DomainError, NotFound
from onewindow.lifecycle.services import deadlines_of
from onewindow.organization.models import Region

from . import importer
from . import rules as r
from . import services as svc
from .models import WorkOrder
from .permissions import Perm, can
from .subjects import ORDER_SUBJECT

router = Router(tags=["feedback"], auth=staff_auth)


class OrderIn(Schema):
    kind: str = Field(..., description="complaint, inquiry, suggestion, praise, petition")
    content: str = Field(..., max_length=4000)
    source: str = Field("window", description="window, online, hotline, mailbox, letter, visit")
    handling: str = Field("written", description="oral（当场）, written（3 个工作日）, complex（5 个工作日）, hotline")
    region: RegionCode | None = None
    topic: str = Field("", max_length=100)
    caller_name: str = Field("", max_length=64)
    caller_phone: str = Field("", max_length=20)
    case_number: str | None = Field(None, max_length=32)
    about_staff: DbInt | None = None
    department: DbInt | None = None
    external_number: str = Field("", max_length=40)
    due_at: datetime | None = None
    publish_consent: bool = False


class FeedbackEventOut(Schema):
    seq: int
    kind: str
    at: datetime
    actor: str
    note: str
    payload: dict[str, Any]


class FeedbackDeadlineOut(Schema):
    due_on: date | None
    yellow_from: date | None
    state: str
    closed_reason: str
    explanation: str


class WorkOrderOut(Schema):
    number: str
    kind: str
    kind_label: str
    source: str
    handling: str
    state: str
    state_label: str
    topic: str
    content: str
    region: str
    department_id: int | None
    department: str | None
    owner_id: int | None
    handler_id: int | None
    external_number: str
    case_number: str | None
    received_at: datetime
    answer_due: date
    answer: str
    answered_at: datetime | None
    substantiated: bool | None
    closed_at: datetime | None
    close_reason: str
    merged_into: str | None
    supervised_times: int
    satisfaction: str
    row_version: int
    allowed_actions: list[str]


class OrderDetailOut(WorkOrderOut):
    events: list[FeedbackEventOut]
    deadline: FeedbackDeadlineOut | None


class FeedbackActionIn(Schema):
    """The inputs of every action; each action reads the ones it needs."""

    department: DbInt | None = None
    reason: str = Field("", max_length=4000)
    note: str = Field("", max_length=4000)
    answer: str = Field("", max_length=4000)
    substantiated: bool | None = None
    satisfaction: str = ""
    to_staff: DbInt | None = None
    into: str = Field("", max_length=40)
    amount: str = Field("", max_length=20)
    row_version: int | None = None


class ImportIn(Schema):
    region: RegionCode
    rows: list[dict[str, str]] = Field(..., description="每行一张 12345 工单：中文列名（工单编号、来电时间、来电人、"
                                                        "联系电话、诉求内容、诉求类别、承办单位、办结时限）或英文字段名")


class ImportOut(Schema):
    rows: int
    created: list[str]
    problems: list[dict[str, Any]]


def allowed_actions(order: WorkOrder, staff: Any) -> list[str]:
    """The actions the table allows from the order's state that the caller's roles may take here."""
    state = r.OrderState(order.state)
    out = []
    for action in r.ORDER_TABLE.actions_from(state):
        perm = r.ORDER_TABLE.move(action).permission
        department = order.department if perm in (Perm.ORDER_HANDLE, Perm.ORDER_CLOSE) else None
        if perm and can(staff, perm, region=order.region, department=department):
            out.append(action.value)
    return out


def order_out(order: WorkOrder, staff: Any) -> dict[str, Any]:
    return {
        "number": order.number, "kind": order.kind, "kind_label": order.kind_label, "source": order.source,
        "handling": order.handling, "state": order.state, "state_label": order.state_label, "topic": order.topic,
        "content": order.content, "region": order.region.code, "department_id": order.department_id,
        "department": order.department.name if order.department_id else None, "owner_id": order.owner_id,
        "handler_id": order.handler_id, "external_number": order.external_number,
        "case_number": order.case.number if order.case_id else None, "received_at": order.received_at,
        "answer_due": order.answer_due, "answer": order.answer, "answered_at": order.answered_at,
        "substantiated": order.substantiated, "closed_at": order.closed_at, "close_reason": order.close_reason,
        "merged_into": order.merged_into.number if order.merged_into_id else None,
        "supervised_times": order.supervised_times, "satisfaction": order.satisfaction,
        "row_version": order.row_version, "allowed_actions": allowed_actions(order, staff)}


def _find(number: str, staff: Any) -> WorkOrder:
    order = WorkOrder.objects.select_related("region", "department", "case", "merged_into").filter(
        number=number).first()
    if order is None or not can(staff, Perm.VIEW, region=order.region, department=order.department):
        raise NotFound("工单不存在", code="feedback.not_found", field="number")
    return order


@router.post("", response={201: WorkOrderOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Take in a complaint, inquiry, suggestion, praise or letter (受理)")
def receive(request: HttpRequest, body: OrderIn) -> Any:
    """The caller becomes the order's first-contact owner (首问负责). Its answer deadline runs on
    working days by type; a hotline order (``handling=hotline``) keeps its own ``due_at``."""
    staff = request_staff(request)

    def work() -> tuple[int, Any]:
        order = svc.order_receive(
            region_code=body.region, kind=body.kind, content=body.content, source=body.source,
            handling=body.handling, topic=body.topic, caller_name=body.caller_name, caller_phone=body.caller_phone,
            case_number=body.case_number, about_staff_id=body.about_staff, department_id=body.department,
            external_number=body.external_number, due_at=body.due_at, publish_consent=body.publish_consent,
            actor=staff)
        return 201, order_out(WorkOrder.objects.select_related("region", "department", "case").get(pk=order.pk),
                              staff)

    return run_idempotent(request, work)


@router.post("/import", response={200: ImportOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Import 12345 hotline orders, dispatched to their units")
def import_orders(request: HttpRequest, body: ImportIn) -> Any:
    """Every row is checked; good rows are saved whole and dispatched, the others reported by row
    (``problems[]``: row, field, code, message). A hotline number imported before is reported."""
    staff = request_staff(request)
    region = Region.objects.filter(code=body.region).first()
    if region is None:
        raise NotFound("区划不存在", code="region.not_found", field="region")

    def work() -> tuple[int, Any]:
        rows = [{importer.COLUMNS.get(k, k): str(v).strip() for k, v in row.items()} for row in body.rows]
        if len(rows) > importer.MAX_ROWS:
            raise DomainError("import.too_many_rows", f"一次最多导入 {importer.MAX_ROWS} 行", field="rows")
        report = importer.hotline_import(region=region, rows=rows, actor=staff)
        return 200, {"rows": report.rows, "created": report.created,
                     "problems": [p.as_dict() for p in report.problems]}

    return run_idempotent(request, work)


@router.get("/{number}", response={200: OrderDetailOut, 400: ErrorOut, 404: ErrorOut},
            summary="One work order, its history and its deadline")
def detail(request: HttpRequest, number: str) -> Any:
    staff = request_staff(request)
    order = _find(number, staff)
    rows = deadlines_of(ORDER_SUBJECT, order.pk)
    deadline = rows[0] if rows else None
    return Status(200, {**order_out(order, staff),
                 "events": [{"seq": e.seq, "kind": e.kind, "at": e.at, "actor": e.actor_label, "note": e.note,
                             "payload": e.payload} for e in order.events.order_by("seq")],
                 "deadline": None if deadline is None else {
                     "due_on": deadline.due_on, "yellow_from": deadline.yellow_from, "state": deadline.state,
                     "closed_reason": deadline.closed_reason, "explanation": deadline.explanation}})


def run_action(order: WorkOrder, action: str, body: FeedbackActionIn, staff: Any) -> WorkOrder:
    """Call the action's service with the inputs it takes (shared by the API and the pages)."""
    common = {"order_id": order.pk, "actor": staff, "expected_version": body.row_version}
    if action == "dispatch":
        return svc.order_dispatch(department_id=body.department, note=body.note, **common)
    if action == "reassign":
        return svc.order_reassign(department_id=body.department, reason=body.reason, **common)
    if action in ("refuse", "withdraw"):
        return svc.ORDER_ACTIONS[action](reason=body.reason, **common)
    if action == "claim":
        return svc.order_claim(**common)
    if action == "handover":
        return svc.order_handover(to_staff_id=body.to_staff, reason=body.reason, **common)
    if action == "answer":
        return svc.order_answer(answer=body.answer, substantiated=body.substantiated, **common)
    if action == "supervise":
        return svc.order_supervise(note=body.note, **common)
    if action == "close":
        return svc.order_close(note=body.note, **common)
    if action == "visit":
        return svc.order_visit(satisfaction=body.satisfaction, note=body.note, **common)
    if action == "merge":
        return svc.order_merge(into_number=body.into, reason=body.reason, **common)
    if action == "reward":
        return svc.order_reward(amount=body.amount, note=body.note, **common)
    if action == "publish":
        return svc.order_publish(order_id=order.pk, actor=staff)
    raise NotFound(f"没有“{action}”这项操作", code="feedback.action_unknown", field="action")


@router.post("/{number}/actions/{action}",
             response={200: WorkOrderOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Act on a work order")
def act(request: HttpRequest, number: str, action: str, body: FeedbackActionIn) -> Any:
    """``action``: dispatch, reassign (reason), refuse (reason: back to the dispatcher), claim,
    handover (to_staff, reason), answer (answer; complaints: substantiated), supervise (note),
    close, visit (satisfaction), withdraw (reason), merge (into, reason), reward (amount, note), publish. Send the
    ``row_version`` you read: if someone acted first the answer is 409 ``record.stale``."""
    staff = request_staff(request)
    order = _find(number, staff)

    def work() -> tuple[int, Any]:
        done = run_action(order, action, body, staff)
        return 200, order_out(WorkOrder.objects.select_related("region", "department", "case", "merged_into")
                              .get(pk=done.pk), staff)

    return run_idempotent(request, work)



