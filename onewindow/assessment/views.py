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
from onewindow.core.headers import allow_inline_styles
from onewindow.core.timesource import local_date
from onewindow.documents.numbering import file_stem
from onewindow.organization.permissions import Action, can, staff_of

from . import facts, reports, scheme_form, services, workbook
from . import selectors as sel
from .models import Objection
from .rules import GRADE_LABELS, PERIOD_LABELS, SUBJECT_LABELS, SubjectKind


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
                                                    "subject_labels": SUBJECT_LABELS,
                                                    "drafts": sel.department_drafts(staff, local_date())})


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = staff_of(request.user)
    try:
        assessment = sel.assessment_for(staff, pk)
    except DomainError as exc:
        return _forbidden(request, exc.message, exc.status)
    ranked = sel.ranked_scores(assessment)
    grades = Counter(GRADE_LABELS[r.score.grade] for r in ranked)
    mine = sel.own_subjects(staff, assessment)
    only_mine = bool(mine) and request.GET.get("mine") == "1"
    runs = can(staff, Action.ASSESSMENT_RUN, region=assessment.region)
    return render(request, "assessment/detail.html", {
        "assessment": assessment, "ranked": [r for r in ranked if r.score.subject_id in mine] if only_mine else ranked,
        "grades": sorted(grades.items()), "subject_label": SUBJECT_LABELS[assessment.subject_kind],
        "grade_labels": GRADE_LABELS, "pending": Objection.State.PENDING, "mine": mine, "only_mine": only_mine,
        "runs": runs, "manual_items": [i for i in assessment.scheme.items.all() if i.is_manual] if runs else [],
        "subjects": [(r.score.subject_id, r.score.subject_name) for r in ranked],
        "awards": sel.awards_of(assessment),
        "corrections": assessment.corrections.select_related("score", "line__item", "item", "corrected_by"),
        "strikable": [(line, r.score) for r in ranked for line in r.lines
                      if not line.struck and line.amount and not line.corrections.all()] if runs else []})


def _posted_int(request: HttpRequest, name: str) -> int:
    """A posted id or count; anything a database integer cannot hold is a bad request, not a 500."""
    return _posted_int_text(request.POST.get(name) or "0")


def _posted_int_text(text: str) -> int:
    value = int(text)
    if not 0 <= value < 2**63:
        raise ValueError(text)
    return value


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
            services.objection_raise(by=staff, line_id=_posted_int(request, "line_id"),
                                     reason=request.POST.get("reason", ""))
            messages.success(request, "异议已提交")
        elif action == "decide":
            services.objection_decide(by=staff, objection_id=_posted_int(request, "objection_id"),
                                      accept=request.POST.get("accept") == "1", reason=request.POST.get("reason", ""))
            messages.success(request, "异议已处理")
        elif action == "manual":
            services.manual_enter(by=staff, assessment_id=pk, subject_id=_posted_int(request, "subject_id"),
                                  item_code=request.POST.get("item", ""), count=_posted_int(request, "count"),
                                  evidence=request.POST.get("evidence", ""))
            messages.success(request, "人工项目已录入，得分已重算")
        elif action == "correct":
            target = request.POST.get("target", "")
            if target.startswith("line:"):
                services.correction_make(by=staff, assessment_id=pk, reason=request.POST.get("reason", ""),
                                         line_id=_posted_int_text(target.removeprefix("line:")))
            else:
                services.correction_make(by=staff, assessment_id=pk, reason=request.POST.get("reason", ""),
                                         subject_id=_posted_int(request, "subject_id"),
                                         item_code=request.POST.get("item", ""), count=_posted_int(request, "count"),
                                         evidence=request.POST.get("evidence", ""))
            messages.success(request, "更正已记录（原发布结果不变）")
        elif action == "report":
            subject = request.POST.get("subject_id", "")
            assessment = sel.assessment_for(staff, pk)
            report = services.report_issue(by=staff, region=assessment.region, kind=reports.PERIOD,
                                           subject_kind=SubjectKind(assessment.subject_kind), period=assessment.period,
                                           subject_id=_posted_int_text(subject) if subject else None)
            return redirect("assessment:report", pk=report.pk)
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


# -- schemes ---------------------------------------------------------------------------------------------


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    """考核方案: every visible scheme by what it assesses, its versions, the one in force today."""
    staff = staff_of(request.user)
    if staff is None:
        return _forbidden(request, "该账户不是工作人员", 403)
    return render(request, "assessment/schemes.html", {
        "lines": sel.scheme_lines(staff, local_date()), "may_define": bool(sel.administered_regions(staff))})


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = staff_of(request.user)
    try:
        scheme = sel.scheme_for(staff, pk)
    except DomainError as exc:
        return _forbidden(request, exc.message, exc.status)
    sources = {s.name: s for s in facts.all_sources()}
    return render(request, "assessment/scheme.html", {
        "scheme": scheme, "items": [(i, sources.get(i.source)) for i in scheme.items.all()],
        "bands": sorted(scheme.bands.all(), key=lambda b: -b.low),
        "assessments": scheme.assessments.order_by("-last_day")[:24],
        "may_define": can(staff, Action.ASSESSMENT_RUN, region=scheme.region)})


