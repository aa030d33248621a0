"""个人信息查看记录: the log of every full ID number and phone shown to staff, for supervisors.

Who looked, when, at which case, at what and why (``IdView``); filtered by case number, staff
name and period, the figures first, fifty rows a page.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from onewindow.core.timesource import SHANGHAI
from onewindow.organization.permissions import roles_of, staff_of

from . import selectors

PAGE_SIZE = 50


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw.strip()) if raw and raw.strip() else None
    except ValueError:
        return None


@login_required
@require_GET
def id_views(request: HttpRequest) -> HttpResponse:
    """The log of full-value views in the regions the supervisor or administrator reaches."""
    staff = staff_of(request.user)
    if staff is None:
        return render(request, "workbench/not_staff.html", status=403)
    if not roles_of(staff) & selectors.ID_VIEW_ROLES:
        return render(request, "workbench/forbidden.html",
                      {"reason": "个人信息查看记录由电子监察员和中心管理员查阅"}, status=403)
    number = request.GET.get("number", "").strip()[:32]
    name = request.GET.get("staff", "").strip()[:64]
    first, last = _day(request.GET.get("from")), _day(request.GET.get("to"))
    views = selectors.id_views_for(
        staff, number=number, staff_name=name,
        since=datetime.combine(first, time.min, SHANGHAI) if first else None,
        until=datetime.combine(last + timedelta(days=1), time.min, SHANGHAI) if last else None)
    page = Paginator(views, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    response = render(request, "workbench/id_views.html", {
        "summary": selectors.id_view_summary(views), "page": page, "number": number, "staff_name": name,
        "from": first.isoformat() if first else "", "to": last.isoformat() if last else "",
        "query": query.urlencode(),
    })
    response["Cache-Control"] = "private, no-store"
    return response
