"""The rate limit of rating writes (a rating, a follow-up): the portal's limiter
(:mod:`onewindow.portal.ratelimit`, counts in the shared cache — the database's or Redis — per
client address), in a bucket of its own, shared by ``POST /api/v1/ratings`` and the public rating
forms, so a script cannot try case numbers and query codes or flood the results through either.

The rule is ``settings.ONEWINDOW["FEEDBACK_RATING_RATE"]`` (default ``"10/m"``), read on every
request; ``None`` or ``""`` turns it off."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from onewindow.portal.ratelimit import RateLimited, check, client_address, parse_rate, too_many_requests

RATING_SCOPE = "feedback.ratings"
DEFAULT_RATING_RATE = "10/m"


def rating_limited(request: HttpRequest) -> HttpResponse | None:
    """Count one rating write of this client; the 429 answer (``rate_limited``, ``Retry-After``:
    the API's error JSON, or the Chinese page) once over the limit, else None."""
    text = settings.ONEWINDOW.get("FEEDBACK_RATING_RATE", DEFAULT_RATING_RATE)
    if text is None or str(text).strip() == "":
        return None
    try:
        rate = parse_rate(str(text))
    except ValueError as exc:
        raise ImproperlyConfigured(f'ONEWINDOW["FEEDBACK_RATING_RATE"]: {exc}') from None
    verdict = check(RATING_SCOPE, client_address(request), rate)
    return None if verdict.allowed else too_many_requests(request, RateLimited(verdict.retry_after))
