"""System checks of the portal's settings: a malformed rate limit is found at start-up, not on
the first public request."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from .ratelimit import DEFAULT_RATE, parse_rate


@register()
def check_rate_limit(app_configs: object = None, **kwargs: object) -> list[Error]:
    text = settings.ONEWINDOW.get("PUBLIC_RATE_LIMIT", DEFAULT_RATE)
    if text is None or str(text).strip() == "":
        return []
    try:
        parse_rate(str(text))
    except ValueError as exc:
        return [Error(f'ONEWINDOW["PUBLIC_RATE_LIMIT"] is invalid: {exc}', id="portal.E001")]
    return []
