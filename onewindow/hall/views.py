"""The hall's device pages: the ticket kiosk and the calling screen (public: devices in the hall,
no login), the window's own page (sign-in, call, recall, skip, serve, transfer, link the case)
and the hall dashboard (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.core.errors import DomainError
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Region, Window
from onewindow.organization.permissions import Action, can, staff_of

from . import appointment_services as appts
from . import charts, duty_services, selectors, services
from .models import Ticket


def _center(region_code: str) -> Region:
    region = selectors.region_by_code(region_code)
    if region is None:
        raise Http404("没有该政务服务中心")
    return region


# -- the kiosk ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, region_code: str) -> HttpResponse:
    """取号机: one big button per open queue (by theme or item), the priority channels, and
    check-in by appointment code. Touch-sized; no login (a device of the hall)."""
    region = _center(region_code)
    today = local_date()
    context = {"region": region, "queues": selectors.open_queues(region), "error": None,
               "opening_today": selectors.opening_of(region, today), "opening_week": selectors.opening_summary(region)}
    if request.method == "POST":
        try:
            if request.POST.get("code"):
                ticket = appts.appointment_check_in(code=request.POST["code"])
            else:
                queue_id = int(request.POST.get("queue") or 0)
                if not any(q.pk == queue_id for q in context["queues"]):
                    raise DomainError("hall.queue_closed", "请选择开放取号的业务", field="queue")
                ticket = services.ticket_issue(queue_id=queue_id, source=Ticket.Source.KIOSK,
                                               priority_reason=request.POST.get("priority_reason", ""))
        except (DomainError, ValueError) as exc:
            context["error"] = exc.message if isinstance(exc, DomainError) else "输入有误"
            status = exc.status if isinstance(exc, DomainError) else 400
            return render(request, "hall/kiosk.html", context, status=status)
        return render(request, "hall/kiosk_ticket.html", {
            "region": region, "ticket": ticket, "position": selectors.ticket_position(ticket)})
    return render(request, "hall/kiosk.html", context)


# -- the calling screen ---------------------------------------------------------------------------------------


@require_GET
def screen(request: HttpRequest, region_code: str) -> HttpResponse:
    """叫号屏: full screen for the hall's TV; the board refreshes itself every 3 s (htmx)."""
    region = _center(region_code)
    return render(request, "hall/screen.html", {"region": region, "board": selectors.board(region),
                                                "staff_board": selectors.identity_board(region)})


@require_GET
def screen_board(request: HttpRequest, region_code: str) -> HttpResponse:
    region = _center(region_code)
    return render(request, "hall/_board.html", {"region": region, "board": selectors.board(region)})


# -- the window's page ----------------------------------------------------------------------------------------


@login_required
@require_GET
def window_page(request: HttpRequest) -> HttpResponse:
    """窗口叫号: sign in at one of my windows, then call, recall, skip, serve, transfer, link the case.
    ``?ticket=<id>`` marks the ticket a rating pad or another device refers to."""
    staff = staff_of(request.user)
    if staff is None:
        raise Http404("不是工作人员")
    at = current_time()
    attendance = selectors.signed_in_at(staff)
    window = attendance.window if attendance else None
    context = {"staff": staff, "attendance": attendance, "window": window,
               "windows": selectors.windows_of(staff, local_date(at)), "focus_ticket": request.GET.get("ticket", "")}
    if window is not None:
        from onewindow.cases.models import Case

        current = selectors.current_ticket(window)
        context.update({
            "current": current, "waiting": selectors.window_waiting(window, at=at),
            "served": selectors.window_served_today(window, at=at),
            "other_windows": Window.objects.filter(region=window.region, is_active=True,
                                                   hall_queues__isnull=False).exclude(pk=window.pk).distinct(),
            "recent_cases": list(Case.objects.filter(window=window, submitted_at__date__gte=local_date(at))
                                 .exclude(hall_tickets__isnull=False).order_by("-submitted_at")[:5]),
            "intake_item": _intake_item(current),
        })
    return render(request, "hall/window.html", context)


def _intake_item(ticket: Ticket | None) -> str:
    """The item the intake page opens with: the ticket's own, else its queue's only item."""
    if ticket is None:
        return ""
    if ticket.item_id:
        return ticket.item.implementation_code
    items = list(ticket.queue.items.all()[:2])
    return items[0].implementation_code if len(items) == 1 else ""


