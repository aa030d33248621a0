"""Staff pages of the calendar: the deadline calculator, publishing a year, a year's grid.

Thin: read the request, call a selector or a service, render. The calculator works without
JavaScript (a GET form); with htmx only the result is swapped in.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onewindow.core.errors import DomainError
from onewindow.core.timesource import local_date
from onewindow.organization.models import Region
from onewindow.organization.permissions import Action, can, staff_of

from . import selectors, services
from .deadline import DeadlineInputError, answer, parse_start, parse_workdays
from .grid import deadline_grids, year_grids
from .importers import FormProblem, parse_form
from .rules import FIRST_YEAR, LAST_YEAR, expand


def _can_publish_national(request: HttpRequest) -> bool:
    staff = staff_of(request.user)
    return staff is not None and can(staff, Action.CALENDAR_PUBLISH, region=staff.region)


@login_required
@require_http_methods(["GET"])
def calculator(request: HttpRequest) -> HttpResponse:
    """Start date + working days (+ region) → due date, explanation and the months involved."""
    staff = staff_of(request.user)
    default_region = staff.region.code if staff is not None else ""
    asked = "start" in request.GET or "workdays" in request.GET
    form = {
        "start": request.GET.get("start", local_date().isoformat()),
        "workdays": request.GET.get("workdays", "20"),
        "region": request.GET.get("region", default_region) if asked else default_region,
    }
    errors: dict[str, str] = {}
    result = None
    grids = []
    region_name = ""
    if asked:
        try:
            start = parse_start(form["start"])
            n = parse_workdays(form["workdays"])
            snapshot = selectors.snapshot_for(form["region"] or None)
            result = answer(snapshot, start, n)
            grids = deadline_grids(snapshot, start, result.due, today=local_date())
            if form["region"]:
                region_name = Region.objects.filter(code=form["region"]).values_list("name", flat=True).first() or ""
        except DeadlineInputError as exc:
            errors[exc.field] = exc.message
        except DomainError as exc:
            errors[exc.field or "region"] = exc.message
    lines = [] if result is None else (result.text_en if (get_language() or "").startswith("en") else result.text_zh)
    context = {
        "form": form, "errors": errors, "result": result, "grids": grids, "region_name": region_name,
        "explanation_lines": lines,
        "calendar_year": result.start.year if result else local_date().year,
        "regions": selectors.region_choices(), "can_publish": _can_publish_national(request),
    }
    template = "workdays/_deadline_result.html" if request.htmx else "workdays/calculator.html"
    return render(request, template, context, status=400 if errors and not request.htmx else 200)


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest) -> HttpResponse:
    """A center administrator enters the State Council notice: preview the twelve months, then publish."""
    if not _can_publish_national(request):
        return render(request, "workdays/forbidden.html", status=403)
    today = local_date()
    data = request.POST if request.method == "POST" else {}
    form = {
        "year": data.get("year", str(today.year + 1)),
        "notice": data.get("notice", ""),
        "holidays": data.get("holidays", ""),
        "makeup_workdays": data.get("makeup_workdays", ""),
        "replace": data.get("replace") == "on",
    }
    problems = []
    grids = []
    parsed = None
    if request.method == "POST":
        parsed, problems = parse_form(form["year"], form["notice"], form["holidays"], form["makeup_workdays"])
        if parsed is not None and not problems:
            if data.get("action") == "publish":
                try:
                    change = services.calendar_publish_year(
                        actor=staff_of(request.user), year=parsed.year, holidays=parsed.holidays,
                        makeup_workdays=parsed.makeup_workdays, notice=parsed.notice, replace=form["replace"])
                except DomainError as exc:
                    problems = [_problem(exc.field or "year", exc.message)]
                else:
                    if change is None:
                        messages.info(request, _("Nothing changed: the published arrangement is the same."))
                    else:
                        messages.success(request, _("Published %(year)s (calendar version %(version)s).")
                                         % {"year": parsed.year, "version": change.number})
                    return redirect(reverse("workdays:year", args=[parsed.year]))
            snapshot = selectors.preview_snapshot(parsed.year, expand(parsed.holidays, parsed.makeup_workdays))
            grids = year_grids(snapshot, parsed.year, today=today)
    by_field: dict[str, list[str]] = {}
    for p in problems:
        by_field.setdefault(p.field, []).append(str(p))
    published = {p.year for p in selectors.published_years()}
    context = {"form": form, "problems": problems, "by_field": by_field, "grids": grids, "parsed": parsed,
               "already_published": parsed is not None and parsed.year in published,
               "published_years": sorted(published)}
    return render(request, "workdays/publish.html", context, status=400 if problems else 200)


def _problem(field: str, message: str) -> FormProblem:
    return FormProblem(field, 0, message)


@login_required
@require_http_methods(["GET"])
def year(request: HttpRequest, year: int) -> HttpResponse:
    """A year's twelve months on a region's effective calendar, its publication and local days."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return redirect(reverse("workdays:year", args=[local_date().year]))
    staff = staff_of(request.user)
    region_code = request.GET.get("region", staff.region.code if staff is not None else "")
    try:
        snapshot = selectors.snapshot_for(region_code or None)
    except DomainError as exc:
        messages.error(request, exc.message)
        region_code = ""
        snapshot = selectors.snapshot_for(None)
    region = Region.objects.filter(code=region_code).first() if region_code else None
    in_range = snapshot.first.year <= year <= snapshot.last.year
    publications = [p for p in selectors.published_years() if p.year == year]
    overrides = [o for o in selectors.overrides_of(region_code) if o.day.year == year] if region else []
    context = {
        "year": year, "region": region, "region_code": region_code, "grids": year_grids(snapshot, year, today=local_date())
        if in_range else [], "publication": publications[0] if publications else None,
        "provisional": year not in snapshot.published_years, "overrides": overrides,
        "changes": selectors.recent_changes(region_code or None, limit=15),
        "can_override": region is not None and staff is not None and can(staff, Action.CALENDAR_PUBLISH, region=region),
        "can_publish": _can_publish_national(request), "regions": selectors.region_choices(),
        "version": snapshot.version, "today": local_date(),
    }
    return render(request, "workdays/year.html", context)


