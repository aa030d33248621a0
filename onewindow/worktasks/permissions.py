"""Who may do what with work tasks and problems, per region and department (the organization's
postings, read through ``reaches``)."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q

from onewindow.core.errors import PermissionDenied
from onewindow.organization.models import Department, Region, Staff
from onewindow.organization.permissions import reaches, region_q
from onewindow.organization.rules import Role


class Perm(StrEnum):
    VIEW = "worktasks.view"
    PLAN_MANAGE = "plan.manage"  # plans, tasks, import, close: the center's office
    TASK_REPORT = "task.report"  # a responsible unit reports; the lead unit consolidates
    TASK_URGE = "task.urge"  # 督办
    PROBLEM_MANAGE = "problem.manage"  # record, assign, verify (销号), 回头看
    PROBLEM_RECTIFY = "problem.rectify"  # the responsible unit: plan, progress, submit
    INSPECT = "inspect"
    CAMPAIGN_MANAGE = "campaign.manage"  # campaigns: phases, written reports owed, the public notice


_UNIT = frozenset({Role.CLERK, Role.REVIEWER, Role.CHIEF_REPRESENTATIVE})
_OFFICE = frozenset({Role.CENTER_ADMIN, Role.SUPERVISOR})

PERM_ROLES: dict[Perm, frozenset[Role]] = {
    Perm.VIEW: frozenset(Role) - {Role.PROXY_AGENT},
    Perm.PLAN_MANAGE: _OFFICE,
    Perm.TASK_REPORT: _UNIT | {Role.CENTER_ADMIN},
    Perm.TASK_URGE: frozenset({Role.SUPERVISOR}),
    Perm.PROBLEM_MANAGE: _OFFICE | {Role.CHIEF_REPRESENTATIVE},
    Perm.PROBLEM_RECTIFY: frozenset({Role.REVIEWER, Role.CHIEF_REPRESENTATIVE, Role.CENTER_ADMIN}),
    Perm.INSPECT: _OFFICE,
    Perm.CAMPAIGN_MANAGE: _OFFICE,
}

PERM_LABELS: dict[Perm, str] = {
    Perm.VIEW: "查看工作任务与问题", Perm.PLAN_MANAGE: "管理工作计划", Perm.TASK_REPORT: "报送任务进展",
    Perm.TASK_URGE: "督办工作任务", Perm.PROBLEM_MANAGE: "管理问题清单", Perm.PROBLEM_RECTIFY: "办理问题整改",
    Perm.INSPECT: "组织检查和暗访", Perm.CAMPAIGN_MANAGE: "管理专项行动",
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
    """:class:`PermissionDenied` (code ``forbidden.<perm>``) unless :func:`can`."""
    if not can(staff, perm, region=region, department=department):
        raise PermissionDenied(f"您没有在{region.name}执行“{PERM_LABELS[perm]}”的权限", code=f"forbidden.{perm.value}")


def visible_q(staff: Staff | None, *, department_field: str | None = None) -> Q:
    """Records a staff member may see: their regions (subtree for supervisors and administrators)."""
    return region_q(staff, roles=PERM_ROLES[Perm.VIEW], department_field=department_field)
