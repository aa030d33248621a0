"""决定前公示: an item that asks for a publication period before its decision; the case waits for it
as a typed pause of its clock, the publication is an openness publication (masked, objections
answered before it ends), and finalizing it resumes the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onewindow.cases import services as cs
from onewindow.cases.actions import perform
from onewindow.cases.events import EventKind
from onewindow.cases.models import Case
from onewindow.core.errors import DomainError
from onewindow.core.timesource import local_date
from onewindow.openness import publication_services as ps
from onewindow.openness.models import Publication
from onewindow.workdays.clock import PUBLICITY
from tests.cases.helpers import VALID_ID, accepted_case, at, review_all

BASIS = "《最低生活保障审核确认办法》第十九条"


@pytest.fixture
def publicity_hall(hall):
    hall.item.publicity_days = 7
    hall.item.publicity_basis = BASIS
    hall.item.save()
    return hall


def _refused(code: str, call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def _started(hall) -> tuple[Case, Publication]:
    case = review_all(hall, accepted_case(hall), at(2026, 10, 12))
    case = cs.case_start_publicity(case_id=case.id, actor=hall.chief, at=at(2026, 10, 12))
    return case, Publication.objects.get(case=case)


def test_a_grant_waits_for_the_publicity(publicity_hall):
    case = review_all(publicity_hall, accepted_case(publicity_hall), at(2026, 10, 12))
    error = _refused("decision.publicity_required", cs.case_decide, case_id=case.id, actor=publicity_hall.chief,
                     grant=True, reasons="符合条件", at=at(2026, 10, 12))
    assert BASIS in error.message
    # a denial is not published first
    denied = cs.case_decide(case_id=case.id, actor=publicity_hall.chief, grant=False, reasons="收入超过标准",
                            at=at(2026, 10, 12))
    assert denied.outcome == "deny"


def test_starting_publishes_a_masked_publication_and_pauses_the_clock(publicity_hall):
    case, pub = _started(publicity_hall)
    assert case.status == "special_procedure"
    assert case.is_paused
    event = case.events.order_by("-seq").first()
    assert event.kind == EventKind.SPECIAL_PROCEDURE_STARTED
    assert event.payload["procedure"] == PUBLICITY
    assert (event.payload["publication"], event.payload["reason"]) == (pub.number, BASIS)
    assert (pub.state, pub.comment_days, pub.comment_unit, pub.published_on) == (
        "published", 7, "workdays", at(2026, 10, 12).date())
    assert event.payload["comment_ends"] == pub.comment_ends.isoformat()
    assert "张*" in pub.title
    assert "张三" not in pub.title + pub.body
    assert VALID_ID not in pub.body
    assert "13800000000" not in pub.body
    with pytest.raises(DomainError):  # paused: nothing else starts
        cs.case_start_publicity(case_id=case.id, actor=publicity_hall.chief, at=at(2026, 10, 13))


def test_no_decision_and_no_manual_end_while_it_runs(publicity_hall):
    case, _pub = _started(publicity_hall)
    _refused("decision.publicity_running", cs.case_decide, case_id=case.id, actor=publicity_hall.chief,
             grant=True, reasons="符合条件", at=at(2026, 10, 13))
    _refused("publicity.ends_with_publication", cs.case_end_special_procedure, case_id=case.id,
             actor=publicity_hall.chief, result="提前结束", at=at(2026, 10, 13))


def test_objections_are_answered_before_it_ends_then_the_clock_resumes(publicity_hall):
    hall = publicity_hall
    case, pub = _started(hall)
    objection = ps.objection_file(publication_id=pub.pk, text="该户有经营性车辆", at=at(2026, 10, 14))
    _refused("publication.comment_period_running", ps.publication_finalize, publication_id=pub.pk, actor=hall.chief,
             at=at(2026, 10, 14))
    after = pub.comment_ends + timedelta(days=1)
    _refused("publication.objections_unanswered", ps.publication_finalize, publication_id=pub.pk, actor=hall.chief,
             at=at(after.year, after.month, after.day))
    ps.objection_answer(objection_id=objection.pk, answer="经核实，车辆已于上年报废", actor=hall.chief,
                        at=at(after.year, after.month, after.day))
    ps.publication_finalize(publication_id=pub.pk, actor=hall.chief, at=at(after.year, after.month, after.day))
    case.refresh_from_db()
    assert case.status == "in_review"
    assert not case.is_paused
    ended = case.events.order_by("-seq").first()
    assert (ended.kind, ended.payload["procedure"], ended.payload["publication"]) == (
        EventKind.SPECIAL_PROCEDURE_ENDED, PUBLICITY, pub.number)
    _refused("publicity.already_started", cs.case_start_publicity, case_id=case.id, actor=hall.chief,
             at=at(after.year, after.month, after.day))
    granted = cs.case_decide(case_id=case.id, actor=hall.chief, grant=True, reasons="符合条件",
                             at=at(after.year, after.month, after.day))
    assert granted.outcome == "grant"


def test_the_paused_days_are_not_counted(publicity_hall, hall):
    case = review_all(hall, accepted_case(hall), at(2026, 10, 12))
    before = case.promised_due
    case = cs.case_start_publicity(case_id=case.id, actor=hall.chief, at=at(2026, 10, 12))
    pub = Publication.objects.get(case=case)
    end = pub.comment_ends + timedelta(days=3)
    ps.publication_finalize(publication_id=pub.pk, actor=hall.chief, at=at(end.year, end.month, end.day))
    case.refresh_from_db()
    assert case.promised_due > before


def test_a_case_publicity_cannot_be_withdrawn(publicity_hall):
    _case, pub = _started(publicity_hall)
    _refused("publication.case_publicity_fixed", ps.publication_withdraw, publication_id=pub.pk, note="误发",
             actor=publicity_hall.chief)


def test_an_item_without_publicity_refuses_it(hall):
    case = accepted_case(hall)
    _refused("publicity.not_required", cs.case_start_publicity, case_id=case.id, actor=hall.chief,
             at=at(2026, 10, 12))


def test_calendar_days_as_configured(publicity_hall):
    publicity_hall.item.publicity_calendar_days = True
    publicity_hall.item.save()
    _case, pub = _started(publicity_hall)
    assert (pub.comment_unit, pub.comment_ends) == ("calendar", at(2026, 10, 19).date())


def test_the_api_action_starts_it(publicity_hall):
    case = review_all(publicity_hall, accepted_case(publicity_hall), at(2026, 10, 12))
    case = perform("start_publicity", case_id=case.id, actor=publicity_hall.chief, params={}, at=at(2026, 10, 12))
    assert case.status == "special_procedure"
    with pytest.raises(DomainError) as caught:
        perform("start_publicity", case_id=case.id, actor=publicity_hall.chief, params={"days": 3})
    assert caught.value.code == "invalid_input"


def test_the_case_page_starts_it_and_shows_the_pause(client, publicity_hall):
    from tests.web.helpers import act, form_keys

    case = review_all(publicity_hall, accepted_case(publicity_hall), at(2026, 10, 12))
    client.force_login(publicity_hall.chief.user)
    page = client.get(f"/staff/cases/{case.number}/")
    assert "start_publicity" in form_keys(page)
    assert "依据：《最低生活保障审核确认办法》第十九条" in page.content.decode()
    assert act(client, case, "start_publicity").status_code == 302
    page = client.get(f"/staff/cases/{case.number}/")
    case.refresh_from_db()
    assert case.status == "special_procedure"
    assert page.context["clock"].paused
    keys = form_keys(page)
    assert "end_special_procedure" not in keys  # it ends with the publication
    assert "start_publicity" not in keys
    assert "决定前公示" in page.content.decode()


def test_the_system_ends_a_publicity_whose_period_ran_out_without_objections(publicity_hall):
    from onewindow.openness.publication_services import publications_end_case_publicity
    from onewindow.tasks.registry import registered_jobs

    case, pub = _started(publicity_hall)
    assert publications_end_case_publicity(now=at(2026, 10, 14)) == 0  # still running
    after = pub.comment_ends + timedelta(days=1)
    assert registered_jobs()["openness.end_case_publicity"].func(at(after.year, after.month, after.day)) == 1
    case.refresh_from_db()
    pub.refresh_from_db()
    assert (pub.state, case.status, case.is_paused) == ("finalized", "in_review", False)
    ended = case.events.order_by("-seq").first()
    assert (ended.kind, ended.actor_id) == (EventKind.SPECIAL_PROCEDURE_ENDED, None)
    assert publications_end_case_publicity(now=at(after.year, after.month, after.day)) == 0


def test_an_unanswered_objection_keeps_it_running(publicity_hall):
    from onewindow.openness.publication_services import publications_end_case_publicity

    case, pub = _started(publicity_hall)
    ps.objection_file(publication_id=pub.pk, text="有异议", at=at(2026, 10, 13))
    after = pub.comment_ends + timedelta(days=2)
    assert publications_end_case_publicity(now=at(after.year, after.month, after.day)) == 0
    case.refresh_from_db()
    assert case.status == "special_procedure"


# -- the demo: last in the module (its module-scoped load would collide with the hall's regions) --

@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import transaction
    from django.test import override_settings

    from onewindow.demo.loader import load_demo as load_demo_org
    from onewindow.openness.publicity_demo import load_demo

    keys = tmp_path_factory.mktemp("keys")
    with django_db_blocker.unblock(), override_settings(ONEWINDOW_KEY_DIR=keys), transaction.atomic():
        load_demo_org()
        line, again = load_demo(), load_demo()
        yield line, again
        transaction.set_rollback(True)


def test_the_demo_has_a_dibao_case_in_its_publicity_period(demo, db):
    line, again = demo
    assert "公示中" in line
    assert "未重复载入" in again
    pub = Publication.objects.get(case__isnull=False)
    case = Case.objects.get(pk=pub.case_id)
    assert (case.status, case.is_paused, case.item.publicity_days) == ("special_procedure", True, 7)
    assert pub.state == "published"
    assert pub.comment_ends > local_date()  # still running
    assert "韦*" in pub.title

