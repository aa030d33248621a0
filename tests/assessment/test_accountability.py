"""Accountability records (问责, issue 20 item 4): an efficiency warning or a complaint found true
leads to a measure proposed by a supervisor, the person's statement, and the decision of an
approver who is neither; a decided record counts in the assessment and is on the person's page."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

import pytest

from onewindow.assessment import facts
from onewindow.assessment.accountability_selectors import ACCOUNTABILITY_SUBJECT
from onewindow.assessment.accountability_services import (
    accountability_decide,
    accountability_propose,
    accountability_state,
    accountability_withdraw,
)
from onewindow.core.errors import Conflict, DomainError, PermissionDenied
from onewindow.core.timesource import SHANGHAI
from onewindow.feedback.models import WorkOrder
from onewindow.lifecycle.models import Deadline
from onewindow.lifecycle.registry import subject
from onewindow.organization.models import Posting
from onewindow.organization.rules import Role
from onewindow.supervision.models import EfficiencyWarning

_n = count(1)
PROPOSED_AT = datetime(2026, 11, 16, 10, tzinfo=SHANGHAI)  # Monday; + 3 working days = Thursday 19 Nov


def at(d: date, hour: int = 10) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def warning_to(county, staff) -> EfficiencyWarning:
    return EfficiencyWarning.objects.create(number=f"GJ-2026-{next(_n):03d}", region=county.region, staff=staff,
                                            reason="擅自离岗两次", basis="效能建设规定第八条",
                                            issued_by=county.staff[Role.SUPERVISOR], issued_at=at(date(2026, 11, 10)))


def complaint_about(county, staff, *, substantiated: bool | None = True) -> WorkOrder:
    day = date(2026, 11, 12)
    return WorkOrder.objects.create(number=f"TS{next(_n):04d}", region=county.region, kind="complaint",
                                    source="window", handling="written", topic="态度生硬", content="态度生硬",
                                    about_staff=staff, department=county.market, received_at=at(day),
                                    answer_due=day, answered_at=at(day, 15), substantiated=substantiated)


def propose(county, *, warning=None, complaint=None, measure="talk", by=None):
    clerk = county.staff[Role.CLERK]
    return accountability_propose(by=by or county.staff[Role.SUPERVISOR], region=county.region, staff_id=clerk.pk,
                                  measure=measure, facts="11月两次擅自离岗", basis="效能建设规定第八条",
                                  efficiency_warning_id=warning.pk if warning else None,
                                  complaint_id=complaint.pk if complaint else None, at=PROPOSED_AT)


@pytest.fixture
def county(two_counties):
    return two_counties.a


def test_proposed_stated_decided_counted_and_chained(county):
    clerk, admin = county.staff[Role.CLERK], county.staff[Role.CENTER_ADMIN]
    record = propose(county, warning=warning_to(county, clerk))
    assert record.number == "云溪问〔2026〕0001号"
    assert record.state == "proposed"
    assert record.statement_due == date(2026, 11, 19)
    row = Deadline.objects.get(subject_type=ACCOUNTABILITY_SUBJECT, subject_id=record.pk)
    assert (row.key, row.due_on, row.state) == ("statement", date(2026, 11, 19), "open")
    # Before the statement or the end of its period, no decision.
    with pytest.raises(Conflict) as e:
        accountability_decide(by=admin, record_id=record.pk, note="同意", at=at(date(2026, 11, 18)))
    assert e.value.code == "statement_period_open"
    accountability_state(by=clerk, record_id=record.pk, statement="当日因家人急病离岗，已补请假", at=at(date(2026, 11, 17)))
    row.refresh_from_db()
    assert row.state == "closed"
    with pytest.raises(Conflict) as e:
        accountability_state(by=clerk, record_id=record.pk, statement="再说一次")
    assert e.value.code == "statement_given"
    record = accountability_decide(by=admin, record_id=record.pk, note="陈述理由不充分，予以谈话提醒",
                                   at=at(date(2026, 11, 18)))
    assert (record.state, record.approver) == ("decided", admin)
    assert list(record.events.values_list("kind", flat=True)) == ["proposed", "stated", "decided"]
    [report] = subject(ACCOUNTABILITY_SUBJECT).verify(record.number)
    assert report.ok
    # Counted in November to the person and their department, with the record as evidence.
    november = facts.Period(date(2026, 11, 1), date(2026, 11, 30))
    [staff_occ] = facts.get("staff_accountability").function(november, county.region)
    assert (staff_occ.subject_id, staff_occ.count) == (clerk.pk, 1)
    assert staff_occ.evidence[0].label == "云溪问〔2026〕0001号 谈话提醒"
    assert staff_occ.evidence[0].url == f"/staff/assessment/accountability/{record.pk}/"
    assert facts.get("department_accountability").function(november, county.region) == []  # clerk has no department
    assert facts.get("staff_accountability").function(facts.Period(date(2026, 12, 1), date(2026, 12, 31)),
                                                       county.region) == []
    # Decided: no more moves.
    with pytest.raises(Conflict) as e:
        accountability_withdraw(by=admin, record_id=record.pk, reason="撤回")
    assert e.value.code == "accountability.transition_refused.withdraw"


def test_decided_after_the_statement_period_without_a_statement(county):
    record = propose(county, complaint=complaint_about(county, county.staff[Role.CLERK]), measure="notice")
    record = accountability_decide(by=county.staff[Role.CENTER_ADMIN], record_id=record.pk, note="期满未陈述，予以通报批评",
                                   at=at(date(2026, 11, 20)))
    assert record.state == "decided"
    assert record.events.last().payload["stated"] is False


def test_a_withdrawn_proposal_counts_nowhere(county):
    record = propose(county, warning=warning_to(county, county.staff[Role.CLERK]))
    accountability_withdraw(by=county.staff[Role.SUPERVISOR], record_id=record.pk, reason="告诫已被撤销")
    november = facts.Period(date(2026, 11, 1), date(2026, 11, 30))
    assert facts.get("staff_accountability").function(november, county.region) == []


@pytest.mark.parametrize(("change", "code"), [
    ({"measure": "fine"}, "measure_invalid"),
    ({"facts": " "}, "facts_invalid"),
    ({"basis": "x" * 2001}, "basis_invalid"),
    ({"ground": None}, "accountability_ground_missing"),
    ({"ground": "unsubstantiated"}, "complaint_not_substantiated"),
    ({"ground": "other"}, "efficiency_warning_unknown"),
])
def test_bad_proposals_are_refused_naming_the_rule(county, change, code):
    clerk = county.staff[Role.CLERK]
    ground = change.get("ground", "warning")
    kwargs = {"efficiency_warning_id": None, "complaint_id": None}
    if ground == "warning":
        kwargs["efficiency_warning_id"] = warning_to(county, clerk).pk
    elif ground == "unsubstantiated":
        kwargs["complaint_id"] = complaint_about(county, clerk, substantiated=False).pk
    elif ground == "other":  # a warning to someone else is no ground for the clerk
        kwargs["efficiency_warning_id"] = warning_to(county, county.staff[Role.REVIEWER]).pk
    with pytest.raises(DomainError) as e:
        accountability_propose(by=county.staff[Role.SUPERVISOR], region=county.region, staff_id=clerk.pk,
                               measure=change.get("measure", "talk"), facts=change.get("facts", "事实"),
                               basis=change.get("basis", "依据"), **kwargs)
    assert e.value.code == code
    assert e.value.status == 400


def test_who_may_propose_state_and_decide(county, two_counties):
    clerk, admin, supervisor = county.staff[Role.CLERK], county.staff[Role.CENTER_ADMIN], county.staff[Role.SUPERVISOR]
    warning = warning_to(county, clerk)
    with pytest.raises(PermissionDenied):  # an administrator does not propose
        propose(county, warning=warning, by=admin)
    with pytest.raises(PermissionDenied):  # another county's supervisor neither
        propose(county, warning=warning, by=two_counties.b.staff[Role.SUPERVISOR])
    record = propose(county, warning=warning)
    with pytest.raises(PermissionDenied):  # only the person states
        accountability_state(by=supervisor, record_id=record.pk, statement="代为陈述")
    with pytest.raises(PermissionDenied):  # a supervisor does not approve
        accountability_decide(by=supervisor, record_id=record.pk, note="同意", at=at(date(2026, 11, 20)))
    # One who both proposed and administers may not approve their own proposal.
    Posting.objects.create(staff=supervisor, role=Role.CENTER_ADMIN, region=county.region)
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)
    with pytest.raises(PermissionDenied) as e:
        accountability_decide(by=supervisor, record_id=record.pk, note="同意", at=at(date(2026, 11, 20)))
    assert e.value.code == "approver_not_independent"
    accountability_decide(by=admin, record_id=record.pk, note="同意", at=at(date(2026, 11, 20)))


def test_pages_the_person_the_region_and_nobody_else(county, two_counties, client):
    clerk, admin = county.staff[Role.CLERK], county.staff[Role.CENTER_ADMIN]
    record = propose(county, warning=warning_to(county, clerk))
    detail = f"/staff/assessment/accountability/{record.pk}/"
    # The person: their own page lists it, and they state their side on it.
    client.force_login(clerk.user)
    page = client.get("/staff/assessment/accountability/mine/")
    assert record.number in page.content.decode()
    assert client.get("/staff/assessment/accountability/").status_code == 302  # no region list for them
    response = client.post(detail + "state/", {"statement": "确有急事，已补假"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.statement == "确有急事，已补假"
    # The region's administrator: the list (summary first) and the decision form.
    client.force_login(admin.user)
    page = client.get("/staff/assessment/accountability/?state=proposed").content.decode()
    assert "共 1 条" in page
    assert record.number in page
    assert 'data-testid="decide-form"' in client.get(detail).content.decode()
    client.post(detail + "decide/", {"note": "予以谈话提醒"})
    record.refresh_from_db()
    assert record.state == "decided"
    # Another clerk, and the other county's administrator: as if it did not exist.
    for other in (county.staff[Role.REVIEWER], two_counties.b.staff[Role.CENTER_ADMIN]):
        client.force_login(other.user)
        assert client.get(detail).status_code == 404
        assert client.post(detail + "state/", {"statement": "x"}).status_code == 404
    # A refused action comes back as a message, never a 500.
    client.force_login(admin.user)
    response = client.post(detail + "withdraw/", {"reason": "撤回"}, follow=True)
    assert "不能" in response.content.decode() or "撤回" in response.content.decode()
