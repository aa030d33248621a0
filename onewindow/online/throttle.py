"""Rate limits of the public online endpoints, on the portal's fixed-window limiter.

The progress lookup has its own, stricter rule (``ONEWINDOW["PROGRESS_RATE_LIMIT"]``, default
``"10/m"`` per client address), shared by the page and the API so alternating between them does
not double it: a query code is guessed only by trying, and trying is what this limits.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from onewindow.portal.ratelimit import Rate, RateLimited, check, client_address, parse_rate, too_many_requests

DEFAULT_PROGRESS_RATE = "10/m"
PROGRESS_SCOPE = "online.progress"


def progress_rate() -> Rate | None:
    text = settings.ONEWINDOW.get("PROGRESS_RATE_LIMIT", DEFAULT_PROGRESS_RATE)
    if text is None or str(text).strip() == "":
        return None
    try:
        return parse_rate(str(text))
    except ValueError as exc:
        raise ImproperlyConfigured(f'ONEWINDOW["PROGRESS_RATE_LIMIT"]: {exc}') from None


def progress_limited(request: HttpRequest) -> HttpResponse | None:
    """Count one progress lookup of this client; the 429 answer (with Retry-After) once over."""
    rate = progress_rate()
    if rate is None:
        return None
    verdict = check(PROGRESS_SCOPE, client_address(request), rate)
    if verdict.allowed:
        return None
    return too_many_requests(request, RateLimited(verdict.retry_after))
