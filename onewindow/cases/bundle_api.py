"""Bundle API (一件事一次办, issue 16): apply for a bundle with one form, read an application with
its children, deliver all its results at once.

Staff only (a bearer token or the workbench session), like the case API: a window clerk or a proxy
agent files on the applicant's behalf (the applicant's own online form is the portal's). The
application answers with its number and its children's case numbers; each child is then an
ordinary case of ``/api/v1/cases`` (``GET /api/v1/cases/{number}`` names its parent).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.idempotency import run_idempotent
from onewindow.api.schemas import ErrorOut
from onewindow.core.bounds import text_field
from onewindow.organization.models import Window

from . import bundle_selectors as selectors
from .api import ApplicantIn, MaterialIn
from .bundle_rules import BUNDLE_STATUS_LABELS, BundleStatus
from .bundle_services import bundle_apply, bundle_deliver
from .models import BundleApplication, Case
from .rules import Applicant, MaterialCheck

router = Router(tags=["bundles"], auth=staff_auth)


class BundleApplyIn(Schema):
    """One form of a bundle: the applicant, the situations that apply, the one material checklist."""

    applicant: ApplicantIn
    situations: list[str] = Field(default_factory=list, description="所选情形（一件事所列情形的原文）；不选则只办无情形限定的事项")
    materials: list[MaterialIn] = Field(default_factory=list, description=(
        "一套材料清单：每项材料一次（多个事项共需的材料只列一次），state 为 received、missing 或 "
        "not_applicable；每一项必要材料都须列明"))
    channel: str = text_field(Case, "channel", Case.Channel.WINDOW)
    window_number: str | None = text_field(Window, "number", None)


class BundleChildOut(Schema):
    number: str = Field(description="子办件编号")
    item_code: str
    item_name: str
    department: str
    status: str
    status_label: str
    accepted_on: str | None
    promised_due: str | None
    concluded_at: str | None


class BundleApplicationOut(Schema):
    number: str = Field(description="一件事申请编号")
    query_code: str
    bundle_code: str
    bundle_name: str
    status: str = Field(description="in_progress 办理中；awaiting_supplement 待补正；awaiting_delivery 待统一送达；concluded 已办结")
    status_label: str
    region: str
    lead_department: str
    channel: str
    applicant_name: str
    situations: list[str]
    materials: list[dict[str, Any]]
    submitted_at: str
    concluded_at: str | None
    row_version: int
    children: list[BundleChildOut]


class BundleEventOut(Schema):
    seq: int
    kind: str
    label: str
    at: str
    actor: str
    payload: dict[str, Any]
    hash: str


class BundleNoticeOut(Schema):
    no: int
    number: str = Field(description="一件事补正告知书编号")
    issued_at: str
    answered: bool
    materials: list[dict[str, Any]] = Field(description="每项材料一次：name 与需要它的事项 items")
    lines: list[dict[str, Any]] = Field(description="各子办件的补正要求：case、item、department、materials、note")


class BundleDetailOut(BundleApplicationOut):
    timeline: list[BundleEventOut]
    notices: list[BundleNoticeOut]


class BundleDeliverIn(Schema):
    """统一送达: how every result is handed over."""

    method: str = Field(description="window 窗口领取；post 邮寄送达（须填邮件单号）；electronic 电子证照")
    tracking_number: str = ""
    note: str = ""


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def application_out(app: BundleApplication, rows: list[selectors.ChildRow] | None = None) -> dict[str, Any]:
    """The JSON of an application and its children."""
    rows = selectors.child_rows(app) if rows is None else rows
    return {
        "number": app.number, "query_code": app.query_code, "bundle_code": app.bundle.code,
        "bundle_name": app.bundle.name, "status": app.status,
        "status_label": BUNDLE_STATUS_LABELS[BundleStatus(app.status)], "region": app.region.code,
        "lead_department": app.lead_department.name, "channel": app.channel, "applicant_name": app.applicant_name,
        "situations": list(app.situations), "materials": list(app.materials),
        "submitted_at": app.submitted_at.isoformat(), "concluded_at": _iso(app.concluded_at),
        "row_version": app.row_version,
        "children": [{"number": r.number, "item_code": r.item_code, "item_name": r.item_name,
                      "department": r.department, "status": r.status, "status_label": r.status_label,
                      "accepted_on": _iso(r.accepted_on), "promised_due": _iso(r.promised_due),
                      "concluded_at": _iso(r.concluded_at)} for r in rows],
    }


@router.post("/{code}/applications",
             response={201: BundleApplicationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Apply for a bundle (一件事) with one form")
def apply(request: HttpRequest, code: str, body: BundleApplyIn) -> Any:
    """One application of the bundle ``code``: one parent application and one child case per item
    that applies under the chosen ``situations`` (the items without a situation always apply), each
    received at once with its own acceptance clock. The checklist lists each material once.

    Errors: 404 ``bundle.not_found`` (field ``code``), ``window.not_found``; 422
    ``bundle.situation_unknown`` / ``bundle.situation_duplicate`` (field ``situations[i]``),
    ``bundle.no_items`` (``situations``), ``bundle.material_required`` (``materials``: the required
    materials not listed, named), ``material.unknown`` / ``material.duplicate`` /
    ``material.state_invalid`` / ``material.required`` (``materials[i]…``) and ``invalid_input``;
    400 for the applicant's data (``applicant.…``); 403 when you may not take in one of the items.
    Send an ``Idempotency-Key`` header to make a retry safe."""
    staff = request_staff(request)

    def work() -> tuple[int, Any]:
        app = bundle_apply(actor=staff, bundle_code=code, applicant=Applicant(**body.applicant.dict()),
                           situations=list(body.situations),
                           materials=[MaterialCheck(**m.dict()) for m in body.materials], channel=body.channel,
                           window_number=body.window_number)
        return 201, application_out(app)

    return run_idempotent(request, work)


@router.get("/applications/{number}", response={200: BundleDetailOut, 400: ErrorOut, 404: ErrorOut},
            summary="A bundle application with its children, history and combined notices")
def detail(request: HttpRequest, number: str) -> Any:
    """The application, each child case with its state, the application's own history (its hash
    chain) and its combined supplement notices. 404 ``bundle_application.not_found`` for a number
    you may not see (the lead department's and the children's departments' staff may)."""
    app = selectors.bundle_for(request_staff(request), number)
    view = selectors.bundle_view(app)
    return {**application_out(app, view.children),
            "timeline": [{"seq": e.seq, "kind": e.kind, "label": e.label, "at": e.at.isoformat(), "actor": e.actor,
                          "payload": e.payload, "hash": e.hash} for e in view.timeline],
            "notices": [{"no": n.no, "number": n.number, "issued_at": n.issued_at.isoformat(), "answered": n.answered,
                         "materials": n.materials, "lines": n.lines} for n in view.notices]}


@router.post("/applications/{number}/deliver",
             response={200: BundleApplicationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Deliver every result of a bundle application at once (统一送达)")
def deliver(request: HttpRequest, number: str, body: BundleDeliverIn) -> Any:
    """Hand over all the children's results together, once every one is ready: each child records
    the delivery and concludes, and with the last the application. 400
    ``bundle.transition_refused.deliver`` while a result is not ready, ``delivery.tracking_required``
    for a post without its number; 403 when you may not deliver a child's result."""
    staff = request_staff(request)
    app = selectors.bundle_for(staff, number)

    def work() -> tuple[int, Any]:
        done = bundle_deliver(application_id=app.pk, actor=staff, method=body.method,
                              tracking_number=body.tracking_number, note=body.note)
        return 200, application_out(done)

    return run_idempotent(request, work)
