"""Public pages: no login. Thin: read the request, call a selector (or the search log's
service), render. A ``DomainError`` becomes a 4xx page with its Chinese message, never a 500."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_safe

from onewindow.catalog import selectors as catalog_selectors
from onewindow.core.errors import DomainError
from onewindow.core.pagecache import public_page

from . import selectors, services
from .ratelimit import rate_limited

# 12345 is the national government service hotline (国办发〔2020〕53号); a center sets its own.
DEFAULT_CONSULTATION_PHONE = "12345"


@require_GET
@public_page
def home(request: HttpRequest) -> HttpResponse:
    """What the center is, and its departments with their items, for people who don't know which
    item they need yet."""
    departments = catalog_selectors.public_departments()
    return render(request, "portal/home.html", {
        "center_name": settings.ONEWINDOW["CENTER_NAME"],
        "departments": departments,
        "item_count": sum(len(d.public_items) for d in departments),
        "bundles": catalog_selectors.public_bundles(),
    })


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A refusal as a page: 404 for something that does not exist, else the error's status."""
    template = "portal/not_found.html" if error.status == 404 else "portal/error.html"
    return render(request, template, {"error": error}, status=error.status)


@require_safe
@rate_limited("portal.search")
@public_page
def search(request: HttpRequest) -> HttpResponse:
    """Search items and bundles by words, pinyin initials, department or life event. A search
    that finds nothing is logged, so administrators can add the synonym it lacked."""
    q = request.GET.get("q", "").strip()
    dept = request.GET.get("dept", "").strip()
    region = request.GET.get("region", "").strip()
    context = {"q": q, "dept": dept, "region": region,
               "phone": settings.ONEWINDOW.get("CONSULTATION_PHONE", DEFAULT_CONSULTATION_PHONE)}
    try:
        page = selectors.search_page(q, region_code=region or None, department_code=dept or None)
    except DomainError as error:
        return render(request, "portal/search.html", {**context, "error": error}, status=error.status)
    missed = page.outcome.query.core and page.outcome.total == 0
    if missed:
        services.search_log_record(query=q, region=selectors.region_by_code(region))
    response = render(request, "portal/search.html", {
        **context, "outcome": page.outcome, "search_departments": page.departments,
        "dept_name": dict(page.departments).get(dept, dept),
    })
    # A search that found nothing is logged each time it is asked: never answered from the cache.
    response.public_cache = not missed
    return response


@require_safe
@rate_limited("portal.guide")
@public_page
def item_guide(request: HttpRequest, code: str, version: int | None = None) -> HttpResponse:
    """The service guide (办事指南) of an item: its current version, or an old one marked as
    superseded."""
    try:
        page = selectors.guide_page(code, version)
    except DomainError as error:
        return _error_page(request, error)
    return render(request, "portal/item_guide.html", {"page": page, "v": page.version, "item": page.item})


@require_safe
@rate_limited("portal.guide")
@public_page
def bundle_guide(request: HttpRequest, code: str) -> HttpResponse:
    """The guide of a bundle (一件事): its items, one merged material list, its limits."""
    try:
        page = selectors.bundle_page(code)
    except DomainError as error:
        return _error_page(request, error)
    return render(request, "portal/bundle_guide.html", {"page": page, "bundle": page.bundle})


@require_safe
@rate_limited("portal.download")
def material_file(request: HttpRequest, code: str, version: int, order: int, kind: str) -> HttpResponse:
    """A material's blank form or sample, as an attachment (never rendered inline)."""
    try:
        path, name = selectors.material_file(code, version, order, kind)
    except DomainError as error:
        return _error_page(request, error)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
