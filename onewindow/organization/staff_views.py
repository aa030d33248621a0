"""The shape every staff page of an app shares: logged in, with a staff record, and a refusal
(permission, not found) shown as the app's own 4xx page rather than a 500."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.core.errors import NotFound, PermissionDenied

from .permissions import staff_of

StaffView = Callable[..., HttpResponse]


def staff_view(template: str, *, key: str = "reason", not_staff: str = "该账户不是工作人员") -> Callable[[StaffView], StaffView]:
    """Decorate ``view(request, staff, *args)``: a login that is not staff gets ``template`` with
    ``not_staff`` (403); a :class:`PermissionDenied` or :class:`NotFound` the view raises gets it
    with the error's message and status. ``key`` names the message in the template's context."""

    def decorate(func: StaffView) -> StaffView:
        @login_required
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            staff = staff_of(request.user)
            if staff is None:
                return render(request, template, {key: not_staff}, status=403)
            try:
                return func(request, staff, *args, **kwargs)
            except (PermissionDenied, NotFound) as exc:
                return render(request, template, {key: exc.message}, status=exc.status)

        return wrapper

    return decorate
