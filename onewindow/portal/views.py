"""Public pages: no login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.catalog import selectors as catalog_selectors


def home(request: HttpRequest) -> HttpResponse:
    """Departments with their items, for people who don't know which item they need yet."""
    return render(request, "portal/home.html", {"departments": catalog_selectors.public_departments()})
