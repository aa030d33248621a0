"""Public pages: no login."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from onewindow.catalog import selectors as catalog_selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What the center is, and its departments with their items, for people who don't know which
    item they need yet."""
    departments = catalog_selectors.public_departments()
    return render(request, "portal/home.html", {
        "center_name": settings.ONEWINDOW["CENTER_NAME"],
        "departments": departments,
        "item_count": sum(len(d.public_items) for d in departments),
    })
