"""全程承办人: named at acceptance (whoever accepts), changed only by the chief representative with
a reason (an event each time), shown to the applicant on the progress page and in the API."""

from __future__ import annotations

import pytest

from onewindow.cases import services as s
from onewindow.cases.history import verify_case
from onewindow.cases.models import Case
from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.online.selectors import progress_of
from tests.cases.api_helpers import Api
from tests.cases.helpers import accepted_case, at, last_event, submit

pytestmark = pytest.mark.django_db


def test_whoever_accepts_answers_for_the_case_until_the_chief_names_another(hall) -> None:
    case = submit(hall)
    assert case.handler is None
    assert progress_of(case).handler == ""
    case = s.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29))
    assert case.handler == hall.clerk
    assert last_event(case).payload["handler"] == "clerk（工号 clerk）"
    case = s.case_assign_handler(case_id=case.id, actor=hall.chief, handler_id=hall.reviewer.pk,
                                 reason="由审查人员全程跟踪办理", at=at(2026, 9, 30))
    assert case.handler == hall.reviewer
    event = last_event(case)
    assert event.kind == "handler_assigned"
    assert event.payload == {"handler": "reviewer（工号 reviewer）", "previous": "clerk（工号 clerk）",
                             "reason": "由审查人员全程跟踪办理"}
    progress = progress_of(Case.objects.get(pk=case.pk))
    assert progress.handler == "reviewer（工号 reviewer）"
    assert [e.kind for e in progress.timeline][-1] == "handler_assigned"
    assert verify_case(Case.objects.get(pk=case.pk)).ok


def test_every_refusal_names_its_rule_and_writes_nothing(hall) -> None:
    case = accepted_case(hall)
    version = case.row_version

    def refused(code: str, **kw) -> None:
        with pytest.raises((DomainError, PermissionDenied)) as exc:
            s.case_assign_handler(case_id=case.id, **{"actor": hall.chief, "handler_id": hall.reviewer.pk,
                                                      "reason": "调整", "at": at(2026, 9, 30), **kw})
        assert exc.value.code == code
        assert Case.objects.get(pk=case.pk).row_version == version

    refused("handler.reason_required", reason=" ")
    refused("handler.not_candidate", handler_id=hall.outsider.pk)  # another county's clerk
    refused("handler.unchanged", handler_id=hall.clerk.pk)
    refused("forbidden.case.reassign", actor=hall.clerk)
    refused("forbidden.case.reassign", actor=hall.reviewer)
    fresh = submit(hall)
    with pytest.raises(DomainError) as exc:
        s.case_assign_handler(case_id=fresh.id, actor=hall.chief, handler_id=hall.reviewer.pk, reason="x")
    assert exc.value.code == "case.transition_refused.assign_handler"  # named at acceptance first


def test_the_api_assigns_and_the_progress_api_shows_the_handler(hall, client) -> None:
    case = accepted_case(hall)
    response = Api(client, hall.chief).post(f"/cases/{case.number}/actions/assign_handler",
                                            {"handler_id": hall.reviewer2.pk, "reason": "AB岗调整"})
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).handler == hall.reviewer2
    public = client.get("/api/v1/public/progress", {"number": case.number, "code": case.query_code})
    assert public.status_code == 200
    assert public.json()["handler"] == "reviewer2（工号 reviewer2）"
