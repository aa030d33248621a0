"""Staff pages to create plans, tasks, problems and inspections (beside the import), the
campaigns (phases, written reports owed and handed in, experience visits, the notice's schedule),
the stored files (a report, a photo), and the public notice of a campaign.

Thin: read the form, call a selector or a service, render or redirect with a message naming the
refusal."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.core import filecrypt
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import local_date
from onewindow.core.uploads import stored_file_response
from onewindow.organization.models import Department, Region, Staff, Window

from . import rules as r
from . import selectors as sel
from . import services as svc
from .models import Campaign, CampaignReport, FindingPhoto, Inspection
from .permissions import Perm, can, visible_q
from .views import _BASE, _int, _plan, _staff_view


def _date(value: Any, field: str, what: str, *, required: bool = True) -> date | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise DomainError(f"worktasks.{field}_required", f"请填写{what}", field=field)
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError("worktasks.date_invalid", f"{what}须为日期，例如 2026-10-12", field=field) from None


def _region_of(staff: Staff, code: str | None) -> Region:
    region = Region.objects.filter(code=code).first() if code else staff.region
    if region is None:
        raise DomainError("worktasks.region_required", "请选择区划", field="region")
    return region


def _departments(region: Region) -> Any:
    return Department.objects.filter(region__code__startswith=region.prefix).order_by("name")


# -- create pages ------------------------------------------------------------------------------------


@require_POST
@_staff_view
def plan_new(request: HttpRequest, staff: Staff) -> HttpResponse:
    post = request.POST
    try:
        plan = svc.plan_create(actor=staff, region_id=_region_of(staff, post.get("region")).pk,
                               title=post.get("title", ""), year=_int(post.get("year")) or local_date().year)
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{_BASE}:home")
    messages.success(request, "已创建工作计划")
    return redirect(f"{_BASE}:plan", pk=plan.pk)


@_staff_view
def task_new(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """A task of the plan, the six 定 on one form (one responsible unit a line: unit and owner)."""
    plan = _plan(staff, pk)
    if not can(staff, Perm.PLAN_MANAGE, region=plan.region):
        return render(request, "worktasks/forbidden.html", {"reason": "您没有管理工作计划的权限"}, status=403)
    post = request.POST
    if request.method == "POST":
        try:
            units = [svc.UnitInput(int(d), (post.get(f"owner-{d}") or "").strip())
                     for d in post.getlist("units") if str(d).isdigit()]
            task = svc.task_create(
                actor=staff, plan_id=plan.pk, title=post.get("title", ""), lead_id=_int(post.get("lead")),
                units=units, starts_on=_date(post.get("starts_on"), "starts_on", "起始日") or local_date(),
                due_workdays=_int(post.get("due_workdays")),
                due_on=_date(post.get("due_on"), "due_on", "完成时限", required=False),
                parent_id=_int(post.get("parent")), code=post.get("code", ""),
                deliverable=post.get("deliverable", ""), standard=post.get("standard", ""),
                measures=post.get("measures", ""))
            messages.success(request, f"已创建任务 {task.number}")
            return redirect(f"{_BASE}:task", pk=task.pk)
        except PermissionDenied:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "worktasks/task_new.html", {
        "plan": plan, "departments": _departments(plan.region), "tasks": plan.tasks.order_by("id"),
        "today": local_date(), "post": post}, status=400 if request.method == "POST" else 200)


@require_POST
@_staff_view
def problem_new(request: HttpRequest, staff: Staff) -> HttpResponse:
    post = request.POST
    try:
        problem = svc.problem_record(
            actor=staff, region_id=_region_of(staff, post.get("region")).pk, title=post.get("title", ""),
            source=post.get("source", ""), evidence=post.get("evidence", ""),
            campaign_id=_int(post.get("campaign")))
    except PermissionDenied:
        raise
    except (DomainError, NotFound) as exc:
        messages.error(request, exc.message)
        return redirect(f"{_BASE}:problems")
    messages.success(request, f"已登记问题 {problem.number}")
    return redirect(f"{_BASE}:problem", pk=problem.pk)


@require_POST
@_staff_view
def inspection_new(request: HttpRequest, staff: Staff) -> HttpResponse:
    """An inspection, a mystery visit or an experience visit, then its checklist."""
    post = request.POST
    try:
        inspection = svc.inspection_create(
            actor=staff, region_id=_region_of(staff, post.get("region")).pk, kind=post.get("kind", ""),
            title=post.get("title", ""),
            planned_on=_date(post.get("planned_on"), "planned_on", "日期", required=False),
            window_ids=[int(w) for w in post.getlist("windows") if str(w).isdigit()],
            criteria=post.getlist("criteria") or None, wait_minutes=_int(post.get("wait_minutes")),
            answers=post.get("answers", ""), visits_needed=_int(post.get("visits_needed")),
            campaign_id=_int(post.get("campaign")), applied_for=post.get("applied_for", ""))
    except PermissionDenied:
        raise
    except (DomainError, NotFound) as exc:
        messages.error(request, exc.message)
        return redirect(post.get("back") if post.get("back", "").startswith("/staff/") else f"{_BASE}:home")
    messages.success(request, "已保存")
    return redirect(f"{_BASE}:checklist", pk=inspection.pk)


# -- campaigns ---------------------------------------------------------------------------------------


@_staff_view
def campaigns(request: HttpRequest, staff: Staff) -> HttpResponse:
    region = staff.region
    return render(request, "worktasks/campaigns.html", {
        "campaigns": sel.campaigns_visible(staff), "phases": r.SEED_003_PHASES,
        "can_manage": region is not None and can(staff, Perm.CAMPAIGN_MANAGE, region=region)})


@require_POST
@_staff_view
def campaign_new(request: HttpRequest, staff: Staff) -> HttpResponse:
    """A campaign and its phases (one a line: name, start, end; blank lines skipped)."""
    post = request.POST
    try:
        phases = []
        for name, first, last in zip(post.getlist("phase_name"), post.getlist("phase_from"),
                                     post.getlist("phase_to"), strict=False):
            if name.strip():
                phases.append(svc.PhaseInput(name, _date(first, "phases", f"阶段“{name}”的开始日期"),
                                             _date(last, "phases", f"阶段“{name}”的结束日期")))
        campaign = svc.campaign_create(
            actor=staff, region_id=_region_of(staff, post.get("region")).pk, title=post.get("title", ""),
            starts_on=_date(post.get("starts_on"), "starts_on", "开始日期", required=False),
            ends_on=_date(post.get("ends_on"), "ends_on", "结束日期", required=False), phases=phases,
            publish_from=_date(post.get("publish_from"), "publish_from", "公示日期", required=False))
    except PermissionDenied:
        raise
    except (DomainError, NotFound) as exc:
        messages.error(request, exc.message)
        return redirect(f"{_BASE}:campaigns")
    messages.success(request, f"已创建专项行动 {campaign.number}")
    return redirect(f"{_BASE}:campaign", pk=campaign.pk)


def _campaign(staff: Staff, pk: int) -> Campaign:
    campaign = sel.campaigns_visible(staff).filter(pk=pk).first()
    if campaign is None:
        raise NotFound("专项行动不存在", code="campaign.not_found")
    return campaign


@_staff_view
def campaign_page(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    campaign = _campaign(staff, pk)
    today = local_date()
    region = campaign.region
    reports = list(campaign.reports.select_related("department").order_by("due_on", "department__name"))
    return render(request, "worktasks/campaign.html", {
        "campaign": campaign, "today": today, "phases": campaign.phases.order_by("order"),
        "current": {p.pk for p in sel.current_phases(campaign, today)},
        "reports": [(rep, sel.report_is_late(rep, today),
                     rep.submitted_at is None and can(staff, Perm.TASK_REPORT, region=region,
                                                      department=rep.department_id)) for rep in reports],
        "problems": campaign.problems.select_related("department").order_by("id"),
        "visits": campaign.visits.order_by("-planned_on"), "events": campaign.events.order_by("seq"),
        "published": campaign.publish_from is not None and campaign.publish_from <= today,
        "can_manage": can(staff, Perm.CAMPAIGN_MANAGE, region=region),
        "can_inspect": can(staff, Perm.INSPECT, region=region),
        "departments": _departments(region),
        "windows": Window.objects.filter(region__code__startswith=region.prefix).order_by("number"),
        "criteria": list(r.CRITERIA.items())})


@require_POST
@_staff_view
def campaign_act(request: HttpRequest, staff: Staff, pk: int, action: str) -> HttpResponse:
    campaign = _campaign(staff, pk)
    post = request.POST
    try:
        if action == "schedule":
            svc.campaign_schedule_notice(
                actor=staff, campaign_id=campaign.pk, note=post.get("note", ""),
                publish_from=_date(post.get("publish_from"), "publish_from", "公示日期", required=False))
        elif action == "require":
            svc.campaign_require_reports(
                actor=staff, campaign_id=campaign.pk, title=post.get("title", ""),
                due_on=_date(post.get("due_on"), "due_on", "报送时限"),
                department_ids=[int(d) for d in post.getlist("departments") if str(d).isdigit()])
        elif action == "submit":
            report = campaign.reports.filter(pk=_int(post.get("report")) or 0).first()
            if report is None:
                raise DomainError("worktasks.report_required", "请选择要报送的材料", field="report")
            svc.campaign_report_submit(actor=staff, report_id=report.pk, text=post.get("text", ""),
                                       attachment=request.FILES.get("attachment"))
        else:
            raise NotFound("没有这种操作", code="campaign.action_unknown")
        messages.success(request, "已保存")
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{_BASE}:campaign", pk=campaign.pk)


def _read(stored: Any) -> bytes:
    """A stored file's plaintext (the storage opens the sealed file); one missing from the media
    store (restored database, lost volume) is "not found", not a server error; one that does not
    decrypt raises :class:`filecrypt.StoredFileRefused` (logged)."""
    try:
        with stored.open("rb") as fh:
            return fh.read()
    except OSError:
        raise NotFound("文件不存在或已丢失", code="file.missing") from None


@_staff_view
def report_file(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """A written report as handed in (an attachment in a sandbox, as every stored upload)."""
    report = CampaignReport.objects.filter(pk=pk, campaign__in=sel.campaigns_visible(staff)).first()
    if report is None or not report.attachment:
        raise NotFound("文件不存在", code="campaign_report.not_found")
    try:
        data = _read(report.attachment)
    except filecrypt.StoredFileRefused as exc:
        return filecrypt.refused_response(exc)
    return stored_file_response(data, content_type=report.attachment_type or "application/octet-stream",
                                name=f"{report.department.name}-{report.title}.{report.attachment.name.rsplit('.', 1)[-1]}")


@_staff_view
def photo(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """A finding's photo (the problem page shows it in an ``img``; served like every stored upload)."""
    found = FindingPhoto.objects.filter(
        pk=pk, finding__inspection__in=Inspection.objects.filter(visible_q(staff))).first()
    if found is None:
        raise NotFound("照片不存在", code="photo.not_found")
    try:
        data = _read(found.file)
    except filecrypt.StoredFileRefused as exc:
        return filecrypt.refused_response(exc)
    return stored_file_response(data, content_type=found.content_type, name=found.original_name or "photo")


# -- the public notice -------------------------------------------------------------------------------


def public_notices(request: HttpRequest) -> HttpResponse:
    """公示: the campaigns whose notice is up."""
    return render(request, "worktasks/public_notices.html", {"campaigns": sel.published_campaigns(local_date())})


def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign's problems and their rectification status, without personal data; not found
    before its publication day."""
    notice = sel.public_notice(pk, local_date())
    if notice is None:
        raise Http404("没有这项公示")
    campaign, lines = notice
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.status] = counts.get(line.status, 0) + 1
    return render(request, "worktasks/public_notice.html", {
        "campaign": campaign, "lines": lines, "counts": sorted(counts.items()),
        "phases": campaign.phases.order_by("order")})
