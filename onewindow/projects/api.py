"""Major projects API under /api/v1: ``GET /projects`` (filtered, cursor-paged) and
``GET /projects/{project_id}`` (the plan lines with their cases' status and clock, the self-checks).
Staff only (a bearer token or the workbench session); read-only — the actions are the staff pages'.
Every refusal is a documented 4xx with an English code and a Chinese message."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.schemas import ErrorOut, RegionCode
from onewindow.core.bounds import DbInt
from onewindow.core.errors import DomainError

from . import selectors as sel
from .models import Project
from .rules import LEVEL_LABELS, STATE_LABELS, Level, ProjectState

router = Router(tags=["projects"], auth=staff_auth)

_READ = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class ProjectOut(Schema):
    id: int
    number: str
    name: str
    region: str
    investor: str
    investment: Decimal
    level: str
    level_label: str
    state: str
    state_label: str
    proxy: str
    starts_on: date
    due_on: date
    done_on: date | None


class ProjectListOut(Schema):
    items: list[ProjectOut]
    next_cursor: str | None


class ProjectLineOut(Schema):
    order: int
    title: str
    department: str
    planned_on: date
    status: str
    done_on: date | None
    case: str | None
    case_status: str | None
    case_promised_due: date | None
    case_remaining_workdays: int | None
    urgent: str


class ProjectSelfCheckOut(Schema):
    month: str
    due_on: date
    department: str | None
    progress: str
    problems: str
    next_steps: str
    submitted_at: datetime | None


class ProjectDetailOut(ProjectOut):
    note: str
    lines: list[ProjectLineOut]
    self_checks: list[ProjectSelfCheckOut]
    row_version: int


def project_out(p: Project) -> dict[str, Any]:
    return {"id": p.pk, "number": p.number, "name": p.name, "region": p.region.code, "investor": p.investor,
            "investment": p.investment, "level": p.level, "level_label": LEVEL_LABELS[Level(p.level)],
            "state": p.state, "state_label": STATE_LABELS[ProjectState(p.state)], "proxy": p.proxy.name,
            "starts_on": p.starts_on, "due_on": p.due_on, "done_on": p.done_on}


def _cursor(text: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        if not raw.startswith("p") or not raw[1:].isdigit():
            raise ValueError(raw)
        return int(raw[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise DomainError("cursor.invalid", "分页游标无效，请使用上一页返回的 next_cursor", field="cursor") from None


def _page(rows: QuerySet[Project], cursor: str | None, limit: int) -> tuple[list[Project], str | None]:
    if limit < 1 or limit > MAX_LIMIT:
        raise DomainError("limit.invalid", f"每页条数须在 1 到 {MAX_LIMIT} 之间", field="limit")
    if cursor:
        rows = rows.filter(pk__gt=_cursor(cursor))
    found = list(rows.order_by("id")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    token = base64.urlsafe_b64encode(f"p{found[-1].pk}".encode()).decode().rstrip("=") if more else None
    return found, token


@router.get("/projects", response={200: ProjectListOut, **_READ},
            summary="Major projects (重点项目) the caller may see, filtered, with cursor paging")
def project_list(request: HttpRequest, county: RegionCode | None = None, level: str | None = None,
                 state: str | None = None, cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> Any:
    """The major projects of the regions your postings reach (and those you are the proxy of),
    oldest first. Filters: ``county`` (12-digit code of the project's region), ``level`` (province,
    city, county), ``state`` (planning, approving, done). Page with ``cursor`` = the previous
    ``next_cursor``; ``limit`` 1 … 200 (default 50)."""
    if level and level not in LEVEL_LABELS:
        raise DomainError("invalid_input", "level 须为 province、city、county 之一", field="level")
    if state and state not in STATE_LABELS:
        raise DomainError("invalid_input", "state 须为 planning、approving、done 之一", field="state")
    rows = sel.filtered(request_staff(request), county=county or "", level=level or "", state=state or "")
    found, next_cursor = _page(rows, cursor, limit)
    return {"items": [project_out(p) for p in found], "next_cursor": next_cursor}


@router.get("/projects/{project_id}", response={200: ProjectDetailOut, **_READ},
            summary="One major project: its approval plan with each line's case status and clock, its self-checks")
def project_detail(request: HttpRequest, project_id: DbInt) -> Any:
    """A project you may see (else 404 ``project.not_found``): each plan line with its status
    against the planned date (on_time, late_done, late, running) and, when it runs as a case, the
    case's number, status, promised date and working days left; the monthly self-checks."""
    p = sel.project_for(request_staff(request), project_id)
    lines = [{"order": row.line.order, "title": row.line.title, "department": row.line.department.name,
              "planned_on": row.line.planned_on, "status": row.status.value, "done_on": row.line.done_on,
              "case": row.line.case.number if row.line.case else None, "case_status": row.case_status or None,
              "case_promised_due": row.promised_due, "case_remaining_workdays": row.remaining_workdays,
              "urgent": row.line.urgent} for row in sel.line_rows(p)]
    checks = [{"month": f"{c.month:%Y-%m}", "due_on": c.due_on, "department": c.department.name if c.department else None,
               "progress": c.progress, "problems": c.problems, "next_steps": c.next_steps,
               "submitted_at": c.submitted_at} for c in sel.self_checks(p)]
    return {**project_out(p), "note": p.note, "lines": lines, "self_checks": checks, "row_version": p.row_version}
