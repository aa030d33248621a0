"""Reads of the organization."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from onewindow.core.errors import DomainError

from .models import Authorization, BackupPost, Department, Posting, Staff, Window
from .permissions import region_q, remember_reaches, staff_of
from .rules import InvalidRegionCode, region_prefix


@dataclass
class StaffProfile:
    staff: Staff | None
    postings: list[Posting] = field(default_factory=list)
    authorizations: list[Authorization] = field(default_factory=list)
    backing: list[BackupPost] = field(default_factory=list)
    backups: list[BackupPost] = field(default_factory=list)


def staff_profile(user: object) -> StaffProfile:
    """Everything the staff home page shows about the logged-in person."""
    staff = staff_of(user)
    if staff is None:
        return StaffProfile(None)
    postings = list(staff.postings.select_related("region", "department", "window")
                    .prefetch_related("window__departments").order_by("role"))
    remember_reaches(staff, postings)  # the page's roles and links ask for them: no second read
    # Both sides of the AB posts (whom I stand in for, who stands in for me) in one read.
    pairs = list(BackupPost.objects.filter(Q(backup=staff) | Q(primary=staff)).select_related("primary", "backup"))
    return StaffProfile(
        staff=staff,
        postings=postings,
        authorizations=list(staff.authorizations.select_related("department", "item__current_version")),
        backing=[p for p in pairs if p.backup_id == staff.pk],
        backups=[p for p in pairs if p.primary_id == staff.pk],
    )


# --- region-scoped lists (the workbench organization page and /api/v1/organization) ------------


def _within(code: str | None, field: str = "region") -> Q:
    """Rows in region ``code`` and below (all rows when ``code`` is empty)."""
    if not code:
        return Q()
    try:
        prefix = region_prefix(code)
    except InvalidRegionCode:
        raise DomainError("region.invalid_code", f"区划代码须为12位数字：{code!r}（区划代码）",
                          field="region") from None
    return Q(**{f"{field}__code__startswith": prefix})


def visible_departments(staff: Staff | None, *, region_code: str | None = None) -> QuerySet[Department]:
    """Departments in the regions the staff member's postings reach (:func:`region_q`)."""
    return (Department.objects.filter(region_q(staff)).filter(_within(region_code))
            .select_related("region").order_by("region__code", "order", "code"))


def visible_windows(staff: Staff | None, *, region_code: str | None = None) -> QuerySet[Window]:
    """Windows in the regions the staff member reaches, with their departments."""
    return (Window.objects.filter(region_q(staff)).filter(_within(region_code))
            .select_related("region").prefetch_related("departments").order_by("region__code", "number"))


def visible_staff(staff: Staff | None, *, region_code: str | None = None) -> QuerySet[Staff]:
    """Staff whose home region, or one of whose postings, lies where the staff member reaches."""
    reached = region_q(staff) | region_q(staff, field="postings__region")
    wanted = _within(region_code) | _within(region_code, "postings__region") if region_code else Q()
    # A subquery of ids, so that the joins through postings don't repeat rows.
    ids = Staff.objects.filter(reached).filter(wanted).values("id")
    return (Staff.objects.filter(id__in=ids)
            .select_related("region", "department")
            .prefetch_related(Prefetch("postings", queryset=Posting.objects.select_related(
                "region", "department", "window").order_by("role")))
            .order_by("region__code", "employee_number"))
