"""What the staff journeys share: the demo password the journeys set, and logging in by the form."""

from __future__ import annotations

PASSWORD = "Yunxi-journey-2026"


def log_in(page, username: str) -> None:
    """Log in on the staff login form with :data:`PASSWORD`."""
    page.goto("/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/staff/")
