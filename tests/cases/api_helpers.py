"""The case API as a staff member calls it, and the bodies the API tests send."""

from __future__ import annotations

import json

from onewindow.accounts.services import api_token_issue
from onewindow.organization.rules import Role

from .helpers import VALID_ID, at, hall_staff


class Api:
    """A staff member's API client: ``post(path, body, key=…)`` and ``get(path)``."""

    def __init__(self, client, staff) -> None:
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=staff.user.username).token}"}

    def post(self, path: str, body: dict | None = None, key: str | None = None):
        extra = dict(self.auth)
        if key:
            extra["HTTP_IDEMPOTENCY_KEY"] = key
        return self.client.post(f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json",
                                **extra)

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", **self.auth)


def submission(hall, **overrides) -> dict:
    """A window submission of the hall's committed item with every material received."""
    body = {
        "item_code": hall.item.implementation_code,
        "applicant": {"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": VALID_ID,
                      "phone": "13800000000"},
        "materials": [{"name": n, "state": "received"}
                      for n in hall.item.current_version.materials.values_list("name", flat=True)],
        "window_number": "01",
    }
    body.update(overrides)
    return body


def center_admin(hall):
    """The county's center administrator (who may import histories)."""
    return hall_staff("centeradmin", hall.county, None, Role.CENTER_ADMIN)


def history(hall, *events) -> dict:
    """A historical case to import: the submission, when and by whom, and its events."""
    return {**submission(hall), "submitted_at": at(2026, 9, 28).isoformat(), "submitted_by": "clerk",
            "events": list(events)}
