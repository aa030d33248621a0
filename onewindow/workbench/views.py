"""Staff pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.organization import selectors as org_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Who you are: your postings, windows, roles and authorizations."""
    return render(request, "workbench/home.html", {"me": org_selectors.staff_profile(request.user)})
