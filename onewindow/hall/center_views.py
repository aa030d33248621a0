"""The center's public notices — its page (opening hours, today's leader on duty, reception days),
the staff identity board (岗位效能监督公示栏) and each window's printable card — and the center
administrator's pages that publish the hours and keep the leaders' rota and reception days."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.core.errors import DomainError
from onewindow.core.timesource import local_date
from onewindow.core.uploads import stored_file_response
from onewindow.organization.models import Region, Staff, Window
from onewindow.organization.permissions import Action, can, staff_of

from . import center_services, rules, selectors

NOTICE_DAYS = 30  # how far ahead the public page lists the rota and the reception days


def _center(region_code: str) -> Region:
    region = selectors.region_by_code(region_code)
    if region is None:
        raise Http404("没有该政务服务中心")
    return region


def center_notice(region: Region, today: date) -> dict[str, object]:
    """What every public page of the center shows about its hours and today's leader."""
    return {"opening_today": selectors.opening_of(region, today), "opening_week": selectors.opening_summary(region),
            "leaders_today": selectors.leaders_on(region, today)}


@require_GET
def center_page(request: HttpRequest, region_code: str) -> HttpResponse:
    """The center's public page: opening hours, today's leader on duty (今日带班领导), the rota and
    the reception days of the coming month, and the links to its hall devices."""
    region = _center(region_code)
    today = local_date()
    last = today + timedelta(days=NOTICE_DAYS)
    return render(request, "hall/center.html", {
        "region": region, "today": today, **center_notice(region, today),
        "rota": selectors.leader_rota(region, today, last), "receptions": selectors.reception_days(region, today,
                                                                                                     last=last)})


@require_GET
def staff_board(request: HttpRequest, region_code: str) -> HttpResponse:
    """岗位效能监督公示栏: every window with the staff on duty today, their post, employee number
    and what they may handle."""
    region = _center(region_code)
    today = local_date()
    return render(request, "hall/staff_board.html", {"region": region, "today": today,
                                                     "windows": selectors.identity_board(region, day=today)})


@require_GET
def staff_photo(request: HttpRequest, region_code: str, employee_number: str) -> HttpResponse:
    """The photo of a staff member on today's board (served like every stored upload)."""
    region = _center(region_code)
    staff = selectors.board_photo_staff(region, employee_number)
    if staff is None:
        raise Http404("没有该照片")
    try:
        with staff.photo.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise Http404("没有该照片") from None
    return stored_file_response(data, content_type=staff.photo_type or "image/jpeg",
                                name=f"{staff.employee_number}.{staff.photo.name.rsplit('.', 1)[-1]}")


@require_GET
def window_card(request: HttpRequest, region_code: str, window_number: str) -> HttpResponse:
    """One window's printable card (A5, print CSS) for the desk."""
    region = _center(region_code)
    window = Window.objects.filter(region=region, number=window_number, is_active=True).first()
    if window is None:
        raise Http404("没有该窗口")
    today = local_date()
    return render(request, "hall/window_card.html", {
        "region": region, "today": today, "board": selectors.identity_board(region, day=today, window=window)[0]})


# -- the center administrator's pages --------------------------------------------------------------------------


def _admin(request: HttpRequest) -> Staff | None:
    staff = staff_of(request.user)
    if staff is None or not can(staff, Action.ORGANIZATION_EDIT, region=staff.region):
        return None
    return staff


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "hall/forbidden.html", {"what": "本页仅供中心管理员使用。"}, status=403)


def _time(value: str, field: str) -> time | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise DomainError("hall.bad_time", f"时间“{value}”格式应为 HH:MM", field=field) from None


def _week_from(post) -> dict[int, tuple[tuple[time | None, time | None], tuple[time | None, time | None]]]:
    week = {}
    for d in range(7):
        week[d] = ((_time(post.get(f"day{d}_morning_start", ""), f"day{d}_morning"),
                    _time(post.get(f"day{d}_morning_end", ""), f"day{d}_morning")),
                   (_time(post.get(f"day{d}_afternoon_start", ""), f"day{d}_afternoon"),
                    _time(post.get(f"day{d}_afternoon_end", ""), f"day{d}_afternoon")))
    return week


@login_required
@require_http_methods(["GET", "POST"])
def hours_page(request: HttpRequest) -> HttpResponse:
    """开放时间: the center administrator publishes the weekly hours (the calendar's holidays are
    closed whatever is entered here)."""
    staff = _admin(request)
    if staff is None:
        return _forbidden(request)
    region = staff.region
    error = None
    if request.method == "POST":
        try:
            center_services.opening_hours_set(region=region, week=_week_from(request.POST), actor=staff)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "开放时间已发布")
            return redirect("hall_staff:hours")
    rows = [{"day": d, "name": name, **(_raw_week(request.POST, d) if error is not None else _published(region, d))}
            for d, name in enumerate(rules.WEEKDAY_NAMES)]
    return render(request, "hall/hours.html", {"region": region, "rows": rows, "error": error,
                                               "summary": selectors.opening_summary(region)},
                  status=error.status if error is not None else 200)


def _published(region: Region, weekday: int) -> dict[str, str]:
    """One weekday's published sessions as the form's HH:MM values."""
    row = selectors.opening_row(region, weekday)

    def fmt(t: time | None) -> str:
        return t.strftime("%H:%M") if t else ""

    if row is None:
        return {"ms": "", "me": "", "as": "", "ae": ""}
    return {"ms": fmt(row.morning_start), "me": fmt(row.morning_end), "as": fmt(row.afternoon_start),
            "ae": fmt(row.afternoon_end)}


