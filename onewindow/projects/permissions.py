"""Who may do what with major projects: the center administrator creates them; the assigned proxy
(代办员) and the chief representatives of the responsible departments act; supervisors (and the
other staff of the region) read."""

from __future__ import annotations

from django.db.models import Q

from onewindow.core.errors import PermissionDenied
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import reaches, region_q
from onewindow.organization.rules import Role

from .models import Project

VIEW_ROLES = frozenset(Role) - {Role.PROXY_AGENT}


def can_create(staff: Staff | None, region: Region) -> bool:
    """A center administrator of ``region`` (or of a region above it)."""
    return staff is not None and any(r.role == Role.CENTER_ADMIN and r.covers(region.code, None)
                                     for r in reaches(staff))


def is_proxy(staff: Staff | None, project: Project) -> bool:
    return staff is not None and project.proxy_id == staff.pk


def is_chief_of(staff: Staff | None, project: Project, department_id: int) -> bool:
    """A chief representative of ``department_id`` in the project's region."""
    return staff is not None and any(
        r.role == Role.CHIEF_REPRESENTATIVE and r.department_ids is not None and department_id in r.department_ids
        and r.covers(project.region.code, department_id) for r in reaches(staff))


def responsible_departments(project: Project) -> set[int]:
    return {line.department_id for line in project.lines.all()}


def chief_departments(staff: Staff | None, project: Project) -> set[int]:
    """The project's responsible departments whose chief representative ``staff`` is."""
    return {d for d in responsible_departments(project) if is_chief_of(staff, project, d)}


def can_act(staff: Staff | None, project: Project) -> bool:
    """The assigned proxy or a responsible department's chief representative."""
    return is_proxy(staff, project) or bool(chief_departments(staff, project))


def require_create(staff: Staff | None, region: Region) -> None:
    if not can_create(staff, region):
        raise PermissionDenied(f"只有{region.name}的中心管理员可以登记重点项目", code="forbidden.project.create")


def require_act(staff: Staff | None, project: Project, what: str) -> None:
    if not can_act(staff, project):
        raise PermissionDenied(f"只有本项目的全程代办员或责任单位首席代表可以{what}", code="forbidden.project.act")


def visible_q(staff: Staff | None) -> Q:
    """Projects a staff member may see: their regions (subtree for supervisors and administrators),
    and the projects they are the proxy of."""
    q = region_q(staff, roles=VIEW_ROLES)
    return q | Q(proxy=staff) if staff is not None else q
