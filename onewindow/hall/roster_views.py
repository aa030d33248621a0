"""The center administrator's roster pages: the week's grid of windows × working days with the A
and B posts (set or clear one cell), and the rotation form (轮岗)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.core.errors import DomainError
from onewindow.core.timesource import local_date
from onewindow.organization.models import Region, Staff, Window

from . import roster_selectors as rs
from . import roster_services
from .center_views import _admin, _date, _forbidden, _int
from .models import WindowGroup
from .selectors import groups_of


def _week(value: str) -> date:
    """The Monday of the week asked: an ISO week (2026-W40, the browser's week input) or any date
    of it; empty is this week."""
    value = (value or "").strip()
    if not value:
        return rs.week_of(local_date())[0]
    try:
        if "-W" in value:
            year, week = value.split("-W")
            return date.fromisocalendar(int(year), int(week), 1)
        return rs.week_of(date.fromisoformat(value))[0]
    except ValueError:
        raise DomainError("hall.bad_week", f"周“{value}”格式应为 YYYY-Www 或 YYYY-MM-DD", field="week") from None


def _group(region: Region, code: str) -> WindowGroup | None:
    code = (code or "").strip()
    if not code:
        return None
    group = rs.group_by_code(region, code)
    if group is None:
        raise DomainError("hall.bad_group", f"本中心没有窗口组“{code}”", field="group")
    return group


def _window(region: Region, value: str, field: str = "window") -> Window:
    window = Window.objects.filter(region=region, is_active=True, number=(value or "").strip()).first()
    if window is None:
        raise DomainError("hall.roster_window", f"本中心没有启用的 {value} 号窗口", field=field)
    return window


def _roster_context(region: Region, monday: date, group: WindowGroup | None) -> dict[str, object]:
    windows = rs.roster_windows(region, group)
    days = rs.working_days(region, monday, monday + timedelta(days=6))
    return {"region": region, "monday": monday, "sunday": monday + timedelta(days=6),
            "week_value": f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}",
            "previous": (monday - timedelta(days=7)).isoformat(), "next": (monday + timedelta(days=7)).isoformat(),
            "group": group, "groups": groups_of(region), "grid": rs.roster_grid(windows, days),
            "eligible": rs.eligible_staff(windows)}


def _cell_context(region: Region, window_number: str, day_value: str, eligible: dict[int, list[Staff]],
                  posted: dict[str, str] | None = None) -> dict[str, object]:
    """The open cell form: its window, day, who may be chosen and who is chosen."""
    window = _window(region, window_number)
    day = _date(day_value, "day")
    entries = rs.cell_entries(window, day)
    chosen = posted or {post: str(e.staff_id) for post, e in entries.items()}
    options = eligible.get(window.pk) or rs.eligible_staff([window])[window.pk]
    return {"cell": {"window": window, "day": day, "options": options, "a": chosen.get("A", ""),
                     "b": chosen.get("B", ""), "entries": entries}}


def _render(request: HttpRequest, staff: Staff, *, week: str, group: str, cell: tuple[str, str] | None,
            error: DomainError | None = None, posted: dict[str, str] | None = None) -> HttpResponse:
    region = staff.region
    status = error.status if error is not None else 200
    try:
        monday, chosen = _week(week), _group(region, group)
    except DomainError as exc:
        error, status = exc, exc.status
        monday, chosen = rs.week_of(local_date())[0], None
    context = _roster_context(region, monday, chosen)
    if cell is not None:
        try:
            context |= _cell_context(region, cell[0], cell[1], context["eligible"], posted)
        except DomainError as exc:
            error, status = exc, exc.status
    context["error"] = error
    return render(request, "hall/roster.html", context, status=status)


@login_required
@require_GET
def roster_page(request: HttpRequest) -> HttpResponse:
    """值班表: the center's windows × the working days of a week (filters: week, window group),
    each cell with its A and B posts; the summary first; ``?window=<number>&day=`` opens a cell."""
    staff = _admin(request)
    if staff is None:
        return _forbidden(request)
    g = request.GET
    cell = (g.get("window", ""), g.get("day", "")) if g.get("window") else None
    return _render(request, staff, week=g.get("week", ""), group=g.get("group", ""), cell=cell)


def _optional_id(value: str, field: str) -> int | None:
    return _int(value, field) if (value or "").strip() else None


@login_required
@require_POST
def roster_cell(request: HttpRequest) -> HttpResponse:
    """Set or clear one cell's A and B posts; a refusal shows the page again with the rule."""
    staff = _admin(request)
    if staff is None:
        return _forbidden(request)
    post = request.POST
    week, group = post.get("week", ""), post.get("group", "")
    try:
        window = _window(staff.region, post.get("window", ""))
        day = _date(post.get("day", ""), "day")
        entries = roster_services.roster_cell_set(
            window=window, day=day, a_staff_id=_optional_id(post.get("a_staff", ""), "a_staff"),
            b_staff_id=_optional_id(post.get("b_staff", ""), "b_staff"), actor=staff)
    except DomainError as exc:
        return _render(request, staff, week=week or post.get("day", ""), group=group,
                       cell=(post.get("window", ""), post.get("day", "")), error=exc,
                       posted={"A": post.get("a_staff", ""), "B": post.get("b_staff", "")})
    if entries:
        names = "，".join(f"{p}岗 {e.staff.name}" for p, e in sorted(entries.items()))
        messages.success(request, f"{window.number} 号窗口 {day.isoformat()}：{names}")
    else:
        messages.success(request, f"已清空 {window.number} 号窗口 {day.isoformat()} 的排班")
    query = {k: v for k, v in (("week", week or day.isoformat()), ("group", group)) if v}
    return redirect(f"{reverse('hall_staff:roster')}?{urlencode(query)}")


@login_required
@require_http_methods(["GET", "POST"])
def roster_rotate(request: HttpRequest) -> HttpResponse:
    """轮岗: generate the roster of a date range from an ordered staff list and windows; the result
    lists what was written and what was skipped, and why."""
    staff = _admin(request)
    if staff is None:
        return _forbidden(request)
    region = staff.region
    today = local_date()
    candidates = rs.rotation_candidates(region)
    windows = rs.roster_windows(region)
    result = error = None
    form: dict[str, object] = {"first": today + timedelta(days=1), "last": today + timedelta(days=28),
                               "shift_days": 5, "replace": False}
    order: dict[int, str] = {}
    checked: set[str] = set()
    if request.method == "POST":
        post = request.POST
        order = {s.pk: (post.get(f"order_{s.pk}") or "").strip() for s in candidates}
        checked = set(post.getlist("windows"))
        form = {"first": post.get("first", ""), "last": post.get("last", ""), "shift_days": post.get("shift_days", ""),
                "replace": post.get("replace") == "1"}
        try:
            ranks = sorted((_int(v, f"order_{pk}"), pk) for pk, v in order.items() if v)
            result = roster_services.roster_rotate(
                region=region, window_ids=[_int(v, "windows") for v in post.getlist("windows")],
                staff_ids=[pk for _, pk in ranks], first=_date(post.get("first", ""), "first"),
                last=_date(post.get("last", ""), "last"), shift_days=_int(post.get("shift_days"), "shift_days"),
                replace=post.get("replace") == "1", actor=staff)
        except DomainError as exc:
            error = exc
    return render(request, "hall/roster_rotate.html", {
        "region": region, "form": form, "result": result, "error": error,
        "people": [{"staff": s, "order": order.get(s.pk, "")} for s in candidates],
        "window_rows": [{"window": w, "checked": str(w.pk) in checked} for w in windows]},
        status=error.status if error is not None else 200)
