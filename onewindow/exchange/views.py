"""The exchange status page (数据交换) of the workbench, under /staff/exchange/.

Thin: read the filters, call the selector or the service, render. The summary comes first (how
many records wait, failed, went up), then the list with filters and paging, and a page per record
with what was sent (personal numbers masked) and the story of its delivery.
"""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from onewindow.cases.disclosure import masked_payload
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.organization.models import Staff
from onewindow.organization.permissions import can, roles_of, staff_of

from . import selectors, services
from .models import ExchangeRecord, Kind, Status

PAGE_SIZE = 50


def _may_read(staff: Staff | None) -> bool:
    return staff is not None and bool(roles_of(staff) & selectors.EXCHANGE_ROLES)


def _refused(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(request, "exchange/refused.html", {"reason": reason}, status=status)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    """The summary, then the records of the viewer's regions, newest first."""
    staff = staff_of(request.user)
    if not _may_read(staff):
        return _refused(request, "只有中心管理员和监察人员可以查看数据交换记录")
    filters = selectors.Filters(
        status=request.GET.get("status", "") if request.GET.get("status", "") in Status.values else "",
        kind=request.GET.get("kind", "") if request.GET.get("kind", "") in Kind.values else "",
        q=request.GET.get("q", "").strip()[:32], since=_day(request.GET.get("since", "")),
        until=_day(request.GET.get("until", "")))
    page = Paginator(selectors.records_for(staff, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "exchange/list.html", {
        "summary": selectors.summary(staff), "page": page, "filters": filters, "filter_query": query.urlencode(),
        "statuses": Status.choices, "kinds": Kind.choices, "endpoint": services.endpoint(),
        "filtered": any([filters.status, filters.kind, filters.q, filters.since, filters.until]),
    })


def _record_or_404(request: HttpRequest, staff: Staff | None, record_id: int) -> ExchangeRecord | HttpResponse:
    if not _may_read(staff):
        return _refused(request, "只有中心管理员和监察人员可以查看数据交换记录")
    record = selectors.record_for(staff, record_id)
    if record is None:  # another county's record answers like a missing one
        return _refused(request, "未找到该交换记录", status=404)
    return record


@require_GET
@login_required
def record_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    """One record: what was sent (ID numbers and phones masked) and how its delivery went."""
    staff = staff_of(request.user)
    found = _record_or_404(request, staff, record_id)
    if isinstance(found, HttpResponse):
        return found
    shown = masked_payload(found.payload if isinstance(found.payload, dict) else {})
    return render(request, "exchange/detail.html", {
        "record": found, "payload": json.dumps(shown, ensure_ascii=False, indent=2),
        "can_retry": (found.status == Status.FAILED and staff is not None
                      and can(staff, services.RETRY_ACTION, region=found.region)),
        "endpoint": services.endpoint(),
    })


@require_POST
@login_required
def record_retry(request: HttpRequest, record_id: int) -> HttpResponse:
    """Requeue a record that was given up (center administrators of its region)."""
    staff = staff_of(request.user)
    found = _record_or_404(request, staff, record_id)
    if isinstance(found, HttpResponse):
        return found
    try:
        services.record_retry(record_id=record_id, actor=staff)
    except (PermissionDenied, NotFound) as exc:
        return _refused(request, exc.message, status=exc.status)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已重新排队推送，稍后由后台任务发送")
    return redirect("workbench:exchange_record", record_id=record_id)
