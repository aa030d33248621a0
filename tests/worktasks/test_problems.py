"""Problems → responsibilities → rectifications: every transition an event, the 销号 by another
unit, the 回头看 that confirms or reopens, and every refusal."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.lifecycle.selectors import verify_events
from onewindow.lifecycle.services import deadlines_of
from onewindow.workdays.selectors import snapshot_for
from onewindow.worktasks import services as s
from onewindow.worktasks.models import Problem, ProblemEvent

from .helpers import at

pytestmark = pytest.mark.django_db


def _recorded(p) -> Problem:
    return s.problem_record(actor=p.admin, region_id=p.hall.county.pk, title="窗口人员脱岗", source="inspection",
                            evidence="照片两张", campaign="作风整治", at=at(2026, 10, 12))


def _submitted(p) -> Problem:
    pr = _recorded(p)
    s.problem_act(actor=p.admin, problem_id=pr.pk, action="assign", department_id=p.tax.pk,
                  responsible_id=p.tax_reviewer.pk, at=at(2026, 10, 12))
    pr = s.problem_act(actor=p.tax_reviewer, problem_id=pr.pk, action="plan", measures="建立AB岗", due_workdays=10,
                       at=at(2026, 10, 12))
    s.problem_act(actor=p.tax_reviewer, problem_id=pr.pk, action="progress", note="已制定制度", at=at(2026, 10, 14))
    return s.problem_act(actor=p.tax_reviewer, problem_id=pr.pk, action="submit", note="整改完成",
                         at=at(2026, 10, 20))


def test_full_lifecycle_with_recheck_reopen(people):
    pr = _submitted(people)
    assert pr.state == "submitted"
    assert pr.due_on == snapshot_for(people.hall.county.code).add_workdays(date(2026, 10, 12), 10)
    assert deadlines_of("problem", pr.pk)[0].state == "closed"
    pr = s.problem_act(actor=people.gsj_chief, problem_id=pr.pk, action="verify", note="现场核验，照片", at=at(2026, 10, 21))
    assert (pr.state, pr.verified_by, pr.recheck_on) == ("closed", people.gsj_chief, date(2027, 1, 21))
    pr = s.problem_act(actor=people.admin, problem_id=pr.pk, action="reopen", note="回头看发现反弹", due_workdays=5,
                       at=at(2027, 1, 21))
    assert (pr.state, pr.reopened_count, pr.verified_by) == ("rectifying", 1, None)
    [row] = deadlines_of("problem", pr.pk)
    assert (row.state, row.due_on) == ("open", pr.due_on)
    kinds = list(ProblemEvent.objects.filter(problem=pr).order_by("seq").values_list("kind", flat=True))
    assert kinds == ["recorded", "assign", "plan", "progress", "submit", "verify", "reopen"]
    assert verify_events(ProblemEvent.objects.filter(problem=pr).order_by("seq"), pr.number) == []


def test_recheck_pass_confirms(people):
    pr = _submitted(people)
    s.problem_act(actor=people.admin, problem_id=pr.pk, action="verify", note="核验通过", at=at(2026, 10, 21))
    pr = s.problem_act(actor=people.supervisor, problem_id=pr.pk, action="recheck_pass", note="未反弹",
                       at=at(2027, 1, 21))
    assert pr.state == "confirmed"
    with pytest.raises(DomainError) as e:
        s.problem_act(actor=people.admin, problem_id=pr.pk, action="reopen", note="x", due_workdays=5)
    assert e.value.code == "problem.transition_refused.reopen"


def test_self_verification_refused(people):
    pr = _submitted(people)
    with pytest.raises(DomainError) as e:
        s.problem_act(actor=people.tax_chief, problem_id=pr.pk, action="verify", note="自己核验")
    assert (e.value.code, e.value.field) == ("worktasks.self_verification", "actor")
    assert Problem.objects.get(pk=pr.pk).state == "submitted"


def test_reject_sends_back(people):
    pr = _submitted(people)
    pr = s.problem_act(actor=people.admin, problem_id=pr.pk, action="reject", note="证据不足", at=at(2026, 10, 21))
    assert pr.state == "rectifying"
    assert deadlines_of("problem", pr.pk)[0].state == "open"


def test_refusals(people):
    pr = _recorded(people)
    with pytest.raises(DomainError) as e:
        s.problem_act(actor=people.admin, problem_id=pr.pk, action="verify", note="x")
    assert e.value.code == "problem.transition_refused.verify"
    with pytest.raises(NotFound):
        s.problem_act(actor=people.admin, problem_id=pr.pk, action="delete")
    with pytest.raises(DomainError) as e:
        s.problem_act(actor=people.admin, problem_id=pr.pk, action="assign", department_id=people.tax.pk)
    assert e.value.code == "worktasks.responsible_required"
    with pytest.raises(PermissionDenied):
        s.problem_act(actor=people.other_admin, problem_id=pr.pk, action="assign", department_id=people.tax.pk,
                      responsible_id=people.tax_reviewer.pk)
    s.problem_act(actor=people.admin, problem_id=pr.pk, action="assign", department_id=people.tax.pk,
                  responsible_id=people.tax_reviewer.pk)
    with pytest.raises(PermissionDenied):  # another unit cannot plan this unit's rectification
        s.problem_act(actor=people.gsj_reviewer, problem_id=pr.pk, action="plan", measures="x", due_workdays=5)
    with pytest.raises(DomainError) as e:
        s.problem_act(actor=people.tax_reviewer, problem_id=pr.pk, action="plan", measures="x")
    assert e.value.code == "worktasks.due_required"
    with pytest.raises(Conflict):
        s.problem_act(actor=people.tax_reviewer, problem_id=pr.pk, action="plan", measures="x", due_workdays=5,
                      row_version=1)


def test_bad_source_refused(people):
    with pytest.raises(DomainError) as e:
        s.problem_record(actor=people.admin, region_id=people.hall.county.pk, title="x", source="rumour",
                         evidence="y")
    assert e.value.field == "source"
    with pytest.raises(DomainError) as e:
        s.problem_record(actor=people.admin, region_id=people.hall.county.pk, title="x", source="audit", evidence="")
    assert e.value.code == "worktasks.evidence_required"
