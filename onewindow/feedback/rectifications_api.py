"""Rectification API under /api/v1/rectifications: one bad rating's rectification (差评整改单) and
its actions — verify, mark_invalid, confirm_invalid, reject_invalid, rectify, visit — as the staff
page offers them (the same services, the same permissions).

Staff only (a bearer token or the workbench session); actions accept an ``Idempotency-Key``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.idempotency import run_idempotent
from onewindow.api.schemas import ErrorOut
from onewindow.core.errors import NotFound

from . import rules as r
from . import selectors as sel
from . import services as svc
from .models import Rectification

router = Router(tags=["feedback"], auth=staff_auth)

ACTIONS = ("verify", "mark_invalid", "confirm_invalid", "reject_invalid", "rectify", "visit")


class RectActionIn(Schema):
    """The inputs of every action; each action reads the ones it needs."""

    note: str = Field("", max_length=4000, description="verify: 核实情况; mark_invalid: 理由; confirm_invalid / "
                                                        "reject_invalid: 复核意见; rectify: 整改措施; visit: 回访情况")
    malicious: bool = Field(True, description="mark_invalid: 恶意评价")
    rectified: bool = Field(True, description="rectify: false = 无法整改（note 写明理由）")
    satisfaction: str = Field("", description="visit: satisfied, basic, dissatisfied")
    row_version: int | None = Field(None, ge=0, le=2_147_483_647,
                                    description="the version you read; 409 record.stale if someone acted first")


class RectificationOut(Schema):
    number: str
    state: str
    state_label: str
    outcome: str
    department_id: int
    department: str
    verify_due: date
    rectify_due: date
    visit_due: date | None
    finding: str
    measures: str
    invalid_reason: str
    visit_satisfaction: str
    closed_at: datetime | None
    row_version: int


def rect_out(rect: Rectification) -> dict[str, Any]:
    return {"number": rect.number, "state": rect.state, "state_label": r.RECT_STATE_LABELS[r.RectState(rect.state)],
            "outcome": rect.outcome, "department_id": rect.department_id, "department": rect.department.name,
            "verify_due": rect.verify_due, "rectify_due": rect.rectify_due, "visit_due": rect.visit_due,
            "finding": rect.finding, "measures": rect.measures, "invalid_reason": rect.invalid_reason,
            "visit_satisfaction": rect.visit_satisfaction, "closed_at": rect.closed_at,
            "row_version": rect.row_version}


def _find(number: str, staff: Any) -> Rectification:
    rect = sel.rectifications_for(staff).filter(number=number).first()
    if rect is None:
        raise NotFound("整改单不存在或您无权查看", code="rectification.not_found", field="number")
    return rect


def run_action(rect: Rectification, action: str, body: RectActionIn, staff: Any) -> Rectification:
    """Call the action's service with the inputs it takes."""
    common = {"rectification_id": rect.pk, "actor": staff, "expected_version": body.row_version}
    if action == "verify":
        return svc.rectification_verify(finding=body.note, **common)
    if action == "mark_invalid":
        return svc.rectification_mark_invalid(reason=body.note, malicious=body.malicious, **common)
    if action in ("confirm_invalid", "reject_invalid"):
        return svc.rectification_review_invalid(confirm=action == "confirm_invalid", note=body.note, **common)
    if action == "rectify":
        return svc.rectification_rectify(measures=body.note, rectified=body.rectified, **common)
    if action == "visit":
        return svc.rectification_visit(note=body.note, satisfaction=body.satisfaction, **common)
    raise NotFound(f"没有“{action}”这项操作", code="rectification.action_unknown", field="action")


@router.get("/{number}", response={200: RectificationOut, 404: ErrorOut}, summary="One rectification")
def detail(request: HttpRequest, number: str) -> Any:
    return Status(200, rect_out(_find(number, request_staff(request))))


@router.post("/{number}/actions/{action}",
             response={200: RectificationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                       422: ErrorOut},
             summary="Act on a rectification")
def act(request: HttpRequest, number: str, action: str, body: RectActionIn) -> Any:
    """``action``: verify (note), mark_invalid (note, malicious), confirm_invalid / reject_invalid
    (note; by another staff member than the one who marked it), rectify (note, rectified), visit
    (note, satisfaction). 400 a missing or bad input (``field`` names it) or an action its state
    does not allow (``field`` = action), 403 no permission, 404 no such rectification or action,
    409 ``record.stale`` (someone acted first), 422 a malformed body."""
    staff = request_staff(request)
    rect = _find(number, staff)

    def work() -> tuple[int, Any]:
        done = run_action(rect, action, body, staff)
        return 200, rect_out(Rectification.objects.select_related("department").get(pk=done.pk))

    return run_idempotent(request, work)
