"""上报件 / 下放 and 村代办: a township center receives a county item and refers it; the county
department picks it up or returns it with reasons; a village agent files with the villager's
authorization, sees only their own filings, owes the paper at the township within three working
days and hands the result over. Every refusal, the deadline rows, the sweep, the chain."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.cases import referral_services as r
from onewindow.cases import services as s
from onewindow.cases.history import verify_case
from onewindow.cases.models import Case
from onewindow.cases.receiving import Authorization
from onewindow.cases.selectors import can_view_case, inbox, visible_cases
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.lifecycle.models import Deadline
from tests.cases.api_helpers import Api
from tests.cases.helpers import at, last_event, review_all

from .helpers import Township, agent_filing, build_township

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(hall) -> Township:
    return build_township(hall)


def _deadline(case: Case, kind: str, key: str) -> Deadline:
    return Deadline.objects.get(subject_type="case", subject_id=case.pk, kind=kind, key=key)


def _refused(code: str, call, *args, **kwargs) -> None:
    with pytest.raises((DomainError, PermissionDenied, NotFound)) as exc:
        call(*args, **kwargs)
    assert exc.value.code == code


def test_an_agent_filing_waits_at_the_township_with_one_county_number(world: Township) -> None:
    case = agent_filing(world)
    assert case.region == world.hall.county  # the deciding region's number, throughout
    assert case.number.startswith(world.hall.county.prefix)
    assert case.received_region == world.town
    assert case.referral_state == "held"
    assert case.filed_by == world.agents[0]
    assert case.forward_due == date(2026, 11, 4)  # two working days after Monday 2 November
    assert case.paper_due == date(2026, 11, 5)  # three working days: LEGAL-RULES §4
    assert case.acceptance_due is not None  # the applicant's clock runs from the receipt
    submitted = last_event(case)
    assert submitted.payload["received_at"]["direction"] == "up"
    assert submitted.payload["agent"] == {"authorization": {"kind": "esign", "reference": "ES-20261102-0001"},
                                          "village": "河湾村委会", "paper_due": "2026-11-05"}
    assert _deadline(case, "reply", "forward").state == "open"
    assert _deadline(case, "supplement", "paper").state == "open"
    assert _deadline(case, "supplement", "paper").responsible_id == world.agents[0].pk
    assert verify_case(case).ok


def test_the_referral_is_picked_up_or_returned_with_reasons(world: Township) -> None:
    hall = world.hall
    case = agent_filing(world)
    # the county cannot act on it while it sits at the township
    _refused("referral.pending", s.case_accept, case_id=case.id, actor=hall.clerk, at=at(2026, 11, 3))
    _refused("referral.pending", s.case_request_supplement, case_id=case.id, actor=hall.clerk, materials=["申请书"],
             at=at(2026, 11, 3))
    # nor refer it before the agent's paper is there; the agent never refers
    _refused("referral.paper_missing", r.case_refer, case_id=case.id, actor=world.town_clerk, opinion="材料齐全",
             at=at(2026, 11, 3))
    _refused("forbidden.case.refer", r.case_refer, case_id=case.id, actor=world.agents[0], opinion="x",
             at=at(2026, 11, 3))
    _refused("forbidden.case.receive_paper", r.case_receive_paper, case_id=case.id, actor=world.agents[0],
             at=at(2026, 11, 3))
    case = r.case_receive_paper(case_id=case.id, actor=world.town_clerk, note="原件已核", at=at(2026, 11, 3))
    assert case.paper_received_on == date(2026, 11, 3)
    assert last_event(case).payload["late"] is False
    assert _deadline(case, "supplement", "paper").state == "closed"
    _refused("agent.paper_already_received", r.case_receive_paper, case_id=case.id, actor=world.town_clerk,
             at=at(2026, 11, 3))
    _refused("referral.opinion_required", r.case_refer, case_id=case.id, actor=world.town_clerk, opinion=" ")
    case = r.case_refer(case_id=case.id, actor=world.town_clerk, opinion="初审：材料齐全，符合受理条件",
                        at=at(2026, 11, 4))
    assert case.referral_state == "in_transit"
    assert case.pickup_due == date(2026, 11, 5)
    referred = last_event(case)
    assert referred.kind == "referred"
    assert (referred.payload["from"], referred.payload["to"], referred.payload["late"]) == ("城关镇", "云溪县工商局",
                                                                                             False)
    assert _deadline(case, "reply", "forward").state == "closed"
    assert _deadline(case, "reply", "referral").state == "open"
    _refused("referral.not_held", r.case_refer, case_id=case.id, actor=world.town_clerk, opinion="再次上报")
    # another county's clerk and the township clerk cannot pick it up
    _refused("forbidden.case.accept", r.case_accept_referral, case_id=case.id, actor=hall.outsider)
    _refused("forbidden.case.accept", r.case_accept_referral, case_id=case.id, actor=world.town_clerk)
    _refused("referral.reasons_required", r.case_return_referral, case_id=case.id, actor=hall.clerk, reasons="")
    case = r.case_return_referral(case_id=case.id, actor=hall.clerk, reasons="缺少村委会出具的初审意见",
                                  at=at(2026, 11, 5))
    assert case.referral_state == "returned"
    assert last_event(case).payload == {"reasons": "缺少村委会出具的初审意见", "to": "城关镇"}
    assert _deadline(case, "reply", "referral").state == "closed"
    assert _deadline(case, "reply", "forward").state == "open"  # the township owes it again
    _refused("referral.not_in_transit", r.case_accept_referral, case_id=case.id, actor=hall.clerk)
    case = r.case_refer(case_id=case.id, actor=world.town_clerk, opinion="已补村委会初审意见", at=at(2026, 11, 5))
    assert last_event(case).payload["late"] is True  # past the forwarding limit of 4 November
    case = r.case_accept_referral(case_id=case.id, actor=hall.clerk, at=at(2026, 11, 5, 15))
    assert case.referral_state == "accepted"
    case = s.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 11, 6))
    assert case.status == "in_review"
    kinds = list(case.events.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["submitted", "paper_received", "referred", "referral_returned", "referred",
                     "referral_accepted", "accepted"]
    assert verify_case(case).ok


def test_a_referral_not_picked_up_in_time_raises_a_warning(world: Township) -> None:
    from onewindow.supervision import services as sv
    from onewindow.supervision.models import Warning

    case = agent_filing(world)
    r.case_receive_paper(case_id=case.id, actor=world.town_clerk, at=at(2026, 11, 2, 15))
    case = r.case_refer(case_id=case.id, actor=world.town_clerk, opinion="符合条件", at=at(2026, 11, 3))
    row = _deadline(case, "reply", "referral")
    sv.sweep(now=at(2026, 11, 5, 1))  # the day after the pickup date (4 November)
    warning = Warning.objects.get(deadline=row)
    assert warning.rule == "deadline_overdue"
    assert warning.case_id == case.pk


def test_deemed_acceptance_in_transit_closes_the_referral(world: Township) -> None:
    case = agent_filing(world)
    r.case_receive_paper(case_id=case.id, actor=world.town_clerk, at=at(2026, 11, 2, 15))
    r.case_refer(case_id=case.id, actor=world.town_clerk, opinion="符合条件", at=at(2026, 11, 3))
    s.cases_deem_overdue_acceptances(now=at(2026, 11, 16))
    case.refresh_from_db()
    assert case.status == "in_review"
    assert case.referral_state == "accepted"
    assert last_event(case).payload["referral"] == "in_transit"
    assert verify_case(case).ok


def test_an_agent_sees_only_their_own_filings(world: Township) -> None:
    hall = world.hall
    mine = agent_filing(world)
    theirs = agent_filing(world, agent=1)
    at_window = s.case_submit(actor=world.town_clerk, item_code=hall.item.implementation_code,
                              applicant=hall.applicant(), materials=hall.checklist(), window_number="01",
                              at=at(2026, 11, 2))
    assert at_window.received_region == world.town
    assert at_window.window.region == world.town  # the township's own window 01
    assert at_window.filed_by is None
    assert list(visible_cases(world.agents[0])) == [mine]
    assert can_view_case(world.agents[0], mine)
    assert not can_view_case(world.agents[0], theirs)
    assert not can_view_case(world.agents[0], at_window)
    assert {c.pk for c in visible_cases(world.town_clerk)} >= {mine.pk, theirs.pk, at_window.pk}
    assert can_view_case(world.town_clerk, mine)
    assert not can_view_case(hall.outsider, mine)
    # acting on another agent's case is refused like a case of another county
    _refused("forbidden.case.submit", s.case_withdraw, case_id=theirs.id, actor=world.agents[0], reason="撤回")
    box = inbox(world.agents[0])
    assert [c.pk for c in box.awaiting_acceptance] == [mine.pk]
    town = inbox(world.town_clerk)
    assert {c.pk for c in town.to_refer} == {mine.pk, theirs.pk, at_window.pk}
    assert inbox(hall.clerk).referrals == []


def test_an_agent_files_only_with_the_villagers_authorization(world: Township) -> None:
    _refused("agent.authorization_required", agent_filing, world, authorization=None)
    _refused("agent.authorization_required", agent_filing, world, authorization=Authorization("scan", " "))
    _refused("agent.authorization_kind_invalid", agent_filing, world, authorization=Authorization("oral", "口头"))
    assert not Case.objects.exists()


def test_the_agent_hands_the_result_to_the_villager(world: Township) -> None:
    hall = world.hall
    case = agent_filing(world)
    r.case_receive_paper(case_id=case.id, actor=world.town_clerk, at=at(2026, 11, 2, 15))
    r.case_refer(case_id=case.id, actor=world.town_clerk, opinion="符合条件", at=at(2026, 11, 3))
    r.case_accept_referral(case_id=case.id, actor=hall.clerk, at=at(2026, 11, 3, 14))
    case = s.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 11, 4))
    case = review_all(hall, case, at(2026, 11, 5))
    case = s.case_decide(case_id=case.id, actor=hall.chief, grant=True, reasons="符合条件", at=at(2026, 11, 6))
    case = s.case_issue_certificate(case_id=case.id, actor=hall.chief, at=at(2026, 11, 9))
    _refused("forbidden.case.deliver", s.case_deliver, case_id=case.id, actor=world.agents[1], method="agent")
    case = s.case_deliver(case_id=case.id, actor=world.agents[0], method="agent", note="已送达申请人本人签收",
                          at=at(2026, 11, 10))
    assert case.status == "concluded"
    delivered = case.events.get(kind="delivered")
    assert delivered.actor == world.agents[0]
    assert delivered.payload["method"] == "agent"
    plain = s.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
                          materials=hall.checklist(), window_number="01", at=at(2026, 11, 2))
    assert plain.received_region is None
    assert plain.referral_state == ""
    _refused("referral.not_held", r.case_refer, case_id=plain.id, actor=world.town_clerk, opinion="x")
    _refused("agent.not_agent_case", r.case_receive_paper, case_id=plain.id, actor=world.town_clerk)


def test_down_the_county_center_receives_a_township_item_and_refers_it(world: Township) -> None:
    hall = world.hall
    case = s.case_submit(actor=hall.clerk, item_code=world.town_item.implementation_code,
                         applicant=hall.applicant(), materials=hall.checklist(item=world.town_item),
                         window_number="01", at=at(2026, 11, 2))
    assert case.region == world.town
    assert case.received_region == hall.county
    assert case.window == hall.window
    assert last_event(case).payload["received_at"]["direction"] == "down"
    assert case.forward_due == date(2026, 11, 3)
    case = r.case_refer(case_id=case.id, actor=hall.clerk, opinion="属乡镇办理事项，下放城关镇", at=at(2026, 11, 2, 15))
    assert {c.pk for c in inbox(world.town_clerk).referrals} == {case.pk}
    case = r.case_accept_referral(case_id=case.id, actor=world.town_clerk, at=at(2026, 11, 3))
    case = s.case_accept(case_id=case.id, actor=world.town_clerk, at=at(2026, 11, 3, 11))
    assert case.status == "in_review"


def test_tampering_with_the_referral_columns_is_named(world: Township) -> None:
    case = agent_filing(world)
    Case.objects.filter(pk=case.pk).update(filed_by=world.agents[1])
    report = verify_case(Case.objects.get(pk=case.pk))
    assert [b.code for b in report.breaks] == ["record_mismatch"]
    assert "filed_by_id" in report.breaks[0].message


def test_the_api_runs_each_referral_action(world: Township, client) -> None:
    hall = world.hall
    case = agent_filing(world)
    town = Api(client, world.town_clerk)
    path = f"/cases/{case.number}/actions"
    refused = town.post(f"{path}/refer", {"opinion": "符合条件"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "referral.paper_missing"
    assert town.post(f"{path}/receive_paper", {"note": "原件已核"}).status_code == 200
    assert town.post(f"{path}/refer", {"opinion": "符合条件"}).status_code == 200
    county = Api(client, hall.clerk)
    bad = county.post(f"{path}/return_referral", {})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "reasons"
    assert county.post(f"{path}/return_referral", {"reasons": "缺少初审意见"}).status_code == 200
    assert town.post(f"{path}/refer", {"opinion": "已补初审意见"}).status_code == 200
    done = county.post(f"{path}/accept_referral", {"note": "已接收"})
    assert done.status_code == 200
    assert Case.objects.get(pk=case.pk).referral_state == "accepted"
    shown = town.get(f"/cases/{case.number}").json()
    assert shown["referral"] == {"received_at": "990121100000", "received_at_name": "城关镇", "state": "accepted",
                                 "forward_due": "2026-11-04", "pickup_due": shown["referral"]["pickup_due"]}
    assert shown["agent"]["name"] == world.agents[0].name
    assert shown["agent"]["village"] == "河湾村委会"
    assert shown["agent"]["paper_received_on"] is not None
    agent = Api(client, world.agents[1])
    assert agent.get(f"/cases/{case.number}").status_code == 404


def test_a_township_receives_only_the_items_its_receiving_points_list(world: Township) -> None:
    from onewindow.catalog.models import ReceivingPoint

    hall = world.hall
    # the referral's target is never chosen: it is the item's own department; an item the
    # catalog does not let the township receive is refused at intake, naming the permission
    ReceivingPoint.objects.filter(item=hall.item, region=world.town).delete()
    _refused("forbidden.case.submit", s.case_submit, actor=world.town_clerk, item_code=hall.item.implementation_code,
             applicant=hall.applicant(), materials=hall.checklist(), window_number="01", at=at(2026, 11, 2))
    _refused("forbidden.case.submit", agent_filing, world)
    assert not Case.objects.exists()


def test_the_ledger_finds_a_received_case_by_its_receiving_point(world: Township) -> None:
    """The events carry their case's region (the county's), and a day's ledger reads them by it;
    the township that received the case for the county still lists it, by its receipt."""
    from onewindow.cases.selectors import daily_ledger

    hall = world.hall
    case = agent_filing(world)
    case = r.case_receive_paper(case_id=case.id, actor=world.town_clerk, note="原件已核", at=at(2026, 11, 3))
    assert set(case.events.values_list("region_id", flat=True)) == {hall.county.id}

    def numbers(staff, day: date) -> list[str]:
        return [line.number for line in daily_ledger(staff, day)]

    assert numbers(world.town_clerk, date(2026, 11, 2)) == [case.number]  # not its region: its receipt
    assert numbers(world.town_clerk, date(2026, 11, 3)) == [case.number]
    assert daily_ledger(world.town_clerk, date(2026, 11, 3))[0].actions == "纸质材料送达"
    assert numbers(world.agents[0], date(2026, 11, 2)) == [case.number]  # the agent's own filing
    assert numbers(world.agents[1], date(2026, 11, 2)) == []
    assert numbers(hall.outsider, date(2026, 11, 2)) == []  # another county
    assert numbers(world.town_clerk, date(2026, 11, 4)) == []
