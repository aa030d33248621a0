"""Who is assessed: the subjects of each kind in a region, as (id, name) pairs."""

from __future__ import annotations

from onewindow.organization.models import Department, Region, Staff, Window

from .rules import SubjectKind


def subjects_of(kind: SubjectKind, region: Region) -> list[tuple[int, str]]:
    """Every subject of ``kind`` in ``region`` (active windows; staff posted there; departments;
    the township centers under it)."""
    if kind == SubjectKind.WINDOW:
        return [(w.id, f"{w.number} {w.name}") for w in Window.objects.filter(region=region, is_active=True)
                .order_by("number")]
    if kind == SubjectKind.STAFF:
        return list(Staff.objects.filter(postings__region=region).distinct().order_by("employee_number")
                    .values_list("id", "name"))
    if kind == SubjectKind.DEPARTMENT:
        return list(Department.objects.filter(region=region).order_by("id").values_list("id", "name"))
    return list(Region.objects.filter(parent=region, has_center=True).order_by("code").values_list("id", "name"))
