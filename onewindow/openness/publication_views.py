"""Pages of publicity: the staff schedule (due, late, in comment period), a publication's page with
its actions, and the public list with the objection form."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import local_date
from onewindow.organization.models import Department, Region, Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import can
from onewindow.organization.rules import RegionLevel
from onewindow.portal.ratelimit import rate_limited

from . import catalogue_rules as cr
from . import publication_selectors as sel
from . import publication_services as ps
from .catalogue_rules import CATEGORY_LABELS, COMMENT_CATEGORIES, SUBJECTS, Category
from .models import Publication
from .publication_rules import KIND_LABELS, STATE_LABELS, TABLE, UNIT_LABELS, Action, State
from .views import _staff_view

PAGE_SIZE = 50
CATALOGUE_PAGE_SIZE = 20


def _int(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() else 0


def _day(value: str | None, field: str, label: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"publication.{field}_invalid", f"{label}格式应为 YYYY-MM-DD", field=field) from None


def _query(params: dict[str, str]) -> str:
    """The filters as a query string for the paging links."""
    return urlencode({k: v for k, v in params.items() if v})


@_staff_view
def staff_schedule(request: HttpRequest, staff: Staff) -> HttpResponse:
    """公开编排: a summary by state and the late ones first, then the filtered, paged schedule; the
    form to schedule a publication (its catalogue entry with it)."""
    today = local_date()
    filters = {name: request.GET.get(name, "").strip()[:40] for name in ("state", "category", "department", "late", "q")}
    mine = sel.schedule_for(staff)
    qs = sel.filter_schedule(mine, state=filters["state"], category=filters["category"],
                             department=_int(filters["department"]) or None, late=filters["late"] == "1",
                             q=filters["q"], today=today).order_by("due_on", "id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(p, sel.is_late(p, today), KIND_LABELS[p.kind], STATE_LABELS[State(p.state)],
             CATEGORY_LABELS.get(Category(p.category), p.category)) for p in page]
    summary = sel.schedule_summary(mine, today)
    departments = Department.objects.filter(region__has_center=True, region__in=staff_regions(staff)).order_by(
        "region__code", "order")
    context: dict[str, Any] = {
        "rows": rows, "page": page, "filters": filters, "query": _query(filters), "kinds": KIND_LABELS.items(),
        "units": UNIT_LABELS.items(), "states": STATE_LABELS, "late": summary["late"],
        "summary": [(STATE_LABELS[s], s.value, summary[s.value]) for s in State],
        "categories": CATEGORY_LABELS.items(), "subjects": SUBJECTS.items(), "departments": departments,
        "villages": Region.objects.filter(level=RegionLevel.VILLAGE,
                                          code__startswith=staff.region.prefix).order_by("code"),
        "values": {}}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("department", "title", "kind", "category", "subject",
                                                        "doc_number", "made_on", "due_on", "village", "comment_days",
                                                        "comment_unit", "body")}
        context["values"] = values
        try:
            pub = ps.publication_schedule(
                department_id=_int(values["department"]), title=values["title"], kind=values["kind"],
                body=values["body"], comment_days=_int(values["comment_days"]), comment_unit=values["comment_unit"],
                due_on=_day(values["due_on"], "due_on", "应发布日期"), category=values["category"] or "notice",
                subject=values["subject"], doc_number=values["doc_number"],
                made_on=_day(values["made_on"], "made_on", "形成或变更日期"),
                village_id=_int(values["village"]) or None, actor=staff)
        except DomainError as exc:
            if isinstance(exc, NotFound) and exc.code != "department.not_found":
                raise
            return render(request, "openness/staff_schedule.html", context | {"error": exc}, status=exc.status)
        messages.success(request, f"已编排公示 {pub.number}")
        return redirect("openness:staff_publication", pub.pk)
    return render(request, "openness/staff_schedule.html", context)


def staff_regions(staff: Staff) -> list[int]:
    """The regions of the staff member's postings (the departments a schedule form offers)."""
    return list(staff.postings.values_list("region_id", flat=True).distinct()) or [staff.region_id]


