"""Staff pages of the citizen's voice, under /staff/feedback/: the work-order inbox (per person and
per department, summary first, filters, paging), an order's page with its allowed actions, the
rectifications of bad ratings, the 12345 import and the window's rating pad.

Thin: read the form, call a selector or a service, render. A refused action comes back to its
page as a message naming the reason; a stale page is told to reload."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.catalog.models import ServiceItem
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.identity import mask_phone
from onewindow.core.timesource import local_date
from onewindow.lifecycle.services import deadlines_of
from onewindow.organization.models import Department, Staff, Window
from onewindow.organization.staff_views import staff_view

from . import importer
from . import rules as r
from . import selectors as sel
from . import services as svc
from .api import FeedbackActionIn, allowed_actions, run_action
from .models import ClerkFlag, Rectification, WorkOrder
from .permissions import Perm, can
from .subjects import ORDER_SUBJECT, RECT_SUBJECT

PAGE_SIZE = 30
_BASE = "workbench:feedback"


_staff_view = staff_view("feedback/forbidden.html")


def _light(due: Any, yellow: Any, today: Any, running: bool) -> str:
    """The traffic light of a running deadline: red once past, yellow from its line."""
    if not running or due is None:
        return ""
    if today > due:
        return "red"
    if yellow is not None and today >= yellow:
        return "yellow"
    return "green"


@_staff_view
def inbox(request: HttpRequest, staff: Staff) -> HttpResponse:
    """工单收件箱: mine (owner or handler), my departments', or everything I may see."""
    today = local_date()
    scope = request.GET.get("scope") or "mine"
    qs = sel.orders_for(staff)
    if scope == "mine":
        qs = qs.filter(Q(owner=staff) | Q(handler=staff))
    elif scope == "department":
        qs = qs.filter(department__isnull=False)
    running = [s.value for s in r.ORDER_AWAITING_ANSWER]
    summary = qs.aggregate(
        total=Count("id"), received=Count("id", filter=Q(state=r.OrderState.RECEIVED)),
        dispatched=Count("id", filter=Q(state=r.OrderState.DISPATCHED)),
        handling=Count("id", filter=Q(state=r.OrderState.HANDLING)),
        answered=Count("id", filter=Q(state=r.OrderState.ANSWERED)),
        overdue=Count("id", filter=Q(state__in=running, answer_due__lt=today)),
        yellow=Count("id", filter=Q(state__in=running, answer_yellow__lte=today, answer_due__gte=today)))
    state = request.GET.get("state", "")
    if state == "open":
        qs = qs.filter(state__in=running)
    elif state == "overdue":
        qs = qs.filter(state__in=running, answer_due__lt=today)
    elif state:
        qs = qs.filter(state=state)
    if request.GET.get("kind"):
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("q"):
        text = request.GET["q"].strip()
        qs = qs.filter(Q(number__icontains=text) | Q(topic__icontains=text) | Q(external_number__icontains=text))
    page = Paginator(qs.order_by("answer_due", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(o, _light(o.answer_due, o.answer_yellow, today, o.state in running)) for o in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    flags = (ClerkFlag.objects.filter(region__code__startswith=staff.region.prefix).select_related("staff")
             if can(staff, Perm.ORDER_DISPATCH, region=staff.region) else [])
    return render(request, "feedback/inbox.html", {
        "summary": summary, "page": page, "rows": rows, "scope": scope, "state": state, "query": query.urlencode(),
        "states": list(r.ORDER_STATE_LABELS.items()), "kinds": list(r.ORDER_KIND_LABELS.items()), "flags": flags,
        "can_intake": can(staff, Perm.ORDER_INTAKE, region=staff.region),
        "can_import": can(staff, Perm.ORDER_IMPORT, region=staff.region)})


@_staff_view
def order_new(request: HttpRequest, staff: Staff) -> HttpResponse:
    """受理: window, hotline desk or online desk take in a complaint, inquiry … (首问负责)."""
    if request.method == "POST":
        try:
            order = svc.order_receive(
                kind=request.POST.get("kind", ""), content=request.POST.get("content", ""),
                source=request.POST.get("source", "window"), handling=request.POST.get("handling", "written"),
                topic=request.POST.get("topic", ""), caller_name=request.POST.get("caller_name", ""),
                caller_phone=request.POST.get("caller_phone", ""),
                case_number=request.POST.get("case_number") or None,
                publish_consent=request.POST.get("publish_consent") == "on", actor=staff)
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已受理，工单编号 {order.number}")
            return redirect(f"{_BASE}:order", pk=order.pk)
    return render(request, "feedback/order_new.html", {
        "kinds": list(r.ORDER_KIND_LABELS.items()), "handlings": list(r.HANDLING_LABELS.items()),
        "sources": [(s, label) for s, label in r.SOURCE_LABELS.items()
                    if s not in (r.Source.HOTLINE_IMPORT, r.Source.OPEN311)]})


def _visible_order(staff: Staff, pk: int) -> WorkOrder:
    order = sel.orders_for(staff).select_related("case", "merged_into", "about_staff").filter(pk=pk).first()
    if order is None:
        raise NotFound("工单不存在或您无权查看", code="feedback.not_found")
    return order


def _render_order(request: HttpRequest, staff: Staff, order: WorkOrder, *, full_phone: str = "") -> HttpResponse:
    rows = deadlines_of(ORDER_SUBJECT, order.pk)
    today = local_date()
    return render(request, "feedback/order.html", {
        "order": order, "events": order.events.order_by("seq"), "deadline": rows[0] if rows else None,
        # Masked like every staff page's phone; the answer reaches the caller by SMS through the outbox.
        "caller_phone": mask_phone(order.caller_phone or ""), "full_phone": full_phone,
        # The reveal form only for those who call back; each reveal is recorded on the order's chain.
        "may_reveal": bool(order.caller_phone) and can(staff, Perm.ORDER_REVEAL_PHONE, region=order.region,
                                                       department=order.department),
        "reveal_reasons": list(r.REVEAL_REASON_LABELS.items()),
        "light": _light(order.answer_due, order.answer_yellow, today, order.state in r.ORDER_AWAITING_ANSWER),
        "actions": [(a, r.ORDER_ACTION_LABELS[r.OrderAction(a)]) for a in allowed_actions(order, staff)],
        "departments": Department.objects.filter(region=order.region).order_by("order", "name"),
        "satisfactions": list(r.SATISFACTION_LABELS.items()),
        "can_publish": order.publish_consent and not order.published and order.state == r.OrderState.CLOSED
        and can(staff, Perm.QA_REVIEW, region=order.region)})


@_staff_view
def order_page(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    return _render_order(request, staff, _visible_order(staff, pk))


@require_POST
@_staff_view
def order_phone(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """The caller's full phone, after recording who asks and why on the order's history; 403 for
    a role that does not call callers back, 400 without a reason."""
    order = _visible_order(staff, pk)
    try:
        phone = svc.order_phone_reveal(order_id=order.pk, reason=request.POST.get("reason", ""), actor=staff)
    except PermissionDenied:
        raise
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    if request.htmx:
        response = render(request, "feedback/_full_phone.html", {"value": phone})
    else:
        response = _render_order(request, staff, _visible_order(staff, pk), full_phone=phone)
    response["Cache-Control"] = "private, no-store"
    return response


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_POST
@_staff_view
def order_act(request: HttpRequest, staff: Staff, pk: int, action: str) -> HttpResponse:
    order = _visible_order(staff, pk)
    p = request.POST
    substantiated = {"yes": True, "no": False}.get(p.get("substantiated", ""))
    body = FeedbackActionIn(department=_int(p.get("department")), reason=p.get("reason", ""), note=p.get("note", ""),
                    answer=p.get("answer", ""), substantiated=substantiated, satisfaction=p.get("satisfaction", ""),
                    to_staff=_int(p.get("to_staff")), into=p.get("into", ""), amount=p.get("amount", ""),
                    row_version=_int(p.get("row_version")))
    try:
        run_action(order, action, body, staff)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "操作已完成")
    return redirect(f"{_BASE}:order", pk=order.pk)


# -- rectifications ----------------------------------------------------------------------------------------


@_staff_view
def rectifications(request: HttpRequest, staff: Staff) -> HttpResponse:
    today = local_date()
    qs = sel.rectifications_for(staff)
    summary = qs.aggregate(total=Count("id"), **{s.value: Count("id", filter=Q(state=s)) for s in r.RectState})
    state = request.GET.get("state", "")
    if state:
        qs = qs.filter(state=state)
    page = Paginator(qs.order_by("-opened_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(x, _current_due(x), _light(_current_due(x), None, today, x.state not in r.RECT_TABLE.terminal))
            for x in page.object_list]
    return render(request, "feedback/rectifications.html", {
        "summary": summary, "rows": rows, "page": page, "state": state,
        "states": list(r.RECT_STATE_LABELS.items())})


def _current_due(rect: Rectification) -> Any:
    state = r.RectState(rect.state)
    if state == r.RectState.VERIFYING:
        return rect.verify_due
    if state == r.RectState.VISITING:
        return rect.visit_due
    if state in (r.RectState.RECTIFYING, r.RectState.INVALID_PENDING):
        return rect.rectify_due
    return None


def _visible_rect(staff: Staff, pk: int) -> Rectification:
    rect = sel.rectifications_for(staff).select_related("rating__case", "rating__staff", "rating__window").filter(
        pk=pk).first()
    if rect is None:
        raise NotFound("整改单不存在或您无权查看", code="rectification.not_found")
    return rect


_RECT_PERMS = {"verify": Perm.RECT_HANDLE, "mark_invalid": Perm.RECT_HANDLE, "confirm_invalid": Perm.RECT_CONFIRM,
               "reject_invalid": Perm.RECT_CONFIRM, "rectify": Perm.RECT_HANDLE, "visit": Perm.RECT_VISIT}


@_staff_view
def rectification_page(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    rect = _visible_rect(staff, pk)
    state = r.RectState(rect.state)
    actions = [(a.value, r.RECT_ACTION_LABELS[a]) for a in r.RECT_TABLE.actions_from(state)
               if a.value in _RECT_PERMS and can(staff, _RECT_PERMS[a.value], region=rect.region,
                                                  department=rect.department)
               and not (a == r.RectAction.CONFIRM_INVALID and rect.marked_by_id == staff.pk)]
    return render(request, "feedback/rectification.html", {
        "rect": rect, "rating": rect.rating, "follow_up": sel.follow_up_of(rect.rating),
        "events": rect.events.order_by("seq"), "actions": actions,
        "deadlines": deadlines_of(RECT_SUBJECT, rect.pk), "reasons": r.BAD_REASONS,
        "satisfactions": list(r.SATISFACTION_LABELS.items())})


@require_POST
@_staff_view
def rectification_act(request: HttpRequest, staff: Staff, pk: int, action: str) -> HttpResponse:
    rect = _visible_rect(staff, pk)
    p = request.POST
    common = {"rectification_id": rect.pk, "actor": staff, "expected_version": _int(p.get("row_version"))}
    try:
        if action == "verify":
            svc.rectification_verify(finding=p.get("note", ""), **common)
        elif action == "mark_invalid":
            svc.rectification_mark_invalid(reason=p.get("note", ""), malicious=p.get("malicious") == "on", **common)
        elif action in ("confirm_invalid", "reject_invalid"):
            svc.rectification_review_invalid(confirm=action == "confirm_invalid", note=p.get("note", ""), **common)
        elif action == "rectify":
            svc.rectification_rectify(measures=p.get("note", ""), rectified=p.get("rectified", "yes") == "yes",
                                      **common)
        elif action == "visit":
            svc.rectification_visit(note=p.get("note", ""), satisfaction=p.get("satisfaction", ""), **common)
        else:
            raise NotFound(f"没有“{action}”这项操作", code="rectification.action_unknown")
    except PermissionDenied:
        raise
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "操作已完成")
    return redirect(f"{_BASE}:rectification", pk=rect.pk)


# -- 12345 import and the rating pad ----------------------------------------------------------------------


@_staff_view
def import_page(request: HttpRequest, staff: Staff) -> HttpResponse:
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("import.file_required", "请选择要导入的文件", field="file")
            rows = importer.read_table(upload.read(), upload.name)
            report = importer.hotline_import(region=staff.region, rows=rows, actor=staff)
        except PermissionDenied:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "feedback/import.html", {"report": report, "columns": list(importer.COLUMNS)})


@_staff_view
def pad(request: HttpRequest, staff: Staff) -> HttpResponse:
    """The window's rating pad: the clerk invites the visitor just served; the pad then shows the
    clerk's name and the five levels, for one rating."""
    windows = Window.objects.filter(postings__staff=staff).distinct() or Window.objects.filter(region=staff.region)
    token = None
    # The hall's window page opens the pad for the visitor just served: their window and case.
    params = request.POST if request.method == "POST" else request.GET
    chosen, case = _int(params.get("window")), sel.pad_case(staff, params.get("case") or "")
    if request.method == "POST":
        try:
            _link, token = svc.rating_link_issue(channel=r.Channel.PAD, actor=staff, window_id=chosen,
                                                 case_id=case.pk if case else None)
        except PermissionDenied:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "feedback/pad.html", {"windows": windows, "token": token, "staff": staff,
                                                 "chosen": chosen, "case": case,
                                                 "levels": [(r.LEVEL_CODES[lv], label)
                                                            for lv, label in r.LEVEL_LABELS.items()],
                                                 "reasons": list(r.BAD_REASONS.items())})


@_staff_view
def hot(request: HttpRequest, staff: Staff) -> HttpResponse:
    """热点诉求: orders grouped by topic, item, department or kind over a period, with the trend."""
    today = local_date()
    try:
        first = date.fromisoformat(request.GET.get("from") or "")
    except ValueError:
        first = today.replace(day=1)
    try:
        last = date.fromisoformat(request.GET.get("to") or "")
    except ValueError:
        last = today
    if last < first:
        first, last = last, first
    by = request.GET.get("by") or "department"
    return render(request, "feedback/hot.html", {
        "rows": sel.hot_issues(staff=staff, first=first, last=last, by=by), "first": first, "last": last, "by": by,
        "groupings": [("department", "承办部门"), ("kind", "类别"), ("item", "事项"), ("topic", "主题")]})


# -- bulk notices (群发通知) -------------------------------------------------------------------------------


@_staff_view
def notices(request: HttpRequest, staff: Staff) -> HttpResponse:
    """群发通知: the notices the staff member may see, and the draft form for those who may draft."""
    departments = [d for d in Department.objects.filter(region__code__startswith=staff.region.prefix)
                   .select_related("region").order_by("order", "name")
                   if can(staff, Perm.NOTICE_DRAFT, region=d.region, department=d)]
    if request.method == "POST":
        try:
            notice = svc.notice_draft(
                department_id=_int(request.POST.get("department")), group=request.POST.get("group", ""),
                item_id=_int(request.POST.get("item")), year=_int(request.POST.get("year")) or 0,
                body=request.POST.get("body", ""), idempotency_key=request.POST.get("key", ""), actor=staff)
        except PermissionDenied:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已拟稿 {notice.number}，待审核")
            return redirect(f"{_BASE}:notice", pk=notice.pk)
    return render(request, "feedback/notices.html", {
        "notices": sel.notices_for(staff)[:100], "departments": departments,
        "items": ServiceItem.objects.filter(department__in=departments).select_related("current_version")
        .order_by("department_id", "implementation_code")
        if departments else [],
        "groups": list(r.NOTICE_GROUP_LABELS.items()), "year": local_date().year, "key": secrets.token_hex(8),
        "max_chars": r.NOTICE_MAX_CHARS})


def _visible_notice(staff: Staff, pk: int) -> Any:
    notice = sel.notices_for(staff).filter(pk=pk).first()
    if notice is None:
        raise NotFound("群发通知不存在或您无权查看", code="notice.not_found")
    return notice


_NOTICE_PERMS = {"approve": Perm.NOTICE_APPROVE, "reject": Perm.NOTICE_APPROVE, "send": Perm.NOTICE_DRAFT}


@_staff_view
def notice_page(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    notice = _visible_notice(staff, pk)
    state = r.NoticeState(notice.state)
    actions = [(a.value, r.NOTICE_ACTION_LABELS[a]) for a in r.NOTICE_TABLE.actions_from(state)
               if a.value in _NOTICE_PERMS and can(staff, _NOTICE_PERMS[a.value], region=notice.region,
                                                    department=notice.department)
               and not (a != r.NoticeAction.SEND and notice.drafted_by_id == staff.pk)]
    phones, _orders = svc.notice_recipients(notice) if state != r.NoticeState.SENT else ({}, [])
    return render(request, "feedback/notice.html", {
        "notice": notice, "events": notice.events.order_by("seq"), "actions": actions,
        "group_size": len(phones) if state != r.NoticeState.SENT else notice.recipients})


@require_POST
@_staff_view
def notice_act(request: HttpRequest, staff: Staff, pk: int, action: str) -> HttpResponse:
    notice = _visible_notice(staff, pk)
    common = {"notice_id": notice.pk, "actor": staff, "expected_version": _int(request.POST.get("row_version"))}
    try:
        if action in ("approve", "reject"):
            svc.notice_review(approve=action == "approve", note=request.POST.get("note", ""), **common)
        elif action == "send":
            sent = svc.notice_send(**common)
            messages.success(request, f"已交发件箱发送 {sent.recipients} 人")
            return redirect(f"{_BASE}:notice", pk=notice.pk)
        else:
            raise NotFound(f"没有“{action}”这项操作", code="notice.action_unknown")
    except PermissionDenied:
        raise
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "操作已完成")
    return redirect(f"{_BASE}:notice", pk=notice.pk)
