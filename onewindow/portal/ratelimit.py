"""A small rate limiter for public endpoints: a fixed window per client address and view.

``@rate_limited("search")`` counts requests in Django's cache under one key per (scope, client,
window) and answers **429** with ``Retry-After`` once the limit is passed: a Chinese page, or
the API's error JSON for clients that ask for JSON. The rule is
``settings.ONEWINDOW["PUBLIC_RATE_LIMIT"]`` (default ``"60/m"``), read on every request, so
tests and operators can change it without a restart; ``None`` or ``""`` turns it off.

A fixed window is the simplest scheme that holds: a client may burst to twice the limit across
a window boundary, which is fine for keeping scrapers and loops off public pages. The count is
as shared as the cache, which is the database's (table ``onewindow_cache``) or Redis
(``REDIS_URL``): one count for every worker process of the deployment.

Behind a reverse proxy every request comes from the proxy: set ``ONEWINDOW["TRUSTED_PROXIES"]``
to the number of proxies in front of the application, and the client address is read from
``X-Forwarded-For`` (that many entries from the right, the ones the proxies appended). Never
trust the header without proxies: anyone can send it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from onewindow.core.errors import DomainError

DEFAULT_RATE = "60/m"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    """``limit`` requests per ``seconds``."""

    limit: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """``"60/m"`` → 60 per minute; also ``"5/s"``, ``"1000/h"``, ``"10000/d"``, ``"100/5m"``.
    ``ValueError`` for anything else."""
    match = _RATE.match(text or "")
    if not match:
        raise ValueError(f"rate must look like '60/m' (count/[n]unit, unit s, m, h or d), not {text!r}")
    limit, multiple, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3)
    if limit < 1 or multiple < 1:
        raise ValueError(f"rate needs a positive count and period, not {text!r}")
    return Rate(limit=limit, seconds=multiple * _UNITS[unit])


def configured_rate() -> Rate | None:
    """The rule in force now, or None when limiting is off."""
    text = settings.ONEWINDOW.get("PUBLIC_RATE_LIMIT", DEFAULT_RATE)
    if text is None or str(text).strip() == "":
        return None
    try:
        return parse_rate(str(text))
    except ValueError as exc:
        raise ImproperlyConfigured(f'ONEWINDOW["PUBLIC_RATE_LIMIT"]: {exc}') from None


def client_ip(request: HttpRequest) -> str | None:
    """The client's own address: ``REMOTE_ADDR``, or with ``TRUSTED_PROXIES`` set the entry of
    ``X-Forwarded-For`` that the nearest trusted proxy appended. None if it is not an IP address.

    django-axes reads the address here too (``AXES_CLIENT_IP_CALLABLE``), so its lockouts and
    these limits see the same client behind the same proxies.
    """
    address = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(settings.ONEWINDOW.get("TRUSTED_PROXIES", 0) or 0)
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's address; IPv6 clients are grouped by their /64 network (one household or
    machine usually holds a whole /64, and could otherwise rotate addresses to dodge the limit)."""
    address = client_ip(request) or request.META.get("REMOTE_ADDR", "") or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:1.2.3.4 is the IPv4 client 1.2.3.4
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends


def _window(scope: str, client: str, rate: Rate, at: float) -> tuple[str, int]:
    """The cache key of the current window and the seconds until it ends."""
    window = int(at // rate.seconds)
    retry_after = max(1, math.ceil((window + 1) * rate.seconds - at))
    digest = hashlib.blake2s(f"{scope}\x00{client}".encode(), digest_size=12).hexdigest()
    return f"onewindow:ratelimit:{digest}:{rate.seconds}:{window}", retry_after


def peek(scope: str, client: str, rate: Rate, *, at: float | None = None) -> Verdict:
    """Whether ``client`` is still within ``rate`` in ``scope``, without counting a request
    (for limits that count only failures: see :func:`check` to count one)."""
    key, retry_after = _window(scope, client, rate, time.time() if at is None else at)
    count = int(cache.get(key, 0) or 0)
    return Verdict(allowed=count < rate.limit, count=count, limit=rate.limit, retry_after=retry_after)


def check(scope: str, client: str, rate: Rate, *, at: float | None = None) -> Verdict:
    """Count one request of ``client`` to ``scope`` in the current window of ``rate``."""
    at = time.time() if at is None else at
    key, retry_after = _window(scope, client, rate, at)
    # The key outlives its window by a little, so a slow request never resets a live count.
    cache.add(key, 0, timeout=rate.seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=rate.seconds + 5)
        count = 1
    return Verdict(allowed=count <= rate.limit, count=count, limit=rate.limit, retry_after=retry_after)


class RateLimited(DomainError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__("rate_limited", f"请求过于频繁，请{retry_after}秒后再试", field=None)
        self.retry_after = retry_after


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)


def too_many_requests(request: HttpRequest, error: RateLimited) -> HttpResponse:
    """The 429 answer: the API's error shape for JSON clients, else a page in Chinese."""
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"error": error.as_dict()}, status=error.status)
    else:
        response = render(request, "portal/rate_limited.html", {"error": error}, status=error.status)
    response["Retry-After"] = str(error.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(scope: str | None = None) -> Callable:
    """Decorate a public view: at most ``PUBLIC_RATE_LIMIT`` requests per client and window.
    ``scope`` names the bucket (default: the view's dotted name), so views count separately."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        name = scope or f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            rate = configured_rate()
            if rate is not None:
                verdict = check(name, client_address(request), rate)
                if not verdict.allowed:
                    return too_many_requests(request, RateLimited(verdict.retry_after))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
