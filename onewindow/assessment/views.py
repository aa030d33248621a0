"""Staff pages of the assessment: the list (summary first), one assessment with its ranked scores,
line items and evidence, the objection form, decisions and publication. Thin: read the form, call
a selector or a service, redirect; a refusal comes back as a message."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.core.errors import DomainError
from onewindow.organization.permissions import staff_of

from . import selectors as sel
from . import services
from .models import Objection
from .rules import GRADE_LABELS, SUBJECT_LABELS


def _forbidden(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "assessment/forbidden.html", {"reason": message}, status=status)


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return _forbidden(request, "该账户不是工作人员", 403)
    rows = list(sel.assessments_for(staff)[:100])
    summary = Counter(a.get_state_display() for a in rows)
    return render(request, "assessment/list.html", {"rows": rows, "summary": sorted(summary.items()),
                                                    "subject_labels": SUBJECT_LABELS})


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = staff_of(request.user)
    try:
        assessment = sel.assessment_for(staff, pk)
    except DomainError as exc:
        return _forbidden(request, exc.message, exc.status)
    ranked = sel.ranked_scores(assessment)
    grades = Counter(GRADE_LABELS[r.score.grade] for r in ranked)
    return render(request, "assessment/detail.html", {
        "assessment": assessment, "ranked": ranked, "grades": sorted(grades.items()),
        "subject_label": SUBJECT_LABELS[assessment.subject_kind], "grade_labels": GRADE_LABELS,
        "pending": Objection.State.PENDING})


@login_required
@require_POST
def assessment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    staff = staff_of(request.user)
    try:
        sel.assessment_for(staff, pk)
    except DomainError as exc:  # not found, or not theirs: the same answer as the page's
        return _forbidden(request, exc.message, exc.status)
    try:
        if action == "object":
            services.objection_raise(by=staff, line_id=int(request.POST.get("line_id") or 0),
                                     reason=request.POST.get("reason", ""))
            messages.success(request, "异议已提交")
        elif action == "decide":
            services.objection_decide(by=staff, objection_id=int(request.POST.get("objection_id") or 0),
                                      accept=request.POST.get("accept") == "1", reason=request.POST.get("reason", ""))
            messages.success(request, "异议已处理")
        elif action == "publish":
            services.assessment_publish(by=staff, assessment_id=pk)
            messages.success(request, "考核结果已发布")
        else:
            return _forbidden(request, "未知操作", 404)
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValueError:
        messages.error(request, "参数格式不正确")
    return redirect("assessment:detail", pk=pk)
