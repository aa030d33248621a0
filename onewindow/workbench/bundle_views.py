"""Staff pages of one-thing bundles (一件事): the window's intake of a bundle (one form, the
situations, one checklist), the list of applications, and an application's page — its children
with their states, its history, the acceptance review of its children in one form, the one
supplement, the combined notices and the one delivery.

Thin, as every view here: the services decide; a refusal comes back as a message (the page shows
how things stand now), never a 500. An application the user may not see is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.cases import bundle_selectors
from onewindow.cases.bundle_services import (
    ChildDecision,
    bundle_apply,
    bundle_deliver,
    bundle_review,
    bundle_supplement,
)
from onewindow.cases.materials import outstanding_of, terms_of
from onewindow.cases.models import BundleApplication, Case
from onewindow.catalog.models import Bundle
from onewindow.catalog.rules import DELIVERY_METHOD_LABELS
from onewindow.core.errors import DomainError, NotFound
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import can, reaches, staff_of
from onewindow.organization.rules import Role

from . import forms, selectors

_INTAKE_REFUSED = "只有窗口工作人员和代办员可以收件"


def _not_staff(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/not_staff.html", status=403)


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "workbench/forbidden.html", {"reason": reason}, status=403)


def _application(staff: Staff, number: str) -> BundleApplication:
    try:
        return bundle_selectors.bundle_for(staff, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _bundles_for_intake(staff: Staff) -> list[Bundle]:
    regions = {r.region_code for r in reaches(staff) if r.role in selectors.INTAKE_ROLES}
    return list(Bundle.objects.filter(region__code__in=regions).select_related("lead_department").order_by("code"))


def _intake_context(staff: Staff, guide: Any, form: forms.IntakeForm) -> dict[str, Any]:
    return {"guide": guide, "bundle": guide.bundle, "form": form, "windows": selectors.intake_windows(staff),
            "id_types": forms.id_type_choices(), "kinds": Case.ApplicantKind.choices,
            "states": {"received": "已收", "missing": "缺少", "not_applicable": "不适用"}}


@login_required
@require_http_methods(["GET", "POST"])
def bundle_intake(request: HttpRequest) -> HttpResponse:
    """一件事收件: choose the bundle and the applicant's situations, then one form and one checklist
    for every item that applies; one application, one child case per item."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    if not selectors.may_take_in(staff):
        return _forbidden(request, _INTAKE_REFUSED)
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("code", "").strip()
    if not code:
        return render(request, "workbench/bundle_intake.html", {"bundles": _bundles_for_intake(staff)})
    try:
        guide = bundle_selectors.bundle_guide(code, source.getlist("situations"))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.method == "GET":
        form = forms.blank_bundle_intake(guide)
        windows = selectors.intake_windows(staff)
        if len(windows) == 1:
            form.values["window_number"] = windows[0].number
        return render(request, "workbench/bundle_intake.html", _intake_context(staff, guide, form))
    form = forms.read_bundle_intake(request.POST, guide)
    if not form.has_errors:
        try:
            app = bundle_apply(actor=staff, bundle_code=guide.bundle.code, applicant=forms.applicant_of(form),
                               situations=guide.chosen_situations, materials=forms.checklist_of(form),
                               channel=_channel(staff), window_number=form.values.get("window_number") or None)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"一件事申请 {app.number} 已收件，共 {app.children.count()} 个子办件。")
            return redirect("workbench:bundle", number=app.number)
    return render(request, "workbench/bundle_intake.html", _intake_context(staff, guide, form), status=400)


def _channel(staff: Staff) -> str:
    """A proxy agent files on the applicant's behalf (代办); everyone else at a window."""
    roles = {r.role for r in reaches(staff)}
    return Case.Channel.PROXY if Role.PROXY_AGENT in roles and Role.CLERK not in roles else Case.Channel.WINDOW


