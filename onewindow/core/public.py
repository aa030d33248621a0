"""Addresses on the public site, as printed on documents and sent in messages.

A certificate's QR code, a notice's verification address and a link in an SMS leave the server:
they must carry the address the public reaches it at (``PUBLIC_BASE_URL``), never the address a
request happened to come in on.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def public_base_url() -> str:
    """``PUBLIC_BASE_URL`` without a trailing slash, e.g. ``https://zwfw.example.gov.cn``.

    A local settings module written before the setting existed set ``ONEWINDOW["PUBLIC_BASE_URL"]``:
    that value still wins, so such a deployment keeps printing the address it chose.
    """
    return str(settings.ONEWINDOW.get("PUBLIC_BASE_URL") or settings.PUBLIC_BASE_URL).rstrip("/")


def public_url(view_name: str, *args: object) -> str:
    """The absolute public address of a named view: ``public_url("documents:verify_number", n)``."""
    return public_base_url() + reverse(view_name, args=list(args))
