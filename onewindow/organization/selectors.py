"""Reads of the organization."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Authorization, BackupPost, Posting, Staff
from .permissions import staff_of


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
    return StaffProfile(
        staff=staff,
        postings=list(staff.postings.select_related("region", "department", "window").order_by("role")),
        authorizations=list(staff.authorizations.select_related("department", "item__current_version")),
        backing=list(staff.backing.select_related("primary")),
        backups=list(staff.backups.select_related("backup")),
    )
