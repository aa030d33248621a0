"""Who may do what with fees. The roles are the organization's (no new role): the window clerk
bills and collects (the cashier window is a window), a chief representative or the center's
administrator approves refunds and corrections as the second person, and the center's
administrator — the finance officer's posting — reconciles and closes the day.

The answer uses the organization's postings (:func:`onewindow.organization.permissions.reaches`):
a posting of an allowed role that covers the bill's region and department.
"""

from __future__ import annotations

from enum import StrEnum

from onewindow.core.errors import PermissionDenied
from onewindow.organization.models import Department, Region, Staff
from onewindow.organization.permissions import reaches
from onewindow.organization.rules import Role


class FeeAction(StrEnum):
    VIEW = "fees.view"
    BILL_ISSUE = "fees.bill_issue"
    COLLECT = "fees.collect"
    REQUEST = "fees.request"  # ask for a refund or a correction
    APPROVE = "fees.approve"  # the second person's approval
    RECONCILE = "fees.reconcile"


FEE_ACTION_LABELS = {FeeAction.VIEW: "查看收费", FeeAction.BILL_ISSUE: "开具缴款通知书", FeeAction.COLLECT: "窗口收款",
                     FeeAction.REQUEST: "申请退费或更正", FeeAction.APPROVE: "审批退费或更正",
                     FeeAction.RECONCILE: "日终对账"}

FEE_ROLES: dict[FeeAction, frozenset[Role]] = {
    FeeAction.VIEW: frozenset(Role),
    FeeAction.BILL_ISSUE: frozenset({Role.CLERK, Role.CHIEF_REPRESENTATIVE}),
    FeeAction.COLLECT: frozenset({Role.CLERK}),
    FeeAction.REQUEST: frozenset({Role.CLERK, Role.CHIEF_REPRESENTATIVE}),
    FeeAction.APPROVE: frozenset({Role.CHIEF_REPRESENTATIVE, Role.CENTER_ADMIN}),
    FeeAction.RECONCILE: frozenset({Role.CENTER_ADMIN}),
}


def fee_can(staff: Staff | None, action: FeeAction, *, region: Region, department: Department | None = None) -> bool:
    """True if a posting of ``staff`` with a role ``action`` allows covers ``region`` and ``department``."""
    if staff is None:
        return False
    allowed = FEE_ROLES[action]
    department_id = department.id if department is not None else None
    return any(r.role in allowed and r.covers(region.code, department_id) for r in reaches(staff))


def fee_require(staff: Staff | None, action: FeeAction, *, region: Region, department: Department | None = None) -> None:
    """Raise :class:`PermissionDenied` unless :func:`fee_can` says yes."""
    if not fee_can(staff, action, region=region, department=department):
        raise PermissionDenied(f"您没有在{region.name}执行“{FEE_ACTION_LABELS[action]}”的权限",
                               code=f"forbidden.{action.value}")
