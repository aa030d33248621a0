"""Pages of 点题公开: the public list with the proposal form and seconding, and the staff answers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.core.errors import DomainError, NotFound
from onewindow.organization.models import Department, Staff
from onewindow.organization.permissions import region_q
from onewindow.portal.ratelimit import client_address, rate_limited

from . import topics as tp
from .models import Topic
from .views import _staff_view


def _context() -> dict[str, Any]:
    return {"topics": tp.public_topics()[:200], "states": tp.STATE_LABELS, "answers": tp.ANSWER_LABELS,
            "departments": Department.objects.filter(region__has_center=True).order_by("region__code", "order")}


@rate_limited("openness.topics")
def public_topics(request: HttpRequest) -> HttpResponse:
    """点题公开: what the public asked for, the seconds and the answers; and a new proposal."""
    if request.method == "POST":
        try:
            department = request.POST.get("department", "")
            topic = tp.topic_propose(department_id=int(department) if department.isdigit() else 0,
                                     title=request.POST.get("title", ""),
                                     description=request.POST.get("description", ""))
        except DomainError as exc:
            return render(request, "openness/topics.html", _context() | {"error": exc}, status=exc.status)
        messages.success(request, f"点题已提交（{topic.number}），答复期限 {topic.answer_due:%Y-%m-%d}")
        return redirect("openness:public_topics")
    return render(request, "openness/topics.html", _context())


@require_POST
@rate_limited("openness.topics")
def public_second(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        tp.topic_second(topic_id=pk, client=client_address(request))
    except DomainError as exc:
        return render(request, "openness/topics.html", _context() | {"error": exc}, status=exc.status)
    messages.success(request, "已附议")
    return redirect("openness:public_topics")


@_staff_view
def staff_topics(request: HttpRequest, staff: Staff) -> HttpResponse:
    mine = Topic.objects.filter(region_q(staff, department_field="department")).select_related("department")
    context = {"open": mine.filter(state=tp.State.OPEN).order_by("answer_due"), "answers": tp.ANSWER_LABELS.items()}
    if request.method == "POST":
        topic = mine.filter(pk=int(request.POST.get("topic", "0") or 0)).first()
        if topic is None:
            raise NotFound("点题不存在", code="topic.not_found")
        try:
            tp.topic_answer(topic_id=topic.pk, kind=request.POST.get("kind", ""), answer=request.POST.get("answer", ""),
                            actor=staff)
        except DomainError as exc:
            if exc.status == 403:
                raise
            return render(request, "openness/staff_topics.html", context | {"error": exc}, status=exc.status)
        messages.success(request, f"已答复 {topic.number}")
        return redirect("openness:staff_topics")
    return render(request, "openness/staff_topics.html", context)
