"""Writes of window duty: the roster (A and B posts), sign-in and sign-out at the window page,
absences and their approval."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction

from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Posting, Staff, Window
from onewindow.organization.permissions import Action, require

from .models import Absence, Attendance, RosterEntry
from .roster_services import check_person


def may_sit_at(staff: Staff, window: Window, day: date) -> bool:
    """Rostered at the window that day, or posted there."""
    return (RosterEntry.objects.filter(window=window, staff=staff, day=day).exists()
            or Posting.objects.filter(staff=staff, window=window).exists())


def roster_set(*, window: Window, staff: Staff, day: date, post: str, actor: Staff) -> RosterEntry:
    """Put ``staff`` on duty at ``window`` on ``day`` (A or B post); center administrators only.
    The roster's rules apply (roster_services.check_person: posted there, not on approved leave,
    not A at two windows); the roster page sets a whole cell with roster_services.roster_cell_set."""
    require(actor, Action.ORGANIZATION_EDIT, region=window.region)
    if post not in RosterEntry.Post.values:
        raise DomainError("hall.bad_post", "岗位应为 A 或 B", field="post")
    if staff.region_id != window.region_id:
        raise DomainError("hall.staff_elsewhere", f"{staff.name} 不是本中心的工作人员", field="staff")
    with transaction.atomic():
        check_person(staff, window, day, post, "staff")
        entry, _ = RosterEntry.objects.update_or_create(window=window, staff=staff, day=day,
                                                        defaults={"post": post})
    return entry


def sign_in(*, window: Window, actor: Staff, at: datetime | None = None) -> Attendance:
    """签到 at a window; signing in elsewhere first signs out of the previous window."""
    at = at or current_time()
    day = local_date(at)
    if not may_sit_at(actor, window, day):
        raise PermissionDenied(f"您今天不在 {window.number} 号窗口值班", code="forbidden.hall.not_on_duty")
    with transaction.atomic():
        for open_one in Attendance.objects.select_for_update().filter(staff=actor, signed_out_at__isnull=True):
            if open_one.window_id == window.pk and open_one.day == day:
                return open_one
            open_one.signed_out_at = at
            open_one.save(update_fields=["signed_out_at"])
        try:
            with transaction.atomic():
                return Attendance.objects.create(window=window, staff=actor, day=day, signed_in_at=at)
        except IntegrityError:
            raise Conflict("hall.signed_in_elsewhere", "您刚在另一处签到，请刷新页面") from None


def sign_out(*, actor: Staff, at: datetime | None = None) -> Attendance:
    """签退; the window stops calling when nobody is signed in there."""
    at = at or current_time()
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().filter(staff=actor, signed_out_at__isnull=True).first()
        if attendance is None:
            raise Conflict("hall.not_signed_in", "您当前没有签到", field="window")
        attendance.signed_out_at = at
        attendance.save(update_fields=["signed_out_at"])
    return attendance


def absence_request(*, actor: Staff, first_day: date, last_day: date, reason: str) -> Absence:
    """请假: the staff member asks; a center administrator decides."""
    if last_day < first_day:
        raise DomainError("hall.absence_dates", "结束日期不能早于开始日期", field="last_day")
    if not reason.strip():
        raise DomainError("hall.absence_reason", "请填写请假事由", field="reason")
    return Absence.objects.create(staff=actor, first_day=first_day, last_day=last_day, reason=reason.strip()[:200])


def absence_decide(*, absence_id: int, approve: bool, actor: Staff, at: datetime | None = None) -> Absence:
    """Approve or refuse a requested absence (center administrators of the staff member's region)."""
    at = at or current_time()
    with transaction.atomic():
        absence = Absence.objects.select_for_update(of=("self",)).select_related("staff__region").filter(pk=absence_id).first()
        if absence is None:
            raise NotFound("请假记录不存在", code="hall.absence_not_found")
        require(actor, Action.ORGANIZATION_EDIT, region=absence.staff.region)
        if absence.state != Absence.State.REQUESTED:
            raise Conflict("hall.absence_decided", "该请假已审批，请刷新页面")
        absence.state = Absence.State.APPROVED if approve else Absence.State.REFUSED
        absence.decided_by, absence.decided_at = actor, at
        absence.save(update_fields=["state", "decided_by", "decided_at"])
    return absence
