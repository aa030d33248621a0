"""Efficiency warnings (效能告诫): a supervisor's formal warning to a staff member or a department."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from onewindow.core.errors import DomainError, NotFound
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Department, Staff
from onewindow.organization.permissions import Action, require

from .models import (
    EfficiencyWarning,
    Warning,
    WarningEvent,
)
from .numbering import next_number

# -- efficiency warnings (效能告诫) ---------------------------------------------------------------------------


def efficiency_warning_issue(*, reason: str, basis: str, actor: Staff, staff_id: int | None = None,
                             department_id: int | None = None, warning_id: int | None = None,
                             case_id: int | None = None, at: datetime | None = None) -> EfficiencyWarning:
    """效能告诫 to a staff member (counted for their department too) or to a department, with its
    reason and basis. It stays on their record and counts in the indicators and assessments
    (LEGAL-RULES.md §4: each one −0.5 in the annual assessment, a local rule)."""
    at = at or current_time()
    reason, basis = reason.strip(), basis.strip()
    if not reason:
        raise DomainError("efficiency_warning.reason_required", "请填写告诫事由", field="reason")
    if not basis:
        raise DomainError("efficiency_warning.basis_required", "请填写告诫依据", field="basis")
    if staff_id is None and department_id is None:
        raise DomainError("efficiency_warning.target_required", "请选择被告诫的工作人员或部门", field="staff")
    today = local_date(at)
    staff = department = None
    if staff_id is not None:
        staff = Staff.objects.select_related("region", "department").filter(pk=staff_id).first()
        if staff is None:
            raise NotFound("工作人员不存在", code="staff.not_found", field="staff")
        department = staff.department
    if department_id is not None:
        department = Department.objects.select_related("region").filter(pk=department_id).first()
        if department is None:
            raise NotFound("部门不存在", code="department.not_found", field="department")
    region = department.region if department is not None else staff.region
    require(actor, Action.SUPERVISION_ORDER, region=region, department=department, on=today)
    if staff is not None and staff.region_id != region.id:
        require(actor, Action.SUPERVISION_ORDER, region=staff.region, on=today)
    with transaction.atomic():
        warning = Warning.objects.filter(pk=warning_id).first() if warning_id is not None else None
        if warning_id is not None and warning is None:
            raise NotFound("预警不存在", code="warning.not_found", field="warning")
        if case_id is None and warning is not None:
            case_id = warning.case_id
        item = EfficiencyWarning.objects.create(
            number=next_number(region, today.year, "GJ"), region=region, staff=staff, department=department,
            warning=warning, case_id=case_id, reason=reason, basis=basis, issued_by=actor, issued_at=at)
        if warning is not None:
            WarningEvent.objects.create(warning=warning, kind=WarningEvent.Kind.EFFICIENCY_WARNING, at=at,
                                        actor=actor, note=f"效能告诫 {item.number}：{reason}",
                                        payload={"efficiency_warning_id": item.id})
        return item