def _back_to_year(request: HttpRequest, day: date | None, region_code: str) -> HttpResponse:
    target = day.year if day else local_date().year
    return redirect(reverse("workdays:year", args=[target]) + f"?region={region_code}")


@login_required
@require_POST
def override_add(request: HttpRequest) -> HttpResponse:
    """Set a region's own holiday or extra working day."""
    region_code = request.POST.get("region", "")
    try:
        day = parse_start(request.POST.get("day"))
    except DeadlineInputError:
        messages.error(request, _("Enter the day as YYYY-MM-DD."))
        return _back_to_year(request, None, region_code)
    try:
        change = services.calendar_override_day(actor=staff_of(request.user), region_code=region_code, day=day,
                                                kind=request.POST.get("kind", ""), name=request.POST.get("name", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if change is not None:
            messages.success(request, _("Saved (calendar version %(version)s).") % {"version": change.number})
    return _back_to_year(request, day, region_code)


@login_required
@require_POST
def override_remove(request: HttpRequest) -> HttpResponse:
    """Remove a region's own day."""
    region_code = request.POST.get("region", "")
    try:
        day = parse_start(request.POST.get("day"))
    except DeadlineInputError:
        messages.error(request, _("Enter the day as YYYY-MM-DD."))
        return _back_to_year(request, None, region_code)
    try:
        change = services.calendar_remove_override(actor=staff_of(request.user), region_code=region_code, day=day)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if change is not None:
            messages.success(request, _("Removed (calendar version %(version)s).") % {"version": change.number})
    return _back_to_year(request, day, region_code)
