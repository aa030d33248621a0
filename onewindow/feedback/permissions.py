"""Who may do what with ratings' rectifications and work orders, per region and department.

The same three-part answer as :mod:`onewindow.organization.permissions` (a role, a posting that
reaches the record's region and department), over this app's own actions: the organization's
table stays the cases' and supervision's, and this app reads the postings through ``reaches``.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q

from onewindow.core.errors import PermissionDenied
from onewindow.organization.models import Department, Region, Staff
from onewindow.organization.permissions import reaches, region_q
from onewindow.organization.rules import Role


class Perm(StrEnum):
    VIEW = "feedback.view"
    RECT_HANDLE = "rect.handle"  # verify, mark invalid, rectify: the responsible department
    RECT_CONFIRM = "rect.confirm"  # the second look at an invalid (malicious) rating
    RECT_VISIT = "rect.visit"  # the return visit
    ORDER_INTAKE = "order.intake"  # window, online desk, hotline operator
    ORDER_DISPATCH = "order.dispatch"  # the dispatcher (center): dispatch, re-assign, withdraw, merge
    ORDER_HANDLE = "order.handle"  # the department: sign for, refuse, answer
    ORDER_HANDOVER = "order.handover"
    ORDER_SUPERVISE = "order.supervise"
    ORDER_CLOSE = "order.close"
    ORDER_VISIT = "order.visit"
    ORDER_IMPORT = "order.import"
    QA_REVIEW = "qa.review"
    ORDER_REWARD = "order.reward"
    ORDER_REVEAL_PHONE = "order.reveal_phone"  # the caller's full phone, with a reason, recorded
    NOTICE_DRAFT = "notice.draft"  # a department's bulk SMS: draft and send once approved
    NOTICE_APPROVE = "notice.approve"  # the text approved by a second person first


_DEPT = frozenset({Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE})
_CENTER = frozenset({Role.CENTER_ADMIN})

PERM_ROLES: dict[Perm, frozenset[Role]] = {
    Perm.VIEW: frozenset(Role) - {Role.PROXY_AGENT},
    Perm.RECT_HANDLE: frozenset({Role.REVIEWER, Role.CHIEF_REPRESENTATIVE}),
    Perm.RECT_CONFIRM: frozenset({Role.CHIEF_REPRESENTATIVE, Role.CENTER_ADMIN, Role.SUPERVISOR}),
    Perm.RECT_VISIT: _CENTER | {Role.CHIEF_REPRESENTATIVE},
    Perm.ORDER_INTAKE: _DEPT | _CENTER,
    Perm.ORDER_DISPATCH: _CENTER,
    Perm.ORDER_HANDLE: _DEPT,
    Perm.ORDER_HANDOVER: _DEPT | _CENTER,
    Perm.ORDER_SUPERVISE: frozenset({Role.SUPERVISOR}),
    Perm.ORDER_CLOSE: _CENTER | {Role.CHIEF_REPRESENTATIVE},
    Perm.ORDER_VISIT: _CENTER,
    Perm.ORDER_IMPORT: _CENTER,
    Perm.QA_REVIEW: _CENTER | {Role.SUPERVISOR},
    Perm.ORDER_REWARD: _CENTER,
    # Those who call the caller back: the department handling the order and the center's desk;
    # a supervisor reads the order masked (督办 goes to the department, not to the caller).
    Perm.ORDER_REVEAL_PHONE: _DEPT | _CENTER,
    Perm.NOTICE_DRAFT: frozenset({Role.REVIEWER, Role.CHIEF_REPRESENTATIVE}) | _CENTER,
    Perm.NOTICE_APPROVE: frozenset({Role.CHIEF_REPRESENTATIVE}) | _CENTER,
}

PERM_LABELS: dict[Perm, str] = {
    Perm.VIEW: "查看诉求与评价", Perm.RECT_HANDLE: "办理差评整改", Perm.RECT_CONFIRM: "复核无效评价",
    Perm.RECT_VISIT: "差评回访", Perm.ORDER_INTAKE: "受理诉求", Perm.ORDER_DISPATCH: "分派工单",
    Perm.ORDER_HANDLE: "办理工单", Perm.ORDER_HANDOVER: "移交首问责任", Perm.ORDER_SUPERVISE: "督办工单",
    Perm.ORDER_CLOSE: "办结工单", Perm.ORDER_VISIT: "工单回访", Perm.ORDER_IMPORT: "导入 12345 工单",
    Perm.QA_REVIEW: "审核公开问答", Perm.ORDER_REWARD: "批准有奖举报奖励",
    Perm.ORDER_REVEAL_PHONE: "查看诉求人完整电话", Perm.NOTICE_DRAFT: "拟稿和发送群发通知",
    Perm.NOTICE_APPROVE: "审核群发通知",
}


def can(staff: Staff | None, perm: Perm | str, *, region: Region, department: Department | int | None = None) -> bool:
    """Whether ``staff`` holds a role of ``perm`` in a posting reaching ``region`` and ``department``."""
    if staff is None:
        return False
    perm = Perm(perm)
    department_id = department.pk if isinstance(department, Department) else department
    allowed = PERM_ROLES[perm]
    return any(r.role in allowed and r.covers(region.code, department_id) for r in reaches(staff))


def require(staff: Staff | None, perm: Perm, *, region: Region, department: Department | int | None = None) -> None:
    """:class:`PermissionDenied` (Chinese message, English code ``forbidden.<perm>``) unless :func:`can`."""
    if not can(staff, perm, region=region, department=department):
        raise PermissionDenied(f"您没有在{region.name}执行“{PERM_LABELS[perm]}”的权限", code=f"forbidden.{perm.value}")


def visible_q(staff: Staff | None, *, department_field: str = "department") -> Q:
    """Records a staff member may see: their regions (subtree for supervisors and administrators);
    a department-bound posting sees its departments' records only."""
    return region_q(staff, roles=PERM_ROLES[Perm.VIEW], department_field=department_field)
