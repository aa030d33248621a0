"""The rate limit of certificate verification, shared by the page ``/verify/<number>`` and the API.

Certificate numbers are sequential, so an unlimited page lets anyone walk every certificate of
the center (holder names are masked, but which numbers exist, for what, and when is itself data).
Both ways in count in one bucket per client address on the portal's limiter
(``ONEWINDOW["PUBLIC_RATE_LIMIT"]``, default ``"60/m"``; the address as ``TRUSTED_PROXIES`` says),
so alternating between them does not double the rate.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from onewindow.portal.ratelimit import RateLimited, check, client_address, configured_rate, too_many_requests

VERIFY_SCOPE = "documents.verify"


def verify_limited(request: HttpRequest) -> HttpResponse | None:
    """Count one verification by this client; the 429 answer (with Retry-After) once over the limit."""
    rate = configured_rate()
    if rate is None:
        return None
    verdict = check(VERIFY_SCOPE, client_address(request), rate)
    if verdict.allowed:
        return None
    return too_many_requests(request, RateLimited(verdict.retry_after))
