"""A limit on failed password logins per client address, across user names.

django-axes locks one user name at one address after five failures; someone who tries one
common password against many user names (password spraying) never reaches that, and ran at 326
attempts a minute from one address. This limit counts every failed password login of an address,
whatever the user name, in the shared cache (:mod:`onewindow.portal.ratelimit`):
``ONEWINDOW["LOGIN_ADDRESS_LIMIT"]`` (default ``"30/15m"``: 30 failures in a 15-minute window;
``""`` turns it off). Past it, every login from that address — staff page and admin site alike,
a right password too — is refused with django-axes' lockout page (429) until the window ends.

The budget is generous because a hall's PCs often reach the server through one address: thirty
colleagues' typos in a quarter of an hour is a lot, a sprayer's thousands are stopped early.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest

from onewindow.portal.ratelimit import Rate, check, client_address, parse_rate, peek

DEFAULT_LOGIN_ADDRESS_RATE = "30/15m"
SCOPE = "accounts.login_failures"


def address_rate() -> Rate | None:
    """The rule in force now (read on every login, so tests and operators can change it)."""
    text = settings.ONEWINDOW.get("LOGIN_ADDRESS_LIMIT", DEFAULT_LOGIN_ADDRESS_RATE)
    if text is None or str(text).strip() == "":
        return None
    try:
        return parse_rate(str(text))
    except ValueError as exc:
        raise ImproperlyConfigured(f'ONEWINDOW["LOGIN_ADDRESS_LIMIT"]: {exc}') from None


class AddressLockoutBackend:
    """First authentication backend: refuses every password login from an address past its budget.

    It authenticates no one. Raising ``PermissionDenied`` stops Django's ``authenticate`` (which
    then reports a failed login); the flag ``axes_locked_out`` makes django-axes' middleware
    answer with its lockout page, as for a locked user name. No ``get_user``: sessions are never
    this backend's (Django picks the first backend that has one for ``force_login``).
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> None:
        rate = address_rate()
        if request is None or rate is None or password is None:
            return None
        verdict = peek(SCOPE, client_address(request), rate)
        if not verdict.allowed:
            setattr(request, "axes_locked_out", True)  # noqa: B010 — an attribute django-axes reads
            setattr(request, "address_locked_out", verdict.retry_after)  # noqa: B010 — read by the login view
            raise PermissionDenied("too many failed logins from this address")
        return None


def count_failure(sender: object, credentials: dict[str, Any], request: HttpRequest | None = None,
                  **kwargs: Any) -> None:
    """``user_login_failed`` receiver: one more failure for the request's address."""
    rate = address_rate()
    if request is None or rate is None or getattr(request, "address_locked_out", None):
        return  # a refused attempt is not counted again: the window ends when it ends
    check(SCOPE, client_address(request), rate)
