"""On-request disclosure API: file a request, read it with its clock and deadline history, act on it.

Staff only (a bearer token or the workbench session); writes accept an ``Idempotency-Key``, actions
an ``expected_version`` (409 ``disclosure.changed`` on a stale one). ID numbers and phones are
masked in every answer.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.idempotency import run_idempotent
from onewindow.api.schemas import ErrorOut, schema_ref
from onewindow.core.errors import DomainError

from . import selectors
from .actions import ACTIONS, perform
from .clock import KIND_LABELS
from .fee_rules import FEE_STATE_LABELS, FeeState
from .models import DisclosureFee, DisclosureRequest
from .rules import ANSWER_LABELS, CHANNEL_LABELS, STATE_LABELS, Answer, Channel, State
from .services import Applicant, request_file

router = Router(tags=["政府信息公开申请"], auth=staff_auth)


class DisclosureApplicantIn(Schema):
    kind: str = Field(..., description="person 自然人；organization 法人或其他组织")
    name: str = Field(..., max_length=100)
    id_number: str = Field(..., max_length=32, description="身份证号码或统一社会信用代码")
    phone: str = Field(..., max_length=20)
    address: str = Field("", max_length=200)


class FileIn(Schema):
    department_id: int = Field(..., description="受理机关（部门 id）")
    channel: str = Field(..., description="online 网上；post 信函；in_person 当面")
    applicant: DisclosureApplicantIn
    description: str = Field(..., max_length=4000, description="所需政府信息的名称、文号或者便于查询的其他特征性描述")
    purpose: str = Field("", max_length=200)
    delivery: str = Field("electronic", description="electronic、post、pickup")
    received_on: date | None = Field(None, description="信函申请的签收日期（第三十一条）")


class HistoryOut(Schema):
    seq: int
    label: str
    day: str
    due: str | None = Field(description="此后的答复期限；暂停或结束时为空")
    note: str


class DisclosureEventOut(Schema):
    seq: int
    kind: str
    label: str
    at: str
    actor: str
    note: str
    hash: str


class DisclosureFeeOut(Schema):
    number: str = Field(description="收费通知书编号")
    method: str = Field(description="per_request 按件计收；per_page 按量计收")
    amount: str = Field(description="金额（元）")
    pay_by: str = Field(description="缴费期限（收到通知次日起 20 个工作日）")
    state: str = Field(description="pending 待缴费；paid 已缴费；waived 已减免；lapsed 逾期未缴；cancelled 申请已撤回")
    state_label: str


class RequestOut(Schema):
    number: str
    state: str
    state_label: str
    region: str
    department: str
    channel: str
    channel_label: str
    applicant_kind: str
    applicant_name: str
    applicant_id_masked: str
    description: str
    received_on: str
    reply_due: str | None
    extension_workdays: int
    answer: str | None
    answer_label: str | None
    replied_on: str | None
    reply_number: str | None
    fee: DisclosureFeeOut | None = Field(None, description="信息处理费（一般不收费，条例第四十二条）")
    row_version: int


class RequestDetailOut(RequestOut):
    clock: dict[str, Any]
    history: list[HistoryOut]
    events: list[DisclosureEventOut]


def fee_out(req: DisclosureRequest) -> dict[str, Any] | None:
    fee = DisclosureFee.objects.filter(request=req).first()
    if fee is None:
        return None
    return {"number": fee.number, "method": fee.method, "amount": str(fee.amount), "pay_by": fee.pay_by.isoformat(),
            "state": fee.state, "state_label": FEE_STATE_LABELS[FeeState(fee.state)]}


def request_out(req: DisclosureRequest) -> dict[str, Any]:
    reply = getattr(req, "reply", None) if req.state == State.REPLIED else None
    return {
        "number": req.number, "state": req.state, "state_label": STATE_LABELS[State(req.state)],
        "region": req.region.code, "department": req.department.name, "channel": req.channel,
        "channel_label": CHANNEL_LABELS[Channel(req.channel)], "applicant_kind": req.applicant_kind,
        "applicant_name": req.applicant_name,
        "applicant_id_masked": selectors.masked_applicant(req)["id_number"], "description": req.description,
        "received_on": req.received_on.isoformat(),
        "reply_due": req.reply_due.isoformat() if req.reply_due else None,
        "extension_workdays": req.extension_workdays, "answer": req.answer or None,
        "answer_label": ANSWER_LABELS[Answer(req.answer)] if req.answer else None,
        "replied_on": req.replied_on.isoformat() if req.replied_on else None,
        "reply_number": reply.number if reply is not None else None, "fee": fee_out(req),
        "row_version": req.row_version,
    }


@router.post("", response={201: RequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="File a request (登记政府信息公开申请)")
def file_request(request: HttpRequest, body: FileIn) -> Any:
    """Record a request received online, by post (``received_on``: the day it was signed for) or in
    person. The reply clock (20 working days, Art. 33) runs from the receipt date (Art. 31)."""
    staff = request_staff(request)

    def work() -> tuple[int, Any]:
        req = request_file(department_id=body.department_id, channel=body.channel,
                           applicant=Applicant(**body.applicant.dict()), description=body.description,
                           purpose=body.purpose, delivery=body.delivery, received_on=body.received_on, actor=staff)
        return 201, request_out(req)

    return run_idempotent(request, work)


@router.get("/{number}", response={200: RequestDetailOut, 400: ErrorOut, 404: ErrorOut},
            summary="A request with its clock and deadline history")
def detail(request: HttpRequest, number: str) -> Any:
    """The request, its clock today (the working-day engine: due date, pauses, extension), the
    deadline history (the reply due date after each event) and its chained events."""
    staff = request_staff(request)
    req = selectors.request_for(staff, number)
    view = selectors.request_view(req)
    return {**request_out(req), "clock": view.clock.as_dict(),
            "history": [{"seq": h.seq, "label": h.label, "day": h.day.isoformat(),
                         "due": h.due.isoformat() if h.due else None, "note": h.note} for h in view.history],
            "events": [{"seq": e.seq, "kind": e.kind, "label": KIND_LABELS.get(e.kind, e.kind),
                        "at": e.at.isoformat(), "actor": e.actor_label, "note": e.note, "hash": e.hash}
                       for e in view.events]}


_ACT_OPENAPI = {"requestBody": {"required": False, "content": {"application/json": {"schema": {
    "title": "DisclosureActionBody", "anyOf": [schema_ref(a.schema) for a in ACTIONS.values()]}}}}}


def _body_object(request: HttpRequest) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except ValueError:
        raise DomainError("invalid_json", "请求体不是有效的 JSON", field="body") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DomainError("invalid_input", "请求体须为 JSON 对象", field="body")
    return data


@router.post("/{number}/actions/{action}",
             response={200: RequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="One action on a request",
             description="Actions: " + ", ".join(ACTIONS) + ". Each body is its schema in the components.",
             openapi_extra=_ACT_OPENAPI)
def act(request: HttpRequest, number: str, action: str) -> Any:
    """Run one action (request_clarification once, receive_clarification, deem_withdrawn,
    start_consultation, end_consultation, extend (chief representative), reply, withdraw, and the
    processing fee: fee_notice (only above the free range: 400 ``disclosure.fee_below_threshold``),
    fee_paid, fee_waive (chief representative))."""
    staff = request_staff(request)
    params = _body_object(request)
    req = selectors.request_for(staff, number)

    def work() -> tuple[int, Any]:
        updated = perform(action, request_id=req.pk, actor=staff, params=params)
        return 200, request_out(updated)

    return run_idempotent(request, work)