def _raw_week(post, d: int) -> dict[str, str]:
    return {"ms": post.get(f"day{d}_morning_start", ""), "me": post.get(f"day{d}_morning_end", ""),
            "as": post.get(f"day{d}_afternoon_start", ""), "ae": post.get(f"day{d}_afternoon_end", "")}


@login_required
@require_GET
def duty_page(request: HttpRequest) -> HttpResponse:
    """领导带班与接待日: the rota of the coming weeks, filling it in turn, and the reception days."""
    staff = _admin(request)
    if staff is None:
        return _forbidden(request)
    region = staff.region
    today = local_date()
    last = today + timedelta(days=NOTICE_DAYS)
    return render(request, "hall/duty.html", {
        "region": region, "today": today, "last": last, "rota": selectors.leader_rota(region, today, last),
        "receptions": selectors.reception_days(region, today), "leaders": selectors.leader_candidates(region),
        "leaders_today": selectors.leaders_on(region, today)})


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise DomainError("hall.bad_date", f"日期“{value}”格式应为 YYYY-MM-DD", field=field) from None


def _int(value: str, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("hall.bad_choice", "请选择", field=field) from None


@login_required
@require_POST
def duty_act(request: HttpRequest, action: str) -> HttpResponse:
    staff = _admin(request)
    if staff is None:
        return _forbidden(request)
    region, post = staff.region, request.POST
    try:
        if action == "set":
            duty = center_services.leader_duty_set(region=region, day=_date(post.get("day", ""), "day"),
                                                   leader_id=_int(post.get("leader"), "leader"), actor=staff)
            messages.success(request, f"{duty.day.isoformat()} {duty.get_kind_display()}：{duty.leader.name}")
        elif action == "fill":
            n = center_services.leader_rota_fill(
                region=region, first=_date(post.get("first", ""), "first"), last=_date(post.get("last", ""), "last"),
                leader_ids=[_int(v, "leaders") for v in post.getlist("leaders")], actor=staff,
                holidays=post.get("holidays") == "1")
            messages.success(request, f"已轮流安排 {n} 天")
        elif action == "remove":
            center_services.leader_duty_remove(duty_id=_int(post.get("duty"), "duty"), actor=staff)
            messages.success(request, "已取消该日带班安排")
        elif action == "reception-add":
            row = center_services.reception_day_add(
                region=region, day=_date(post.get("day", ""), "day"),
                start=_time(post.get("start", ""), "start") or time(9, 0), end=_time(post.get("end", ""), "end") or
                time(11, 30), leader_id=_int(post.get("leader"), "leader"), place=post.get("place", ""),
                topic=post.get("topic", ""), actor=staff)
            messages.success(request, f"已发布 {row.day.isoformat()} 领导接待日")
        elif action == "reception-remove":
            center_services.reception_day_remove(reception_id=_int(post.get("reception"), "reception"), actor=staff)
            messages.success(request, "已撤销该接待日")
        else:
            raise Http404("没有该操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("hall_staff:duty")


@login_required
@require_GET
def in_place_page(request: HttpRequest) -> HttpResponse:
    """四到位: for each stationed department, its windows, items, authorizations and staff in place,
    with the gaps listed (center administrators and supervisors)."""
    staff = staff_of(request.user)
    if staff is None or not (can(staff, Action.SUPERVISION_VIEW, region=staff.region)
                             or can(staff, Action.ORGANIZATION_EDIT, region=staff.region)):
        return render(request, "hall/forbidden.html", {"what": "本页仅供中心管理员和监察人员查看。"}, status=403)
    rows = selectors.four_in_place(staff.region)
    return render(request, "hall/in_place.html", {"region": staff.region, "rows": rows, "parts": rules.FOUR_PARTS,
                                                  "complete": sum(1 for r in rows if r.complete)})


DECISION_ROWS = 5  # the form's blank decision rows


@login_required
@require_http_methods(["GET", "POST"])
def meetings_page(request: HttpRequest) -> HttpResponse:
    """中心月度例会: record a meeting's minutes; each decision filled in becomes a work task."""
    from . import meeting_services

    staff = _admin(request)
    if staff is None:
        return _forbidden(request)
    region = staff.region
    error = None
    if request.method == "POST":
        post = request.POST
        try:
            decisions = [meeting_services.DecisionInput(
                text=post.get(f"decision{n}_text", ""), lead_id=_int(post.get(f"decision{n}_lead"), f"decision{n}_lead"),
                owner_name=post.get(f"decision{n}_owner", ""),
                due_workdays=_int(post.get(f"decision{n}_workdays") or "10", f"decision{n}_workdays"))
                for n in range(1, DECISION_ROWS + 1) if post.get(f"decision{n}_text", "").strip()]
            meeting = meeting_services.meeting_record(
                actor=staff, region=region, held_on=_date(post.get("held_on", ""), "held_on"),
                title=post.get("title", ""), minutes=post.get("minutes", ""), attendees=post.get("attendees", ""),
                decisions=decisions)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"已记录{meeting.title}，决定事项 {meeting.decisions.count()} 项已转为工作任务")
            return redirect("hall_staff:meetings")
    return render(request, "hall/meetings.html", {
        "region": region, "today": local_date(), "error": error, "form": request.POST if error else {},
        "rows": range(1, DECISION_ROWS + 1), "meetings": selectors.meetings_of(region),
        "departments": selectors.departments_of(region)},
        status=error.status if error is not None else 200)
