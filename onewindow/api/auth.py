"""Who is calling the API (DESIGN.md §5): a staff member, by bearer token or by browser session.

Use ``auth=staff_auth`` on a staff-only operation or router, then :func:`request_staff` inside
it. ``request.auth`` is the ``accounts.User``.

- ``Authorization: Bearer ow_…``: a token from ``manage.py create_api_token``. A token that is
  presented but unknown, expired or revoked is a 401 at once; it never falls back to the session,
  so a broken integration is noticed instead of working by accident in a logged-in browser.
- The Django session cookie: staff logged in to the workbench may call the API from the page.
  Unsafe methods need the CSRF token (``X-CSRFToken`` header), as for any Django form.

A login without a staff record (an applicant) is refused with 403, not 401: it is known, just
not allowed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from onewindow.accounts.services import api_token_use
from onewindow.core.errors import PermissionDenied
from onewindow.organization.models import Staff
from onewindow.organization.permissions import staff_of


def _staff_user(user: Any) -> Any:
    """The user if it is an active staff login; 403 for an active login that is not staff."""
    if user is None or not getattr(user, "is_active", False):
        return None
    if staff_of(user) is None:
        raise PermissionDenied("该账户不是工作人员，不能使用工作人员接口", code="forbidden.not_staff")
    return user


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` → the staff login that owns the token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_use(token=token.strip())
        if user is None:
            # Raising (rather than returning None) stops the other methods: see the module doc.
            raise AuthenticationError()
        return _staff_user(user)


class StaffSessionAuth(APIKeyCookie):
    """The workbench session cookie → its staff login, with Django's CSRF check on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, to answer in the API's error shape

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if key and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise PermissionDenied("CSRF 校验失败，请刷新页面后重试", code="csrf_failed")
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if not key or user is None or not user.is_authenticated:
            return None
        return _staff_user(user)


staff_auth = [ApiTokenAuth(), StaffSessionAuth()]


def request_staff(request: HttpRequest) -> Staff:
    """The Staff record of the authenticated caller of a ``staff_auth`` operation."""
    staff = staff_of(getattr(request, "auth", None))
    if staff is None:  # only reachable if an operation forgot auth=staff_auth
        raise PermissionDenied("该账户不是工作人员，不能使用工作人员接口", code="forbidden.not_staff")
    return staff