@login_required
@require_GET
def bundles(request: HttpRequest) -> HttpResponse:
    """一件事申请: the applications the staff member may see, newest first."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    return render(request, "workbench/bundles.html", {
        "applications": list(bundle_selectors.visible_bundles(staff)[:200]),
        "may_take_in": selectors.may_take_in(staff)})


def _review_rows(staff: Staff, view: bundle_selectors.BundleView) -> list[dict[str, Any]]:
    """The children awaiting their acceptance decision, with what is missing and whether this
    staff member may decide it."""
    rows = []
    for child in view.to_review:
        case = child.case
        missing = list(outstanding_of(case).missing)
        rows.append({"child": child, "missing": missing,
                     "materials": [t.name for t in terms_of(case) if t.from_applicant],
                     "may": can(staff, Perm.CASE_ACCEPT, region=case.region, department=case.department, item=case.item)})
    return rows


@login_required
@require_GET
def bundle_page(request: HttpRequest, number: str) -> HttpResponse:
    """An application: its children and their states, its history, the forms of what is lawful now."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    app = _application(staff, number)
    view = bundle_selectors.bundle_view(app)
    lead = {"region": app.region, "department": app.lead_department}
    return render(request, "workbench/bundle.html", {
        "app": app, "view": view, "review_rows": _review_rows(staff, view),
        "may_supplement": view.open_notice is not None and can(staff, Perm.CASE_SUBMIT, **lead),
        "may_deliver": app.status == "awaiting_delivery" and can(staff, Perm.CASE_DELIVER, **lead),
        "delivery_methods": list(DELIVERY_METHOD_LABELS.items()),
    })


def _done(request: HttpRequest, app: BundleApplication, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("workbench:bundle", number=app.number)


def _refused(request: HttpRequest, app: BundleApplication, exc: DomainError) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect("workbench:bundle", number=app.number)


@login_required
@require_POST
def bundle_review_view(request: HttpRequest, number: str) -> HttpResponse:
    """受理审查: the decision on each child still awaiting it, in one form."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    app = _application(staff, number)
    decisions = []
    for child in app.children.filter(status="submitted").order_by("pk"):
        action = request.POST.get(f"d-{child.number}-action", "")
        if action in ("accept", "request_supplement"):
            decisions.append(ChildDecision(child.number, action,
                                           tuple(m for m in request.POST.getlist(f"d-{child.number}-materials") if m),
                                           request.POST.get(f"d-{child.number}-note", "").strip()))
    try:
        app = bundle_review(application_id=app.pk, actor=staff, decisions=decisions)
    except DomainError as exc:
        return _refused(request, app, exc)
    text = "受理审查已记录。"
    if app.status == "awaiting_supplement":
        text += f"已出具一件事补正告知书 {bundle_selectors.notices_of(app)[-1].number}，一次性告知申请人。"
    return _done(request, app, text)


@login_required
@require_POST
def bundle_supplement_view(request: HttpRequest, number: str) -> HttpResponse:
    """补正 at the window: what the combined notice listed, each material once, for every child."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    app = _application(staff, number)
    try:
        bundle_supplement(application_id=app.pk, actor=staff, materials=request.POST.getlist("materials"))
    except DomainError as exc:
        return _refused(request, app, exc)
    return _done(request, app, "补正材料已登记，各子办件重新计算受理期限。")


@login_required
@require_POST
def bundle_deliver_view(request: HttpRequest, number: str) -> HttpResponse:
    """统一送达: every result at once."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    app = _application(staff, number)
    try:
        app = bundle_deliver(application_id=app.pk, actor=staff, method=request.POST.get("method", ""),
                             tracking_number=request.POST.get("tracking_number", "").strip(),
                             note=request.POST.get("note", "").strip())
    except DomainError as exc:
        return _refused(request, app, exc)
    return _done(request, app, "办理结果已统一送达，一件事办结。" if app.status == "concluded" else "办理结果已统一送达。")


@login_required
@require_GET
def bundle_notice(request: HttpRequest, number: str, no: int) -> HttpResponse:
    """一件事补正告知书, printable."""
    staff = staff_of(request.user)
    if staff is None:
        return _not_staff(request)
    app = _application(staff, number)
    try:
        notice = bundle_selectors.notice_of(app, no)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "workbench/bundle_notice.html", {"app": app, "notice": notice})
