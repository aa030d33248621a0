"""Where an application is received, when not at the deciding region's own center: the catalog's
receiving points (上报件 / 下放) and the proxy agent's filing (村代办).

Read by intake (:func:`onewindow.cases.services.case_submit`) before the case exists, so a staff
member of a township center may receive a county item the catalog lets it receive, and nothing
else of the county's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from onewindow.catalog.models import ReceivingPoint, ServiceItem
from onewindow.core.errors import DomainError
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import Action as Perm
from onewindow.organization.permissions import can, roles_of
from onewindow.organization.rules import Role

from .referral_rules import AUTHORIZATION_KINDS


def receiving_point(actor: Staff, item: ServiceItem, day: date) -> ReceivingPoint | None:
    """The receiving point through which ``actor`` receives ``item``: None when the actor may
    receive it in the item's own region (or may not receive it at all — the caller's permission
    check then refuses)."""
    if can(actor, Perm.CASE_SUBMIT, region=item.region, department=item.department, item=item, on=day):
        return None
    for point in ReceivingPoint.objects.filter(item=item).select_related("region").order_by("region__code"):
        if can(actor, Perm.CASE_SUBMIT, region=point.region, on=day):
            return point
    return None


def receivable_items(actor: Staff) -> list[int]:
    """Ids of the items ``actor`` may receive through a receiving point (the intake's item search
    offers them beside the actor's own region's)."""
    regions = [r for r in Region.objects.filter(receiving_points__isnull=False).distinct()
               if can(actor, Perm.CASE_SUBMIT, region=r)]
    return list(ReceivingPoint.objects.filter(region__in=regions).values_list("item_id", flat=True))


def files_as_agent(actor: Staff | None) -> bool:
    """A proxy agent filing for a villager: the role, without a clerk's posting beside it."""
    if actor is None:
        return False
    roles = roles_of(actor)
    return Role.PROXY_AGENT in roles and Role.CLERK not in roles


# 村代办: the agent who filed a case acts for the villager on it wherever it is decided — brings
# materials, withdraws, hands the result over (``deliver`` with ``agent``) — and nothing more.
AGENT_PERMS = frozenset({Perm.CASE_SUBMIT, Perm.CASE_DELIVER})


def agent_may(agent: Staff, case: Any, perm: Perm | None) -> bool:
    """Whether a proxy agent (:func:`files_as_agent`) may act on ``case`` with ``perm``: only on
    their own filings, only for the villager; ``None``: the action checks its own permission."""
    return case.filed_by_id == agent.pk and (perm is None or perm in AGENT_PERMS)


@dataclass(frozen=True)
class Authorization:
    """The villager's signed authorization of the agent (委托代办): a scan kept with the case's
    scans (its SHA-256 here), or the record number of an electronic signature."""

    kind: str
    reference: str

    def as_payload(self) -> dict[str, Any]:
        return {"kind": self.kind, "reference": self.reference}


def check_authorization(value: Authorization | None) -> Authorization:
    """The agent's filing names the villager's authorization, or is refused naming it."""
    if value is None or not value.reference.strip():
        raise DomainError("agent.authorization_required",
                          "村代办须附申请人签署的授权委托书（扫描件）或电子签名授权记录", field="authorization")
    if value.kind not in AUTHORIZATION_KINDS:
        raise DomainError("agent.authorization_kind_invalid", "授权方式须为授权委托书扫描件或电子签名授权记录",
                          field="authorization")
    if len(value.reference.strip()) > 64:
        raise DomainError("agent.authorization_reference_too_long", "授权记录编号不能超过64个字符",
                          field="authorization")
    return Authorization(value.kind, value.reference.strip())
