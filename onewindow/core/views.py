"""Operational endpoints."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _is_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and hasattr(user, "staff"))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database status when the database answers, 503 when it does not.

    Anonymous callers (a load balancer) learn only ok or error: the database's vendor and the
    error's class help an attacker choose an exploit, so only a staff login sees them.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db: dict[str, str] = {"status": "ok"}
        status = 200
    except Exception as exc:  # any driver error means "not healthy", never a 500 page
        db = {"status": "error", "error": exc.__class__.__name__}
        status = 503
    if _is_staff(request):
        db["vendor"] = connection.vendor
    else:
        db.pop("error", None)
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": db}, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A failed CSRF check (CSRF_FAILURE_VIEW): the site's own page in the user's language, saying
    what to do, instead of Django's page that asks to set DEBUG=True. ``reason`` is for logs only."""
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", request=request))
