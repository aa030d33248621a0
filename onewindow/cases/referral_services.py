"""上报件 / 下放 and 村代办: the writes of a referral and of a proxy agent's paper materials.

The receiving point (a township center for a county item, or the county for a township item)
checks an application it received (初审) and refers it; the deciding department picks it up or
returns it with reasons; the applicant follows one case number throughout. The rules and the
clock's convention are in :mod:`.referral_rules`; each action is one transition of the case
engine (:func:`.services._act`: one transaction, the row lock, the chained event).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from onewindow.core.errors import DomainError, PermissionDenied
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import can

from . import guards, states
from .events import EventKind
from .models import Case
from .receiving import files_as_agent
from .referral_rules import PICKUP_WORKDAYS, ReferralState
from .services import _act
from .timing import calendar_of

_REASONS_MAX = 500


def _require_receiving_point(actor: Staff, case: Case) -> None:
    """The receiving point's staff (not a proxy agent) act for it."""
    if case.received_region is None:
        raise DomainError("referral.not_held", "本办件不是代收件点收件的办件，无需上报", field="action")
    if files_as_agent(actor) or not can(actor, Perm.CASE_SUBMIT,
                                                                          region=case.received_region):
        raise PermissionDenied("只有收件点的窗口工作人员可以上报本办件", code="forbidden.case.refer")


def case_refer(*, case_id: int, actor: Staff, opinion: str, at: datetime | None = None,
               expected_version: int | None = None) -> Case:
    """上报 (or 下放): the receiving point sends the application with its preliminary-review
    opinion (初审意见) to the deciding department, which must pick it up within
    :data:`PICKUP_WORKDAYS` working days (a deadline row the sweep watches)."""
    at = at or current_time()
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError("referral.opinion_required", "上报须填写初审意见", field="opinion")
    if len(opinion) > _REASONS_MAX:
        raise DomainError("referral.opinion_too_long", f"初审意见不能超过{_REASONS_MAX}字", field="opinion")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        _require_receiving_point(actor, c)
        guards.refuse_unless(guards.refer_refusal(c))
        day = local_date(at)
        c.referral_state = ReferralState.IN_TRANSIT
        c.pickup_due = calendar_of(c).add_workdays(day, PICKUP_WORKDAYS)
        return [(EventKind.REFERRED, {"opinion": opinion, "from": c.received_region.name, "to": c.department.name,
                                      "pickup_due": c.pickup_due.isoformat(),
                                      "late": c.forward_due is not None and day > c.forward_due})]

    return _act(case_id=case_id, actor=actor, perm=None, action=states.Action.REFER, at=at,
                expected_version=expected_version, events=plan)


def case_accept_referral(*, case_id: int, actor: Staff, note: str = "", at: datetime | None = None,
                         expected_version: int | None = None) -> Case:
    """接收上报件: the deciding department takes the referred application into its own acceptance
    queue (the acceptance decision itself comes next, within the period that began at receipt)."""
    at = at or current_time()

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        if c.referral_state != ReferralState.IN_TRANSIT:
            raise DomainError("referral.not_in_transit", "本办件没有待接收的上报", field="action")
        day = local_date(at)
        c.referral_state = ReferralState.ACCEPTED
        return [(EventKind.REFERRAL_ACCEPTED, {"note": note.strip()[:_REASONS_MAX],
                                               "late": c.pickup_due is not None and day > c.pickup_due})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_ACCEPT, action=states.Action.ACCEPT_REFERRAL, at=at,
                expected_version=expected_version, events=plan)


def case_return_referral(*, case_id: int, actor: Staff, reasons: str, at: datetime | None = None,
                         expected_version: int | None = None) -> Case:
    """退回上报件: the deciding department sends the referral back to the receiving point with its
    reasons (a preliminary review to complete, paper materials missing …); the receiving point
    refers it again once it has answered them. The acceptance period keeps running."""
    at = at or current_time()
    reasons = (reasons or "").strip()
    if not reasons:
        raise DomainError("referral.reasons_required", "退回上报件须说明理由", field="reasons")
    if len(reasons) > _REASONS_MAX:
        raise DomainError("referral.reasons_too_long", f"退回理由不能超过{_REASONS_MAX}字", field="reasons")

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        if c.referral_state != ReferralState.IN_TRANSIT:
            raise DomainError("referral.not_in_transit", "本办件没有待接收的上报", field="action")
        c.referral_state = ReferralState.RETURNED
        c.pickup_due = None
        return [(EventKind.REFERRAL_RETURNED, {"reasons": reasons, "to": c.received_region.name})]

    return _act(case_id=case_id, actor=actor, perm=Perm.CASE_ACCEPT, action=states.Action.RETURN_REFERRAL, at=at,
                expected_version=expected_version, events=plan)


def case_receive_paper(*, case_id: int, actor: Staff, note: str = "", at: datetime | None = None,
                       expected_version: int | None = None) -> Case:
    """村代办: the township center records that the agent brought the paper materials (the
    agent's three-working-day deadline closes; late arrivals are marked)."""
    at = at or current_time()

    def plan(c: Case) -> list[tuple[str, dict[str, Any]]]:
        if c.filed_by_id is None:
            raise DomainError("agent.not_agent_case", "本办件不是村代办员代办的办件", field="action")
        if c.paper_received_on is not None:
            raise DomainError("agent.paper_already_received", "纸质材料已登记送达", field="action")
        where = c.received_region or c.region
        if files_as_agent(actor) or not can(actor, Perm.CASE_SUBMIT, region=where):
            raise PermissionDenied("由收件的乡镇便民服务中心窗口工作人员登记纸质材料送达",
                                   code="forbidden.case.receive_paper")
        day = local_date(at)
        c.paper_received_on = day
        return [(EventKind.PAPER_RECEIVED, {"note": note.strip()[:_REASONS_MAX], "at": where.name,
                                            "late": c.paper_due is not None and day > c.paper_due})]

    return _act(case_id=case_id, actor=actor, perm=None, action=states.Action.RECEIVE_PAPER, at=at,
                expected_version=expected_version, events=plan)
