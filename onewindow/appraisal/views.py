"""Staff pages of the appraisal app: campaigns and their results, award reviews, the exposure
board, service commitments, the training roster and the work diary. Thin: read the form, call a
selector or a service; a refusal re-shows the page with the message and its 4xx status."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.assessment.rules import AWARD_LABELS, SubjectKind
from onewindow.assessment.subjects import subjects_of
from onewindow.core.errors import DomainError
from onewindow.core.timesource import local_date
from onewindow.organization.models import Department, Posting, Window
from onewindow.organization.permissions import Action, can, staff_of

from . import forms, services
from . import selectors as sel
from .rules import (
    CAMPAIGN_STATE_LABELS,
    CAMPAIGN_TABLE,
    EXPOSURE_STATE_LABELS,
    RESPONDENT_LABELS,
    TRAINING_LABELS,
    CampaignAction,
    CampaignState,
)

PAGE_SIZE = 30


def _forbidden(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "appraisal/forbidden.html", {"reason": message}, status=status)


def _not_staff(request: HttpRequest) -> HttpResponse:
    return _forbidden(request, "该账户不是工作人员", 403)


def _admin_only(request: HttpRequest, staff: Any) -> HttpResponse | None:
    """403 before reading anything posted, for a write only a center administrator makes."""
    if not sel.admin_regions(staff):
        return _forbidden(request, "只有中心管理员可以进行此操作", 403)
    return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    return render(request, "appraisal/home.html", {
        "campaigns": sel.campaigns_for(staff).count(), "awards": sel.awards_for(staff).count(),
        "exposures": sel.exposures_for(staff).count(), "commitments": sel.commitments_for(staff).count()})


# -- campaigns ------------------------------------------------------------------------------------------------


def _campaigns_page(request: HttpRequest, staff: Any, *, error: DomainError | None = None) -> HttpResponse:
    rows = sel.campaigns_for(staff)
    state = request.GET.get("state", "")
    states = list(rows.values_list("state", flat=True))
    summary = sorted(Counter(CAMPAIGN_STATE_LABELS[CampaignState(s)] for s in states).items())
    if state in CAMPAIGN_STATE_LABELS:
        rows = rows.filter(state=state)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "appraisal/campaigns.html", {
        "page": page, "summary": summary, "total": len(states), "state": state,
        "states": CAMPAIGN_STATE_LABELS.items(),
        "regions": sel.admin_regions(staff), "error": error, "posted": request.POST if error else {}},
        status=error.status if error else 200)


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    if request.method == "POST":
        if (denied := _admin_only(request, staff)) is not None:
            return denied
        try:
            campaign = services.campaign_create(
                by=staff, region_id=forms.required_int(request.POST, "region", "区划"),
                title=request.POST.get("title", ""), subject_kind=request.POST.get("subject_kind", ""),
                opens_on=forms.optional_date(request.POST, "opens_on"),
                closes_on=forms.optional_date(request.POST, "closes_on"), questions=forms.questions(request.POST),
                open_link=request.POST.get("open_link") == "1")
        except DomainError as exc:
            return _campaigns_page(request, staff, error=exc)
        messages.success(request, f"评议活动 {campaign.number} 已建立")
        return redirect("appraisal:campaign", pk=campaign.pk)
    return _campaigns_page(request, staff)


def _campaign_page(request: HttpRequest, staff: Any, campaign: Any, *, error: DomainError | None = None,
                   codes: list[str] | None = None, status: int = 200) -> HttpResponse:
    runs = can(staff, Action.ASSESSMENT_RUN, region=campaign.region)
    state = CampaignState(campaign.state)
    return render(request, "appraisal/campaign.html", {
        "campaign": campaign, "questions": list(campaign.questions.all()), "results": sel.campaign_results(campaign),
        "runs": runs, "actions": [a.value for a in CAMPAIGN_TABLE.actions_from(state)] if runs else [],
        "subjects": subjects_of(SubjectKind(campaign.subject_kind), campaign.region),
        "kinds": RESPONDENT_LABELS.items(), "issued": campaign.respondents.count(),
        "used": campaign.respondents.filter(used_at__isnull=False).count(),
        "paper": campaign.responses.filter(channel="paper").order_by("-id")[:50],
        "events": campaign.events.order_by("seq"), "codes": codes, "error": error,
        "open_url": request.build_absolute_uri(f"/appraisal/open/{campaign.open_token}/")
        if runs and campaign.open_token else ""}, status=error.status if error else status)


@login_required
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    staff = staff_of(request.user)
    try:
        found = sel.campaign_for(staff, pk)
    except DomainError as exc:
        return _forbidden(request, exc.message, exc.status)
    return _campaign_page(request, staff, found)


@login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    staff = staff_of(request.user)
    try:
        found = sel.campaign_for(staff, pk)
    except DomainError as exc:  # not found, or not theirs: the same answer as the page's
        return _forbidden(request, exc.message, exc.status)
    try:
        if action == CampaignAction.OPEN:
            services.campaign_open(by=staff, campaign_id=pk)
            messages.success(request, "评议已开始")
        elif action == CampaignAction.CLOSE:
            services.campaign_close(by=staff, campaign_id=pk)
            messages.success(request, "评议已结束，结果计入截止日所在考核期")
        elif action == "codes":
            codes = services.campaign_issue_codes(by=staff, campaign_id=pk, kind=request.POST.get("kind", ""),
                                                  count=forms.required_int(request.POST, "count", "发放数量"))
            # The codes are shown this once (for printing): only their hashes are kept.
            return _campaign_page(request, staff, sel.campaign_for(staff, pk), codes=codes)
        elif action == "paper":
            services.campaign_enter_paper(
                by=staff, campaign_id=pk, kind=request.POST.get("kind", ""),
                subject_id=forms.optional_int(request.POST, "subject"),
                values=forms.answers(request.POST, list(found.questions.values_list("id", flat=True))),
                scan_ref=request.POST.get("scan_ref", ""), comment=request.POST.get("comment", ""))
            messages.success(request, "纸质问卷已录入")
        else:
            return _forbidden(request, "未知操作", 404)
    except DomainError as exc:
        return _campaign_page(request, staff, sel.campaign_for(staff, pk), error=exc)
    return redirect("appraisal:campaign", pk=pk)


# -- awards ---------------------------------------------------------------------------------------------------


def _awards_page(request: HttpRequest, staff: Any, *, error: DomainError | None = None) -> HttpResponse:
    rows = sel.awards_for(staff)
    kind = request.GET.get("kind", "")
    if kind in AWARD_LABELS:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    withdrawn = sel.withdrawn_award_ids([a.pk for a in page])
    return render(request, "appraisal/awards.html", {
        "page": page, "withdrawn": withdrawn, "labels": AWARD_LABELS.items(), "kind": kind, "total": rows.count(),
        "withdrawn_total": len(sel.withdrawn_award_ids(list(rows.values_list("id", flat=True)))),
        "runs": bool(sel.admin_regions(staff)), "error": error}, status=error.status if error else 200)


@login_required
def awards(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    if request.method == "POST":
        if (denied := _admin_only(request, staff)) is not None:
            return denied
        try:
            review = services.award_review(by=staff, award_id=forms.required_int(request.POST, "award", "评优"),
                                           withdraw=request.POST.get("withdraw") == "1",
                                           reason=request.POST.get("reason", ""))
        except DomainError as exc:
            return _awards_page(request, staff, error=exc)
        messages.success(request, f"已撤销命名，通报文号 {review.notice_number}" if review.notice_number
                         else "复查结论：保留")
        return redirect("appraisal:awards")
    return _awards_page(request, staff)


# -- exposures ------------------------------------------------------------------------------------------------


def _exposures_page(request: HttpRequest, staff: Any, *, error: DomainError | None = None) -> HttpResponse:
    rows = sel.exposures_for(staff)
    states = list(rows.values_list("state", flat=True))
    summary = sorted(Counter(EXPOSURE_STATE_LABELS[s] for s in states).items())
    state = request.GET.get("state", "")
    if state in EXPOSURE_STATE_LABELS:
        rows = rows.filter(state=state)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    regions = sel.admin_regions(staff)
    return render(request, "appraisal/exposures.html", {
        "page": page, "summary": summary, "regions": regions, "me": staff, "error": error, "state": state, "total": len(states),
        "states": EXPOSURE_STATE_LABELS.items(),
        "posted": request.POST if error else {},
        "people": Posting.objects.filter(region__in=regions).select_related("staff").order_by("staff__employee_number")
        .distinct() if regions else [],
        "windows": Window.objects.filter(region__in=regions).order_by("number") if regions else [],
        "departments": Department.objects.filter(region__in=regions).order_by("id") if regions else []},
        status=error.status if error else 200)


@login_required
def exposures(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action != "reply" and (denied := _admin_only(request, staff)) is not None:
            return denied
        try:
            if action == "record":
                services.exposure_record(
                    by=staff, region_id=forms.required_int(request.POST, "region", "区划"),
                    title=request.POST.get("title", ""), facts=request.POST.get("facts", ""),
                    basis=request.POST.get("basis", ""), occurred_on=forms.optional_date(request.POST, "occurred_on"),
                    staff_id=forms.optional_int(request.POST, "staff"),
                    window_id=forms.optional_int(request.POST, "window"),
                    department_id=forms.optional_int(request.POST, "department"))
                messages.success(request, "曝光事项已登记，待发布")
            elif action == "publish":
                services.exposure_publish(by=staff, exposure_id=forms.required_int(request.POST, "exposure", "曝光"))
                messages.success(request, "已在曝光台发布")
            elif action == "withdraw":
                services.exposure_withdraw(by=staff, exposure_id=forms.required_int(request.POST, "exposure", "曝光"),
                                           reason=request.POST.get("reason", ""))
                messages.success(request, "已从曝光台撤下")
            elif action == "reply":
                services.exposure_reply(by=staff, exposure_id=forms.required_int(request.POST, "exposure", "曝光"),
                                        text=request.POST.get("reply", ""))
                messages.success(request, "答复已提交，将与曝光内容一并公开")
            else:
                raise DomainError("action_invalid", "未知操作", field="action")
        except DomainError as exc:
            return _exposures_page(request, staff, error=exc)
        return redirect("appraisal:exposures")
    return _exposures_page(request, staff)


# -- commitments ----------------------------------------------------------------------------------------------


def _commitments_page(request: HttpRequest, staff: Any, *, error: DomainError | None = None) -> HttpResponse:
    rows = sel.commitments_for(staff)
    number = request.GET.get("number", "").strip()
    if number:
        rows = rows.filter(number=number)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    regions = sel.admin_regions(staff)
    checks = [c for row in page for c in row.checks.all()]
    return render(request, "appraisal/commitments.html", {
        "page": page, "number": number, "regions": regions, "error": error, "posted": request.POST if error else {},
        "kept": sum(c.kept for c in checks), "not_kept": sum(not c.kept for c in checks),
        "windows": Window.objects.filter(region__in=regions).order_by("number") if regions else [],
        "departments": Department.objects.filter(region__in=regions).order_by("id") if regions else []},
        status=error.status if error else 200)


@login_required
def commitments(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    if request.method == "POST":
        if (denied := _admin_only(request, staff)) is not None:
            return denied
        action = request.POST.get("action", "")
        try:
            if action == "publish":
                services.commitment_publish(
                    by=staff, region_id=forms.required_int(request.POST, "region", "区划"),
                    content=request.POST.get("content", ""), standard=request.POST.get("standard", ""),
                    published_on=forms.optional_date(request.POST, "published_on"),
                    window_id=forms.optional_int(request.POST, "window"),
                    department_id=forms.optional_int(request.POST, "department"))
                messages.success(request, "服务承诺已公布")
            elif action == "check":
                services.commitment_check(
                    by=staff, commitment_id=forms.required_int(request.POST, "commitment", "承诺"),
                    checked_on=forms.optional_date(request.POST, "checked_on"), kept=request.POST.get("kept") == "1",
                    evidence=request.POST.get("evidence", ""))
                messages.success(request, "检查结果已登记")
            elif action == "withdraw":
                services.commitment_withdraw(
                    by=staff, commitment_id=forms.required_int(request.POST, "commitment", "承诺"),
                    on=forms.optional_date(request.POST, "on"), reason=request.POST.get("reason", ""))
                messages.success(request, "承诺已停止")
            else:
                raise DomainError("action_invalid", "未知操作", field="action")
        except DomainError as exc:
            return _commitments_page(request, staff, error=exc)
        return redirect("appraisal:commitments")
    return _commitments_page(request, staff)


# -- staff development ----------------------------------------------------------------------------------------


def _training_page(request: HttpRequest, staff: Any, *, error: DomainError | None = None) -> HttpResponse:
    regions = sel.viewer_regions(staff)
    region = next((r for r in regions if r.code == request.GET.get("region", "")), regions[0] if regions else None)
    rows = sel.window_roster(region) if region is not None else []
    today = local_date()
    first = today.replace(day=1)
    missing = sel.missing_diary_days(region, first, today - timedelta(days=1)) if region is not None else []
    return render(request, "appraisal/training.html", {
        "regions": regions, "region": region, "rows": rows, "flagged": sum(bool(r.flags) for r in rows),
        "kinds": TRAINING_LABELS.items(), "runs": bool(sel.admin_regions(staff)), "error": error,
        "missing": Counter(m.staff_name for m in missing).most_common(), "month_first": first},
        status=error.status if error else 200)


@login_required
def training(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    if request.method == "POST":
        if (denied := _admin_only(request, staff)) is not None:
            return denied
        try:
            region_id = forms.required_int(request.POST, "region", "区划")
            if request.POST.get("action") == "qualification":
                services.qualification_record(
                    by=staff, region_id=region_id, staff_id=forms.optional_int(request.POST, "staff"),
                    name=request.POST.get("name", ""), certificate_number=request.POST.get("certificate_number", ""),
                    obtained_on=forms.optional_date(request.POST, "obtained_on"),
                    valid_until=forms.optional_date(request.POST, "valid_until"))
                messages.success(request, "资格已登记")
            else:
                services.training_record(
                    by=staff, region_id=region_id, staff_id=forms.optional_int(request.POST, "staff"),
                    kind=request.POST.get("kind", ""), title=request.POST.get("title", ""),
                    completed_on=forms.optional_date(request.POST, "completed_on"),
                    hours=request.POST.get("hours", ""))
                messages.success(request, "培训已登记")
        except DomainError as exc:
            return _training_page(request, staff, error=exc)
        return redirect("appraisal:training")
    return _training_page(request, staff)


def _diary_page(request: HttpRequest, staff: Any, *, error: DomainError | None = None) -> HttpResponse:
    today = local_date()
    region = services.diary_region(staff)
    first = today - timedelta(days=31)
    trainings, qualifications, flags = sel.own_training(staff)
    missing = (sel.missing_diary_days(region, first, today - timedelta(days=1), staff_ids=[staff.pk])
               if region is not None else [])
    return render(request, "appraisal/diary.html", {
        "keeps_diary": region is not None, "entries": sel.diary_of(staff, first, today), "missing": missing,
        "today": today, "trainings": trainings, "qualifications": qualifications, "flags": flags, "error": error,
        "exposures": sel.exposures_naming(staff),
        "posted": request.POST if error else {}}, status=error.status if error else 200)


@login_required
def diary(request: HttpRequest) -> HttpResponse:
    """The staff member's own page: their work diary and their training record, flagged."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    if request.method == "POST":
        try:
            services.diary_write(by=staff, day=forms.optional_date(request.POST, "day"),
                                 content=request.POST.get("content", ""))
        except DomainError as exc:
            return _diary_page(request, staff, error=exc)
        messages.success(request, "工作日记已保存")
        return redirect("appraisal:diary")
    return _diary_page(request, staff)