def _source_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The fact sources by the kind of subject they count for (the item's 事实来源 select)."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for s in facts.all_sources():
        grouped.setdefault(s.subject_kind, []).append((s.name, f"{s.label}（{s.name}）"))
    return [(SUBJECT_LABELS[SubjectKind(k)], grouped[k]) for k in SubjectKind if k in grouped]


@login_required
def scheme_new(request: HttpRequest) -> HttpResponse:
    """Define a scheme, or a new version of one (``?from=<id>``: a copy of it to change)."""
    staff = staff_of(request.user)
    regions = sel.administered_regions(staff)
    if staff is None or not regions:
        return _forbidden(request, "只有中心管理员可以制定考核方案", 403)
    context: dict[str, object] = {"regions": regions, "sources": _source_choices(), "periods": PERIOD_LABELS,
                                  "subjects": SUBJECT_LABELS}
    if request.method != "POST":
        origin = None
        if request.GET.get("from", "").isdigit():
            try:
                origin = sel.scheme_for(staff, int(request.GET["from"]))
            except DomainError as exc:
                return _forbidden(request, exc.message, exc.status)
        return render(request, "assessment/scheme_form.html",
                      {**context, "form": scheme_form.initial(origin, region_id=regions[0].pk), "origin": origin})
    form = scheme_form.typed(request.POST)
    try:
        data = scheme_form.read(form)
        region = next((r for r in regions if r.pk == data.region_id), None)
        if region is None:
            raise DomainError("region_invalid", "只能在您担任中心管理员的区划制定方案", field="region")
        scheme = services.scheme_define(by=staff, region=region, name=data.name, period_kind=data.period_kind,
                                        subject_kind=data.subject_kind, effective_from=data.effective_from,
                                        base=data.base, cap=data.cap, items=data.items, bands=data.bands,
                                        awards=data.awards)
    except DomainError as exc:
        return render(request, "assessment/scheme_form.html",
                      {**context, "form": form, "error": exc}, status=exc.status)
    messages.success(request, f"考核方案“{scheme.name}”已保存，自 {scheme.effective_from} 起生效")
    return redirect("assessment:scheme", pk=scheme.pk)


# -- reports ---------------------------------------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """考核报告: the reports issued, newest first, and the form for an annual report."""
    staff = staff_of(request.user)
    if staff is None:
        return _forbidden(request, "该账户不是工作人员", 403)
    return render(request, "assessment/reports.html", {
        "rows": list(sel.reports_for(staff)[:100]), "regions": sel.viewer_regions(staff), "subjects": SUBJECT_LABELS,
        "year": local_date().year - (1 if local_date().month == 1 else 0)})


@login_required
@require_POST
def report_annual(request: HttpRequest) -> HttpResponse:
    """Issue (or find) the annual report of a region's published monthly assessments."""
    staff = staff_of(request.user)
    if staff is None:
        return _forbidden(request, "该账户不是工作人员", 403)
    try:
        region = next((r for r in sel.viewer_regions(staff) if str(r.pk) == request.POST.get("region")), None)
        if region is None:
            raise DomainError("region_invalid", "请选择您可查看考核结果的区划", field="region")
        try:
            kind = SubjectKind(request.POST.get("subject_kind", ""))
        except ValueError:
            raise DomainError("subject_kind_invalid", "请选择考核对象", field="subject_kind") from None
        report = services.report_issue(by=staff, region=region, kind=reports.ANNUAL, subject_kind=kind,
                                       period=request.POST.get("year", "").strip())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:reports")
    return redirect("assessment:report", pk=report.pk)


def _report(request: HttpRequest, pk: int) -> tuple[object, HttpResponse | None]:
    staff = staff_of(request.user)
    try:
        report = sel.report_for(staff, pk)
    except DomainError as exc:
        return None, _forbidden(request, exc.message, exc.status)
    if not reports.content_intact(report):
        return None, _forbidden(request, "报告内容与出具时的记录不符，已停止显示", 409)
    return report, None


@login_required
@allow_inline_styles  # pygal's SVG charts carry their styles inline
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report, refused = _report(request, pk)
    if refused is not None:
        return refused
    return render(request, "assessment/report.html", {"report": report, "doc": report.content})


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report, refused = _report(request, pk)
    if refused is not None:
        return refused
    response = HttpResponse(reports.pdf_of(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_stem(report.number)}.pdf"'
    return response


@login_required
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    report, refused = _report(request, pk)
    if refused is not None:
        return refused
    response = HttpResponse(workbook.workbook(report.content), content_type=workbook.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_stem(report.number)}.xlsx"'
    return response
