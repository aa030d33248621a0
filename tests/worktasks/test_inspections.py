"""Inspections and mystery visits: the plan, findings that become problems, and refusals."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.worktasks import services as s
from onewindow.worktasks.selectors import inspection_findings_per_window

from .helpers import at

pytestmark = pytest.mark.django_db


def _inspection(p, **kw):
    args = {"actor": p.admin, "region_id": p.hall.county.pk, "kind": "inspection", "title": "十月明察",
            "planned_on": date(2026, 10, 14), "window_ids": [p.hall.window.pk]}
    args.update(kw)
    return s.inspection_create(**args)


def test_finding_becomes_a_problem(people):
    insp = _inspection(people, criteria=["presence", "dress"])
    finding, problem = s.finding_record(actor=people.admin, inspection_id=insp.pk, criterion="presence",
                                        note="01窗口无人", window_id=people.hall.window.pk, at=at(2026, 10, 14))
    assert problem.source == "inspection"
    assert problem.finding == finding
    assert problem.window == people.hall.window
    assert "01窗口无人" in problem.evidence
    assert inspection_findings_per_window(people.hall.county, date(2026, 10, 1), date(2026, 10, 31)) == {
        people.hall.window.pk: 1}


def test_finding_refusals(people):
    insp = _inspection(people, criteria=["presence"])
    with pytest.raises(DomainError) as e:
        s.finding_record(actor=people.admin, inspection_id=insp.pk, criterion="dress", note="x")
    assert e.value.code == "worktasks.criterion_not_planned"
    with pytest.raises(PermissionDenied):
        s.finding_record(actor=people.tax_reviewer, inspection_id=insp.pk, criterion="presence", note="x")


def test_mystery_visit_records_the_citizens_experience(people):
    visit = _inspection(people, kind="mystery", title="暗访办理营业执照", wait_minutes=45,
                        answers="窗口称需先到三楼咨询", visits_needed=2)
    assert (visit.kind, visit.wait_minutes, visit.visits_needed) == ("mystery", 45, 2)
    with pytest.raises(DomainError) as e:
        _inspection(people, kind="mystery")
    assert e.value.field == "wait_minutes"


def test_inspection_refusals(people):
    with pytest.raises(DomainError) as e:
        _inspection(people, criteria=["smile"])
    assert e.value.code == "worktasks.criterion_unknown"
    with pytest.raises(DomainError) as e:
        _inspection(people, window_ids=[])
    assert e.value.code == "worktasks.windows_invalid"
    with pytest.raises(PermissionDenied):
        _inspection(people, actor=people.other_admin)
