"""Case API (DESIGN.md §5): submit, act, read with the clock as of any moment, import a history.

Staff only (a bearer token or the workbench session). Writes accept an ``Idempotency-Key``;
actions accept ``expected_version`` (the ``row_version`` the caller read), so a caller acting on
a stale view gets 409 ``case.changed`` instead of overwriting someone else's update.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.dateparse import parse_datetime
from ninja import Body, Field, Router, Schema

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.idempotency import run_idempotent
from onewindow.api.schemas import ErrorBody, ErrorOut, schema_ref
from onewindow.catalog.models import Material, ServiceItem
from onewindow.core.bounds import text_field
from onewindow.core.errors import DomainError
from onewindow.core.identity import mask_id
from onewindow.organization.models import Window

from . import listing, selectors
from .actions import ACTIONS, action_inputs, perform
from .bundle_selectors import bundle_of_case
from .disclosure import masked_payload
from .history import digest_lookup
from .importer import ImportRejected, case_import
from .models import Case
from .rules import Applicant, MaterialCheck, handler_label
from .services import case_submit
from .states import STATUS_LABELS, Status

router = Router(tags=["cases"], auth=staff_auth)


class ApplicantIn(Schema):
    """The applicant as the case row stores it: each text at most as long as its column."""

    kind: str = text_field(Case, "applicant_kind")
    name: str = text_field(Case, "applicant_name")
    id_type: str = text_field(Case, "applicant_id_type")
    id_number: str = text_field(Case, "applicant_id_number")
    phone: str = text_field(Case, "applicant_phone", "")
    legal_representative: str = text_field(Case, "legal_representative", "")
    agent_name: str = text_field(Case, "agent_name", "")
    agent_id_number: str = text_field(Case, "agent_id_number", "")


class MaterialIn(Schema):
    name: str = text_field(Material, "name")
    state: str
    note: str = ""


class SubmitIn(Schema):
    item_code: str = text_field(ServiceItem, "implementation_code")
    applicant: ApplicantIn
    materials: list[MaterialIn] = []
    channel: str = text_field(Case, "channel", Case.Channel.WINDOW)
    window_number: str | None = text_field(Window, "number", None)
    is_urgent: bool = False


class TaskOut(Schema):
    stage_order: int
    stage_name: str
    department: str
    role: str
    state: str
    assignee: str | None
    due_on: str | None


class CaseOut(Schema):
    number: str
    query_code: str
    status: str
    status_label: str
    region: str
    department: str
    item_code: str
    item_name: str
    item_version: int
    window: str | None
    channel: str
    applicant_kind: str
    applicant_name: str
    applicant_id_masked: str
    is_urgent: bool
    submitted_at: str
    accepted_on: str | None
    concluded_at: str | None
    outcome: str
    visits: int
    max_visits: int
    current_stage: int | None
    extension_requested_days: int | None
    deferred_owed: list[str] = Field(default_factory=list, description="容缺受理后尚欠的材料")
    deferred_due: str | None = Field(None, description="容缺材料补交期限")
    objections: list[dict[str, Any]] = Field(default_factory=list,
                                             description="异议：no, against_seq, against_kind, content, due, answered")
    urgent_reason: str = Field("", description="急办理由（绿色通道）")
    commitment_conditions: list[str] = Field(default_factory=list, description="告知承诺受理时申请人承诺的条件")
    verification_due: str | None = Field(None, description="告知承诺核查期限")
    verification_result: str = Field("", description="核查结果：pending 待核查、true 属实、false 不实；空为非承诺件")
    handler: str = Field("", description="全程承办人（姓名和工号）；受理前为空")
    referral: dict[str, Any] | None = Field(
        None, description="上报件/下放：received_at 收件点区划代码、received_at_name、state（held 待上报、in_transit "
                          "已上报待接收、returned 已退回、accepted 已接收）、forward_due 上报期限、pickup_due 接收期限；"
                          "在决定机关收件的为 null")
    agent: dict[str, Any] | None = Field(
        None, description="村代办：name 代办员、village 所属村、paper_due 纸质材料送达期限、paper_received_on 送达日期；"
                          "非代办件为 null")
    acceptance_due: str | None
    promised_due: str | None
    statutory_due: str | None
    issuance_due: str | None
    is_paused: bool
    clock_provisional: bool
    calendar_version: int
    row_version: int
    tasks: list[TaskOut]


class EventOut(Schema):
    seq: int
    kind: str
    label: str
    at: str
    actor: str
    payload: dict[str, Any]
    hash: str


class BundleSiblingOut(Schema):
    number: str
    item_code: str
    item_name: str
    department: str
    status: str
    status_label: str


class BundleRefOut(Schema):
    """The bundle application (一件事) a case is a child of, and its children."""

    number: str = Field(description="一件事申请编号")
    bundle_code: str
    bundle_name: str
    status: str
    status_label: str
    children: list[BundleSiblingOut]


class CaseDetailOut(CaseOut):
    bundle: BundleRefOut | None = Field(None, description="所属一件事申请及其全部子办件；不属于一件事的办件为 null")
    as_of: str
    clock: dict[str, Any]
    explanations: dict[str, Any]
    timeline: list[EventOut]


class ImportProblemOut(Schema):
    index: int
    code: str
    message: str
    field: str | None = None


class ImportErrorBody(ErrorBody):
    # Empty when the body itself is no JSON object (the 422 of schema validation).
    problems: list[ImportProblemOut] = Field(
        default_factory=list, description="每个问题：所在事件的序号（-1 为提交本身）、代码、说明与字段；整体不合格时为空")


class ImportErrorOut(Schema):
    error: ImportErrorBody


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def case_out(case: Case) -> dict[str, Any]:
    """The JSON of a case row (personal ID masked: staff read the full one on the case page)."""
    v = case.item_version
    return {
        "number": case.number, "query_code": case.query_code, "status": case.status,
        "status_label": STATUS_LABELS[Status(case.status)], "region": case.region.code,
        "department": case.department.name, "item_code": case.item.implementation_code, "item_name": v.name,
        "item_version": v.version, "window": str(case.window) if case.window else None, "channel": case.channel,
        "applicant_kind": case.applicant_kind, "applicant_name": case.applicant_name,
        "applicant_id_masked": mask_id(case.applicant_id_number), "is_urgent": case.is_urgent,
        "submitted_at": case.submitted_at.isoformat(), "accepted_on": _iso(case.accepted_on),
        "concluded_at": _iso(case.concluded_at), "outcome": case.outcome, "visits": case.visits,
        "max_visits": v.max_visits, "current_stage": case.current_stage,
        "extension_requested_days": case.extension_requested_days,
        "deferred_owed": list(case.deferred_owed or []), "deferred_due": _iso(case.deferred_due),
        "objections": list(case.objections or []), "urgent_reason": case.urgent_reason, "commitment_conditions": list(case.commitment_conditions or []),
        "verification_due": _iso(case.verification_due), "verification_result": case.verification_result,
        "handler": handler_label(case.handler) if case.handler_id else "",
        "referral": {"received_at": case.received_region.code, "received_at_name": case.received_region.name,
                     "state": case.referral_state, "forward_due": _iso(case.forward_due),
                     "pickup_due": _iso(case.pickup_due)} if case.received_region_id else None,
        "agent": {"name": case.filed_by.name, "village": case.filed_by.region.name, "paper_due": _iso(case.paper_due),
                  "paper_received_on": _iso(case.paper_received_on)} if case.filed_by_id else None,
        "acceptance_due": _iso(case.acceptance_due), "promised_due": _iso(case.promised_due),
        "statutory_due": _iso(case.statutory_due), "issuance_due": _iso(case.issuance_due),
        "is_paused": case.is_paused, "clock_provisional": case.clock_provisional,
        "calendar_version": case.calendar_version, "row_version": case.row_version,
        "tasks": [{"stage_order": t.stage_order, "stage_name": t.stage_name, "department": t.department.name,
                   "role": t.role, "state": t.state, "assignee": t.assignee.name if t.assignee else None,
                   "due_on": _iso(t.due_on)} for t in case.tasks.select_related("department", "assignee")],
    }


def _parse_as_of(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = parse_datetime(text.replace(" ", "+"))  # a '+' in a query string arrives as a space
    if moment is None or moment.tzinfo is None:
        raise DomainError("invalid_input", "as_of 须为带时区的 ISO 8601 时间，例如 2026-10-12T09:00:00+08:00",
                          field="as_of")
    return moment


class CaseSummaryOut(Schema):
    number: str
    status: str
    status_label: str
    region: str
    department: str
    department_code: str
    item_code: str
    item_name: str
    channel: str
    applicant_name: str
    is_urgent: bool
    submitted_at: str
    accepted_on: str | None
    concluded_at: str | None
    promised_due: str | None
    statutory_due: str | None
    row_version: int


class CaseListOut(Schema):
    items: list[CaseSummaryOut]
    next_cursor: str | None = Field(description="下一页的游标；为 null 表示没有更多")


def case_summary(case: Case) -> dict[str, Any]:
    """One row of the case list (no tasks, no clock: the detail has them)."""
    return {
        "number": case.number, "status": case.status, "status_label": STATUS_LABELS[Status(case.status)],
        "region": case.region.code, "department": case.department.name, "department_code": case.department.code,
        "item_code": case.item.implementation_code, "item_name": case.item_version.name, "channel": case.channel,
        "applicant_name": case.applicant_name, "is_urgent": case.is_urgent,
        "submitted_at": case.submitted_at.isoformat(), "accepted_on": _iso(case.accepted_on),
        "concluded_at": _iso(case.concluded_at), "promised_due": _iso(case.promised_due),
        "statutory_due": _iso(case.statutory_due), "row_version": case.row_version,
    }


def _moment(text: str | None, field: str) -> datetime | None:
    if not text:
        return None
    moment = parse_datetime(text.replace(" ", "+"))  # a '+' in a query string arrives as a space
    if moment is None or moment.tzinfo is None:
        raise DomainError("invalid_input", f"{field} 须为带时区的 ISO 8601 时间，例如 2026-10-12T09:00:00+08:00",
                          field=field)
    return moment


@router.get("", response={200: CaseListOut, 400: ErrorOut, 422: ErrorOut},
            summary="List the cases you may see, filtered, with cursor paging")
def list_cases(request: HttpRequest, status: str | None = None, department: str | None = None,
               item: str | None = None, region: str | None = None, submitted_from: date | None = None,
               submitted_to: date | None = None, updated_since: str | None = None, cursor: str | None = None,
               limit: int = listing.DEFAULT_LIMIT) -> Any:
    """The cases of the regions and departments your postings reach (and the joint cases with a
    stage in your department), oldest first. Filters: ``status`` (comma-separated states),
    ``department`` (department code), ``item`` (implementation code), ``region`` (12-digit code:
    that region and below), ``submitted_from``/``submitted_to`` (dates, inclusive, Asia/Shanghai),
    ``updated_since`` (ISO 8601 with zone: cases with an event recorded since). Page with
    ``cursor`` = the ``next_cursor`` of the previous page; ``limit`` 1 … 200 (default 50)."""
    staff = request_staff(request)
    filters = listing.CaseFilters(
        status=[s.strip() for s in status.split(",") if s.strip()] if status else None,
        department=department or None, item=item or None, region=region or None, submitted_from=submitted_from,
        submitted_to=submitted_to, updated_since=_moment(updated_since, "updated_since"))
    page = listing.case_page(staff, filters, cursor=cursor, limit=limit)
    return {"items": [case_summary(c) for c in page.cases], "next_cursor": page.next_cursor}


@router.post("", response={201: CaseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Submit a case (收件)")
def submit(request: HttpRequest, body: SubmitIn) -> Any:
    """Receive an application of an item at a window: the applicant (ID checksums checked), the
    material checklist (received / missing / not_applicable). The acceptance clock starts today.
    Send an ``Idempotency-Key`` header to make a retry safe."""
    staff = request_staff(request)

    def work() -> tuple[int, Any]:
        case = case_submit(actor=staff, item_code=body.item_code, applicant=Applicant(**body.applicant.dict()),
                           materials=[MaterialCheck(**m.dict()) for m in body.materials], channel=body.channel,
                           window_number=body.window_number, is_urgent=body.is_urgent)
        return 201, case_out(case)

    return run_idempotent(request, work)


@router.post("/import", response={201: CaseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                  422: ImportErrorOut},
             summary="Replay a historical case from its events")
def import_case(request: HttpRequest, body: Annotated[dict[str, Any], Body(...)]) -> Any:
    """Replay a case that happened elsewhere (legacy migration, an upper-level platform): the
    submission, then ``events`` — ``[{"action", "at", "actor", …inputs}]`` — through the same rules
    as live actions, each at its recorded time by its recorded actor. Any rule it breaks is
    reported against its event (``error.problems[].index``) and nothing is saved."""
    staff = request_staff(request)

    def work() -> tuple[int, Any]:
        try:
            case = case_import(actor=staff, record=body)
        except ImportRejected as exc:
            return 422, {"error": {**exc.as_dict(), "problems": [p.as_dict() for p in exc.problems]}}
        return 201, case_out(case)

    return run_idempotent(request, work)


@router.get("/{number}", response={200: CaseDetailOut, 400: ErrorOut, 404: ErrorOut},
            summary="A case, its timeline and its clock as of a moment")
def detail(request: HttpRequest, number: str, as_of: str | None = None) -> Any:
    """The case with its events up to ``as_of`` (ISO 8601 with zone; default now) and its clock
    then: due dates, remaining working days, paused, warning level, and each due date's
    explanation in Chinese and English. ID numbers and phones in event payloads are masked, as in
    the case row: a full ID is shown only by the case page, which records the view. A child of a
    bundle application (一件事) names it and its siblings in ``bundle``."""
    staff = request_staff(request)
    case = selectors.case_for(staff, number)
    view = selectors.case_view(case, as_of=_parse_as_of(as_of))
    digests = digest_lookup(case)  # the submitted event's digests shown as the row's numbers, masked
    return {**case_out(case), "bundle": bundle_of_case(case), "as_of": view.as_of.isoformat(),
            "clock": view.clock.as_dict(),
            "explanations": view.explanations,
            "timeline": [{"seq": e.seq, "kind": e.kind, "label": selectors.event_label(e.kind),
                          "at": e.at.isoformat(), "actor": e.actor_label, "payload": masked_payload(e.payload, digests=digests), "hash": e.hash}
                         for e in view.events]}


def _signature(name: str) -> str:
    inputs = [k if required else f"{k}?" for k, (_, required) in action_inputs(name).items()]
    return f"{name} ({', '.join(inputs) or '-'})"


_ACT_DESCRIPTION = (
    "Run one action with its inputs in the JSON body, plus an optional ``expected_version`` (the "
    "``row_version`` you read: a stale one is 409 ``case.changed``). Unknown actions and inputs are "
    "refused with the field named. ``accept`` and ``conclude_instant`` are refused with 400 "
    "``case.accept.materials_missing`` (field ``materials``, the missing materials named) while a required "
    "material to be handed in is missing and the item does not allow deferring it (行政许可法 第三十二条). "
    "Each action's body is its schema ``<Action>In`` in the components; actions and inputs (``?`` optional): "
    + "; ".join(_signature(n) for n in ACTIONS) + "."
)

# The body's shape depends on the action in the path, so the operation reads and validates it
# itself (through the action table) and documents one written schema per action.
_ACT_OPENAPI = {"requestBody": {"required": False, "content": {"application/json": {"schema": {
    "title": "ActionBody", "anyOf": [schema_ref(a.schema) for a in ACTIONS.values()]}}}}}


def _body_object(request: HttpRequest) -> dict[str, Any]:
    """The JSON object of the request body; an empty body or ``null`` is no inputs."""
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
             response={200: CaseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="One transition of a case", description=_ACT_DESCRIPTION, openapi_extra=_ACT_OPENAPI)
def act(request: HttpRequest, number: str, action: str) -> Any:
    """One transition (see the description for the actions and their inputs)."""
    staff = request_staff(request)
    params = _body_object(request)
    case = selectors.case_for(staff, number)

    def work() -> tuple[int, Any]:
        updated = perform(action, case_id=case.pk, actor=staff, params=params)
        return 200, case_out(updated)

    return run_idempotent(request, work)