@_staff_view
def staff_publication(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    pub = sel.schedule_for(staff).filter(pk=pk).first()
    if pub is None:
        raise NotFound("公示不存在", code="publication.not_found")
    return render(request, "openness/staff_publication.html", _context(staff, pub))


def _context(staff: Staff, pub: Publication) -> dict[str, Any]:
    category = Category(pub.category)
    actions = [(a.value, TABLE.move(a).label) for a in TABLE.actions_from(State(pub.state))
               if not (a == Action.FINALIZE and not pub.comment_days)]  # nothing to close without a period
    if pub.state in (State.PUBLISHED, State.FINALIZED) and not Publication.objects.filter(revises=pub).exists():
        actions.append(("revise", "变更信息"))
    reviewers = Staff.objects.filter(postings__department=pub.department, postings__role="chief_representative") \
        .exclude(pk__in=[pub.author_id, staff.pk]).distinct()
    return {"pub": pub, "actions": actions, "reviewers": reviewers, "late": sel.is_late(pub),
            "state_label": STATE_LABELS[State(pub.state)], "kind_label": KIND_LABELS[pub.kind],
            "unit_label": UNIT_LABELS[pub.comment_unit], "objections": pub.objections.all(),
            "events": pub.events.order_by("seq"), "category_label": CATEGORY_LABELS[category],
            "subject_label": SUBJECTS.get(pub.subject, ""), "legal_basis": cr.legal_basis(category),
            "missing": sel.missing(pub), "today": local_date()}


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
    "revise": lambda pk, staff, post: ps.publication_revise(
        publication_id=pk, actor=staff, changed_on=_day(post.get("changed_on"), "changed_on", "变更日期") or local_date(),
        title=post.get("title", ""), body=post.get("body", "")),
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
        elif action == "revise":
            revision = _RUN["revise"](pk, staff, request.POST)
            messages.success(request, f"已编排变更版本 {revision.number}")
            return redirect("openness:staff_publication", revision.pk)
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


@_staff_view
def staff_quality(request: HttpRequest, staff: Staff) -> HttpResponse:
    """公开质量审计 for supervisors: a summary of the scope first (totals, on-time rate, counts by problem
    and by department), then the late, overdue, incomplete and withdrawn publications, filtered and
    paged."""
    if not can(staff, Perm.SUPERVISION_VIEW, region=staff.region):
        raise PermissionDenied("公开质量审计仅限电子监察员和中心管理员查看", code="forbidden.supervision.view")
    filters = {name: request.GET.get(name, "").strip()[:40] for name in ("problem", "department", "category", "year")}
    year = _int(filters["year"])
    summary, rows = sel.quality(sel.schedule_for(staff), problem=filters["problem"] if filters["problem"] in
                                sel.PROBLEM_LABELS else "", department=_int(filters["department"]) or None,
                                category=filters["category"], year=year if 2000 <= year <= 2100 else None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    departments = Department.objects.filter(region__has_center=True, region__in=staff_regions(staff)).order_by(
        "region__code", "order")
    return render(request, "openness/staff_quality.html", {
        "summary": summary, "page": page, "filters": filters, "query": _query(filters),
        "problems": sel.PROBLEM_LABELS.items(), "categories": CATEGORY_LABELS.items(), "departments": departments,
        "category_labels": {c.value: label for c, label in CATEGORY_LABELS.items()}})


@rate_limited("openness.publications")
def public_publications(request: HttpRequest) -> HttpResponse:
    """公示公告: what invites objections (notices, village affairs), newest first."""
    rows = sel.public_publications().filter(category__in=[c.value for c in COMMENT_CATEGORIES])[:200]
    return render(request, "openness/publications.html", {"rows": rows, "kinds": KIND_LABELS,
                                                          "states": STATE_LABELS, "today": local_date()})


@rate_limited("openness.publications")
def public_catalogue(request: HttpRequest) -> HttpResponse:
    """主动公开目录: every published document with its index number, searchable by words, agency,
    category, subject class, year and village; paged."""
    filters = {name: request.GET.get(name, "").strip()[:40]
               for name in ("q", "department", "category", "subject", "year", "village")}
    year = _int(filters["year"])
    qs = sel.public_publications(q=filters["q"], department=filters["department"], category=filters["category"],
                                 subject=filters["subject"], year=year if 2000 <= year <= 2100 else None,
                                 village=filters["village"])
    page = Paginator(qs, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "openness/catalogue.html", {
        "page": page, "filters": filters, "query": _query(filters), "total": page.paginator.count,
        "categories": CATEGORY_LABELS.items(), "subjects": SUBJECTS.items(),
        "category_labels": {c.value: label for c, label in CATEGORY_LABELS.items()},
        "departments": Department.objects.filter(id__in=Publication.objects.filter(state__in=sel.PUBLISHED)
                                                 .values("department_id")).order_by("region__code", "order"),
        "villages": Region.objects.filter(id__in=Publication.objects.filter(state__in=sel.PUBLISHED)
                                          .values("village_id")).order_by("code")})


@rate_limited("openness.publications")
def public_publication(request: HttpRequest, number: str) -> HttpResponse:
    try:
        pub = sel.public_publication(number)
    except DomainError as exc:
        return render(request, "openness/error.html", {"message": exc.message}, status=exc.status)
    context: dict[str, Any] = {"pub": pub, "kind_label": KIND_LABELS[pub.kind], "today": local_date(),
                               "category_label": CATEGORY_LABELS[Category(pub.category)],
                               "subject_label": SUBJECTS.get(pub.subject, ""), "newer": sel.current_version(pub),
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