@login_required
@require_POST
def window_act(request: HttpRequest, action: str) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        raise Http404("不是工作人员")
    try:
        if action == "sign-in":
            number = request.POST.get("window", "")
            window = next((w for w in selectors.windows_of(staff, local_date()) if w.number == number), None)
            if window is None:
                raise DomainError("hall.not_on_duty", "请选择您今天值班的窗口", field="window")
            duty_services.sign_in(window=window, actor=staff)
            messages.success(request, f"已在 {window.number} 号窗口签到")
            return redirect("hall_staff:window")
        if action == "sign-out":
            duty_services.sign_out(actor=staff)
            messages.success(request, "已签退")
            return redirect("hall_staff:window")
        attendance = selectors.signed_in_at(staff)
        if attendance is None:
            raise DomainError("hall.window_unstaffed", "请先在窗口签到", field="window")
        window = attendance.window
        ticket_id = int(request.POST.get("ticket") or 0)
        if action == "call":
            ticket = services.call_next(window=window, actor=staff)
            messages.success(request, f"请 {ticket.label} 号到 {window.number} 号窗口" if ticket else "当前无人等候")
        elif action == "recall":
            ticket = services.ticket_recall(ticket_id=ticket_id, window=window, actor=staff)
            messages.success(request, f"已重呼 {ticket.label}（第 {ticket.calls} 次）")
        elif action == "skip":
            ticket = services.ticket_skip(ticket_id=ticket_id, window=window, actor=staff)
            messages.success(request, f"{ticket.label} 已过号")
        elif action == "serve":
            ticket = services.ticket_serve(ticket_id=ticket_id, window=window, actor=staff)
            messages.success(request, f"开始办理 {ticket.label}")
        elif action == "finish":
            ticket = services.ticket_finish(ticket_id=ticket_id, window=window, actor=staff)
            messages.success(request, f"{ticket.label} 办理结束")
        elif action == "transfer":
            target = services.window_for(region=window.region, number=request.POST.get("to_window", ""))
            ticket = services.ticket_transfer(ticket_id=ticket_id, window=window, actor=staff, to_window=target)
            messages.success(request, f"{ticket.label} 已转往 {target.number} 号窗口")
        elif action == "link":
            ticket = services.ticket_link_case(ticket_id=ticket_id, window=window, actor=staff,
                                               case_number=request.POST.get("case_number", ""))
            messages.success(request, f"{ticket.label} 已关联办件 {ticket.case.number}")
        else:
            raise Http404("没有该操作")
    except (DomainError, ValueError) as exc:
        messages.error(request, exc.message if isinstance(exc, DomainError) else "输入有误")
    return redirect("hall_staff:window")


# -- the dashboard --------------------------------------------------------------------------------------------


def _may_watch(staff, region: Region) -> bool:
    return can(staff, Action.SUPERVISION_VIEW, region=region) or can(staff, Action.ORGANIZATION_EDIT, region=region)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """大厅看板: live counts, each queue's line, the waits by hour, and queues past their threshold."""
    staff = staff_of(request.user)
    if staff is None or not _may_watch(staff, staff.region):
        return render(request, "hall/forbidden.html", status=403)
    region = staff.region
    at = current_time()
    by_hour = selectors.waits_by_hour(region, local_date(at))
    return render(request, "hall/dashboard.html", {
        "region": region, "counts": selectors.hall_counts(region, at=at), "lines": selectors.queue_lines(region, at=at),
        "alerts": selectors.queue_alerts(region, at=at), "by_hour": by_hour,
        "chart": charts.waits_by_hour(by_hour), "groups": selectors.groups_of(region),
        "leaders_today": selectors.leaders_on(region, local_date(at)),
        "opening_today": selectors.opening_of(region, local_date(at)),
        "may_edit": can(staff, Action.ORGANIZATION_EDIT, region=region),
    })


@login_required
@require_GET
def simulate_page(request: HttpRequest) -> HttpResponse:
    """容量模拟: replay recorded days under another staffing (a GET form; nothing is written)."""
    from datetime import date, timedelta

    from .simulation import Scenario, simulate

    staff = staff_of(request.user)
    if staff is None or not _may_watch(staff, staff.region):
        return render(request, "hall/forbidden.html", status=403)
    today = local_date()
    form = {"first": request.GET.get("first") or (today - timedelta(days=90)).isoformat(),
            "last": request.GET.get("last") or (today - timedelta(days=1)).isoformat(),
            "windows": request.GET.get("windows", ""), "extra_windows": request.GET.get("extra_windows", "0"),
            "weekdays": request.GET.getlist("weekdays"), "appointment_share": request.GET.get("appointment_share", "0"),
            "patience": request.GET.get("patience", "")}
    context: dict[str, object] = {"form": form, "result": None, "baseline": None, "error": None,
                                  "weekday_names": list(enumerate("一二三四五六日"))}
    if "run" in request.GET:
        try:
            first, last = date.fromisoformat(form["first"]), date.fromisoformat(form["last"])
            if (last - first).days > 400 or last < first:
                raise ValueError("日期范围应在400天以内")
            scenario = Scenario(
                windows=int(form["windows"]) if form["windows"] else None,
                extra_windows=max(0, min(int(form["extra_windows"] or 0), 50)),
                extra_on_weekdays=frozenset(int(d) for d in form["weekdays"]) or frozenset(range(7)),
                appointment_share=max(0.0, min(float(form["appointment_share"] or 0), 1.0)),
                patience=float(form["patience"]) if form["patience"] else None)
        except ValueError as exc:
            context["error"] = f"参数有误：{exc}"
            return render(request, "hall/simulate.html", context, status=400)
        days = selectors.recorded_days(staff.region, first, last)
        context["baseline"] = simulate(days, Scenario())
        context["result"] = simulate(days, scenario)
    return render(request, "hall/simulate.html", context)
