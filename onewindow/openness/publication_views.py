"""Pages of publicity: the staff schedule (due, late, in comment period), a publication's page with
its actions, and the public list with the objection form."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.core.errors import DomainError, NotFound
from onewindow.core.timesource import local_date
from onewindow.organization.models import Department, Staff
from onewindow.portal.ratelimit import rate_limited

from . import publication_selectors as sel
from . import publication_services as ps
from .models import Publication
from .publication_rules import KIND_LABELS, STATE_LABELS, TABLE, UNIT_LABELS, Action, State
from .views import _staff_view


def _int(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() else 0


@_staff_view
def staff_schedule(request: HttpRequest, staff: Staff) -> HttpResponse:
    """公示编排: every publication with its due date; the late ones first."""
    today = local_date()
    rows = [(p, sel.is_late(p, today), KIND_LABELS[p.kind], STATE_LABELS[State(p.state)])
            for p in sel.schedule_for(staff)]
    rows.sort(key=lambda r: (not r[1], r[0].due_on))
    context: dict[str, Any] = {"rows": rows, "kinds": KIND_LABELS.items(), "units": UNIT_LABELS.items(),
                               "states": STATE_LABELS, "late": sum(1 for row in rows if row[1]),
                               "departments": Department.objects.filter(region__has_center=True).order_by("order")}
    if request.method == "POST":
        try:
            due = date.fromisoformat(request.POST.get("due_on", ""))
        except ValueError:
            return render(request, "openness/staff_schedule.html",
                          context | {"error": DomainError("publication.due_on_invalid", "应发布日期格式应为 YYYY-MM-DD",
                                                          field="due_on")}, status=400)
        try:
            pub = ps.publication_schedule(
                department_id=_int(request.POST.get("department")), title=request.POST.get("title", ""),
                kind=request.POST.get("kind", ""), body=request.POST.get("body", ""),
                comment_days=_int(request.POST.get("comment_days")), comment_unit=request.POST.get("comment_unit", ""),
                due_on=due, actor=staff)
        except DomainError as exc:
            if isinstance(exc, NotFound) and exc.code != "department.not_found":
                raise
            return render(request, "openness/staff_schedule.html", context | {"error": exc}, status=exc.status)
        messages.success(request, f"已编排公示 {pub.number}")
        return redirect("openness:staff_publication", pub.pk)
    return render(request, "openness/staff_schedule.html", context)


@_staff_view
def staff_publication(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    pub = sel.schedule_for(staff).filter(pk=pk).first()
    if pub is None:
        raise NotFound("公示不存在", code="publication.not_found")
    return render(request, "openness/staff_publication.html", _context(staff, pub))


def _context(staff: Staff, pub: Publication) -> dict[str, Any]:
    actions = [(a.value, TABLE.move(a).label) for a in TABLE.actions_from(State(pub.state))]
    reviewers = Staff.objects.filter(postings__department=pub.department, postings__role="chief_representative") \
        .exclude(pk=staff.pk).distinct()
    return {"pub": pub, "actions": actions, "reviewers": reviewers, "late": sel.is_late(pub),
            "state_label": STATE_LABELS[State(pub.state)], "kind_label": KIND_LABELS[pub.kind],
            "unit_label": UNIT_LABELS[pub.comment_unit], "objections": pub.objections.all(),
            "events": pub.events.order_by("seq")}


_RUN = {
    Action.SUBMIT: lambda pk, staff, post: ps.publication_submit(publication_id=pk, actor=staff,
                                                                 reviewer_id=_int(post.get("reviewer"))),
    Action.RETURN: lambda pk, staff, post: ps.publication_return(publication_id=pk, actor=staff,
                                                                 note=post.get("note", "")),
    Action.PUBLISH: lambda pk, staff, post: ps.publication_publish(publication_id=pk, actor=staff),
    Action.FINALIZE: lambda pk, staff, post: ps.publication_finalize(publication_id=pk, actor=staff,
                                                                     note=post.get("note", "")),
    Action.WITHDRAW: lambda pk, staff, post: ps.publication_withdraw(publication_id=pk, actor=staff,
                                                                     note=post.get("note", "")),
}


@require_POST
@_staff_view
def staff_publication_act(request: HttpRequest, staff: Staff, pk: int, action: str) -> HttpResponse:
    pub = sel.schedule_for(staff).filter(pk=pk).first()
    if pub is None:
        raise NotFound("公示不存在", code="publication.not_found")
    try:
        if action == "answer":
            ps.objection_answer(objection_id=_int(request.POST.get("objection")), answer=request.POST.get("answer", ""),
                                actor=staff)
        elif action in _RUN:
            _RUN[Action(action)](pk, staff, request.POST)
        else:
            raise DomainError("publication.action_unknown", f"未知的操作“{action}”", field="action")
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return render(request, "openness/staff_publication.html", _context(staff, pub) | {"error": exc},
                      status=exc.status)
    messages.success(request, "已完成")
    return redirect("openness:staff_publication", pk)


@rate_limited("openness.publications")
def public_publications(request: HttpRequest) -> HttpResponse:
    rows = sel.public_publications()[:200]
    return render(request, "openness/publications.html", {"rows": rows, "kinds": KIND_LABELS,
                                                          "states": STATE_LABELS, "today": local_date()})


@rate_limited("openness.publications")
def public_publication(request: HttpRequest, number: str) -> HttpResponse:
    try:
        pub = sel.public_publication(number)
    except DomainError as exc:
        return render(request, "openness/error.html", {"message": exc.message}, status=exc.status)
    context: dict[str, Any] = {"pub": pub, "kind_label": KIND_LABELS[pub.kind], "today": local_date(),
                               "open": pub.state == State.PUBLISHED and pub.comment_ends is not None
                               and local_date() <= pub.comment_ends,
                               "answered": [o for o in pub.objections.all() if o.answered_at is not None]}
    if request.method == "POST":
        try:
            ps.objection_file(publication_id=pub.pk, text=request.POST.get("text", ""),
                              contact_phone=request.POST.get("contact_phone", ""))
        except DomainError as exc:
            return render(request, "openness/publication.html", context | {"error": exc}, status=exc.status)
        context["filed"] = True
    return render(request, "openness/publication.html", context)
