"""System checks of the login and cache settings: a malformed limit is found at start-up, and
``check --deploy`` warns when the limits would be counted per worker process."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from onewindow.portal.ratelimit import parse_rate

from .throttle import DEFAULT_LOGIN_ADDRESS_RATE


@register()
def check_login_address_limit(app_configs: object = None, **kwargs: object) -> list[Error]:
    text = settings.ONEWINDOW.get("LOGIN_ADDRESS_LIMIT", DEFAULT_LOGIN_ADDRESS_RATE)
    if text is None or str(text).strip() == "":
        return []
    try:
        parse_rate(str(text))
    except ValueError as exc:
        return [Error(f'ONEWINDOW["LOGIN_ADDRESS_LIMIT"] is invalid: {exc}', id="accounts.E001")]
    return []


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs: object = None, **kwargs: object) -> list[Warning]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith("LocMemCache"):
        return [Warning("The cache is per process (ONEWINDOW_CACHE=memory): with several worker processes every "
                        "rate limit and login limit is counted per worker. Use the database cache (the default) "
                        "or Redis (REDIS_URL).", id="accounts.W001")]
    return []
