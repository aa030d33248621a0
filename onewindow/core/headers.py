"""Response headers every page gets: a Content-Security-Policy, and ``no-store`` where personal data is.

**CSP.** Scripts only from this site's own files (htmx and the workbench's script): no inline
script, no ``eval``, no CDN — so an HTML injection that slipped past escaping could not run.
Styles likewise come from files; a view whose markup carries inline styles it cannot avoid (pygal's
SVG charts, the API's Swagger UI) is marked with :func:`allow_inline_styles`, which relaxes only
``style-src`` and only for that response. htmx's own injected indicator style is switched off by
the ``htmx-config`` meta tag in ``base.html`` (its rule is in ``core/site.css``). A response that
sets its own policy (an uploaded file's ``sandbox``) keeps it.

**Cache-Control.** Hall PCs are shared: a page seen by one applicant or clerk must not come back
from the browser's cache (or the back button) for the next person. Every response to a logged-in
user, and every response under the staff, online, admin and API paths (an applicant's progress
page needs no login but shows their case) is ``Cache-Control: no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERSONAL_PREFIXES = ("/staff/", "/online/", "/admin/", "/api/")


def policy(*, inline_styles: bool = False) -> str:
    """The Content-Security-Policy header's value."""
    parts = dict(POLICY)
    if inline_styles:
        parts["style-src"] = "'self' 'unsafe-inline'"
    return "; ".join(f"{name} {value}" for name, value in parts.items())


def allow_inline_styles(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let this view's page use inline ``<style>`` and ``style=""`` (never inline script)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        setattr(response, "csp_inline_styles", True)  # noqa: B010 — a marker the middleware reads
        return response

    return wrapper


def _personal(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated) or request.path.startswith(PERSONAL_PREFIXES)


class SecurityHeadersMiddleware:
    """Adds the CSP to every response and ``no-store`` to every personal one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy(inline_styles=getattr(response, "csp_inline_styles", False))
        if _personal(request) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response
