"""Objections, decisions and publication: deadline on the kernel, department heads only, frozen
once published, history chained."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from onewindow.assessment.models import Assessment, Objection
from onewindow.assessment.rules import SubjectKind, ranks_with_ties
from onewindow.assessment.services import (
    ManualEntry,
    assessment_publish,
    assessment_score,
    objection_decide,
    objection_raise,
)
from onewindow.assessment.subjects import ASSESSMENT_SUBJECT
from onewindow.core.errors import Conflict, DomainError, PermissionDenied
from onewindow.core.timesource import SHANGHAI
from onewindow.lifecycle.registry import subject
from onewindow.lifecycle.services import deadlines_of
from onewindow.organization.rules import Role

from .helpers import D, window_scheme

SCORED_AT = datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)  # Tuesday; + 5 working days = Tuesday 8 Dec


@pytest.fixture
def draft(two_counties):
    county = two_counties.a
    window_scheme(county)
    county.market_window.departments.set([county.market])
    assessment = assessment_score(by=county.staff[Role.CENTER_ADMIN], region=county.region,
                                  subject_kind=SubjectKind.WINDOW, period="2026-11", at=SCORED_AT,
                                  manual=[ManualEntry(county.market_window.id, "inspection", 2, ("督查记录",))])
    line = assessment.scores.get(subject_id=county.market_window.id).lines.get()
    return county, assessment, line


def raise_(county, line, *, who=Role.CHIEF_REPRESENTATIVE, day=date(2026, 12, 8), by=None):
    return objection_raise(by=by or county.staff[who], line_id=line.id, reason="该问题已当场整改",
                           at=datetime(day.year, day.month, day.day, 17, tzinfo=SHANGHAI))


def test_the_objection_deadline_is_a_kernel_row_in_working_days(draft):
    _county, assessment, _line = draft
    assert assessment.objection_due == date(2026, 12, 8)
    [row] = deadlines_of(ASSESSMENT_SUBJECT, assessment.id)
    assert (row.due_on, row.state) == (date(2026, 12, 8), "open")


def test_objection_accepted_strikes_the_line_and_rescores(draft):
    county, assessment, line = draft
    score = line.score
    assert score.total == D(96)
    objection = raise_(county, line)
    objection_decide(by=county.staff[Role.CENTER_ADMIN], objection_id=objection.id, accept=True, reason="核实属实")
    score.refresh_from_db()
    line.refresh_from_db()
    assert line.struck
    assert (score.total, score.grade) == (D(100), "excellent")


def test_objection_rejected_keeps_the_score(draft):
    county, _assessment, line = draft
    objection = raise_(county, line)
    objection_decide(by=county.staff[Role.CENTER_ADMIN], objection_id=objection.id, accept=False, reason="证据不足")
    line.score.refresh_from_db()
    assert line.score.total == D(96)
    assert Objection.objects.get().state == "rejected"
    with pytest.raises(Conflict) as e:
        objection_decide(by=county.staff[Role.CENTER_ADMIN], objection_id=objection.id, accept=True, reason="再议")
    assert e.value.code == "objection_decided"


def test_objection_after_the_deadline_is_refused(draft):
    county, _assessment, line = draft
    with pytest.raises(DomainError) as e:
        raise_(county, line, day=date(2026, 12, 9))
    assert (e.value.code, e.value.status) == ("objection_after_deadline", 400)
    assert not Objection.objects.exists()


@pytest.mark.parametrize("who", [Role.CLERK, Role.REVIEWER, Role.SUPERVISOR])
def test_objection_from_outside_the_subjects_department_heads_is_refused(draft, who):
    county, _assessment, line = draft
    with pytest.raises(PermissionDenied) as e:
        raise_(county, line, who=who)
    assert e.value.code == "objection_outside_department"


def test_another_countys_chief_cannot_object(draft, two_counties):
    county, _assessment, line = draft
    with pytest.raises(PermissionDenied):
        raise_(county, line, by=two_counties.b.staff[Role.CHIEF_REPRESENTATIVE])


def test_only_the_administrator_decides(draft):
    county, _assessment, line = draft
    objection = raise_(county, line)
    with pytest.raises(PermissionDenied):
        objection_decide(by=county.staff[Role.CHIEF_REPRESENTATIVE], objection_id=objection.id, accept=True,
                         reason="自己采纳")


def test_publish_waits_for_pending_objections_then_freezes(draft):
    county, assessment, line = draft
    admin = county.staff[Role.CENTER_ADMIN]
    objection = raise_(county, line)
    with pytest.raises(DomainError) as e:
        assessment_publish(by=admin, assessment_id=assessment.id)
    assert e.value.code == "objections_pending"
    objection_decide(by=admin, objection_id=objection.id, accept=False, reason="证据不足")
    assessment_publish(by=admin, assessment_id=assessment.id)
    assert Assessment.objects.get().state == "published"
    [row] = deadlines_of(ASSESSMENT_SUBJECT, assessment.id)
    assert row.state == "closed"
    for attempt in (lambda: raise_(county, line, day=date(2026, 12, 2)),
                    lambda: assessment_publish(by=admin, assessment_id=assessment.id)):
        with pytest.raises(Conflict) as e:
            attempt()
        assert e.value.code == "assessment_published"


def test_the_history_is_a_verified_chain(draft):
    county, assessment, line = draft
    admin = county.staff[Role.CENTER_ADMIN]
    objection = raise_(county, line)
    objection_decide(by=admin, objection_id=objection.id, accept=True, reason="核实属实")
    assessment_publish(by=admin, assessment_id=assessment.id)
    assert list(assessment.events.values_list("kind", flat=True)) == ["scored", "objected", "accepted", "published"]
    [report] = subject(ASSESSMENT_SUBJECT).verify(None)
    assert report.ok


def test_ranks_share_ties():
    assert ranks_with_ties([D(90), D(100), D(90), D(80)]) == [2, 1, 2, 4]
