"""Reads of the organization."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from django.db.models import Prefetch, Q, QuerySet

from onewindow.core.errors import DomainError

from .models import Authorization, BackupPost, Department, Posting, Staff, Window
from .permissions import read_postings, region_q, staff_of
from .rules import InvalidRegionCode, region_prefix


@dataclass
class StaffProfile:
    staff: Staff | None
    postings: list[Posting] = field(default_factory=list)
    authorizations: list[Authorization] = field(default_factory=list)
    backing: list[BackupPost] = field(default_factory=list)
    backups: list[BackupPost] = field(default_factory=list)


_by_pk = attrgetter("pk")


def _authorizations_of(staff_pk: int) -> QuerySet[Authorization]:
    return (Authorization.objects.filter(staff_id=staff_pk).select_related("department", "item__current_version")
            .order_by("pk"))


def _ab_posts_of(backup_pk: int, primary_pk: int) -> QuerySet[BackupPost]:
    # Both sides of the AB posts (whom I stand in for, who stands in for me) in one read; the
    # store's params are the statement's, so the member's id comes twice.
    return (BackupPost.objects.filter(Q(backup_id=backup_pk) | Q(primary_id=primary_pk)).select_related("primary", "backup")
            .order_by("pk"))


def staff_profile(user: object) -> StaffProfile:
    """Everything the staff home page shows about the logged-in person: one round trip with the
    reaches the page's roles and links ask for (:func:`permissions.read_postings`)."""
    staff = staff_of(user)
    if staff is None:
        return StaffProfile(None)
    postings, (authorizations, pairs) = read_postings(
        staff, ("organization.authorizations", _authorizations_of, [staff.pk]),
        ("organization.ab_posts", _ab_posts_of, [staff.pk, staff.pk]))
    pairs.sort(key=_by_pk)
    return StaffProfile(
        staff=staff,
        postings=postings,
        authorizations=sorted(authorizations, key=_by_pk),
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
