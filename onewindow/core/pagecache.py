"""The public pages' cache: the portal's home, search and guides and the published results, as an
anonymous visitor sees them, kept for ``ONEWINDOW["PUBLIC_PAGE_SECONDS"]`` (0: off).

Why: these pages are the same for every anonymous visitor and are most of a hall's traffic at
peak (bench/http.py), yet each render lists hundreds of catalog rows through the template engine
(the home page: 700 rows, 40 ms). What keeps it safe:

- only GET/HEAD answered 200, for a request that carries no cookie but the CSRF and language
  cookies: a signed-in applicant, a member of staff or anyone with a session or a message waiting
  always gets a fresh page, and a response that sets a cookie is never kept;
- the key holds the language and the whole address with its query, host and scheme (and whether
  htmx asked for a fragment), and a generation that a catalog publication moves on (:func:`invalidate`), so a
  publication shows at once and everything else within the period;
- the CSRF token of the page (every page carries the language form) is never served to another
  visitor: the kept copy holds a placeholder, and each visitor gets a token of their own, with
  the cookie that goes with it, exactly as a rendered page gives;
- a view may refuse to be kept (``response.public_cache = False``: a search that found nothing,
  which is logged at each asking).

The cache is Django's default cache (Redis in production, see docs/operations.md).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

_GENERATION = "public-page:generation"
_PLACEHOLDER = "\x00csrf\x00"
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
# Cookies that a kept page may be served with: the CSRF secret (replaced per visitor) and the
# language (part of the key).
_NEUTRAL_COOKIES = frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})


def seconds() -> int:
    """How long a public page is kept (0: not at all)."""
    return int(settings.ONEWINDOW.get("PUBLIC_PAGE_SECONDS", 0) or 0)


def invalidate() -> None:
    """Move the generation on: every kept page is stale from now (a catalog publication)."""
    if not seconds():
        return
    try:
        cache.incr(_GENERATION)
    except ValueError:
        cache.set(_GENERATION, 1, None)


def _cacheable_request(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not set(request.COOKIES) - _NEUTRAL_COOKIES


def _key(request: HttpRequest) -> str:
    generation = cache.get_or_set(_GENERATION, 1, None)
    fragment = "f" if request.headers.get("HX-Request") else "p"
    # The host and scheme too: a page may hold absolute links, and each allowed host has its own.
    path = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"public-page:{generation}:{translation.get_language()}:{fragment}:{path}"


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve an anonymous visitor's page from the cache when it is kept there; keep it otherwise
    (see the module's docstring for when a page is and is not kept)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        period = seconds()
        if not period or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        kept = cache.get(key)
        if kept is not None:
            content_type, body = kept
            token = get_token(request)
            return HttpResponse(body.replace(_PLACEHOLDER, token), content_type=content_type)
        response = view(request, *args, **kwargs)
        if (response.status_code == 200 and not response.cookies and not response.streaming
                and getattr(response, "public_cache", True)):
            body = _TOKEN.sub(lambda m: f"{m.group(1)}{_PLACEHOLDER}{m.group(2)}", response.content.decode())
            cache.set(key, (response["Content-Type"], body), period)
        return response

    return wrapper
