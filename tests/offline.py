"""For tests that check a page loads nothing from another host (no CDN: the hall may be offline)."""

from __future__ import annotations

import re

_EXTERNAL = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""")
_CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def assert_served_from_here(html: str) -> None:
    """No ``src``/``href`` names another host, and no CDN is named anywhere else on the page."""
    assert not _EXTERNAL.search(html), "an external host on the page"
    # A CSRF token is random letters and digits: one in a few hundred spells "cdn" somewhere.
    assert "cdn" not in _CSRF_TOKEN.sub("", html).lower()
