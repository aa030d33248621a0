"""Cases and moments the feedback tests build on (the ``hall`` county of tests/cases)."""

from __future__ import annotations

from datetime import datetime

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from tests.cases.helpers import Hall, at

# Mon 2026-10-12 … : the week after the National Day holiday (a make-up Saturday on 10-10).
RATED_AT = at(2026, 10, 12)


def concluded_case(hall: Hall, when: datetime | None = None) -> Case:
    """An instant case received and concluded on the spot at window 01 by the hall's clerk."""
    when = when or at(2026, 10, 12, 9)
    case = case_services.case_submit(
        actor=hall.clerk, item_code=hall.instant_item.implementation_code, applicant=hall.applicant(),
        materials=hall.checklist(item=hall.instant_item), window_number="01", at=when)
    return case_services.case_conclude_instant(case_id=case.id, actor=hall.clerk, at=when, result="准予")


def open_case(hall: Hall) -> Case:
    """A committed case only submitted (not concluded)."""
    return case_services.case_submit(
        actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
        materials=hall.checklist(), window_number="01", at=at(2026, 10, 12, 9))


def bad_rating(hall: Hall, when: datetime | None = None):
    """A 不满意 rating of a concluded case on its progress page: its rectification opens."""
    from onewindow.feedback.services import rating_submit

    case = concluded_case(hall)
    return rating_submit(level="dissatisfied", reasons=["attitude"], comment="态度生硬", channel="progress",
                         case_number=case.number, query_code=case.query_code, at=when or at(2026, 10, 12, 15))


class Api:
    """A staff member's API client (bearer token), or an anonymous one (``staff=None``)."""

    def __init__(self, client, staff=None) -> None:
        from onewindow.accounts.services import api_token_issue

        self.client = client
        self.auth = ({"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(username=staff.user.username).token}"}
                     if staff is not None else {})

    def post(self, path: str, body: dict | None = None, key: str | None = None):
        import json

        extra = dict(self.auth)
        if key:
            extra["HTTP_IDEMPOTENCY_KEY"] = key
        return self.client.post(f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json",
                                **extra)

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", **self.auth)



def conforms(document: dict, path: str, method: str, response) -> None:
    """The answer's status is declared for the operation in the OpenAPI document, and an error
    answer has the documented error shape."""
    responses = document["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, (path, method, response.status_code)
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "field"}
